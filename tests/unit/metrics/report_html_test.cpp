#include "relayload/metrics/report_html.hpp"

#include <catch2/catch.hpp>
#include <regex>
#include <string>

#include "relayload/metrics/slo.hpp"

using namespace relayload::metrics;

namespace {

constexpr std::int64_t ms = 1'000'000;

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The element with id="<id>", from its start tag to the end of that element (svg or div).
std::string element(const std::string& html, const std::string& id) {
  const auto at = html.find("id=\"" + id + "\"");
  if (at == std::string::npos) return "";
  const auto start = html.rfind('<', at);
  const bool svg = html.compare(start, 4, "<svg") == 0;
  const auto end = html.find(svg ? "</svg>" : "</div>", at);
  return html.substr(start, end - start);
}

report full_report() {
  report r;
  r.scenario = "steady-messaging";
  r.target = "ws://127.0.0.1:8000/connection/websocket";
  r.connections = {4, 3, 1, 3, 0};
  r.total_time = std::chrono::seconds(30);
  histogram connect;
  for (int i = 1; i <= 50; ++i) connect.record(std::int64_t{i} * ms);
  r.connect_time = connect;
  messages_section m;
  m.sent = m.received = 200;
  for (int i = 1; i <= 200; ++i) m.latency.record(std::int64_t{i % 40 + 1} * ms);
  r.messages = m;
  steady_messaging_section sm;
  sm.duration = std::chrono::seconds(30);
  sm.message_interval = std::chrono::seconds(1);
  time_series_options lo;
  lo.interval = std::chrono::seconds(10);
  sm.latency_over_time = time_series(lo);
  for (std::uint64_t i = 0; i < 3; ++i) {
    for (int k = 1; k <= 20; ++k) sm.latency_over_time.record(i, std::int64_t{k} * ms);
  }
  r.steady_messaging = sm;
  time_series_options co;
  co.gauges = {"active", "down"};
  time_series active(co);
  for (std::uint64_t i = 0; i < 30; ++i)
    active.set_gauge(i, 0, static_cast<std::int64_t>(i < 5 ? i : 4));
  r.series.emplace("connections", active);
  r.errors.add("reply_timeout", relayload::condition::transport_failure, 3);
  r.errors.add("close_3501", relayload::condition::remote_rejected, 1);
  r.config.set("connections", std::int64_t{4});
  r.slos = {*parse_slo("messages.latency.p99<=400ms"), *parse_slo("connections.successRate>=99")};
  return r;
}

const char* const chart_ids[] = {"chart-active-connections", "chart-connect-latency",
                                 "chart-message-latency", "chart-latency-distribution",
                                 "chart-errors"};

}  // namespace

TEST_CASE("html_escape replaces the five special characters", "[html]") {
  CHECK(html_escape("<a href='x'>&\"</a>") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  CHECK(html_escape("plain ✓ text") == "plain ✓ text");
}

TEST_CASE("every chart is drawn from the data, with axes", "[html]") {
  const std::string html = render_html(full_report());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  for (const char* id : chart_ids) {
    INFO(id);
    CHECK(count_of(html, std::string("id=\"") + id + "\"") == 1);
    const std::string chart = element(html, id);
    REQUIRE_FALSE(chart.empty());
    CHECK(chart.rfind("<svg class=\"chart\"", 0) == 0);
    CHECK(count_of(chart, "class=\"axis-label\"") >= 1);
    const bool drawn =
        std::regex_search(chart,
                          std::regex("<path class=\"series[^\"]*\" data-points=\"[1-9][0-9]*\" "
                                     "d=\"M[0-9.]+ [0-9.]+ L")) ||
        chart.find("<rect class=\"bar\"") != std::string::npos;
    CHECK(drawn);
  }
  CHECK(count_of(element(html, "chart-connect-latency"), "<rect class=\"bar\"") == 6);
  CHECK(count_of(element(html, "chart-errors"), "<rect class=\"bar\"") == 2);
  CHECK(count_of(element(html, "chart-message-latency"), "<path class=\"series") == 2);
  // SLO verdicts and configuration.
  CHECK_THAT(html,
             Catch::Contains("<code>messages.latency.p99&lt;=400ms</code>") &&
                 Catch::Contains("<tr class=\"fail\"><td><code>connections.successRate&gt;=99") &&
                 Catch::Contains("id=\"run-config\""));
}

TEST_CASE("the page is self-contained: no script, nothing loaded from anywhere", "[html]") {
  const std::string html = render_html(full_report());
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  // The only URLs: the SVG namespace and the report's own target, as text.
  std::string rest = html;
  for (const std::string allowed : {"http://www.w3.org/2000/svg", "ws://127.0.0.1:8000"}) {
    for (auto at = rest.find(allowed); at != std::string::npos; at = rest.find(allowed)) {
      rest.erase(at, allowed.size());
    }
  }
  CHECK(rest.find("://") == std::string::npos);
}

TEST_CASE("charts without data say so instead of vanishing", "[html]") {
  report r;
  r.scenario = "connection-storm";
  const std::string html = render_html(r);
  for (const char* id : chart_ids) {
    INFO(id);
    const std::string chart = element(html, id);
    CHECK(chart.rfind("<div class=\"chart no-data\"", 0) == 0);
    CHECK_THAT(chart, Catch::Contains("No data: "));
  }
  CHECK_THAT(html, Catch::Contains("No objectives were set"));
}

TEST_CASE("every string from the report is escaped", "[html]") {
  report r = full_report();
  const std::string evil = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&";
  r.scenario = evil;
  r.target = evil;
  r.errors.add(evil, relayload::condition::protocol_violation, 5);
  r.config.set(evil, evil);
  r.histograms.emplace(evil, histogram{});
  r.series.emplace(evil, time_series{});
  const std::string html = render_html(r);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("onerror=alert(2)>") == std::string::npos);
  CHECK(count_of(html, "&lt;script&gt;alert(1)&lt;/script&gt;") >= 5);
}
