#include "scenario/pool_report_impl.hpp"

#include "relayload/auth/token_provider.hpp"

namespace relayload::scenario {

void fill_from_pool(metrics::report& r, const client::pool_snapshot& s) {
  const auto& c = s.counters;
  // Connections never started (the run was stopped first) are attempted-and-failed: every
  // planned connection ends in exactly one outcome.
  r.connections.attempted = c.started + c.not_started;
  r.connections.immediate = c.immediate;
  r.connections.recovered = c.recovered;
  r.connections.successful = c.immediate + c.recovered;
  r.connections_opened = r.connections.successful;  // one connection per success
  r.connections.failed = c.failed + c.not_started + c.pending();
  r.connect_time = s.connect_time;
  r.total_retries = c.retries;

  r.histograms.insert_or_assign("connect.serviceTime", s.service_time);
  r.histograms.insert_or_assign("connect.resolve", s.resolve);
  r.histograms.insert_or_assign("connect.tcpConnect", s.tcp_connect);
  r.histograms.insert_or_assign("connect.tlsHandshake", s.tls_handshake);
  r.histograms.insert_or_assign("connect.wsUpgrade", s.ws_upgrade);
  r.histograms.insert_or_assign("connect.connectReply", s.connect_reply);
  r.histograms.insert_or_assign("connect.timeToFailure", s.time_to_failure);
  r.histograms.insert_or_assign("reconnect.timeToReconnect", s.time_to_reconnect);

  r.errors.merge(s.errors);       // every failed attempt, by cause
  r.errors.merge(s.disconnects);  // every drop of an established connection, by cause
  for (const auto& e : s.failures.entries()) r.counters.add("failedBy." + e.cause, e.count);

  r.counters.add("attempts", c.attempts);
  r.counters.add("attemptErrors", c.errors);
  r.counters.add("drops", c.drops);
  r.counters.add("reconnects", c.reconnects);
  r.counters.add("stoppedEarly", c.stopped_early);
  r.counters.add("notStarted", c.not_started);
  r.counters.add("pendingAtEnd", c.pending());
  r.counters.add("closedGracefully", c.closed);
  r.counters.add("closeAborted", c.aborted);
  r.counters.add("generator.started", s.generator.started);
  r.counters.add("generator.late", s.generator.late);
  r.counters.add("generator.beyondClamp", s.generator.beyond_clamp);
  r.series.insert_or_assign("connections", s.activity);
}

std::vector<asio::ip::address> source_addresses(const run_options& o) {
  std::vector<asio::ip::address> out;
  out.reserve(o.source_ips.size());
  for (const auto& ip : o.source_ips) {
    std::error_code ec;
    auto a = asio::ip::make_address(ip, ec);
    if (!ec) out.push_back(a);
  }
  return out;
}

void apply_token_options(const run_options& o, client::client_options& c) {
  c.compression = o.compression;  // not a token option, but applied to every client here too
  c.token = o.token;
  if (!o.token_hmac_secret.empty()) {
    auth::token_provider_options t;
    t.secret = o.token_hmac_secret;
    if (!o.token_user.empty()) t.user = o.token_user;
    t.ttl = o.token_ttl;
    c.token_provider = auth::hs256_token_provider(std::move(t));
  }
}

}  // namespace relayload::scenario
