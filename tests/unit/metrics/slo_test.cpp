#include "relayload/metrics/slo.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "relayload/error.hpp"
#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/report_text.hpp"

using relayload::errc;
using namespace relayload::metrics;

namespace {

constexpr std::int64_t ms = 1'000'000;

slo_objective parsed(const std::string& text) {
  std::string why;
  auto o = parse_slo(text, &why);
  INFO(text << ": " << why);
  REQUIRE(o);
  CHECK(why.empty());
  return *o;
}

std::string error_of(const std::string& text) {
  std::string why;
  auto o = parse_slo(text, &why);
  INFO(text);
  REQUIRE_FALSE(o);
  CHECK(o.error() == errc::invalid_argument);
  return why;
}

// 100 message latencies: 1..98 ms once, 99 ms twice. The 99th smallest is the maximum, so
// p99 is exactly 99 ms (percentiles are clamped to the exact max).
report messaging_report() {
  report r;
  r.scenario = "steady-messaging";
  r.target = "ws://127.0.0.1:1/connection/websocket";
  r.connections = {10, 10, 0, 10, 0};
  r.total_time = std::chrono::seconds(10);
  messages_section m;
  m.sent = 100;
  m.received = 99;
  m.failed = 1;
  for (std::int64_t i = 1; i <= 98; ++i) m.latency.record(i * ms);
  m.latency.record(99 * ms, 2);
  r.messages = m;
  r.steady_messaging = steady_messaging_section{};
  return r;
}

}  // namespace

TEST_CASE("parse_slo reads field, operator, number and unit", "[slo]") {
  const auto a = parsed("messages.latency.p99<=400ms");
  CHECK(a.expression == "messages.latency.p99<=400ms");
  CHECK(a.field == "messages.latency.p99");
  CHECK(a.kind == slo_field_kind::duration);
  CHECK(a.op == slo_op::less_equal);
  CHECK(a.threshold == 400.0 * ms);
  CHECK(a.unit == slo_unit::milliseconds);

  const auto b = parsed("connections.successRate>=99.9");
  CHECK(b.kind == slo_field_kind::percent);
  CHECK(b.op == slo_op::greater_equal);
  CHECK(b.threshold == 99.9);

  CHECK(parsed("recovery.deliveryRate>=100%").threshold == 100.0);
  const auto c = parsed("  messages.latency.p999 < 1.5s ");
  CHECK(c.expression == "messages.latency.p999 < 1.5s");
  CHECK(c.op == slo_op::less);
  CHECK(c.threshold == 1.5e9);
  CHECK(parsed("connectTime.max>2").threshold == 2.0 * ms);  // no unit: milliseconds
  CHECK(parsed("errors.total==0").op == slo_op::equal);
  CHECK(parsed("timing.connectionsPerSec>100").kind == slo_field_kind::number);
  const auto d = parsed("histograms.messages.serviceTime.p90<=20ms");
  CHECK(d.field == "histograms.messages.serviceTime.p90");
  CHECK(parsed("steadyState.connectionStability>=99.99").kind == slo_field_kind::percent);
  for (const char* stat : {"min", "avg", "p50", "p90", "p95", "p99", "p999", "max"}) {
    parsed(std::string("handshake.latency.") + stat + "<=1s");
  }
}

