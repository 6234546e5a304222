// The target relay's series in a report (--target-metrics): the JSON round trip, merging,
// the summary lines and the HTML section with its charts on the run's time axis.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "relayload/metrics/report.hpp"
#include "relayload/metrics/report_html.hpp"
#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/report_text.hpp"

using namespace relayload::metrics;
using std::chrono::milliseconds;

namespace {

report with_target() {
  report r;
  r.scenario = "steady-state";
  r.target = "ws://127.0.0.1:8000/connection/websocket";
  r.connections = {10, 10, 0, 10, 0};
  r.total_time = std::chrono::seconds(12);
  r.start_time = report_time(milliseconds(1'800'000'000'000));
  r.end_time = r.start_time + milliseconds(12'000);
  time_series_options o;
  o.interval = std::chrono::seconds(1);
  o.gauges = {"active"};
  time_series s(o);
  for (std::uint64_t i = 0; i < 12; ++i) s.set_gauge(i, 0, i == 0 ? 5 : 10);
  r.series.emplace(connections_series, std::move(s));
  target_metrics t;
  t.url = "http://127.0.0.1:9100/metrics";
  t.interval = milliseconds(5000);
  t.scrapes_ok = 4;
  t.messages_in_metric = "relayload_relay_publications_total";
  t.add_failure("HTTP status", "HTTP 500 Internal Server Error");
  const double cpu[] = {0.25, 0.5, 1.0, 1.25};
  const std::int64_t at[] = {-20, 5000, 10000, 12100};
  for (int i = 0; i < 4; ++i) {
    target_sample x;
    x.offset = milliseconds(at[i]);
    x.cpu_seconds = cpu[i];
    x.resident_bytes = 2e7 + i * 1e6;
    x.clients = i == 0 || i == 3 ? 0 : 10;
    x.subscriptions = x.clients;
    x.messages_in = i * 100.0;
    t.samples.push_back(x);
  }
  r.target_series = t;
  return r;
}

}  // namespace

TEST_CASE("targetMetrics round-trips through the JSON, its derived figures written",
          "[metrics][target_metrics]") {
  const report r = with_target();
  const std::string json = to_json(r);
  CHECK(json.find("\"targetMetrics\"") != std::string::npos);
  CHECK(json.find("\"cpuPerConnectionUs\": 100000") != std::string::npos);  // 1 s / 10 clients
  CHECK(json.find("\"cause\": \"HTTP status\"") != std::string::npos);
  std::string why;
  const auto back = parse_report(json, &why);
  INFO(why);
  REQUIRE(back);
  CHECK(back->target_series == r.target_series);
  CHECK(*back == r);
  CHECK(to_json(*back) == json);

  // A report without it has none, and a malformed one is refused with its path.
  report plain = r;
  plain.target_series.reset();
  CHECK_FALSE(parse_report(to_json(plain))->target_series);
  std::string bad = json;
  bad.replace(bad.find("\"offsetMs\": 5000"), 16, "\"offsetMs\": \"x\"");
  CHECK_FALSE(parse_report(bad, &why));
  CHECK(why == "targetMetrics.samples[1].offsetMs: expected an integer");
}

TEST_CASE("merging keeps the one side's target series", "[metrics][target_metrics]") {
  report a = with_target();
  report b = a;
  b.target_series.reset();
  REQUIRE(b.merge(a));
  CHECK(b.target_series == a.target_series);
}

TEST_CASE("the summary and the HTML show the relay's side", "[metrics][target_metrics]") {
  const report r = with_target();
  const std::string text = render_summary(r);
  CHECK(text.find("Relay (target metrics: http://127.0.0.1:9100/metrics)") != std::string::npos);
  CHECK(text.find("Scrapes:     4 ok, 1 failed (HTTP status ×1: HTTP 500 Internal Server Error)") !=
        std::string::npos);
  CHECK(text.find("Clients:     peak 10, subscriptions peak 10") != std::string::npos);
  CHECK(text.find("CPU:         1.000 s over 12.1 s") != std::string::npos);
  CHECK(text.find("100000.0 µs per connection") != std::string::npos);
  CHECK(text.find("Memory:      peak 23.0 MB resident") != std::string::npos);

  const std::string html = render_html(r);
  CHECK(html.find("<section id=\"target-metrics\">") != std::string::npos);
  CHECK(html.find("<section id=\"target-metrics\">") >
        html.find("id=\"chart-active-connections\""));
  for (const char* id :
       {"chart-relay-clients", "chart-relay-cpu", "chart-relay-memory", "chart-relay-messages"}) {
    INFO(id);
    CHECK(html.find(std::string("<svg class=\"chart\" id=\"") + id + "\"") != std::string::npos);
  }
  const auto ids = html_charts(r);
  CHECK(std::find(ids.begin(), ids.end(), "chart-relay-cpu") != ids.end());
  CHECK(html.find("HTTP 500 Internal Server Error") != std::string::npos);

  report failed = r;
  failed.target_series->samples.clear();
  failed.target_series->scrapes_ok = 0;
  const std::string none = render_html(failed);
  CHECK(none.find("id=\"target-metrics-none\"") != std::string::npos);
  CHECK(none.find("<div class=\"chart no-data\" id=\"chart-relay-cpu\">") != std::string::npos);
  CHECK(render_summary(failed).find("No scrape succeeded") != std::string::npos);
}
