// The Prometheus text exposition: exact text for known snapshots, label and help escaping,
// cumulative buckets from the log-linear histogram, and a report's series.
#include "relayload/metrics/exposition.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "relayload/metrics/report.hpp"

using namespace relayload::metrics;
using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST_CASE("counters, gauges and their labels render exactly", "[metrics][exposition]") {
  exposition e;
  e.add_counter("relayload_things", "Things seen", {{"rank", "0"}, {"scenario", "steady-state"}},
                42);
  e.add_counter("relayload_things", "ignored: the first help stays", {{"rank", "1"}}, 7);
  e.add_gauge("relayload_level", "A level", {}, 2.5);
  e.add_gauge("relayload_big", "Big and odd values", {{"k", "a"}}, 1e20);
  e.add_gauge("relayload_big", "", {{"k", "b"}}, std::numeric_limits<double>::infinity());
  e.add_gauge("relayload_big", "", {{"k", "c"}}, std::nan(""));
  e.add_gauge("relayload_big", "", {{"k", "d"}}, -3);
  CHECK(render_prometheus_text(e) ==
        "# HELP relayload_things_total Things seen\n"
        "# TYPE relayload_things_total counter\n"
        "relayload_things_total{rank=\"0\",scenario=\"steady-state\"} 42\n"
        "relayload_things_total{rank=\"1\"} 7\n"
        "# HELP relayload_level A level\n"
        "# TYPE relayload_level gauge\n"
        "relayload_level 2.5\n"
        "# HELP relayload_big Big and odd values\n"
        "# TYPE relayload_big gauge\n"
        "relayload_big{k=\"a\"} 1e+20\n"
        "relayload_big{k=\"b\"} +Inf\n"
        "relayload_big{k=\"c\"} NaN\n"
        "relayload_big{k=\"d\"} -3\n");
}

TEST_CASE(
    "label values escape backslash, quote and line feed, help escapes backslash and "
    "line feed only",
    "[metrics][exposition]") {
  exposition e;
  e.add_counter("relayload_errors", "Path C:\\x \"quoted\"\nsecond line",
                {{"cause", "say \"hi\"\\now\nthen"}}, 1);
  CHECK(render_prometheus_text(e) ==
        "# HELP relayload_errors_total Path C:\\\\x \"quoted\"\\nsecond line\n"
        "# TYPE relayload_errors_total counter\n"
        "relayload_errors_total{cause=\"say \\\"hi\\\"\\\\now\\nthen\"} 1\n");
}

TEST_CASE("a histogram becomes cumulative buckets in seconds, +Inf, _sum and _count",
          "[metrics][exposition]") {
  histogram h;
  h.record(microseconds(300));  // under 0.5 ms
  h.record(milliseconds(1));    // exactly at a bound: its bucket's top is above 1 ms
  h.record(milliseconds(2));
  h.record(milliseconds(2));
  h.record(std::chrono::seconds(90));  // beyond the last bound
  exposition e;
  e.add_histogram("relayload_x_seconds", "X", {{"rank", "3"}}, h, {0.0005, 0.001, 0.0025, 60});
  CHECK(render_prometheus_text(e) ==
        "# HELP relayload_x_seconds X\n"
        "# TYPE relayload_x_seconds histogram\n"
        "relayload_x_seconds_bucket{rank=\"3\",le=\"0.0005\"} 1\n"
        "relayload_x_seconds_bucket{rank=\"3\",le=\"0.001\"} 1\n"
        "relayload_x_seconds_bucket{rank=\"3\",le=\"0.0025\"} 4\n"
        "relayload_x_seconds_bucket{rank=\"3\",le=\"60\"} 4\n"
        "relayload_x_seconds_bucket{rank=\"3\",le=\"+Inf\"} 5\n"
        "relayload_x_seconds_sum{rank=\"3\"} 90.0053\n"
        "relayload_x_seconds_count{rank=\"3\"} 5\n");
}

TEST_CASE("an empty histogram has zero buckets and counts", "[metrics][exposition]") {
  exposition e;
  e.add_histogram("relayload_y_seconds", "Y", {}, histogram(), {1});
  CHECK(render_prometheus_text(e) ==
        "# HELP relayload_y_seconds Y\n"
        "# TYPE relayload_y_seconds histogram\n"
        "relayload_y_seconds_bucket{le=\"1\"} 0\n"
        "relayload_y_seconds_bucket{le=\"+Inf\"} 0\n"
        "relayload_y_seconds_sum 0\n"
        "relayload_y_seconds_count 0\n");
}

TEST_CASE("latency bucket bounds ascend", "[metrics][exposition]") {
  const auto& b = latency_bucket_bounds();
  REQUIRE(b.size() >= 10);
  for (std::size_t i = 1; i < b.size(); ++i) CHECK(b[i - 1] < b[i]);
}

namespace {

report steady_state_snapshot() {
  report r;
  r.scenario = "steady-state";
  r.connections = {10, 8, 2, 7, 1};
  r.total_retries = 3;
  histogram connect;
  connect.record(milliseconds(2));
  r.connect_time = connect;
  r.errors.add("connect_timeout", relayload::condition::transport_failure, 2);
  r.counters.add("generator.started", 10);
  r.counters.add("generator.late", 1);
  time_series_options o;
  o.gauges = {"active", "down"};
  time_series s(o);
  s.set_gauge(0, *s.gauge_id("active"), 5);
  s.set_gauge(1, *s.gauge_id("active"), 8);
  s.set_gauge(1, *s.gauge_id("down"), 1);
  r.series.emplace(connections_series, s);
  return r;
}

}  // namespace

