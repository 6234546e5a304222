// connection_pool — a harness of your own on client::connection_pool: open 200 connections on
// a pacing schedule, hold them for 2 s, close them, and check that every connection is
// accounted for in the pool_snapshot. Start here to write a load test the built-in scenarios
// do not cover; scenario::runner does the same on several threads (one pool per thread).
//
// Run: example_connection_pool [--target ws://host:port/connection/websocket]
// Without --target it starts the embedded relay on 127.0.0.1 (a free port).
#include <asio.hpp>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "relayload/client/connection_pool.hpp"
#include "relayload/metrics/latency_stats.hpp"
#include "relayload/pacing/constant_rate_schedule.hpp"
#include "relayload/relay/embedded_relay.hpp"

namespace rl = relayload;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

int main(int argc, char** argv) {
  constexpr std::uint64_t connections = 200;

  // The relay runs on its own thread; this thread runs the clients' event loop.
  rl::relay::embedded_relay relay;
  std::string target = argc == 3 && std::string(argv[1]) == "--target" ? argv[2] : "";
  if (target.empty()) {
    relay.start();
    target = relay.url();
  }
  auto url = rl::net::ws_url::parse(target);
  if (!url) {
    std::fprintf(stderr, "bad --target %s: %s\n", target.c_str(), url.error().message().c_str());
    return 1;
  }

  // One io_context and one client_context per thread: the context holds the ONE timer that
  // every deadline of every connection (watchdogs, backoff, pacing) shares.
  asio::io_context io;
  rl::client::client_context context(io);

  rl::client::pool_options options;  // defaults: the original load tests' raw client
  options.client.url = *url;
  options.close_timeout = 5s;  // close_all() aborts what has not closed by then
  options.seed = 7;            // backoff jitter is repeatable
  for (const auto& problem : options.validate()) std::fprintf(stderr, "%s\n", problem.c_str());
  rl::client::connection_pool pool(context, options);

  // The schedule: 200 starts spread evenly over 1 s (start i at i·1s/200 after t0). Connect
  // times are measured from these INTENDED starts, so a late generator cannot hide latency.
  auto schedule = rl::pacing::constant_rate_schedule::spread(connections, 1s);
  if (!schedule) return 1;

  // Events arrive on this thread. on_settled: every connection has an outcome.
  bool settled = false;
  pool.callbacks().on_settled = [&] { settled = true; };
  if (auto ec = pool.start(rl::pacing::schedule(*schedule), clock_type::now())) {
    std::fprintf(stderr, "start: %s\n", ec.message().c_str());
    return 1;
  }

  // Runs the loop until `done` or `limit`; every wait in a harness should be bounded.
  auto run_until = [&io](auto done, clock_type::duration limit) {
    const auto deadline = clock_type::now() + limit;
    while (!done() && clock_type::now() < deadline) {
      io.restart();
      io.run_for(10ms);
    }
    return done();
  };
  if (!run_until([&] { return settled; }, 30s)) std::fprintf(stderr, "not settled in 30 s\n");

  // Hold: drops and reconnects between begin_hold() and end_hold() are counted apart.
  pool.begin_hold();
  run_until([] { return false; }, 2s);
  pool.end_hold();
  const auto live = pool.counters();  // cheap: counters only, for a progress line
  std::printf("holding: %llu connected, %llu down, %llu drops during the hold\n",
              static_cast<unsigned long long>(live.connected_now),
              static_cast<unsigned long long>(live.down_now),
              static_cast<unsigned long long>(live.hold_drops));

  // Close gracefully; `done` gets the final snapshot (bounded by close_timeout).
  std::optional<rl::client::pool_snapshot> final_snapshot;
  pool.close_all([&](const rl::client::pool_snapshot& s) { final_snapshot = s; });
  if (!run_until([&] { return final_snapshot.has_value(); }, 20s)) return 1;

  const auto& c = final_snapshot->counters;
  const auto stats = rl::metrics::latency_stats::from(final_snapshot->connect_time);
  std::printf("planned %llu, started %llu: immediate %llu, recovered %llu, failed %llu\n",
              static_cast<unsigned long long>(c.planned), static_cast<unsigned long long>(c.started),
              static_cast<unsigned long long>(c.immediate),
              static_cast<unsigned long long>(c.recovered),
              static_cast<unsigned long long>(c.failed));
  std::printf("closed %llu, aborted %llu; connect time ms: p50 %lld p99 %lld max %lld\n",
              static_cast<unsigned long long>(c.closed), static_cast<unsigned long long>(c.aborted),
              static_cast<long long>(stats ? stats->p50 : -1),
              static_cast<long long>(stats ? stats->p99 : -1),
              static_cast<long long>(stats ? stats->max : -1));
  for (const auto& e : final_snapshot->failures.entries()) {  // failures keep their cause
    std::printf("  failed: %s x%llu\n", e.cause.c_str(), static_cast<unsigned long long>(e.count));
  }

  // Every connection accounted: each planned one started and has exactly one outcome, each
  // successful one has a connect time, and each was closed (or aborted) at the end.
  const bool ok = c.planned == connections && c.started == connections && c.not_started == 0 &&
                  c.pending() == 0 && c.outcomes() == connections && c.failed == 0 &&
                  final_snapshot->connect_time.count() == c.immediate + c.recovered &&
                  c.closed + c.aborted == connections;
  std::printf("%s\n", ok ? "OK: every connection accounted for" : "FAILED");
  return ok ? 0 : 1;
}
