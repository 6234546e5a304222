#include "relayload/metrics/original_render.hpp"

#include <catch2/catch.hpp>
#include <regex>
#include <string>
#include <vector>

using namespace relayload::metrics;

namespace {

// tests/cli/data/original_storm.json.
constexpr const char* storm_json = R"({
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

// original-tool.md §4.2 (tests/cli/data/original_steady_messaging.json).
constexpr const char* steady_messaging_json = R"({
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

// A realistic-session run of the original tool in which no message came back: its message
// latency is null (§3.3), and the original printed no SLO line at all for it.
constexpr const char* session_json = R"({
  "scenario": "realistic-session",
  "timestamp": "2026-11-22T11:30:00.000Z",
  "target": "ws://relay.example/connection/websocket",
  "config": { "connections": 10, "durationSec": 60, "rampUpSec": 1, "messagesPerSession": 2 },
  "results": {
    "connections": { "attempted": 10, "successful": 9, "failed": 1, "successRate": 90, "immediate": 9, "recovered": 0 },
    "timing": { "totalTimeMs": 5000, "connectionsPerSec": 2 },
    "connectTime": null,
    "retries": { "totalRetries": 0, "avgRetriesPerConnection": 0 },
    "handshake": { "attempted": 10, "successful": 9, "failed": 1, "successRate": 90,
                   "latency": { "min": 40, "max": 900, "avg": 120, "p50": 80, "p95": 450, "p99": 900 } },
    "messages": { "sent": 18, "received": 0, "failed": 18, "deliveryRate": 0, "latency": null }
  }
})";

// An async-delivery run that lost one of twenty recoveries.
constexpr const char* async_json = R"({
  "scenario": "async-delivery",
  "timestamp": "2026-11-22T11:40:00.000Z",
  "target": "ws://relay.example/connection/websocket",
  "config": { "connections": 20, "durationSec": 60, "rampUpSec": 1, "delaySec": 5 },
  "results": {
    "connections": { "attempted": 20, "successful": 20, "failed": 0, "successRate": 100, "immediate": 20, "recovered": 0 },
    "timing": { "totalTimeMs": 9000, "connectionsPerSec": 2.2222222222222223 },
    "connectTime": null,
    "retries": { "totalRetries": 0, "avgRetriesPerConnection": 0 },
    "recovery": { "attempted": 20, "received": 19, "failed": 1, "deliveryRate": 95,
                  "latency": { "min": 3, "max": 30, "avg": 8, "p50": 7, "p95": 20, "p99": 30 } }
  }
})";

original_document parse(const char* json) {
  std::string why;
  auto doc = parse_original_document(json, &why);
  INFO(why);
  REQUIRE(doc);
  return *doc;
}

std::vector<slo_objective> objectives(const std::vector<std::string>& expressions) {
  std::vector<slo_objective> out;
  for (const std::string& e : expressions) out.push_back(*parse_slo(e));
  return out;
}

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

std::vector<int> points_of(const std::string& chart) {
  std::vector<int> out;
  const std::regex path("<path class=\"series[^\"]*\" data-points=\"([0-9]+)\"");
  for (auto it = std::sregex_iterator(chart.begin(), chart.end(), path);
       it != std::sregex_iterator(); ++it) {
    out.push_back(std::stoi((*it)[1]));
  }
  return out;
}

}  // namespace

TEST_CASE("original_render: a storm's summary in the original's sections", "[original]") {
  const original_document doc = parse(storm_json);
  CHECK(default_slos(doc).empty());
  const std::string text = render_original_summary(doc);
  CHECK_THAT(text,
             Catch::Contains("RESULTS SUMMARY  (original-tool document)") &&
                 Catch::Contains("latencies in whole milliseconds only; no histograms, errors "
                                 "or time series") &&
                 Catch::Contains("Connections:      200 attempted, 200 successful (100.0%)\n") &&
                 Catch::Contains("  ✓ Immediate: 200 | ↻ Recovered: 0 | ✗ Failed: 0\n") &&
                 Catch::Contains("Total time:       2109ms\n") &&
                 Catch::Contains("Rate:             94.8 conn/sec\n") &&
                 Catch::Contains("Connect:          min=1ms, avg=2ms, p50=2ms, p95=3ms, p99=3ms, "
                                 "max=19ms\n"));
  CHECK(text.find("Service-level objectives") == std::string::npos);
  CHECK(text.find("\x1b[") == std::string::npos);
  // Colours as the original's: p99 of 3 ms is green.
  const std::string coloured = render_original_summary(doc, {true});
  CHECK_THAT(coloured, Catch::Contains("\x1b[32mp99=3ms\x1b[0m") &&
                           Catch::Contains("(\x1b[32m100.0%\x1b[0m)"));
}

