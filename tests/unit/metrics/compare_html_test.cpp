#include <catch2/catch.hpp>
#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "relayload/metrics/compare.hpp"
#include "relayload/metrics/compare_render.hpp"
#include "relayload/metrics/report_html.hpp"

using namespace relayload::metrics;

namespace {

constexpr std::int64_t ms = 1'000'000;

// The original tool's connection-storm document (tests/cli/data/original_storm.json).
constexpr const char* original_storm = R"({
  "scenario": "connection-storm",
  "timestamp": "2026-11-22T11:18:25.051Z",
  "target": "ws://127.0.0.1:18000/connection/websocket",
  "config": { "connections": 200, "durationSec": 60, "rampUpSec": 2 },
  "results": {
    "connections": { "attempted": 200, "successful": 200, "failed": 0, "successRate": 100,
                     "immediate": 200, "recovered": 0 },
    "timing": { "totalTimeMs": 2109.2076270000002, "connectionsPerSec": 94.82233870188824 },
    "connectTime": { "min": 1, "max": 19, "avg": 2, "p50": 2, "p95": 3, "p99": 3 },
    "retries": { "totalRetries": 0, "avgRetriesPerConnection": 0 }
  }
})";

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

// The <figure> holding the element with id="<id>", caption included.
std::string figure_of(const std::string& html, const std::string& id) {
  const auto at = html.find("id=\"" + id + "\"");
  if (at == std::string::npos) return "";
  const auto start = html.rfind("<figure", at);
  return html.substr(start, html.find("</figure>", at) - start);
}