TEST_CASE("parse_slo names the expression and what is wrong", "[slo]") {
  CHECK_THAT(error_of(""), Catch::Contains("empty expression"));
  CHECK_THAT(error_of("messages.latency.p99"),
             Catch::Contains("'messages.latency.p99'") && Catch::Contains("no comparison"));
  CHECK_THAT(error_of("<=400ms"), Catch::Contains("field is missing"));
  CHECK_THAT(error_of("messages.latency.p99=400ms"),
             Catch::Contains("'=' is not an operator") && Catch::Contains("<= < >= > =="));
  CHECK_THAT(error_of("messages.latency.p99=>400"), Catch::Contains("'=>' is not an operator"));
  CHECK_THAT(error_of("messages.latency.p98<=400ms"),
             Catch::Contains("unknown field 'messages.latency.p98'") &&
                 Catch::Contains("connections.successRate"));
  CHECK_THAT(error_of("bogus.field>1"), Catch::Contains("unknown field 'bogus.field'"));
  CHECK_THAT(error_of("histograms.x.p42<=1ms"), Catch::Contains("unknown field"));
  CHECK_THAT(error_of("messages.latency.p99<=abc"),
             Catch::Contains("'abc' does not start with a number"));
  CHECK_THAT(error_of("messages.latency.p99<=4.0.0ms"),
             Catch::Contains("does not start with a number"));
  CHECK_THAT(error_of("messages.latency.p99<=.5ms"),
             Catch::Contains("does not start with a number"));
  CHECK_THAT(error_of("messages.latency.p99<="), Catch::Contains("threshold is missing"));
  CHECK_THAT(error_of("messages.latency.p99<=-5ms"), Catch::Contains("must not be negative"));
  CHECK_THAT(
      error_of("messages.latency.p99<=400%"),
      Catch::Contains("'%' does not fit messages.latency.p99") && Catch::Contains("a duration"));
  CHECK_THAT(error_of("connections.successRate>=99ms"),
             Catch::Contains("'ms' does not fit connections.successRate") &&
                 Catch::Contains("percentage"));
  CHECK_THAT(error_of("errors.total<=5s"), Catch::Contains("a count: no unit"));
  CHECK_THAT(error_of("messages.latency.p99<=400us"), Catch::Contains("unknown unit 'us'"));
  CHECK_THAT(error_of("connections.successRate>=101"), Catch::Contains("cannot exceed 100"));
  CHECK_THAT(error_of("messages.latency.p99<=1e3ms"), Catch::Contains("unknown unit 'e3ms'"));
  // No message is asked for: still an error code.
  CHECK_FALSE(parse_slo("x"));
}

TEST_CASE("evaluate_slos judges a report, and missing data fails as no data", "[slo]") {
  report r = messaging_report();
  const std::vector<slo_objective> objectives = {
      parsed("messages.latency.p99<=400ms"),
      parsed("messages.latency.p99<99ms"),
      parsed("messages.latency.p99<=99ms"),
      parsed("messages.deliveryRate>=99.9"),
      parsed("messages.failed==1"),
      parsed("messages.latency.max<=0.1s"),
      parsed("recovery.deliveryRate>=100"),
      parsed("histograms.nothing.p50<=1ms"),
      parsed("steadyState.connectionStability>=99"),
      parsed("connections.successRate>=100"),
  };
  const auto v = evaluate_slos(r, objectives);
  REQUIRE(v.size() == objectives.size());
  CHECK(v[0].pass);
  CHECK(v[0].actual == "99ms");
  CHECK(v[0].value == Approx(99.0 * ms));
  CHECK_FALSE(v[1].pass);  // boundary: 99 ms is not < 99 ms
  CHECK(v[2].pass);        // but it is <= 99 ms
  CHECK_FALSE(v[3].pass);
  CHECK(v[3].actual == "99%");
  CHECK(v[4].pass);
  CHECK(v[4].actual == "1");
  CHECK(v[5].pass);
  CHECK(v[5].actual == "0.099s");  // shown in the unit the objective was written in
  for (std::size_t i : {6u, 7u, 8u}) {
    CHECK_FALSE(v[i].pass);
    CHECK(v[i].actual == "no data");
    CHECK_FALSE(v[i].value);
  }
  CHECK(v[9].pass);
  CHECK(any_failed(v));
  CHECK_FALSE(any_failed({v[0], v[2]}));

  // An empty histogram and nothing attempted are "no data" too.
  report empty = messaging_report();
  empty.messages->latency.reset();
  empty.connections = {};
  const auto e = evaluate_slos(
      empty, {parsed("messages.latency.p99<=400ms"), parsed("connections.successRate>=99")});
  CHECK(e[0].actual == "no data");
  CHECK_FALSE(e[0].pass);
  CHECK(e[1].actual == "no data");
  CHECK_FALSE(e[1].pass);
}

