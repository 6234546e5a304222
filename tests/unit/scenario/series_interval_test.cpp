// The time-series interval of a run comes from its planned length, which depends on the
// options only: every thread of every process (--shard, MPI ranks) gets the same interval,
// so their series merge; and the report's configuration says which options a run did not
// use. No sockets: a scenario that records what its shards are given.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "relayload/metrics/time_series.hpp"
#include "relayload/scenario/runner.hpp"
#include "relayload/scenario/scenario_registry.hpp"
#include "scenario/report_config_impl.hpp"

using namespace std::chrono_literals;
namespace sc = relayload::scenario;
namespace metrics = relayload::metrics;

namespace {

struct seen {
  std::mutex mutex;
  std::set<std::int64_t> intervals_ns;
  int shards = 0;
};

// Notes the interval its context carries, reports one connection, and is done.
class interval_shard final : public sc::scenario_shard {
 public:
  interval_shard(sc::shard_context& ctx, seen& out) : ctx_(ctx) {
    std::lock_guard<std::mutex> lock(out.mutex);
    out.intervals_ns.insert(ctx.series_interval.count());
    ++out.shards;
  }
  void start() override { ctx_.done(); }
  void stop() override {}
  metrics::report snapshot() const override { return {}; }

 private:
  sc::shard_context& ctx_;
};

sc::scenario_info interval_scenario(const std::string& name, seen& out) {
  sc::scenario_info info;
  info.name = name;
  info.description = "test";
  info.make_shard = [&out](sc::shard_context& ctx) {
    return std::make_unique<interval_shard>(ctx, out);
  };
  return info;
}

const sc::scenario_info& builtin(const std::string& name) {
  static const sc::scenario_registry registry = [] {
    sc::scenario_registry r;
    sc::register_builtin_scenarios(r);
    return r;
  }();
  const sc::scenario_info* info = registry.find(name);
  REQUIRE(info != nullptr);
  return *info;
}

}  // namespace

TEST_CASE("planned_duration: the run's shape from the options of each scenario",
          "[scenario][series]") {
  const sc::run_options d;  // the original's defaults: ramp 10 s, duration 60 s, ...
  CHECK(sc::planned_duration(d, "connection-storm") == 11s);
  CHECK(sc::planned_duration(d, "steady-state") == 70s);
  // Ramp, the 5 s QR delay, 3 × (0.5 s gap + 1 s think), and a second to settle.
  CHECK(sc::planned_duration(d, "realistic-session") == 20'500ms);
  CHECK(sc::planned_duration(d, "async-delivery") == 41s);
  CHECK(sc::planned_duration(d, "steady-messaging") == 70s);
  CHECK(sc::planned_duration(d, "reconnect-storm") == 16s);
  CHECK(sc::planned_duration(d, "a-custom-one") == 70s);
  // The intervals of the defaults: 100 to 300 points each.
  CHECK(metrics::series_interval_for(sc::planned_duration(d, "connection-storm")) == 50ms);
  CHECK(metrics::series_interval_for(sc::planned_duration(d, "steady-state")) == 250ms);
  CHECK(metrics::series_interval_for(sc::planned_duration(d, "realistic-session")) == 100ms);
  CHECK(metrics::series_interval_for(sc::planned_duration(d, "async-delivery")) == 200ms);
  CHECK(metrics::series_interval_for(sc::planned_duration(d, "reconnect-storm")) == 100ms);
  // A one-hour soak, and absurd but valid options (no overflow).
  sc::run_options soak;
  soak.duration = 1h;
  CHECK(metrics::series_interval_for(sc::planned_duration(soak, "steady-state")) == 15s);
  sc::run_options huge;
  huge.messages_per_session = 100'000'000;
  huge.response_delay = std::chrono::hours(24 * 365);
  CHECK(metrics::series_interval_for(sc::planned_duration(huge, "realistic-session")) == 24h);
}

TEST_CASE("every shard of every process gets the same series interval", "[scenario][series]") {
  seen out;
  const std::uint32_t processes = 3;
  const unsigned threads_of[processes] = {1, 4, 2};
  for (std::uint32_t i = 0; i < processes; ++i) {
    sc::run_options o;
    o.target = "ws://127.0.0.1:9/connection/websocket";  // never contacted
    o.scenario = "realistic-session";
    o.connection_pairs = 40;
    o.ramp_up = 2s;
    o.wallet_connect_delay = 300ms;
    o.messages_per_session = 2;
    o.response_delay = 100ms;
    o.threads = threads_of[i];
    o.seed = 7 + i;  // seeds differ per process; the interval must not
    o.shard_index = i;
    o.shard_count = processes;
    sc::runner r(interval_scenario("realistic-session", out), o);
    auto result = r.start().get();
    REQUIRE(result);
  }
  CHECK(out.shards == 1 + 4 + 2);
  // 2 s + 0.3 s + 2 × 0.6 s + 1 s = 4.5 s: 20 ms intervals, 225 of them.
  CHECK(out.intervals_ns == std::set<std::int64_t>{20'000'000});
}

TEST_CASE("the report's configuration names the options a scenario does not use",
          "[scenario][config]") {
  sc::run_options o;
  const auto unused = [&o](const char* scenario) {
    return sc::report_config_unused(o, builtin(scenario));
  };
  using keys = std::vector<std::string>;
  CHECK(unused("connection-storm") == keys{"durationSec", "sourceIps"});
  CHECK(unused("steady-state") == keys{"sourceIps"});
  CHECK(unused("realistic-session") == keys{"durationSec", "commandTimeoutSec", "sourceIps"});
  CHECK(unused("async-delivery") ==
        keys{"durationSec", "walletDelaySec", "commandTimeoutSec", "sourceIps"});
  CHECK(unused("steady-messaging") == keys{"commandTimeoutSec", "sourceIps"});
  CHECK(unused("reconnect-storm") == keys{"sourceIps"});
  o.source_ips = {"127.0.0.2"};
  CHECK(unused("steady-state").empty());
  // Every unused key is a key of the configuration, which keeps them all (the JSON's
  // config is the original's, with durationSec for every scenario).
  for (const char* s : {"connection-storm", "steady-state", "realistic-session", "async-delivery",
                        "steady-messaging", "reconnect-storm"}) {
    INFO(s);
    const auto config = sc::report_config(o, builtin(s));
    CHECK(config.find("durationSec") != nullptr);
    for (const std::string& k : unused(s)) CHECK(config.find(k) != nullptr);
  }
  // reconnect-storm's own options are in its configuration.
  o.storm_pairs = true;
  const auto storm = sc::report_config(o, builtin("reconnect-storm"));
  CHECK(storm.find("stormAfterSec") != nullptr);
  CHECK(storm.find("stormOutageSec") != nullptr);
  CHECK(storm.find("messagesPerSession") != nullptr);
}

TEST_CASE("the report's configuration names the WebSocket client and compression",
          "[scenario][config]") {
  sc::run_options o;
  const auto config = [&o] { return sc::report_config(o, builtin("steady-state")); };
  REQUIRE(config().find("transport") != nullptr);
  CHECK(*config().find("transport") == relayload::metrics::config_value(std::string("lean")));
  CHECK(*config().find("compression") == relayload::metrics::config_value(false));
  o.transport = relayload::client::transport_kind::websocketpp;
  o.compression = true;
  CHECK(*config().find("transport") ==
        relayload::metrics::config_value(std::string("websocketpp")));
  CHECK(*config().find("compression") == relayload::metrics::config_value(true));
}
