#include "relayload/metrics/compare.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "relayload/error.hpp"
#include "relayload/metrics/compare_render.hpp"

using relayload::errc;
using namespace relayload::metrics;

namespace {

constexpr double ms = 1e6;

gate parsed(const std::string& text) {
  std::string why;
  auto g = parse_gate(text, &why);
  INFO(text << ": " << why);
  REQUIRE(g);
  CHECK(why.empty());
  return *g;
}

std::string error_of(const std::string& text) {
  std::string why;
  auto g = parse_gate(text, &why);
  INFO(text);
  REQUIRE_FALSE(g);
  CHECK(g.error() == errc::invalid_argument);
  return why;
}

// A realistic-session report whose message latencies are `base_ms` plus a seeded jitter of
// up to `jitter_ms`, recorded over 60 one-second intervals of a "messages" series (500 per
// interval), so that the run's noise can be estimated from its own intervals.
report session_run(double base_ms, double jitter_ms, unsigned seed, std::uint64_t failed = 0) {
  report r;
  r.scenario = "realistic-session";
  r.target = "ws://relay.test/connection/websocket";
  r.config.set("connections", std::int64_t{100});
  r.config.set("messagesPerSession", std::int64_t{3});
  r.config.set("seed", std::int64_t{seed});
  r.connections = {100, 100 - failed, failed, 100 - failed, 0};
  r.total_time = std::chrono::seconds(60);
  handshake_section h;
  h.attempted = 100;
  h.successful = 100 - failed;
  h.failed = failed;
  h.latency.record(static_cast<std::int64_t>(20 * ms));
  r.handshake = h;
  messages_section m;
  time_series_options o;
  o.interval = std::chrono::seconds(1);
  o.counters = {"completed"};
  time_series series(o);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> jitter(0.0, jitter_ms);
  for (std::uint64_t i = 0; i < 60; ++i) {
    for (int k = 0; k < 500; ++k) {
      const auto v = static_cast<std::int64_t>((base_ms + jitter(rng)) * ms);
      m.latency.record(v);
      series.record(i, v);
    }
  }
  m.sent = 30000;
  m.received = 30000;
  r.messages = m;
  r.series.emplace(messages_series, std::move(series));
  if (failed > 0) r.errors.add("connect_timeout", relayload::condition{}, failed);
  return r;
}

const char* const original_messaging = R"({
  "scenario": "steady-messaging",
  "timestamp": "2026-11-22T11:20:03.514Z",
  "target": "ws://127.0.0.1:18000/connection/websocket",
  "config": { "connections": 20, "durationSec": 25, "rampUpSec": 2, "messageIntervalSec": 1 },
  "results": {
    "connections": { "attempted": 20, "successful": 20, "failed": 0, "successRate": 100, "immediate": 20, "recovered": 0 },
    "timing": { "totalTimeMs": 27019.630813, "connectionsPerSec": 0.7402025637736458 },
    "connectTime": null,
    "retries": { "totalRetries": 0, "avgRetriesPerConnection": 0 },
    "messages": {
      "sent": 165, "received": 165, "failed": 0, "deliveryRate": 100,
      "latency": { "min": 1, "max": 6, "avg": 3, "p50": 2, "p95": 4, "p99": 6 }
    },
    "steadyMessaging": {
      "durationSeconds": 25, "messageIntervalSeconds": 1, "disconnects": 0,
      "latencyOverTime": [
        { "timestampMs": 10006, "p50": 2.4032199999983277, "p99": 5.501667000000452, "exchanges": 30 },
        { "timestampMs": 20011, "p50": 2.569181999999273, "p99": 5.830130000000281, "exchanges": 110 }
      ]
    }
  }
})";

}  // namespace