// The legend texts of a chart, in order.
std::vector<std::string> legend_of(const std::string& chart) {
  std::vector<std::string> out;
  const auto from = chart.find("<g class=\"legend\">");
  const auto legend = chart.substr(from, chart.find("</g>", from) - from);
  const std::regex text("<text [^>]*>([^<]*)</text>");
  for (auto it = std::sregex_iterator(legend.begin(), legend.end(), text);
       it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

// Data points of each series path of a chart, in order.
std::vector<int> points_of(const std::string& chart) {
  std::vector<int> out;
  const std::regex path("<path class=\"series[^\"]*\" data-points=\"([0-9]+)\"");
  for (auto it = std::sregex_iterator(chart.begin(), chart.end(), path);
       it != std::sregex_iterator(); ++it) {
    out.push_back(std::stoi((*it)[1]));
  }
  return out;
}

// A series of 20 intervals of 100 ms, each with latencies around `scale` ms.
time_series latency_series(std::int64_t scale) {
  time_series_options o;
  o.interval = std::chrono::milliseconds(100);
  o.counters = {"completed"};
  time_series s(o);
  for (std::uint64_t i = 0; i < 20; ++i) {
    for (int k = 1; k <= 10; ++k) {
      s.record(i, static_cast<std::int64_t>(k) * scale * ms / 5 + static_cast<std::int64_t>(i));
    }
    s.count(i, 0, 10);
  }
  return s;
}

histogram latencies(std::int64_t scale, int n = 200) {
  histogram h;
  for (int i = 1; i <= n; ++i) h.record(std::int64_t{i % 10 + 1} * scale * ms / 5);
  return h;
}

// A realistic-session run: handshakes and messages with their series; latencies × `scale`.
report session_run(std::int64_t scale) {
  report r;
  r.scenario = "realistic-session";
  r.target = "ws://relay.example/connection/websocket";
  r.end_time = report_time(std::chrono::milliseconds(1'790'000'000'000));
  r.connections = {20, 20, 0, 20, 0};
  r.total_time = std::chrono::seconds(2);
  r.config.set("connections", std::int64_t{20});
  r.config.set("messagesPerSession", std::int64_t{2});
  handshake_section hs;
  hs.attempted = hs.successful = 20;
  hs.latency = latencies(scale);
  r.handshake = hs;
  messages_section m;
  m.sent = m.received = 200;
  m.latency = latencies(scale);
  r.messages = m;
  r.series.emplace(handshakes_series, latency_series(scale));
  r.series.emplace(messages_series, latency_series(scale));
  return r;
}

// A connection-storm run: connect time, recorded per interval in "connections".
report storm_run(std::int64_t scale) {
  report r;
  r.scenario = "connection-storm";
  r.target = "ws://127.0.0.1:18000/connection/websocket";
  r.connections = {200, 200, 0, 200, 0};
  r.total_time = std::chrono::seconds(2);
  r.config.set("connections", std::int64_t{200});
  r.config.set("durationSec", std::int64_t{60});
  r.config.set("rampUpSec", std::int64_t{2});
  r.connect_time = latencies(scale);
  r.series.emplace(connections_series, latency_series(scale));
  return r;
}

comparison_document document_of(std::vector<run_figures> base, std::vector<run_figures> candidate,
                                const std::vector<std::string>& gates = {}) {
  comparison_document d;
  d.base = std::move(base);
  d.candidate = std::move(candidate);
  d.result = compare_runs(d.base, d.candidate, d.options);
  std::vector<gate> parsed;
  for (const std::string& g : gates) parsed.push_back(*parse_gate(g));
  d.gates = evaluate_gates(d.result, parsed);
  return d;
}

original_document original() {
  std::string why;
  auto doc = parse_original_document(original_storm, &why);
  INFO(why);
  REQUIRE(doc);
  doc->figures.label = "original_storm.json";
  return *doc;
}

}  // namespace

TEST_CASE("compare_html: two runs on the same axes, one curve per run in every chart",
          "[compare-html]") {
  const report base = session_run(1);
  const report candidate = session_run(3);
  const auto d = document_of({figures_of(base, "main.json")}, {figures_of(candidate, "rc.json")},
                             {"messages.latency.p99<=+10%", "connections.successRate>=-0.1"});
  const std::string html = render_comparison_html(d, {&base}, {&candidate});
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<script") == std::string::npos);

  // The runs table names both, with their sides.
  CHECK_THAT(html, Catch::Contains("base: main.json") && Catch::Contains("candidate: rc.json") &&
                       Catch::Contains("id=\"runs\""));

  // The charts that apply, and only those.
  for (const char* id :
       {"compare-percentiles-handshake.latency", "compare-percentiles-messages.latency",
        "compare-series-handshakes", "compare-series-messages"}) {
    INFO(id);
    const std::string chart = element(html, id);
    REQUIRE(chart.rfind("<svg class=\"chart\"", 0) == 0);
    CHECK(points_of(chart).size() == 2);
    for (int n : points_of(chart)) CHECK(n > 1);
    CHECK(legend_of(chart) == std::vector<std::string>{"base: main.json", "candidate: rc.json"});
    // The base dashed, the candidate solid, each in its own colour.
    CHECK(count_of(chart, "<path class=\"series s0 dashed\"") == 1);
    CHECK(count_of(chart, "<path class=\"series s3\"") == 1);
  }
  CHECK(html.find("compare-percentiles-connectTime") == std::string::npos);
  CHECK(html.find("compare-percentiles-recovery.latency") == std::string::npos);
  CHECK(html.find("compare-series-recovery") == std::string::npos);
  CHECK(html.find("class=\"chart no-data\"") == std::string::npos);
  // The percentile axis is HdrHistogram's: 0 %, 90 %, 99 %.
  const std::string pct = element(html, "compare-percentiles-messages.latency");
  CHECK_THAT(pct, Catch::Contains(">90%</text>") && Catch::Contains(">99%</text>"));

  // The gate verdicts: a banner and one PASS/FAIL row per gate, in order.
  CHECK_THAT(html, Catch::Contains("<div class=\"banner failed\" id=\"gates-verdict\">"
                                   "<strong>1 of 2 gates failed</strong>"));
  const auto fail =
      html.find("<tr class=\"fail\"><td><code>messages.latency.p99&lt;=+10%</code></td><td>+200%");
  const auto pass =
      html.find("<tr class=\"pass\"><td><code>connections.successRate&gt;=-0.1</code></td>");
  REQUIRE(fail != std::string::npos);
  REQUIRE(pass != std::string::npos);
  CHECK(fail < pass);
  CHECK(html.find("FAIL</td></tr>", fail) < pass);
  CHECK(html.find("PASS</td></tr>", pass) != std::string::npos);

  // The figures table: the slower latency is worse, in red; unchanged counts the same.
  CHECK_THAT(html, Catch::Contains("<tr class=\"worse\"><td><code>messages.latency.p99</code>"));
  CHECK_THAT(html, Catch::Contains("<tr class=\"same\"><td><code>connections.attempted</code>"));
  CHECK_THAT(html, Catch::Contains("tr.worse td.verdict") && Catch::Contains("#b3261e"));
}

TEST_CASE("compare_html: a better candidate is green, and no gates says so", "[compare-html]") {
  const report base = session_run(3);
  const report candidate = session_run(1);
  const auto d = document_of({figures_of(base, "a")}, {figures_of(candidate, "b")});
  const std::string html = render_comparison_html(d, {&base}, {&candidate});
  CHECK_THAT(html, Catch::Contains("<tr class=\"better\"><td><code>messages.latency.p99</code>"));
  CHECK_THAT(html, Catch::Contains("id=\"gates-none\""));
  CHECK(html.find("id=\"gate-verdicts\"") == std::string::npos);
}

TEST_CASE("compare_html: repeated runs are one curve each", "[compare-html]") {
  const report b1 = session_run(1), b2 = session_run(2), c = session_run(2);
  const auto d = document_of({figures_of(b1, "b1"), figures_of(b2, "b2")}, {figures_of(c, "c")});
  const std::string html = render_comparison_html(d, {&b1, &b2}, {&c});
  for (const char* id : {"compare-percentiles-messages.latency", "compare-series-messages"}) {
    INFO(id);
    const std::string chart = element(html, id);
    CHECK(points_of(chart).size() == 3);
    CHECK(legend_of(chart) == std::vector<std::string>{"base: b1", "base: b2", "candidate: c"});
  }
  CHECK_THAT(html, Catch::Contains("2 base runs against 1 candidate run"));
}

TEST_CASE("compare_html: every string from the documents is escaped", "[compare-html]") {
  report base = session_run(1);
  base.target = "ws://x/?a=1&b=\"2\"";
  base.series.emplace("\"><b>x</b>", latency_series(1));
  report candidate = session_run(1);
  auto d = document_of({figures_of(base, "<script>alert(1)</script>.json")},
                       {figures_of(candidate, "it's.json")});
  d.differences = {"messagesPerSession is <b>2</b> in the base"};
  d.result.notes.push_back("a note with <i>markup</i> & more");
  const std::string html = render_comparison_html(d, {&base}, {&candidate});
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<b>2</b>") == std::string::npos);
  CHECK(html.find("<i>markup</i>") == std::string::npos);
  CHECK(html.find("<b>x</b>") == std::string::npos);
  CHECK_THAT(html, Catch::Contains("id=\"compare-series-&quot;&gt;&lt;b&gt;x&lt;/b&gt;\""));
  CHECK_THAT(html, Catch::Contains("base: &lt;script&gt;alert(1)&lt;/script&gt;.json") &&
                       Catch::Contains("candidate: it&#39;s.json") &&
                       Catch::Contains("ws://x/?a=1&amp;b=&quot;2&quot;") &&
                       Catch::Contains("messagesPerSession is &lt;b&gt;2&lt;/b&gt; in the base") &&
                       Catch::Contains("a note with &lt;i&gt;markup&lt;/i&gt; &amp; more"));
  // In the charts' legends too.
  const auto legend = legend_of(element(html, "compare-series-messages"));
  REQUIRE(legend.size() == 2);
  CHECK(legend[0] == "base: &lt;script&gt;alert(1)&lt;/script&gt;.json");
}

TEST_CASE("compare_html: the differences a forced comparison went past are shown",
          "[compare-html]") {
  const report base = session_run(1);
  report candidate = session_run(1);
  candidate.config.set("messagesPerSession", std::int64_t{5});
  auto d = document_of({figures_of(base, "a")}, {figures_of(candidate, "b")});
  d.differences = comparison_differences(d.base.front(), d.candidate.front());
  REQUIRE(d.differences.size() == 1);
  const std::string html = render_comparison_html(d, {&base}, {&candidate});
  CHECK_THAT(element(html, "differences"),
             Catch::Contains("Compared with --force") &&
                 Catch::Contains("<li>messagesPerSession is 2 in the base but 5 in the "
                                 "candidate</li>"));
}

TEST_CASE("compare_html: an original-tool base is drawn from its carried points",
          "[compare-html]") {
  const original_document doc = original();
  const report candidate = storm_run(1);
  const auto d =
      document_of({doc.figures}, {figures_of(candidate, "new.json")}, {"connectTime.p99<=+50%"});
  const std::string html = render_comparison_html(d, {nullptr}, {&candidate});

  const std::string pct = element(html, "compare-percentiles-connectTime");
  REQUIRE(pct.rfind("<svg class=\"chart\"", 0) == 0);
  // The original's five carried points (min, p50, p95, p99, max), then the candidate's curve.
  const auto points = points_of(pct);
  REQUIRE(points.size() == 2);
  CHECK(points[0] == 5);
  CHECK(points[1] > 5);
  CHECK(legend_of(pct) == std::vector<std::string>{"base: original_storm.json (original tool)",
                                                   "candidate: new.json"});
  CHECK_THAT(figure_of(html, "compare-percentiles-connectTime"),
             Catch::Contains("carried points (min, p50, p95, p99, max"));

  // Its series: the candidate's curve, and why the original has none.
  const std::string series = element(html, "compare-series-connections");
  REQUIRE(series.rfind("<svg class=\"chart\"", 0) == 0);
  CHECK(points_of(series).size() == 1);
  CHECK_THAT(figure_of(html, "compare-series-connections"),
             Catch::Contains("Not drawn: base: original_storm.json (an original-tool document "
                             "has no time series)"));
  CHECK_THAT(html, Catch::Contains("<td>original tool</td>"));
  CHECK_THAT(html, Catch::Contains("<code>connectTime.p99&lt;=+50%</code>"));
}

TEST_CASE("compare_html: original-tool runs alone have no series, and the page says why",
          "[compare-html]") {
  const original_document a = original();
  original_document b = original();
  b.figures.label = "again.json";
  const auto d = document_of({a.figures}, {b.figures});
  const std::string html = render_comparison_html(d, {nullptr}, {nullptr});
  CHECK(points_of(element(html, "compare-percentiles-connectTime")).size() == 2);
  const std::string series = element(html, "compare-series-connections");
  CHECK(series.rfind("<div class=\"chart no-data\" id=\"compare-series-connections\">", 0) == 0);
  CHECK_THAT(series, Catch::Contains("original-tool documents, which carry no time series"));
}