TEST_CASE("original_render: the steady-messaging example, judged by the original's objective",
          "[original]") {
  const original_document doc = parse(steady_messaging_json);
  const auto defaults = default_slos(doc);
  REQUIRE(defaults.size() == 1);
  CHECK(defaults[0].expression == "messages.latency.p99<=400ms");
  const auto verdicts = evaluate_slos(doc, defaults);
  const std::string text = render_original_summary(doc, {}, verdicts);
  CHECK_THAT(text,
             Catch::Contains("Connection Pairs: 20 attempted, 20 successful (100.0%)\n") &&
                 Catch::Contains("Total time:       27020ms\n") &&
                 Catch::Contains("Rate:             0.7 pairs/sec\n") &&
                 Catch::Contains("\nSustained Messaging\n  Duration:    25s (interval: 1s)\n") &&
                 Catch::Contains("  Exchanges:   165/165 (100.0%)\n") &&
                 Catch::Contains("  Latency:     min=1ms, avg=3ms, p50=2ms, p95=4ms, p99=6ms, "
                                 "max=6ms\n") &&
                 Catch::Contains("  SLO P99:     ✓ PASS (target ≤ 400ms, actual 6ms)\n") &&
                 Catch::Contains("  Trend:       P99 6ms → 6ms (first → last)\n") &&
                 Catch::Contains("\nService-level objectives\n  ✓ PASS  "
                                 "messages.latency.p99<=400ms (actual 6ms)\n"));
  CHECK(text.find("Immediate") == std::string::npos);  // pairs, not connections
  CHECK(text.find("Connect:") == std::string::npos);   // connectTime is null
}

TEST_CASE("original_render: objectives are judged from the carried figures, no data fails",
          "[original]") {
  const original_document doc = parse(steady_messaging_json);
  const auto v =
      evaluate_slos(doc, objectives({"messages.latency.p99<=5ms", "messages.latency.p99<=0.01s",
                                     "connections.successRate>=99", "messages.deliveryRate==100",
                                     "messages.latency.p90<=400ms", "errors.total==0",
                                     "connectTime.p99<=1s", "messages.sent>=100"}));
  REQUIRE(v.size() == 8);
  CHECK(v[0] == slo_verdict{"messages.latency.p99<=5ms", "6ms", 6e6, false});
  CHECK(v[1] == slo_verdict{"messages.latency.p99<=0.01s", "0.006s", 6e6, true});
  CHECK(v[2] == slo_verdict{"connections.successRate>=99", "100%", 100.0, true});
  CHECK(v[3] == slo_verdict{"messages.deliveryRate==100", "100%", 100.0, true});
  // The original did not measure a p90, errors, or connect time of session pairs.
  for (std::size_t i : {4, 5, 6}) {
    INFO(v[i].expression);
    CHECK(v[i].actual == "no data");
    CHECK_FALSE(v[i].value);
    CHECK_FALSE(v[i].pass);
  }
  CHECK(v[7] == slo_verdict{"messages.sent>=100", "165", 165.0, true});
  CHECK(any_failed(v));
  // The summary: the objective that replaced the default has no "SLO P99:" line of its own.
  const std::string text = render_original_summary(doc, {}, v);
  CHECK(text.find("SLO P99:") == std::string::npos);
  CHECK_THAT(text, Catch::Contains("  ✗ FAIL  messages.latency.p90<=400ms (actual no data)\n") &&
                       Catch::Contains("  ✓ PASS  messages.sent>=100 (actual 165)\n"));
}

TEST_CASE("original_render: a null latency is no samples, and the message objective fails",
          "[original]") {
  const original_document doc = parse(session_json);
  const std::string plain = render_original_summary(doc);
  CHECK_THAT(plain,
             Catch::Contains("Connection Pairs: 10 attempted, 9 successful (90.0%)\n") &&
                 Catch::Contains("\nHandshake\n  Pairs:       9/10 (90.0%)\n  Latency:     "
                                 "min=40ms, avg=120ms, p50=80ms, p95=450ms, p99=900ms, "
                                 "max=900ms\n") &&
                 Catch::Contains("\nMessages\n  Delivery:    0/18 (0.0%)\n  Failed:      18\n"
                                 "  Latency:     no samples (null in the document)\n") &&
                 Catch::Contains("  SLO P99:     ✗ FAIL (target ≤ 400ms, no successful "
                                 "samples)\n"));
  const auto verdicts = evaluate_slos(doc, default_slos(doc));
  REQUIRE(verdicts.size() == 1);
  CHECK(verdicts[0] == slo_verdict{"messages.latency.p99<=400ms", "no data", std::nullopt, false});
  const std::string judged = render_original_summary(doc, {}, verdicts);
  CHECK_THAT(judged, Catch::Contains("  SLO P99:     ✗ FAIL (target ≤ 400ms, no successful "
                                     "samples)\n") &&
                         Catch::Contains("  ✗ FAIL  messages.latency.p99<=400ms (actual no "
                                         "data)\n"));
  const std::string html = render_original_html(doc, verdicts);
  CHECK_THAT(element(html, "latencies"),
             Catch::Contains("<tr><td>Message latency</td><td colspan=\"6\">no samples (null in "
                             "the document)</td></tr>"));
  // The handshake is drawn; the null message latency is not a line.
  CHECK(points_of(element(html, "chart-latency-distribution")) == std::vector<int>{5});
  CHECK_THAT(element(html, "charts-left-out"), Catch::Contains("handshakes per second") &&
                                                   Catch::Contains("session phases") &&
                                                   Catch::Contains("message latency over time"));
}