TEST_CASE("parse_gate reads a signed change, relative or in the field's unit", "[compare]") {
  const gate p99 = parsed("messages.latency.p99<=+10%");
  CHECK(p99.field == "messages.latency.p99");
  CHECK(p99.op == slo_op::less_equal);
  CHECK(p99.relative);
  CHECK(p99.threshold == 10.0);

  const gate rate = parsed("connections.successRate>=-0.1");
  CHECK_FALSE(rate.relative);
  CHECK(rate.kind == slo_field_kind::percent);
  CHECK(rate.threshold == Approx(-0.1));
  CHECK(parsed("connections.successRate >= -0.1pp").threshold == Approx(-0.1));

  const gate errors = parsed("errors.total<=+0");
  CHECK(errors.kind == slo_field_kind::count);
  CHECK(errors.threshold == 0.0);

  CHECK(parsed("messages.latency.p99<=+5ms").threshold == 5 * ms);
  CHECK(parsed("messages.latency.p99<=2").threshold == 2 * ms);
  CHECK(parsed("messages.latency.p99<=+0.5s").threshold == 0.5e9);
  CHECK(parsed("groups.sessions.handshake.latency.p95<=+20%").field ==
        "groups.sessions.handshake.latency.p95");
  CHECK(parsed("errors.byCause.connect_timeout<=+0").kind == slo_field_kind::count);
}

TEST_CASE("parse_gate names what is wrong", "[compare]") {
  CHECK_THAT(error_of("messages.latency.p98<=+10%"), Catch::Contains("unknown field"));
  CHECK_THAT(error_of("messages.latency.p99<=+10pp"), Catch::Contains("does not fit"));
  CHECK_THAT(error_of("errors.total<=+1ms"), Catch::Contains("does not fit"));
  CHECK_THAT(error_of("errors.total<=ten"), Catch::Contains("not a signed number"));
  CHECK_THAT(error_of("errors.total<="), Catch::Contains("missing"));
  CHECK_THAT(error_of("errors.total"), Catch::Contains("no comparison"));
  CHECK_THAT(error_of("errors.total=<+0"), Catch::Contains("not an operator"));
  CHECK_THAT(error_of(""), Catch::Contains("empty"));
}

TEST_CASE("the same experiment twice is within noise, a real slowdown is worse", "[compare]") {
  const auto a = figures_of(session_run(10, 4, 1), "a.json");
  const auto b = figures_of(session_run(10, 4, 2), "b.json");
  const auto slow = figures_of(session_run(13, 4, 3), "slow.json");

  // Every latency statistic of a run with a series has a noise estimate.
  const run_figure* p99 = a.find("messages.latency.p99");
  REQUIRE(p99 != nullptr);
  REQUIRE(p99->error);
  CHECK(*p99->error > 0.0);
  CHECK(a.find("messages.latency.max")->error == std::nullopt);  // extremes have none
  CHECK(a.find("connections.successRate")->error == std::nullopt);

  const comparison same = compare_runs({a}, {b});
  const compared_figure* f = same.find("messages.latency.p50");
  REQUIRE(f != nullptr);
  REQUIRE(f->change);
  REQUIRE(f->noise);
  CHECK(std::fabs(*f->change) <= *f->noise);
  CHECK(f->verdict == change_verdict::within_noise);
  CHECK(same.find("connections.successRate")->verdict == change_verdict::same);

  const comparison worse = compare_runs({a}, {slow});
  const compared_figure* w = worse.find("messages.latency.p50");
  REQUIRE(w != nullptr);
  CHECK(*w->change == Approx(3 * ms).margin(0.1 * ms));
  CHECK(*w->relative == Approx(25.0).margin(2.0));  // 12 ms → 15 ms
  CHECK(w->verdict == change_verdict::worse);
  CHECK(w->worse == worse_direction::higher);

  // The other way round, the same figure is better.
  CHECK(compare_runs({slow}, {a}).find("messages.latency.p50")->verdict == change_verdict::better);
}

