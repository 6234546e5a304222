// connection-storm and steady-state through scenario::runner against the embedded relay on
// 127.0.0.1 port 0: every connection accounted, and relay faults reported exactly.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <thread>

#include "relay_fixture.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "relayload/scenario/runner.hpp"
#include "scenario_fixture.hpp"

using namespace std::chrono_literals;
using namespace relayload::test;
namespace sc = relayload::scenario;
using relayload::relay::embedded_relay;

namespace {

sc::run_options options(const embedded_relay& relay, const char* scenario, std::uint64_t n) {
  sc::run_options o = run_options_for(relay, scenario, 7);
  o.connections = n;
  o.duration = 5s;
  return o;
}

}  // namespace

TEST_CASE("connection-storm of 2000 accounts for every connection", "[integration][scenario]") {
  raise_open_file_limit();
  auto relay = start_relay();
  const auto rep = run_scenario(builtin_scenario("connection-storm"),
                                options(*relay, "connection-storm", 2000), 60s);
  CHECK_FALSE(rep.partial);
  CHECK(rep.connections.attempted == 2000);
  CHECK(rep.connections.successful == 2000);
  CHECK(rep.connections.failed == 0);
  CHECK(rep.connections.immediate + rep.connections.recovered == 2000);
  REQUIRE(rep.connect_time.has_value());
  CHECK(rep.connect_time->count() == 2000);
  CHECK(rep.counters.get("closedGracefully") + rep.counters.get("closeAborted") == 2000);
  CHECK(rep.connections_opened == std::optional<std::uint64_t>(2000));
  // The "connections" series, at the interval planned from the options: every connect in it.
  const auto& s = rep.series.at(relayload::metrics::connections_series);
  CHECK(s.options().interval ==
        relayload::metrics::series_interval_for(
            sc::planned_duration(options(*relay, "connection-storm", 2000), "connection-storm")));
  std::uint64_t connects = 0;
  for (const auto& i : s.intervals()) connects += i.counters[*s.counter_id("connects")];
  CHECK(connects == 2000);
}

TEST_CASE("steady-state of 5000 held 5 s with 10% dropped mid-hold reports exactly those",
          "[integration][scenario][heavy]") {
  raise_open_file_limit();
  auto relay = start_relay();
  const auto o = options(*relay, "steady-state", 5000);
  const auto rep = run_scenario(builtin_scenario("steady-state"), o, 60s, [&](sc::runner&) {
    // Wait until all 5000 are connected (the ramp is 1 s), then drop 10 % during the hold.
    REQUIRE(wait_for_connections(*relay, 5000));
    std::this_thread::sleep_for(1500ms);  // inside the 5 s hold
    const auto dropped = relay->drop_fraction(0.10, 42);
    REQUIRE(dropped.size() == 500);
  });
  CHECK_FALSE(rep.partial);
  CHECK(rep.connections.attempted == 5000);
  CHECK(rep.connections.successful == 5000);
  REQUIRE(rep.steady_state.has_value());
  const auto& st = *rep.steady_state;
  CHECK(st.disconnect_events == 500);
  CHECK(st.dropped_connections == 500);
  CHECK(st.reconnects_during_hold == 500);
  CHECK(st.current_disconnects == 0);
  CHECK(st.peak_disconnects <= 500);
  CHECK(st.peak_disconnects >= 1);
  CHECK(rep.connection_stability() == Approx(90.0));
  CHECK(rep.errors.count("close_3011") == 500);  // the relay's "force reconnect" code
}
