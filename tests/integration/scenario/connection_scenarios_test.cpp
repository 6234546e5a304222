// connection-storm and steady-state through scenario::runner against the embedded relay on
// 127.0.0.1 port 0: every connection accounted, and relay faults reported exactly.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <chrono>
#include <future>
#include <thread>

#include "relayload/relay/embedded_relay.hpp"
#include "relayload/scenario/runner.hpp"
#include "relayload/scenario/scenario_registry.hpp"

using namespace std::chrono_literals;
namespace sc = relayload::scenario;

namespace {

// Both ends of every connection live in this process.
void raise_open_file_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

const sc::scenario_info& builtin(const char* name) {
  static sc::scenario_registry registry = [] {
    sc::scenario_registry r;
    sc::register_builtin_scenarios(r);
    return r;
  }();
  const auto* info = registry.find(name);
  REQUIRE(info != nullptr);
  return *info;
}

sc::run_options options(const std::string& url, const char* scenario, std::uint64_t n) {
  sc::run_options o;
  o.target = url;
  o.scenario = scenario;
  o.connections = n;
  o.threads = 2;
  o.seed = 7;
  o.ramp_up = 1s;
  o.duration = 5s;
  return o;
}

}  // namespace

TEST_CASE("connection-storm of 2000 accounts for every connection", "[integration][scenario]") {
  raise_open_file_limit();
  relayload::relay::embedded_relay relay;
  relay.start();
  sc::runner r(builtin("connection-storm"), options(relay.url(), "connection-storm", 2000));
  auto future = r.start();
  REQUIRE(future.wait_for(60s) == std::future_status::ready);
  auto rep = future.get();
  REQUIRE(rep.has_value());
  CHECK_FALSE(rep->partial);
  CHECK(rep->connections.attempted == 2000);
  CHECK(rep->connections.successful == 2000);
  CHECK(rep->connections.failed == 0);
  CHECK(rep->connections.immediate + rep->connections.recovered == 2000);
  REQUIRE(rep->connect_time.has_value());
  CHECK(rep->connect_time->count() == 2000);
  CHECK(rep->counters.get("closedGracefully") + rep->counters.get("closeAborted") == 2000);
}

TEST_CASE("steady-state of 5000 held 5 s with 10% dropped mid-hold reports exactly those",
          "[integration][scenario]") {
  raise_open_file_limit();
  relayload::relay::embedded_relay relay;
  relay.start();
  sc::runner r(builtin("steady-state"), options(relay.url(), "steady-state", 5000));
  auto future = r.start();
  // Wait until all 5000 are connected (the ramp is 1 s), then drop 10 % during the hold.
  bool ramped = false;
  for (int i = 0; i < 300 && !ramped; ++i) {
    std::this_thread::sleep_for(100ms);
    ramped = relay.stats().connections_connected >= 5000;
  }
  REQUIRE(ramped);
  std::this_thread::sleep_for(1500ms);  // inside the 5 s hold
  const auto dropped = relay.drop_fraction(0.10, 42);
  REQUIRE(dropped.size() == 500);
  REQUIRE(future.wait_for(60s) == std::future_status::ready);
  auto rep = future.get();
  REQUIRE(rep.has_value());
  CHECK_FALSE(rep->partial);
  CHECK(rep->connections.attempted == 5000);
  CHECK(rep->connections.successful == 5000);
  REQUIRE(rep->steady_state.has_value());
  const auto& st = *rep->steady_state;
  CHECK(st.disconnect_events == 500);
  CHECK(st.dropped_connections == 500);
  CHECK(st.reconnects_during_hold == 500);
  CHECK(st.current_disconnects == 0);
  CHECK(st.peak_disconnects <= 500);
  CHECK(st.peak_disconnects >= 1);
  CHECK(rep->connection_stability() == Approx(90.0));
  CHECK(rep->errors.count("close_3011") == 500);  // the relay's "force reconnect" code
}