TEST_CASE("gates pass within noise and fail beyond it", "[compare]") {
  const auto a = figures_of(session_run(10, 4, 1), "a.json");
  const auto b = figures_of(session_run(10, 4, 2), "b.json");
  const auto slow = figures_of(session_run(13, 4, 3), "slow.json");
  const std::vector<gate> gates = {parsed("messages.latency.p50<=+0%"),
                                   parsed("messages.latency.p50<=+10%"),
                                   parsed("errors.total<=+0")};

  // No change at all allowed (+0 %), yet a wiggle within noise passes.
  const auto same = evaluate_gates(compare_runs({a}, {b}), gates);
  REQUIRE(same.size() == 3);
  CHECK(same[0].pass);
  CHECK(same[1].pass);
  CHECK(same[2].pass);
  CHECK_THAT(same[0].actual, Catch::Contains("noise ±"));

  const auto slower = evaluate_gates(compare_runs({a}, {slow}), gates);
  CHECK_FALSE(slower[0].pass);
  CHECK_FALSE(slower[1].pass);  // +25 % breaks +10 % by far more than the noise
  CHECK_THAT(slower[1].actual, Catch::StartsWith("+2"));
  CHECK(slower[2].pass);

  // Ignoring the noise, the wiggle breaks the +0 % gate (a relayload run is never identical).
  compare_options strict;
  strict.ignore_noise = true;
  const comparison raw = compare_runs({a}, {b}, strict);
  CHECK(raw.find("messages.latency.p50")->noise == std::nullopt);
  const auto strict_gates = evaluate_gates(raw, {parsed("messages.latency.p50<=+0%")});
  CHECK(strict_gates[0].pass == (*raw.find("messages.latency.p50")->change <= 0.0));
}

TEST_CASE("counts are judged as they are: one error more fails errors.total<=+0", "[compare]") {
  const auto base = figures_of(session_run(10, 4, 1), "base.json");
  const auto failing = figures_of(session_run(10, 4, 1, 2), "new.json");
  const comparison c = compare_runs({base}, {failing});
  const auto v = evaluate_gates(c, {parsed("errors.total<=+0"),
                                    parsed("connections.successRate>=-1"),
                                    parsed("connections.successRate>=-5"),
                                    parsed("errors.byCause.connect_timeout<=+2")});
  CHECK_FALSE(v[0].pass);
  CHECK(v[0].actual == "+2");
  CHECK_FALSE(v[1].pass);  // 100 % → 98 %: −2 pp
  CHECK(v[2].pass);
  CHECK(v[3].pass);
  // A cause the base never saw counts as 0 there, not as missing data.
  CHECK(*c.find("errors.byCause.connect_timeout")->base == 0.0);
  CHECK(c.find("errors.byCause.connect_timeout")->verdict == change_verdict::worse);
  CHECK(c.find("connections.failed")->verdict == change_verdict::worse);
  CHECK(c.find("connections.successRate")->verdict == change_verdict::worse);

  // A field neither run has: the gate fails with "no data".
  const auto none = evaluate_gates(c, {parsed("recovery.latency.p99<=+10%")});
  CHECK_FALSE(none[0].pass);
  CHECK_THAT(none[0].actual, Catch::Contains("no data"));
}

TEST_CASE("repeated runs: the mean of each side, and their spread in the noise", "[compare]") {
  const auto a = figures_of(session_run(10, 4, 1), "a1.json");
  const auto a2 = figures_of(session_run(11, 4, 2), "a2.json");
  const auto b = figures_of(session_run(10.5, 4, 3), "b.json");
  const comparison c = compare_runs({a, a2}, {b});
  const compared_figure* f = c.find("messages.latency.p50");
  REQUIRE(f != nullptr);
  const double mean = (a.find("messages.latency.p50")->value + a2.find("messages.latency.p50")->value) / 2;
  CHECK(*f->base == Approx(mean));
  // The base runs differ by ~1 ms: the noise of the difference is at least the spread's
  // standard error, 2 × (1 ms / 2) here.
  REQUIRE(f->noise);
  CHECK(*f->noise >= 0.9 * ms);
  CHECK(f->verdict == change_verdict::within_noise);
  CHECK_THAT(c.notes.back(), Catch::Contains("2 base run(s) and 1 candidate run(s)"));
}