TEST_CASE("original_render: recovery below 100 % fails the original's objective", "[original]") {
  const original_document doc = parse(async_json);
  const auto verdicts = evaluate_slos(doc, default_slos(doc));
  REQUIRE(verdicts.size() == 1);
  CHECK(verdicts[0] == slo_verdict{"recovery.deliveryRate>=100", "95%", 95.0, false});
  const std::string text = render_original_summary(doc, {}, verdicts);
  CHECK_THAT(text, Catch::Contains("\nHistorical Recovery\n  Received:    19/20 (95.0%)\n"
                                   "  Failed:      1\n  Latency:     min=3ms, avg=8ms, p50=7ms, "
                                   "p95=20ms, p99=30ms, max=30ms\n  SLO:         ✗ FAIL (target "
                                   "100%, actual 95.0%)\n"));
}

TEST_CASE("original_render: the storm's page: summary, carried percentiles, what is left out",
          "[original]") {
  const original_document doc = parse(storm_json);
  const std::string html = render_original_html(doc, {});
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<script") == std::string::npos);
  CHECK_THAT(element(html, "original-document"), Catch::Contains("An original-tool document") &&
                                                     Catch::Contains("no histograms") &&
                                                     Catch::Contains("no time series"));
  CHECK_THAT(html, Catch::Contains("<tr><th>Connections</th><td>200 attempted, 200 successful "
                                   "(100.00%), 0 failed</td></tr>") &&
                       Catch::Contains("<tr><th>Total time</th><td>2.109 s</td></tr>") &&
                       Catch::Contains("<tr><td>Connect time</td><td>1</td><td>2</td><td>2</td>"
                                       "<td>3</td><td>3</td><td>19</td></tr>") &&
                       Catch::Contains("id=\"slo-none\""));
  // The carried points: min, p50, p95, p99, max.
  const std::string chart = element(html, "chart-latency-distribution");
  REQUIRE(chart.rfind("<svg class=\"chart\"", 0) == 0);
  CHECK(points_of(chart) == std::vector<int>{5});
  CHECK(html.find("id=\"chart-message-latency\"") == std::string::npos);
  CHECK(html.find("id=\"chart-active-connections\"") == std::string::npos);
  CHECK(html.find("id=\"chart-errors\"") == std::string::npos);
  // What is left out, and why, visibly.
  CHECK_THAT(element(html, "charts-left-out"),
             Catch::Contains("active connections over time, because the document has no time "
                             "series") &&
                 Catch::Contains("connect latency p90 and p99.9, the histogram table, because it "
                                 "has no histograms") &&
                 Catch::Contains("errors by cause, because it has no error breakdown"));
  CHECK_THAT(element(html, "run-config"), Catch::Contains("<tr><th>rampUpSec</th><td>2</td></tr>"));
}

TEST_CASE("original_render: the steady-messaging page draws the snapshots and the verdicts",
          "[original]") {
  const original_document doc = parse(steady_messaging_json);
  const auto verdicts =
      evaluate_slos(doc, objectives({"messages.latency.p99<=400ms", "messages.latency.p99<=5ms"}));
  const std::string html = render_original_html(doc, verdicts);
  CHECK(points_of(element(html, "chart-message-latency")) == std::vector<int>{2, 2});
  CHECK(points_of(element(html, "chart-latency-distribution")) == std::vector<int>{5});
  CHECK_THAT(element(html, "charts-left-out"),
             !Catch::Contains("message latency over time") &&
                 Catch::Contains("only the snapshots drawn above"));
  CHECK_THAT(html,
             Catch::Contains("<tr class=\"pass\"><td><code>messages.latency.p99&lt;=400ms</code>"
                             "</td><td>6ms</td><td>PASS</td></tr>") &&
                 Catch::Contains("<tr class=\"fail\"><td><code>messages.latency.p99&lt;=5ms</code>"
                                 "</td><td>6ms</td><td>FAIL</td></tr>"));
  CHECK(count_of(html, "<tr class=\"fail\">") == 1);
}

TEST_CASE("original_render: every string from the document is escaped", "[original]") {
  original_document doc = parse(storm_json);
  doc.scenario = "<script>alert(1)</script>";
  doc.target = "ws://x/?a=1&b=\"2\"";
  doc.config.set("label", std::string("<i>it's</i>"));
  const std::string html = render_original_html(doc, {});
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<i>") == std::string::npos);
  CHECK_THAT(html, Catch::Contains("&lt;script&gt;alert(1)&lt;/script&gt;") &&
                       Catch::Contains("ws://x/?a=1&amp;b=&quot;2&quot;") &&
                       Catch::Contains("&lt;i&gt;it&#39;s&lt;/i&gt;"));
}