TEST_CASE("a steady-state snapshot's series, each with the run's labels", "[metrics][exposition]") {
  exposition e;
  add_report(e, steady_state_snapshot(), {{"rank", "0"}, {"scenario", "steady-state"}});
  const std::string text = render_prometheus_text(e);
  const std::string l = "{rank=\"0\",scenario=\"steady-state\"}";
  CHECK_THAT(text, Catch::Contains("relayload_connects_attempted_total" + l + " 10\n"));
  CHECK_THAT(text, Catch::Contains("relayload_connects_succeeded_total" + l + " 8\n"));
  CHECK_THAT(text, Catch::Contains("relayload_connects_failed_total" + l + " 2\n"));
  CHECK_THAT(text, Catch::Contains("relayload_connect_retries_total" + l + " 3\n"));
  // The level at the end of the last interval, not the first.
  CHECK_THAT(text, Catch::Contains("relayload_connections_active" + l + " 8\n"));
  CHECK_THAT(text, Catch::Contains("relayload_connections_down" + l + " 1\n"));
  CHECK_THAT(
      text,
      Catch::Contains("relayload_errors_total{rank=\"0\",scenario=\"steady-state\",cause=\"connect_"
                      "timeout\",condition=\"transport_failure\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("relayload_pacing_starts_total" + l + " 10\n"));
  CHECK_THAT(text, Catch::Contains("relayload_pacing_late_starts_total" + l + " 1\n"));
  CHECK_THAT(text, Catch::Contains("relayload_connect_duration_seconds_count" + l + " 1\n"));
  CHECK_THAT(text, Catch::Contains(
                       "relayload_connect_duration_seconds_bucket{rank=\"0\",scenario=\"steady-"
                       "state\",le=\"0.0025\"} 1\n"));
  // No sections the scenario lacks: no zeros pretending to be measurements.
  CHECK_THAT(text, !Catch::Contains("relayload_messages_sent_total"));
  CHECK_THAT(text, !Catch::Contains("relayload_handshakes_started_total"));
}

TEST_CASE("a session-pair snapshot adds handshakes and messages, a workload labels groups",
          "[metrics][exposition]") {
  report pairs;
  pairs.scenario = "steady-messaging";
  handshake_section hs;
  hs.attempted = 4;
  hs.successful = 3;
  hs.failed = 1;
  hs.latency.record(milliseconds(30));
  pairs.handshake = hs;
  messages_section m;
  m.sent = 100;
  m.received = 99;
  m.failed = 1;
  m.latency.record(milliseconds(4));
  pairs.messages = m;

  exposition single;
  add_report(single, pairs, {{"rank", "2"}});
  const std::string text = render_prometheus_text(single);
  CHECK_THAT(text, Catch::Contains("relayload_handshakes_completed_total{rank=\"2\"} 3\n"));
  CHECK_THAT(text, Catch::Contains("relayload_messages_received_total{rank=\"2\"} 99\n"));
  CHECK_THAT(text, Catch::Contains(
                       "relayload_message_latency_seconds_bucket{rank=\"2\",le=\"0.005\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("relayload_handshake_duration_seconds_count{rank=\"2\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("(session pairs)"));

  report mix;
  mix.scenario = workload_scenario;
  mix.groups.push_back({"chatty", pairs});
  mix.groups.push_back({"idle", steady_state_snapshot()});
  exposition grouped;
  add_report(grouped, mix, {{"rank", "0"}, {"scenario", "workload"}});
  const std::string g = render_prometheus_text(grouped);
  CHECK_THAT(g, Catch::Contains("relayload_connects_attempted_total{rank=\"0\",scenario="
                                "\"workload\",group=\"idle\"} 10\n"));
  CHECK_THAT(g, Catch::Contains("relayload_messages_sent_total{rank=\"0\",scenario=\"workload\","
                                "group=\"chatty\"} 100\n"));
  // One # TYPE line per family, whatever the number of groups.
  std::size_t types = 0;
  for (std::size_t at = 0;
       (at = g.find("# TYPE relayload_connects_attempted_total", at)) != std::string::npos; ++at) {
    ++types;
  }
  CHECK(types == 1);
}

TEST_CASE("append merges families of the same name", "[metrics][exposition]") {
  exposition a, b;
  a.add_gauge("g", "G", {{"x", "1"}}, 1);
  b.add_gauge("g", "G", {{"x", "2"}}, 2);
  b.add_counter("c", "C", {}, 3);
  a.append(b);
  REQUIRE(a.families().size() == 2);
  CHECK(a.families()[0].samples.size() == 2);
  CHECK(a.families()[1].name == "c_total");
}

TEST_CASE("add_report: sessions.active becomes the relayload_sessions_active gauge",
          "[metrics][exposition]") {
  report r;
  r.counters.add("sessions.active", 7);
  exposition e;
  add_report(e, r, {{"rank", "0"}});
  const std::string text = render_prometheus_text(e);
  CHECK_THAT(text, Catch::Contains("# TYPE relayload_sessions_active gauge\n"));
  CHECK_THAT(text, Catch::Contains("relayload_sessions_active{rank=\"0\"} 7\n"));
  exposition none;
  add_report(none, report{}, {{"rank", "0"}});
  CHECK_THAT(render_prometheus_text(none), !Catch::Contains("relayload_sessions_active"));
}