TEST_CASE("comparison_differences names the option that differs", "[compare]") {
  const report base = session_run(10, 4, 1);
  report other = session_run(10, 4, 2);  // a different seed: not a difference
  CHECK(comparison_differences(figures_of(base), figures_of(other)).empty());

  other.config.set("messagesPerSession", std::int64_t{5});
  const auto d = comparison_differences(figures_of(base), figures_of(other));
  REQUIRE(d.size() == 1);
  CHECK(d[0] == "messagesPerSession is 3 in the base but 5 in the candidate");

  report storm = base;
  storm.scenario = "connection-storm";
  CHECK_THAT(comparison_differences(figures_of(base), figures_of(storm)).front(),
             Catch::Contains("scenario is 'realistic-session' in the base"));

  // An option only one side records.
  report extra = base;
  extra.config.set("crypto", std::string("ecies"));
  CHECK(comparison_differences(figures_of(base), figures_of(extra)).front() ==
        "crypto is absent in the base but 'ecies' in the candidate");
  // ... unless it is unused on both sides.
  report unused = extra;
  unused.config_unused.push_back("crypto");
  report unused_base = base;
  unused_base.config_unused.push_back("crypto");
  CHECK(comparison_differences(figures_of(unused_base), figures_of(unused)).empty());

  // The WebSocket client and compression: recorded since a later version, so a baseline
  // without them is not refused, but two recorded values that differ are.
  report lean = base;
  lean.config.set("transport", std::string("lean"));
  lean.config.set("compression", false);
  CHECK(comparison_differences(figures_of(base), figures_of(lean)).empty());
  report wspp = lean;
  wspp.config.set("transport", std::string("websocketpp"));
  const auto t = comparison_differences(figures_of(lean), figures_of(wspp));
  REQUIRE(t.size() == 1);
  CHECK(t[0] == "transport is 'lean' in the base but 'websocketpp' in the candidate");
}

TEST_CASE("an original-tool document is read as figures", "[compare][original]") {
  REQUIRE(is_original_document(original_messaging));
  std::string why;
  auto doc = parse_original_document(original_messaging, &why);
  INFO(why);
  REQUIRE(doc);
  CHECK(doc->scenario == "steady-messaging");
  CHECK(doc->figures.origin == run_origin::original_tool);
  CHECK(doc->latency_over_time.size() == 2);
  const run_figure* p99 = doc->figures.find("messages.latency.p99");
  REQUIRE(p99 != nullptr);
  CHECK(p99->value == 6 * ms);
  REQUIRE(p99->error);
  CHECK(*p99->error == Approx(ms / std::sqrt(12.0)));
  CHECK(doc->figures.find("messages.deliveryRate")->value == 100.0);
  CHECK(doc->figures.find("connections.attempted")->value == 20.0);
  CHECK(doc->figures.find("connectTime.p99") == nullptr);  // null in the document
  CHECK(doc->figures.find("errors.total") == nullptr);     // the original counts none

  // As a base for a relayload run of the same scenario: fewer config keys are fine.
  report now;
  now.scenario = "steady-messaging";
  now.config.set("connections", std::int64_t{20});
  now.config.set("durationSec", std::int64_t{25});
  now.config.set("rampUpSec", std::int64_t{2});
  now.config.set("messageIntervalSec", std::int64_t{1});
  now.config.set("crypto", std::string("mock"));
  now.connections = {20, 20, 0, 20, 0};
  messages_section m;
  m.sent = 165;
  m.received = 165;
  for (int i = 0; i < 165; ++i) m.latency.record(static_cast<std::int64_t>(3 * ms));
  now.messages = m;
  const auto candidate = figures_of(now, "new.json");
  CHECK(comparison_differences(doc->figures, candidate).empty());
  now.config.set("messageIntervalSec", 0.5);
  CHECK(comparison_differences(doc->figures, figures_of(now)).front() ==
        "messageIntervalSec is 1 in the base but 0.5 in the candidate");

  const comparison c = compare_runs({doc->figures}, {candidate});
  CHECK(c.find("messages.latency.p99")->verdict == change_verdict::better);  // 6 → 3 ms
  CHECK(c.find("messages.latency.p99")->noise);
  CHECK_THAT(c.notes.front(), Catch::Contains("whole milliseconds"));
}

