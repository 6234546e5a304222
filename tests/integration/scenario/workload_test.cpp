// Workload mixes through scenario::workload_runner against the embedded relay on 127.0.0.1
// port 0: every unit of every group accounted for, totals equal to the sum of the groups,
// and an open model that falls behind starts every unit late rather than dropping any.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <thread>

#include "relay_fixture.hpp"
#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/slo.hpp"
#include "relayload/pacing/pacer.hpp"
#include "relayload/scenario/workload_runner.hpp"
#include "scenario_fixture.hpp"

using namespace std::chrono_literals;
using namespace relayload::test;
namespace sc = relayload::scenario;
namespace metrics = relayload::metrics;
namespace pacing = relayload::pacing;

namespace {

sc::scenario_registry builtin_registry() {
  sc::scenario_registry r;
  sc::register_builtin_scenarios(r);
  return r;
}

sc::workload_group group(const sc::workload& w, std::string name, std::string scenario) {
  sc::workload_group g;
  g.name = std::move(name);
  g.scenario = std::move(scenario);
  g.options = w.defaults;
  return g;
}

metrics::report run_workload(const sc::workload& w, const sc::scenario_registry& registry,
                             std::chrono::seconds limit) {
  sc::workload_runner runner(w, registry);
  auto future = runner.start();
  REQUIRE(future.wait_for(limit) == std::future_status::ready);
  auto rep = future.get();
  REQUIRE(rep.has_value());
  return std::move(*rep);
}

std::uint64_t series_total(const metrics::report& r, const char* series, const char* counter) {
  const auto& s = r.series.at(series);
  const auto id = s.counter_id(counter);
  REQUIRE(id.has_value());
  std::uint64_t n = 0;
  for (const auto& i : s.intervals()) n += i.counters[*id];
  return n;
}

}  // namespace

TEST_CASE("a three-group mix accounts for every unit of every group, totals are their sum",
          "[integration][scenario][workload]") {
  raise_open_file_limit();
  auto relay = start_relay();
  const auto registry = builtin_registry();
  sc::workload w;
  w.defaults = session_run_options(*relay, "realistic-session", 1, 11);
  w.defaults.messages_per_session = 2;
  w.duration = 3s;

  auto idle = group(w, "idle-wallets", "steady-state");
  idle.arrivals.kind = sc::arrival_kind::closed;
  idle.arrivals.count = 30;
  idle.arrivals.ramp_up = 1s;
  auto sessions = group(w, "new-sessions", "realistic-session");
  sessions.arrivals.kind = sc::arrival_kind::constant;
  sessions.arrivals.rate = pacing::rate::per_second(5);
  auto offline = group(w, "offline-wallets", "async-delivery");
  offline.arrivals.kind = sc::arrival_kind::constant;
  offline.arrivals.rate = pacing::rate::per_second(2);
  offline.start_after = 1s;
  offline.duration = 1500ms;
  offline.options.delay = 300ms;
  w.groups = {idle, sessions, offline};
  REQUIRE(w.validate().empty());

  const auto rep = run_workload(w, registry, 90s);
  CHECK_FALSE(rep.partial);
  CHECK(rep.scenario == metrics::workload_scenario);
  REQUIRE(rep.groups.size() == 3);
  const auto& gi = rep.groups[0].result;
  const auto& gs = rep.groups[1].result;
  const auto& go = rep.groups[2].result;
  CHECK(rep.groups[0].name == "idle-wallets");
  CHECK(gi.scenario == "steady-state");
  CHECK(gs.scenario == "realistic-session");
  CHECK(go.scenario == "async-delivery");

  // Every unit planned by the arrival model was attempted, and on a healthy relay succeeded.
  CHECK(gi.connections.attempted == 30);
  CHECK(gi.connections.successful == 30);
  CHECK(gs.connections.attempted == 15);  // 5/s over the 3 s window, t_k = k/5
  CHECK(gs.connections.successful == 15);
  CHECK(go.connections.attempted == 3);   // 2/s over 1.5 s from 1 s in
  REQUIRE(go.recovery.has_value());
  CHECK(go.recovery->received == 3);
  REQUIRE(gs.messages.has_value());
  CHECK(gs.messages->sent == 30);
  CHECK(gs.messages->received == 30);
  REQUIRE(gi.steady_state.has_value());
  CHECK(gi.steady_state->dropped_connections == 0);

  // The arrivals series of each group counts exactly its units, by intended start: the
  // offline group's first unit is intended at 1 s, so nothing lands before it.
  CHECK(series_total(gi, "arrivals", "started") == 30);
  CHECK(series_total(gs, "arrivals", "started") == 15);
  CHECK(series_total(go, "arrivals", "started") == 3);
  CHECK(gs.histograms.at("generator.lateness").count() == 15);
  const auto& off = go.series.at("arrivals");
  const auto before_start = off.index_at(1s) ;
  for (const auto& i : off.intervals()) {
    if (i.index < before_start) CHECK(i.counters[0] == 0);
  }

  // Totals are the exact sums of the groups.
  CHECK(rep.connections.attempted == 30 + 15 + 3);
  CHECK(rep.connections.successful == gi.connections.successful + gs.connections.successful +
                                          go.connections.successful);
  REQUIRE(rep.handshake.has_value());
  CHECK(rep.handshake->attempted == 18);
  CHECK(rep.handshake->latency.count() ==
        gs.handshake->latency.count() + go.handshake->latency.count());
  REQUIRE(rep.messages.has_value());
  CHECK(rep.messages->sent == gs.messages->sent);
  CHECK(rep.histograms.at("generator.loopLag").count() > 0);
  CHECK(rep.connections_opened ==
        std::optional<std::uint64_t>(30 + *gs.connections_opened + *go.connections_opened));

  // The document round-trips, groups included.
  std::string why;
  const auto back = metrics::parse_report(metrics::to_json(rep), &why);
  INFO(why);
  REQUIRE(back.has_value());
  CHECK(*back == rep);

  // Group-addressed objectives judge their group; a missing group has no data.
  auto slo = [&](const char* e) {
    auto o = metrics::parse_slo(e);
    REQUIRE(o.has_value());
    return metrics::evaluate_slos(rep, {*o}).front();
  };
  CHECK(slo("groups.new-sessions.connections.successRate>=100").pass);
  CHECK_FALSE(slo("groups.new-sessions.handshake.latency.p99<=0.001ms").pass);
  CHECK(slo("groups.nobody.connections.successRate>=0").actual == "no data");
}

