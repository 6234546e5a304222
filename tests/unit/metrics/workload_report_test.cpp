// Workload reports: totals as exact sums of the groups, merges group by group, group-addressed
// objectives, and the JSON (groups and the capacity answer) reading back what was written.
#include <catch2/catch.hpp>

#include <chrono>

#include "relayload/metrics/report.hpp"
#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/slo.hpp"

using namespace relayload::metrics;
using namespace std::chrono_literals;

namespace {

report pairs_group(std::uint64_t attempted, std::uint64_t ok, std::int64_t latency_ms) {
  report r;
  r.scenario = "realistic-session";
  r.target = "ws://relay.test/connection/websocket";
  r.connections.attempted = attempted;
  r.connections.successful = ok;
  r.connections.failed = attempted - ok;
  r.connections_opened = ok * 2;
  handshake_section h;
  h.attempted = attempted;
  h.successful = ok;
  h.failed = attempted - ok;
  for (std::uint64_t i = 0; i < ok; ++i) h.latency.record(std::chrono::nanoseconds(latency_ms * 1'000'000));
  r.handshake = h;
  time_series_options o;
  o.counters = {"started"};
  time_series s(o);
  s.count(0, 0, attempted);
  r.series.emplace("arrivals", s);
  r.counters.add("pairs.started", attempted);
  return r;
}

report pool_group(std::uint64_t n) {
  report r;
  r.scenario = "steady-state";
  r.target = "ws://relay.test/connection/websocket";
  r.connections.attempted = n;
  r.connections.successful = n;
  histogram connect;
  connect.record(std::chrono::nanoseconds(2'000'000), n);
  r.connect_time = connect;
  r.steady_state = steady_state_section{};
  time_series_options o;
  o.counters = {"started"};
  time_series s(o);
  s.count(0, 0, n);
  r.series.emplace("arrivals", s);
  time_series_options c;
  c.counters = {"connects"};  // a layout of its own: not summed with the pairs' series
  r.series.emplace("connections", time_series(c));
  return r;
}

report workload_of(std::vector<group_report> groups) {
  report w = workload_totals(groups);
  w.scenario = workload_scenario;
  w.target = "ws://relay.test/connection/websocket";
  w.groups = std::move(groups);
  return w;
}

}  // namespace

TEST_CASE("workload totals are exact sums of the groups", "[metrics][workload]") {
  auto sessions = pairs_group(10, 9, 5);
  auto idle = pool_group(100);
  time_series_options c;
  c.counters = {"opened"};
  sessions.series.emplace("connections", time_series(c));
  const report t = workload_totals({{"new-sessions", sessions}, {"idle-wallets", idle}});
  CHECK(t.connections.attempted == 110);
  CHECK(t.connections.successful == 109);
  CHECK(t.connections.failed == 1);
  // Pairs count their WebSockets; pools one per successful connect.
  CHECK(t.connections_opened == std::optional<std::uint64_t>(18 + 100));
  REQUIRE(t.handshake.has_value());
  CHECK(t.handshake->latency.count() == 9);
  REQUIRE(t.connect_time.has_value());
  CHECK(t.connect_time->count() == 100);
  // Scenario-specific sections stay in their groups.
  CHECK_FALSE(t.steady_state.has_value());
  // A series of one layout in every group is summed; one whose layouts differ is left out.
  REQUIRE(t.series.count("arrivals") == 1);
  CHECK(t.series.at("arrivals").intervals().at(0).counters.at(0) == 110);
  CHECK(t.series.count("connections") == 0);
  CHECK(t.counters.get("pairs.started") == 10);
}