TEST_CASE("default SLOs are the original tool's", "[slo]") {
  report storm;
  storm.scenario = "connection-storm";
  CHECK(default_slos(storm).empty());

  report m = messaging_report();
  const auto d = default_slos(m);
  REQUIRE(d.size() == 1);
  CHECK(d[0].expression == "messages.latency.p99<=400ms");
  CHECK(default_slo_verdicts(m).front().pass);

  report rec;
  rec.recovery = recovery_section{};
  rec.recovery->attempted = 10;
  rec.recovery->received = 9;
  auto v = default_slo_verdicts(rec);
  REQUIRE(v.size() == 1);
  CHECK(v[0].expression == "recovery.deliveryRate>=100");
  CHECK_FALSE(v[0].pass);
  CHECK(v[0].actual == "90%");
  rec.recovery->received = 10;
  CHECK(default_slo_verdicts(rec)[0].pass);
  rec.recovery->attempted = rec.recovery->received = 0;
  CHECK(default_slo_verdicts(rec)[0].actual == "no data");
}

TEST_CASE("objectives travel in the JSON and come back, verdicts are recomputed", "[slo]") {
  report r = messaging_report();
  r.slos = {parsed("messages.latency.p99<=400ms"), parsed("messages.deliveryRate>=99.9")};
  const std::string json = to_json(r);
  CHECK_THAT(json, Catch::Contains("\"expression\": \"messages.latency.p99<=400ms\"") &&
                       Catch::Contains("\"actual\": \"99%\"") &&
                       Catch::Contains("\"pass\": false"));
  std::string why;
  auto back = parse_report(json, &why);
  INFO(why);
  REQUIRE(back);
  CHECK(back->slos == r.slos);
  CHECK(evaluate_slos(*back) == evaluate_slos(r));
  CHECK(to_json(*back) == json);

  // A hostile expression in a document is refused with its place.
  std::string bad = json;
  const auto at = bad.find("messages.deliveryRate>=99.9");
  bad.replace(at, std::string("messages.deliveryRate>=99.9").size(), "x<script>");
  CHECK_FALSE(parse_report(bad, &why));
  CHECK_THAT(why, Catch::Contains("slo[1].expression") && Catch::Contains("unknown field"));
}

TEST_CASE("merging keeps the objectives of both sides once", "[slo]") {
  report a = messaging_report(), b = messaging_report();
  a.slos = {parsed("messages.latency.p99<=400ms")};
  b.slos = {parsed("messages.latency.p99<=400ms"), parsed("errors.total==0")};
  REQUIRE(a.merge(b));
  REQUIRE(a.slos.size() == 2);
  CHECK(a.slos[1].expression == "errors.total==0");
  CHECK(evaluate_slos(a)[0].value == Approx(99.0 * ms));  // from the merged histogram
}

TEST_CASE("the summary lists every verdict", "[slo]") {
  report r = messaging_report();
  r.slos = {parsed("messages.latency.p99<=400ms"), parsed("messages.deliveryRate>=99.9")};
  const std::string text = render_summary(r);
  CHECK_THAT(text, Catch::Contains("Service-level objectives") &&
                       Catch::Contains("✓ PASS  messages.latency.p99<=400ms (actual 99ms)") &&
                       Catch::Contains("✗ FAIL  messages.deliveryRate>=99.9 (actual 99%)") &&
                       Catch::Contains("SLO P99:     ✓ PASS (target ≤ 400ms, actual 99ms)"));
  // Objectives other than the default: the original's fixed line gives way to them.
  r.slos = {parsed("messages.latency.p99<=50ms")};
  const std::string other = render_summary(r);
  CHECK_THAT(other, !Catch::Contains("SLO P99:") &&
                        Catch::Contains("✗ FAIL  messages.latency.p99<=50ms (actual 99ms)"));
  // No objectives at all (a library user's report): the original's line, no list.
  r.slos.clear();
  CHECK_THAT(render_summary(r),
             Catch::Contains("SLO P99:") && !Catch::Contains("Service-level objectives"));
}

TEST_CASE("slo_fields lists the supported paths", "[slo]") {
  const auto f = slo_fields();
  CHECK(std::find(f.begin(), f.end(), "messages.latency.<stat>") != f.end());
  CHECK(std::find(f.begin(), f.end(), "connections.successRate") != f.end());
  CHECK(std::find(f.begin(), f.end(), "histograms.<name>.<stat>") != f.end());
}