namespace {

// A scenario whose units take 20 ms of the thread each: arrivals at 200/s on one thread
// cannot all start on time.
class slow_starter final : public sc::scenario_shard {
 public:
  explicit slow_starter(sc::shard_context& ctx) : ctx_(ctx), timer_(ctx.io) {}
  void start() override {
    REQUIRE(ctx_.arrivals.has_value());
    pacer_.emplace(*ctx_.arrivals, ctx_.t0);
    pace();
  }
  void stop() override {
    timer_.cancel();
    finish();
  }
  relayload::metrics::report snapshot() const override {
    relayload::metrics::report r;
    r.connections.attempted = started_;
    r.connections.successful = started_;
    return r;
  }

 private:
  void pace() {
    pacer_->release(sc::clock::now(), [this](const pacing::due_event& e) {
      ++started_;
      ctx_.unit_started(e);
      std::this_thread::sleep_for(20ms);
    });
    if (auto due = pacer_->next_due()) {
      timer_.expires_at(*due);
      timer_.async_wait([this](std::error_code ec) {
        if (!ec) pace();
      });
    } else {
      finish();
    }
  }
  void finish() {
    if (!finished_) {
      finished_ = true;
      ctx_.done();
    }
  }

  sc::shard_context& ctx_;
  asio::steady_timer timer_;
  std::optional<pacing::pacer> pacer_;
  std::uint64_t started_ = 0;
  bool finished_ = false;
};

}  // namespace

TEST_CASE("an open model that outruns the generator starts every unit, late and counted",
          "[integration][scenario][workload]") {
  sc::scenario_registry registry;
  REQUIRE(registry.add({"slow-starter", "units that take 20 ms each to start", false,
                        [](sc::shard_context& ctx) {
                          return std::make_unique<slow_starter>(ctx);
                        }}));
  sc::workload w;
  w.defaults.target = "ws://127.0.0.1:9/unused";  // the scenario never connects
  w.defaults.threads = 1;
  w.defaults.seed = 5;
  w.duration = 500ms;
  sc::workload_group g;
  g.name = "too-fast";
  g.scenario = "slow-starter";
  g.options = w.defaults;
  g.arrivals.kind = sc::arrival_kind::constant;
  g.arrivals.rate = pacing::rate::per_second(200);
  w.groups = {g};

  const auto rep = run_workload(w, registry, 30s);
  const auto& r = rep.groups.at(0).result;
  // 200/s over 0.5 s: 100 units, every one started although the thread could do only 50/s.
  CHECK(r.connections.attempted == 100);
  const auto& lateness = r.histograms.at("generator.lateness");
  CHECK(lateness.count() == 100);
  CHECK(series_total(r, "arrivals", "started") == 100);
  // Most were late by far more than the 1 ms threshold; the last by a second or more.
  CHECK(series_total(r, "arrivals", "late") >= 90);
  CHECK(lateness.max() >= 500'000'000);
}
