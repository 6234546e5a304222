#include "relayload/metrics/report_html.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <regex>
#include <string>
#include <utility>
#include <vector>

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

// The <table id="…"> element, up to its end.
std::string html_element_section(const std::string& html, const std::string& id) {
  const auto at = html.find("id=\"" + id + "\"");
  if (at == std::string::npos) return "";
  const auto start = html.rfind('<', at);
  return html.substr(start, html.find("</table>", at) - start);
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

// Charts of full_report() (a model that has data for all of these).
const char* const chart_ids[] = {"chart-active-connections", "chart-connect-latency",
                                 "chart-message-latency", "chart-latency-distribution",
                                 "chart-errors"};

// A series of `n` intervals of 100 ms with `counters` (k events in interval k) and gauge
// "active" (k), and a latency per interval when `latency`.
time_series series_of(std::vector<std::string> counters, std::vector<std::string> gauges,
                      bool latency, std::uint64_t n = 20) {
  time_series_options o;
  o.interval = std::chrono::milliseconds(100);
  o.counters = std::move(counters);
  o.gauges = std::move(gauges);
  time_series s(o);
  for (std::uint64_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < o.counters.size(); ++c) s.count(i, c, i % 3);
    for (std::size_t g = 0; g < o.gauges.size(); ++g) {
      s.set_gauge(i, g, static_cast<std::int64_t>(i));
    }
    if (latency) s.record(i, static_cast<std::int64_t>(i + 1) * ms);
  }
  return s;
}

histogram some_latencies(std::int64_t scale) {
  histogram h;
  for (int i = 1; i <= 50; ++i) h.record(std::int64_t{i} * scale);
  return h;
}

// Reports shaped like each built-in scenario's (the series, sections and histograms the
// scenarios of lib/scenario record), with data everywhere and no errors.
report scenario_report(const std::string& scenario) {
  report r;
  r.scenario = scenario;
  r.target = "ws://127.0.0.1:8000/connection/websocket";
  r.connections = {20, 20, 0, 20, 0};
  r.total_time = std::chrono::seconds(2);
  const bool pairs = scenario == "realistic-session" || scenario == "async-delivery" ||
                     scenario == "steady-messaging";
  if (!pairs) {
    r.connect_time = some_latencies(ms);
    r.connections_opened = 20;
    r.series.emplace(connections_series,
                     series_of({"connects", "drops", "reconnects", "errors", "failed"},
                               {"active", "down"}, false));
  } else {
    r.connections_opened = scenario == "async-delivery" ? 60 : 40;
    r.series.emplace(connections_series,
                     series_of({"opened", "drops", "reconnects"}, {"active"}, false));
    r.series.emplace(handshakes_series, series_of({"started", "completed", "failed"}, {}, true));
    handshake_section hs;
    hs.attempted = hs.successful = 20;
    hs.latency = some_latencies(ms);
    r.handshake = hs;
    r.histograms.emplace("handshake.dappSide", some_latencies(2 * ms));
    r.histograms.emplace("handshake.walletSide", some_latencies(ms / 2));
    r.histograms.emplace("handshake.timeToFailure", histogram{});
  }
  if (scenario == "steady-state") r.steady_state = steady_state_section{};
  if (scenario == "realistic-session" || scenario == "steady-messaging") {
    messages_section m;
    m.sent = m.received = 40;
    m.latency = some_latencies(ms / 10);
    r.messages = m;
    r.histograms.emplace("messages.requestLeg", some_latencies(ms / 20));
    r.histograms.emplace("messages.responseLeg", some_latencies(ms / 20));
    r.histograms.emplace("messages.thinkTime", some_latencies(20 * ms));
  }
  if (scenario == "realistic-session") {
    r.series.emplace(messages_series, series_of({"completed", "failed"}, {}, true));
  }
  if (scenario == "steady-messaging") {
    steady_messaging_section sm;
    sm.duration = std::chrono::seconds(2);
    sm.message_interval = std::chrono::milliseconds(200);
    sm.latency_over_time = series_of({"completed", "failed"}, {}, true);
    r.steady_messaging = sm;
  }
  if (scenario == "async-delivery") {
    recovery_section rec;
    rec.attempted = rec.received = 20;
    rec.latency = some_latencies(ms);
    r.recovery = rec;
    r.series.emplace(recovery_series, series_of({"received", "failed"}, {}, true));
  }
  if (scenario == "reconnect-storm") {
    r.histograms.emplace("reconnectStorm.recoveryTime", some_latencies(10 * ms));
    r.counters.add("reconnectStorm.held", 20);
    r.series.emplace(recovery_series,
                     series_of({"back", "recoveredStreams", "recoveryFailed"}, {}, true));
  }
  return r;
}

