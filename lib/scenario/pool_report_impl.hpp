// Turns a connection pool's snapshot into a report (the arithmetic of the connection
// scenarios), and the source-address list of the options into addresses.
#pragma once

#include <asio/ip/address.hpp>
#include <vector>

#include "relayload/client/client_options.hpp"
#include "relayload/client/pool_snapshot.hpp"
#include "relayload/metrics/report.hpp"
#include "relayload/scenario/run_options.hpp"

namespace relayload::scenario {

/// Fills connections (and connections_opened), connectTime, retries, errors, histograms, counters
/// and the "connections" time series of `r` from `s`.
void fill_from_pool(metrics::report& r, const client::pool_snapshot& s);

/// run_options::source_ips as addresses (they were validated before).
std::vector<asio::ip::address> source_addresses(const run_options& o);

/// The connect token of run_options (a fixed --token, or an HS256 provider from
/// --token-hmac-secret/--user/--token-ttl) into the clients' options.
void apply_token_options(const run_options& o, client::client_options& c);

}  // namespace relayload::scenario
