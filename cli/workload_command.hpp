// Steps of `run --workload` that `capacity` and the MPI launcher share.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "relayload/relay/embedded_relay.hpp"
#include "relayload/scenario/scenario_registry.hpp"
#include "relayload/scenario/workload.hpp"

namespace relayload::cli {

/// Client sockets a workload holds at its peak in this process (its --shard slice): closed
/// groups their count, open groups their rate times how long a unit lives; ×2 for pairs.
std::uint64_t workload_sockets(const scenario::workload& w,
                               const scenario::scenario_registry& registry);
/// The "Workload:" block: target, duration, threads and every group with its arrivals.
void print_workload(const scenario::workload& w, const std::string& target,
                    const std::string& output, unsigned threads);
/// Starts the embedded relay (accepting the generated tokens of --token-hmac-secret) and
/// sets `target` to its URL. Throws what embedded_relay::start throws.
std::unique_ptr<relay::embedded_relay> start_embedded_relay(const scenario::run_options& o,
                                                            std::string& target);
/// Pre-flight of the process limits for `client_sockets` (and as many server sockets with
/// the embedded relay in this process); exit_code::ok, or exit_code::preflight after listing
/// every problem. Prints the advice (e.g. more source addresses) without stopping.
/// `run_client_sockets`: the whole run's client sockets when this process is one shard of it
/// (0: `client_sockets`). Call it before anything opens a socket.
int check_preflight(std::uint64_t client_sockets, bool embedded_relay,
                    std::size_t source_addresses, std::uint64_t run_client_sockets = 0);

}  // namespace relayload::cli