TEST_CASE("workload reports merge group by group, and refuse different groups",
          "[metrics][workload]") {
  report a = workload_of({{"new-sessions", pairs_group(10, 10, 5)}, {"idle", pool_group(5)}});
  const report b = workload_of({{"new-sessions", pairs_group(4, 3, 7)}, {"idle", pool_group(7)}});
  REQUIRE(a.merge(b));
  CHECK(a.groups.at(0).result.connections.attempted == 14);
  CHECK(a.groups.at(1).result.connections.attempted == 12);
  CHECK(a.connections.attempted == 26);
  CHECK(a.handshake->latency.count() == 13);

  report c = workload_of({{"new-sessions", pairs_group(1, 1, 5)}});
  const report before = c;
  CHECK_FALSE(c.merge(b));  // a group missing on one side
  CHECK(c == before);
  report d = workload_of({{"other", pairs_group(4, 3, 7)}, {"idle", pool_group(7)}});
  report e = workload_of({{"new-sessions", pairs_group(4, 3, 7)}, {"idle", pool_group(7)}});
  CHECK_FALSE(e.merge(d));  // same count, different names
}

TEST_CASE("objectives address a group or the totals", "[metrics][workload][slo]") {
  const report w =
      workload_of({{"new-sessions", pairs_group(10, 10, 5)}, {"slow", pairs_group(10, 10, 900)}});
  auto verdict = [&](const char* text) {
    std::string why;
    auto o = parse_slo(text, &why);
    INFO(why);
    REQUIRE(o.has_value());
    return evaluate_slos(w, {*o}).front();
  };
  CHECK(verdict("groups.new-sessions.handshake.latency.p99<=10ms").pass);
  CHECK_FALSE(verdict("groups.slow.handshake.latency.p99<=10ms").pass);
  CHECK_FALSE(verdict("handshake.latency.p99<=10ms").pass);  // the totals hold both
  CHECK(verdict("groups.nobody.handshake.latency.p99<=10ms").actual == "no data");
  std::string why;
  CHECK_FALSE(parse_slo("groups.new-sessions.bogus<=1", &why));
  CHECK(why.find("unknown field") != std::string::npos);
  CHECK_FALSE(parse_slo("groups.Bad_Name.handshake.latency.p99<=1", &why));
  CHECK_FALSE(parse_slo("groups.a.groups.b.handshake.latency.p99<=1", &why));
}

TEST_CASE("workload and capacity documents read back as written", "[metrics][workload][json]") {
  report w = workload_of({{"new-sessions", pairs_group(10, 9, 5)}, {"idle", pool_group(3)}});
  capacity_result c;
  c.parameter = "new-sessions.rate";
  c.unit = "sessions/s";
  c.last_passing = 10;
  c.first_failing = 15;
  c.breached = {{"messages.latency.p99<=300ms", "950ms", std::nullopt, false}};  // written brief
  c.verdict = "capacity: 10 sessions/s";
  capacity_step s;
  s.value = 15;
  s.start = 10s;
  s.measured_from = 11s;
  s.end = 15s;
  s.achieved_rate = 14.75;
  s.units = 59;
  s.slo = {{"messages.latency.p99<=300ms", "950ms", 950e6, false}};
  s.generator.cpu_percent = 3.5;
  s.generator.lag_p99_ms = 0.8;
  s.generator.rss_mb = 48;
  s.generator.lateness_limit_ms = 10;
  c.steps = {s};
  w.capacity = c;
  const std::string json = to_json(w);
  std::string why;
  auto back = parse_report(json, &why);
  INFO(why);
  REQUIRE(back.has_value());
  CHECK(back->groups == w.groups);
  CHECK(back->capacity == w.capacity);
  CHECK(back->connections == w.connections);
  CHECK(back->histograms == w.histograms);
  CHECK(back->series == w.series);
  CHECK(back->counters == w.counters);
  CHECK(back->config == w.config);
  CHECK(*back == w);
  CHECK(to_json(*back) == json);

  // Errors name where they are, inside a group too.
  std::string broken = json;
  const auto groups = broken.find("\"groups\"");
  REQUIRE(groups != std::string::npos);
  const auto attempted = broken.find("\"attempted\": 10", groups);
  REQUIRE(attempted != std::string::npos);
  broken.replace(attempted, 15, "\"attempted\": -1");
  auto bad = parse_report(broken, &why);
  CHECK_FALSE(bad.has_value());
  CHECK(why.rfind("groups.new-sessions.", 0) == 0);
}