const char* const all_charts[] = {"chart-active-connections",
                                  "chart-connect-latency",
                                  "chart-handshake-rate",
                                  "chart-handshake-latency",
                                  "chart-session-phases",
                                  "chart-message-latency",
                                  "chart-recovery",
                                  "chart-recovery-latency",
                                  "chart-latency-distribution",
                                  "chart-errors"};

bool drawn_with_data(const std::string& chart) {
  return std::regex_search(chart,
                           std::regex("<path class=\"series[^\"]*\" data-points=\"[1-9][0-9]*\" "
                                      "d=\"M[0-9.]+ [0-9.]+ L")) ||
         std::regex_search(chart, std::regex("<rect class=\"bar( s[0-9])?\""));
}

}  // namespace

TEST_CASE("report_html: html_escape replaces the five special characters", "[html]") {
  CHECK(html_escape("<a href='x'>&\"</a>") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  CHECK(html_escape("plain ✓ text") == "plain ✓ text");
}

TEST_CASE("report_html: every chart is drawn from the data, with axes", "[html]") {
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

TEST_CASE("report_html: the page is self-contained: no script, nothing loaded from anywhere",
          "[html]") {
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

TEST_CASE("report_html: each scenario's page has the charts that apply to it, each drawn with data",
          "[html]") {
  using ids = std::vector<std::string>;
  const std::pair<const char*, ids> expected[] = {
      {"connection-storm",
       {"chart-active-connections", "chart-connect-latency", "chart-latency-distribution"}},
      {"steady-state",
       {"chart-active-connections", "chart-connect-latency", "chart-latency-distribution"}},
      {"realistic-session",
       {"chart-active-connections", "chart-handshake-rate", "chart-handshake-latency",
        "chart-session-phases", "chart-message-latency", "chart-latency-distribution"}},
      {"async-delivery",
       {"chart-active-connections", "chart-handshake-rate", "chart-handshake-latency",
        "chart-session-phases", "chart-recovery", "chart-recovery-latency",
        "chart-latency-distribution"}},
      {"steady-messaging",
       {"chart-active-connections", "chart-handshake-rate", "chart-handshake-latency",
        "chart-session-phases", "chart-message-latency", "chart-latency-distribution"}},
      {"reconnect-storm",
       {"chart-active-connections", "chart-connect-latency", "chart-recovery",
        "chart-recovery-latency", "chart-latency-distribution"}},
  };
  for (const auto& [scenario, charts] : expected) {
    INFO(scenario);
    const report r = scenario_report(scenario);
    CHECK(html_charts(r) == charts);
    const std::string html = render_html(r);
    for (const char* id : all_charts) {
      INFO(id);
      const bool applies = std::find(charts.begin(), charts.end(), id) != charts.end();
      // A chart that cannot apply is left out entirely; one that applies is drawn.
      CHECK(count_of(html, std::string("id=\"") + id + "\"") == (applies ? 1u : 0u));
      if (!applies) continue;
      const std::string chart = element(html, id);
      CHECK(chart.rfind("<svg class=\"chart\"", 0) == 0);
      CHECK(count_of(chart, "class=\"axis-label\"") == 2);
      CHECK(drawn_with_data(chart));
    }
    const auto from = html.find("<section id=\"charts\">");
    const std::string charts_section = html.substr(from, html.find("</section>", from) - from);
    CHECK(charts_section.find("No data") == std::string::npos);
    CHECK(charts_section.find("no-data") == std::string::npos);
    CHECK_THAT(html, Catch::Contains("id=\"errors-none\">No errors were counted."));
  }
  // Session phases: p50 and p99 of each phase measured, side by side.
  const std::string phases =
      element(render_html(scenario_report("realistic-session")), "chart-session-phases");
  for (const char* phase :
       {"dApp side", "wallet side", "handshake", "request leg", "think time", "response leg"}) {
    CHECK_THAT(phases, Catch::Contains(std::string(">") + phase + "</text>"));
  }
  CHECK(count_of(phases, "<rect class=\"bar s0\"") == 6);  // p50
  CHECK(count_of(phases, "<rect class=\"bar s1\"") == 6);  // p99
  // Handshakes per second: started, completed, failed.
  CHECK(count_of(element(render_html(scenario_report("async-delivery")), "chart-handshake-rate"),
                 "<path class=\"series") == 3);
}

TEST_CASE(
    "report_html: a chart that applies but has no data says why, and errors are charted when "
    "counted",
    "[html]") {
  report r = scenario_report("realistic-session");
  r.series.erase(handshakes_series);  // e.g. a report of an older relayload
  r.series.at(messages_series) = time_series(r.series.at(messages_series).options());
  r.messages->latency = histogram{};
  r.errors.add("message.response.reply_timeout", relayload::condition::timed_out, 40);
  const std::string html = render_html(r);
  CHECK(element(html, "chart-handshake-rate").rfind("<div class=\"chart no-data\"", 0) == 0);
  CHECK_THAT(element(html, "chart-handshake-rate"),
             Catch::Contains("No data: this report has no &quot;handshakes&quot; time series"));
  CHECK_THAT(element(html, "chart-message-latency"),
             Catch::Contains("No data: no exchange completed"));
  CHECK(drawn_with_data(element(html, "chart-errors")));
  CHECK(html.find("errors-none") == std::string::npos);

  report empty;  // nothing measured at all
  empty.scenario = "connection-storm";
  empty.connect_time = histogram{};
  const std::string page = render_html(empty);
  CHECK(html_charts(empty) == std::vector<std::string>{"chart-active-connections",
                                                       "chart-connect-latency",
                                                       "chart-latency-distribution"});
  for (const char* id :
       {"chart-active-connections", "chart-connect-latency", "chart-latency-distribution"}) {
    INFO(id);
    CHECK(element(page, id).rfind("<div class=\"chart no-data\"", 0) == 0);
    CHECK_THAT(element(page, id), Catch::Contains("No data: "));
  }
  CHECK_THAT(page, Catch::Contains("No objectives were set"));
}

TEST_CASE("report_html: pairs are counted as pairs, with the connections they opened", "[html]") {
  report r = scenario_report("realistic-session");
  const std::string html = render_html(r);
  CHECK_THAT(html, Catch::Contains("<tr><th>Pairs</th><td>20 attempted, 20 successful (100.00%), 0 "
                                   "failed</td></tr>"));
  CHECK_THAT(html, Catch::Contains("<tr><th>Connections opened</th><td>40 "));
  CHECK_THAT(html, Catch::Contains("pairs per second"));
  const std::string storm = render_html(scenario_report("connection-storm"));
  CHECK_THAT(storm, Catch::Contains("<tr><th>Connections</th><td>20 attempted"));
  CHECK(storm.find("Connections opened") == std::string::npos);
}

TEST_CASE("report_html: the configuration table shows only the options the run used", "[html]") {
  report r = scenario_report("realistic-session");
  r.config.set("connections", std::int64_t{20});
  r.config.set("durationSec", std::int64_t{60});
  r.config.set("rampUpSec", std::int64_t{1});
  r.config.set("messagesPerSession", std::int64_t{3});
  r.config.set("sourceIps", std::int64_t{0});
  r.config_unused = {"durationSec", "sourceIps"};
  const std::string table = html_element_section(render_html(r), "run-config");
  CHECK_THAT(table, Catch::Contains("<th>messagesPerSession</th><td>3</td>"));
  CHECK(table.find("durationSec") == std::string::npos);
  CHECK(table.find("sourceIps") == std::string::npos);
  CHECK_THAT(render_html(r),
             Catch::Contains("id=\"config-unused\">Not used by this run, so not "
                             "shown (the JSON keeps them): durationSec, sourceIps."));
}

TEST_CASE("report_html: every string from the report is escaped", "[html]") {
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

// ---- workload mixes and capacity searches ------------------------------------------------

namespace {

// A group's report shaped like the workload runner's: its scenario's report, its arrivals
// (config "arrivals", startAfterSec, durationSec) and an "arrivals" series (started, late;
// latency = lateness).
group_report group_of(const std::string& name, const std::string& scenario, const char* arrivals,
                      std::int64_t start_after, std::int64_t duration) {
  group_report g{name, scenario_report(scenario)};
  g.result.config.set("arrivals", std::string(arrivals));
  g.result.config.set("startAfterSec", start_after);
  g.result.config.set("durationSec", duration);
  g.result.series.emplace("arrivals", series_of({"started", "late"}, {}, true));
  return g;
}

// Two groups on one time axis (100 ms intervals, 2 s), their totals, the generator's series
// and histogram, and objectives on the totals and on one group.
report workload_report() {
  std::vector<group_report> groups = {
      group_of("web-wallets", "realistic-session", "10/s poisson", 0, 2),
      group_of("idle-pool", "steady-state", "count 20 over 1 s", 1, 1)};
  report r = workload_totals(groups);
  r.groups = std::move(groups);
  r.scenario = workload_scenario;
  r.target = "ws://relay.example/connection/websocket";
  r.total_time = std::chrono::seconds(2);
  r.config.set("durationSec", std::int64_t{2});
  r.config.set("groups", std::int64_t{2});
  r.series.insert_or_assign("generator", series_of({"samples"}, {}, true));
  r.histograms.insert_or_assign("generator.loopLag", some_latencies(ms / 10));
  r.slos = {*parse_slo("groups.web-wallets.handshake.latency.p99<=1500ms"),
            *parse_slo("messages.latency.p99<=400ms")};
  return r;
}

std::string with_unit(double v, const char* unit) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%s", v, unit);
  return text;
}

capacity_step step_at(double value, std::int64_t from_ms, bool pass, double p99_ms,
                      double delivery) {
  capacity_step s;
  s.value = value;
  s.start = std::chrono::milliseconds(from_ms);
  s.measured_from = std::chrono::milliseconds(from_ms + 200);
  s.end = std::chrono::milliseconds(from_ms + 600);
  s.achieved_rate = value * 0.98;
  s.units = static_cast<std::uint64_t>(value * 0.4);
  s.pass = pass;
  s.slo = {{"messages.latency.p99<=400ms", with_unit(p99_ms, "ms"), p99_ms * 1e6, p99_ms <= 400},
           {"messages.deliveryRate>=99", with_unit(delivery, "%"), delivery, delivery >= 99}};
  s.generator = {12, 0.8, 0.5, 20, 41, false, ""};
  return s;
}

// The workload searched by new-sessions rate: 5 and 10 pass, 15 fails its latency objective.
report capacity_report() {
  report r = workload_report();
  capacity_result c;
  c.parameter = "web-wallets.rate";
  c.unit = "sessions/s";
  c.steps = {step_at(5, 0, true, 40, 100), step_at(10, 600, true, 180, 100),
             step_at(15, 1200, false, 520, 97)};
  c.last_passing = 10;
  c.first_failing = 15;
  c.breached = {c.steps[2].slo[0], c.steps[2].slo[1]};
  c.verdict = "capacity 10 sessions/s: at 15 sessions/s messages.latency.p99<=400ms failed";
  r.capacity = c;
  return r;
}

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325u;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3u;
  }
  return h;
}

}  // namespace

TEST_CASE("report_html: a workload page has the groups table and every group on each chart",
          "[html]") {
  const report r = workload_report();
  const std::string html = render_html(r);
  const std::vector<std::string> charts = html_charts(r);
  const std::vector<std::string> top = {"chart-group-connections", "chart-group-arrivals",
                                        "chart-group-handshake-latency",
                                        "chart-group-message-latency", "chart-generator"};
  REQUIRE(charts.size() > top.size());
  CHECK(std::vector<std::string>(charts.begin(), charts.begin() + 5) == top);
  // Then each group's own charts, its scenario's usual ones.
  CHECK(std::find(charts.begin(), charts.end(), "group-web-wallets-chart-session-phases") !=
        charts.end());
  CHECK(std::find(charts.begin(), charts.end(), "group-idle-pool-chart-connect-latency") !=
        charts.end());
  for (const std::string& id : charts) {
    INFO(id);
    CHECK(count_of(html, "id=\"" + id + "\"") == 1);
    CHECK(drawn_with_data(element(html, id)));
  }
  CHECK(html.find("No data") == std::string::npos);

  // The groups table: one row per group, with its arrivals, window, counts and latencies.
  const std::string table = html_element_section(html, "groups");
  CHECK(count_of(table, "<tr id=\"groups-") == 2);
  CHECK_THAT(table, Catch::Contains(">web-wallets</a>") &&
                        Catch::Contains("<td class=\"scenario\">realistic-session</td>") &&
                        Catch::Contains("<td>10/s poisson</td><td>0 – 2 s</td>") &&
                        Catch::Contains("<td>20 / 20 pairs</td><td>messages ") &&
                        Catch::Contains(">idle-pool</a>") &&
                        Catch::Contains("<td>count 20 over 1 s</td><td>1 – 2 s</td>") &&
                        Catch::Contains("<td>20 / 20 connections</td><td>connect "));
  // Arrivals late: k % 3 per interval over 20 intervals.
  CHECK(count_of(table, "<td>19 of 19</td>") == 2);

  // Every group's name is in the legend of the charts that compare them, each its own line.
  for (const char* id : {"chart-group-connections", "chart-group-arrivals"}) {
    INFO(id);
    const std::string chart = element(html, id);
    CHECK_THAT(chart,
               Catch::Contains(">web-wallets</text>") && Catch::Contains(">idle-pool</text>"));
  }
  CHECK(count_of(element(html, "chart-group-connections"), "<path class=\"series") == 3);
  CHECK_THAT(element(html, "chart-group-connections"), Catch::Contains(">all groups</text>"));
  CHECK(count_of(element(html, "chart-group-arrivals"), "<path class=\"series") == 2);
  // Only the pair group has handshakes.
  const std::string handshakes = element(html, "chart-group-handshake-latency");
  CHECK(count_of(handshakes, "<path class=\"series") == 1);
  CHECK(handshakes.find("idle-pool") == std::string::npos);
  {  // A long stretch without handshakes breaks the line instead of bridging it.
    report gap = r;
    time_series& hs = gap.groups[0].result.series.at(handshakes_series);
    time_series thinned(hs.options());
    for (std::uint64_t i : {0, 1, 2, 3, 15, 16, 17}) thinned.record(i, 5 * ms);
    thinned.extend_to(19);
    hs = thinned;
    const std::string chart = element(render_html(gap), "chart-group-handshake-latency");
    CHECK_THAT(chart, Catch::Contains("data-points=\"7\""));
    CHECK(std::regex_search(chart, std::regex("d=\"M[0-9. L]+ M[0-9. L]+\"")));
  }
  // One time axis: the workload's charts and a group's own have the same x ticks.
  const auto x_ticks = [](const std::string& chart) {
    const auto at = chart.find("<g class=\"ticks\">");
    return chart.substr(at, chart.find("</g>", at) - at);
  };
  CHECK(x_ticks(element(html, "chart-group-connections")) ==
        x_ticks(element(html, "group-idle-pool-chart-active-connections")));

  // Totals, the generator, the verdicts (the group-addressed one too), each group's section.
  CHECK_THAT(html, Catch::Contains("<h2>Totals over 2 groups</h2>") &&
                       Catch::Contains("<th>Generator event-loop lag</th>") &&
                       Catch::Contains("<code>groups.web-wallets.handshake.latency.p99&lt;=1500ms"
                                       "</code>") &&
                       Catch::Contains("<details class=\"group\" id=\"group-web-wallets\">") &&
                       Catch::Contains("<details class=\"group\" id=\"group-idle-pool\">"));
  CHECK(count_of(html, "id=\"run-config\"") == 1);
  CHECK(html.find("<script") == std::string::npos);
}

TEST_CASE("report_html: a capacity page has the knee chart with the thresholds and every step",
          "[html]") {
  report r = capacity_report();
  const std::string html = render_html(r);
  const auto charts = html_charts(r);
  REQUIRE(charts.size() > 2);
  CHECK(charts[0] == "chart-capacity-knee");
  CHECK(charts[1] == "chart-capacity-errors");
  CHECK_THAT(html, Catch::Contains("<div class=\"banner found\" id=\"capacity-verdict\">"
                                   "<strong>Capacity: 10 sessions/s</strong>") &&
                       Catch::Contains("capacity 10 sessions/s: at 15 sessions/s"));

  // The knee: the objective's p99 from the verdicts and p50 from the windows, one point per
  // step; the threshold; the last passing and first failing steps marked.
  const std::string knee = element(html, "chart-capacity-knee");
  CHECK(drawn_with_data(knee));
  CHECK_THAT(
      knee,
      Catch::Contains(">messages p50</text>") && Catch::Contains(">messages p99</text>") &&
          Catch::Contains(">messages.latency.p99&lt;=400ms</text>") &&
          Catch::Contains("<g class=\"mark pass\">") && Catch::Contains(">last pass</text>") &&
          Catch::Contains("<g class=\"mark fail\">") && Catch::Contains(">first fail</text>") &&
          Catch::Contains(">web-wallets.rate (sessions/s)</text>"));
  CHECK(count_of(knee, "data-points=\"3\"") == 2);
  CHECK(count_of(knee, "<g class=\"threshold\">") == 1);
  // On a log scale, the 400 ms threshold between the 200 and 500 ms grid lines, the failing
  // step's p99 (520 ms) above it and the passing steps' below.
  const auto y_of = [&](const std::string& pattern) {
    std::smatch m;
    REQUIRE(std::regex_search(knee, m, std::regex(pattern)));
    return std::stod(m[1]);
  };
  const double y400 = y_of("<g class=\"threshold\"><line x1=\"78\" y1=\"([0-9.]+)\"");
  CHECK(y_of("<line x1=\"78\" y1=\"([0-9.]+)\" [^>]*/><text [^>]*>500</text>") < y400);
  CHECK(y_of("<line x1=\"78\" y1=\"([0-9.]+)\" [^>]*/><text [^>]*>200</text>") > y400);
  const std::string p99 =
      "<path class=\"series s1\" data-points=\"3\" d=\"M[0-9.]+ ([0-9.]+) L[0-9.]+ "
      "([0-9.]+) L[0-9.]+ ([0-9.]+)\"";
  std::smatch points;
  REQUIRE(std::regex_search(knee, points, std::regex(p99)));
  CHECK(std::stod(points[1]) > y400);
  CHECK(std::stod(points[2]) > y400);
  CHECK(std::stod(points[3]) < y400);
  const std::string failures = element(html, "chart-capacity-errors");
  CHECK_THAT(failures, Catch::Contains(">messages.deliveryRate&gt;=99</text>") &&
                           Catch::Contains("data-points=\"3\""));

  // The per-step table: every step, its verdict, each objective's actual value and the
  // generator's self-check.
  const std::string steps = html_element_section(html, "capacity-steps");
  CHECK(count_of(steps, "<tr class=\"step ") == 3);
  CHECK_THAT(steps, Catch::Contains("<tr class=\"step passed\" data-value=\"5\"><td>5</td>") &&
                        Catch::Contains("<tr class=\"step passed\" data-value=\"10\">") &&
                        Catch::Contains("<tr class=\"step failed\" data-value=\"15\">") &&
                        Catch::Contains("<td class=\"verdict\">FAIL</td>") &&
                        Catch::Contains("<td class=\"bad\">520.0ms</td>") &&
                        Catch::Contains("<td>12 %</td><td>0.800 ms</td><td>0.500 ms (20.0 ms)"
                                        "</td><td>41 MB</td>"));
  // The steps' windows are shaded on the charts over time.
  const std::string connections = element(html, "chart-group-connections");
  CHECK(count_of(connections, "<rect class=\"band warmup\"") == 3);
  CHECK(count_of(connections, "<rect class=\"band measured") == 3);

  SECTION("a generator-bound step is marked apart, amber") {
    capacity_step& last = r.capacity->steps[2];
    last.slo[0] = {"messages.latency.p99<=400ms", "300ms", 300e6, true};
    last.pass = true;
    last.generator.bound = true;
    last.generator.reason = "event-loop lag p99 25.0 ms > 10 ms";
    r.capacity->first_failing.reset();
    r.capacity->generator_bound = true;
    const std::string page = render_html(r);
    CHECK_THAT(page, Catch::Contains("<div class=\"banner bound\""));
    CHECK_THAT(element(page, "chart-capacity-knee"),
               Catch::Contains("<g class=\"mark bound\">") && Catch::Contains(">generator-bound<"));
    CHECK_THAT(html_element_section(page, "capacity-steps"),
               Catch::Contains("<tr class=\"step bound\" data-value=\"15\">") &&
                   Catch::Contains("generator-bound: event-loop lag p99 25.0 ms &gt; 10 ms"));
  }
  SECTION("a search whose first step failed is red") {
    r.capacity->steps.resize(1);
    r.capacity->steps[0].pass = false;
    r.capacity->last_passing.reset();
    r.capacity->first_failing = 5;
    CHECK_THAT(render_html(r), Catch::Contains("<div class=\"banner failed\""));
  }
  SECTION("without an objective on a latency, the knee is the achieved rate") {
    for (capacity_step& s : r.capacity->steps) s.slo.erase(s.slo.begin());
    const std::string knee2 = element(render_html(r), "chart-capacity-knee");
    CHECK_THAT(knee2, Catch::Contains(">achieved</text>") && Catch::Contains(">requested</text>"));
    CHECK(knee2.find("class=\"threshold\"") == std::string::npos);
  }
}

TEST_CASE("report_html: a report without groups or capacity renders exactly as before", "[html]") {
  // Fingerprints of the pages as they were before workload and capacity pages existed;
  // change them only for a deliberate change of the single-scenario page.
  const std::pair<const char*, std::uint64_t> pages[] = {
      {"connection-storm", 0xeea2ab708b096dadu},  {"steady-state", 0x9aed511996a148ddu},
      {"realistic-session", 0x1607a04115f738bau}, {"async-delivery", 0x1c55685bf3c1186au},
      {"steady-messaging", 0xa2e89dab9b56fd0eu},  {"reconnect-storm", 0xb0190aa92c799c4fu}};
  for (const auto& [scenario, fingerprint] : pages) {
    INFO(scenario);
    const std::string html = render_html(scenario_report(scenario));
    CHECK(fnv1a(html) == fingerprint);
    CHECK(html.find("chart-group") == std::string::npos);
    CHECK(html.find("capacity") == std::string::npos);
  }
  CHECK(fnv1a(render_html(full_report())) == 0xdbddf7d5a5ec0860u);
}