TEST_CASE("original-tool documents that cannot be read are named", "[compare][original]") {
  std::string why;
  CHECK_FALSE(parse_original_document(R"({"scenario":"connection-storm"})", &why));
  CHECK(why == "target: missing");

  std::string nan = original_messaging;
  nan.replace(nan.find("\"attempted\": 20"), 15, "\"attempted\": null");
  CHECK_FALSE(parse_original_document(nan, &why));
  CHECK_THAT(why, Catch::StartsWith("results.connections.attempted: null (the original tool "
                                    "writes NaN as null"));

  std::string no_connections = original_messaging;
  no_connections.replace(no_connections.find("\"connections\": {"), 16, "\"links\": {");
  CHECK_FALSE(is_original_document(no_connections));
  CHECK_FALSE(parse_original_document(no_connections, &why));
  CHECK(why == "results.connections: missing (an original-tool document always has it)");

  std::string odd = original_messaging;
  odd.replace(odd.find("steady-messaging"), 16, "warp-speed");
  CHECK_FALSE(parse_original_document(odd, &why));
  CHECK(why == "scenario: 'warp-speed' is not one of the original tool's");

  CHECK_FALSE(parse_original_document(R"({"schemaVersion":2})", &why));
  CHECK_THAT(why, Catch::Contains("relayload report"));
  CHECK_FALSE(parse_original_document("[1,", &why));
  CHECK_THAT(why, Catch::StartsWith("not JSON"));
}

TEST_CASE("workload groups are compared group by group", "[compare]") {
  report w;
  w.scenario = workload_scenario;
  w.groups.push_back({"sessions", session_run(10, 4, 1)});
  report w2 = w;
  w2.groups[0].result = session_run(14, 4, 2);
  const comparison c = compare_runs({figures_of(w)}, {figures_of(w2)});
  const compared_figure* f = c.find("groups.sessions.messages.latency.p50");
  REQUIRE(f != nullptr);
  CHECK(f->verdict == change_verdict::worse);
  // A group's options are part of what was measured.
  w2.groups[0].result.config.set("messagesPerSession", std::int64_t{9});
  CHECK(comparison_differences(figures_of(w), figures_of(w2)).front() ==
        "groups.sessions.messagesPerSession is 3 in the base but 9 in the candidate");
}

TEST_CASE("the comparison renders as a table and as JSON", "[compare]") {
  comparison_document d;
  d.base.push_back(figures_of(session_run(10, 4, 1), "base.json"));
  d.candidate.push_back(figures_of(session_run(13, 4, 3, 1), "new.json"));
  d.result = compare_runs(d.base, d.candidate);
  d.gates = evaluate_gates(d.result, {parsed("messages.latency.p50<=+10%"),
                                      parsed("connections.successRate>=-5")});
  const std::string text = render_comparison(d);
  CHECK_THAT(text, Catch::Contains("base.json (realistic-session"));
  CHECK_THAT(text, Catch::Contains("messages.latency.p50"));
  CHECK_THAT(text, Catch::Contains("▲ worse"));
  CHECK_THAT(text, Catch::Contains("✗ FAIL  messages.latency.p50<=+10% (actual +"));
  CHECK_THAT(text, Catch::Contains("✓ PASS  connections.successRate>=-5 (actual -1pp"));
  CHECK(text.find("\x1b[") == std::string::npos);
  CHECK_THAT(render_comparison(d, {true, false}), Catch::Contains("\x1b[31m▲ worse"));

  const std::string json = to_json(d);
  CHECK_THAT(json, Catch::Contains("\"comparisonVersion\": 1"));
  CHECK_THAT(json, Catch::Contains("\"field\": \"messages.latency.p50\""));
  CHECK_THAT(json, Catch::Contains("\"unit\": \"ms\""));
  CHECK_THAT(json, Catch::Contains("\"pass\": false"));
}
