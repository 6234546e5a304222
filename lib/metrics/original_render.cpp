// The original tool's documents on their own: objectives judged from their figures, the
// terminal summary and the HTML page. Renders only what original_document holds.
#include "relayload/metrics/original_render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "metrics/figure_text_impl.hpp"
#include "metrics/html_charts_impl.hpp"
#include "metrics/iso_time_impl.hpp"
#include "relayload/metrics/report_html.hpp"

namespace relayload::metrics {

namespace {

// ---- figures ------------------------------------------------------------------------------

std::optional<double> value_of(const original_document& doc, std::string_view field) {
  const run_figure* f = doc.figures.find(field);
  if (f == nullptr) return std::nullopt;
  return f->value;
}

// A count the document always has for a section it has (0 when absent).
std::uint64_t count(const original_document& doc, std::string_view field) {
  return static_cast<std::uint64_t>(value_of(doc, field).value_or(0.0));
}

bool has(const original_document& doc, std::string_view field) {
  return doc.figures.find(field) != nullptr;
}

double rate(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole) * 100.0;
}

// The six whole-millisecond figures of a latency the document carries, or std::nullopt (no
// such section, or a null latency: no samples).
struct carried_latency {
  double min = 0, avg = 0, p50 = 0, p95 = 0, p99 = 0, max = 0;  // milliseconds
};

std::optional<carried_latency> latency_of(const original_document& doc, const std::string& prefix) {
  const auto ms = [&](const char* stat) { return value_of(doc, prefix + "." + stat); };
  if (!ms("p50")) return std::nullopt;
  carried_latency l;
  l.min = ms("min").value_or(0) / 1e6;
  l.avg = ms("avg").value_or(0) / 1e6;
  l.p50 = ms("p50").value_or(0) / 1e6;
  l.p95 = ms("p95").value_or(0) / 1e6;
  l.p99 = ms("p99").value_or(0) / 1e6;
  l.max = ms("max").value_or(0) / 1e6;
  return l;
}

// The latencies an original document can carry: field prefix, how the page names it.
constexpr std::pair<const char*, const char*> latency_sections[] = {
    {"connectTime", "Connect time"},
    {"handshake.latency", "Handshake latency"},
    {"messages.latency", "Message latency"},
    {"recovery.latency", "Recovery latency"},
};

// Which sections the document has, by the counts the original always writes for them.
bool has_handshake(const original_document& d) { return has(d, "handshake.attempted"); }
bool has_messages(const original_document& d) { return has(d, "messages.sent"); }
bool has_recovery(const original_document& d) { return has(d, "recovery.attempted"); }
bool has_steady_state(const original_document& d) {
  return has(d, "steadyState.currentDisconnects");
}
bool has_steady_messaging(const original_document& d) {
  return has(d, "steadyMessaging.disconnects");
}
// Counts of pairs, not of connections (the original's "Connection Pairs:" line).
bool counts_pairs(const original_document& d) {
  return has_handshake(d) || has_recovery(d) || has_steady_messaging(d);
}

// results.timing.totalTimeMs, recovered from connectionsPerSec = attempted / totalTimeMs ×
// 1000 (§4.1), which original_document keeps; std::nullopt when nothing was attempted.
std::optional<double> total_time_ms(const original_document& d) {
  const auto per_sec = value_of(d, "timing.connectionsPerSec");
  const auto attempted = value_of(d, "connections.attempted");
  if (!per_sec || !attempted || !(*per_sec > 0) || !(*attempted > 0)) return std::nullopt;
  return *attempted / *per_sec * 1000.0;
}

std::optional<double> config_number(const original_document& d, std::string_view key) {
  const config_value* v = d.config.find(key);
  if (v == nullptr) return std::nullopt;
  if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  if (const auto* x = std::get_if<double>(v)) return *x;
  return std::nullopt;
}

// ---- objectives ---------------------------------------------------------------------------


// As evaluate_slos() writes a report's: 312.4ms, 98.5%, 12.
std::string format_actual(const slo_objective& o, double v) {
  switch (o.kind) {
    case slo_field_kind::duration:
      return o.unit == slo_unit::seconds ? detail::short_number(v / 1e9) + "s"
                                         : detail::short_number(v / 1e6) + "ms";
    case slo_field_kind::percent:
      return detail::short_number(v) + "%";
    case slo_field_kind::count:
      return fmt::format("{:.0f}", v);
    case slo_field_kind::number:
    default:
      return detail::short_number(v);
  }
}


const slo_verdict* verdict_of(const std::vector<slo_verdict>& verdicts,
                              std::string_view expression) {
  for (const slo_verdict& v : verdicts) {
    if (v.expression == expression) return &v;
  }
  return nullptr;
}

// ---- text ---------------------------------------------------------------------------------

enum class tone { none, green, yellow, red };

class painter {
 public:
  explicit painter(bool on) : on_(on) {}
  std::string operator()(tone t, const std::string& s) const {
    if (!on_ || t == tone::none) return s;
    const char* code = t == tone::green ? "\x1b[32m" : t == tone::yellow ? "\x1b[33m" : "\x1b[31m";
    return code + s + "\x1b[0m";
  }

 private:
  bool on_;
};

tone by_floor(double v, double green, double yellow) {
  return v >= green ? tone::green : v >= yellow ? tone::yellow : tone::red;
}

std::string pct(double v) { return fmt::format("{:.1f}%", v); }

std::string ms_text(double ms) { return fmt::format("{:.0f}ms", ms); }

// The original's formatLatency: p99 coloured (≤100 green, ≤400 yellow; against an SLO ≤slo
// green, else red).
std::string latency_line(const std::optional<carried_latency>& l, const painter& paint,
                         double slo_ms = 0) {
  if (!l) return "no samples (null in the document)";
  tone t;
  if (slo_ms > 0) {
    t = l->p99 <= slo_ms ? tone::green : tone::red;
  } else {
    t = l->p99 <= 100 ? tone::green : l->p99 <= 400 ? tone::yellow : tone::red;
  }
  return fmt::format("min={}, avg={}, p50={}, p95={}, {}, max={}", ms_text(l->min), ms_text(l->avg),
                     ms_text(l->p50), ms_text(l->p95), paint(t, "p99=" + ms_text(l->p99)),
                     ms_text(l->max));
}

std::string pass_fail(bool pass, const painter& paint) {
  return pass ? paint(tone::green, "✓ PASS") : paint(tone::red, "✗ FAIL");
}

// The original's "SLO P99:" line of a messages block: judged by the verdict of that objective
// when verdicts are given (left out when it is not among them), else as the original did.
std::string p99_slo_line(const original_document& doc, const std::vector<slo_verdict>& verdicts,
                         const painter& paint) {
  constexpr const char* expression = "messages.latency.p99<=400ms";
  const auto l = latency_of(doc, "messages.latency");
  if (!verdicts.empty()) {
    const slo_verdict* v = verdict_of(verdicts, expression);
    if (v == nullptr) return "";
    return fmt::format("  SLO P99:     {} (target ≤ 400ms, {})\n", pass_fail(v->pass, paint),
                       v->value ? "actual " + v->actual : std::string("no successful samples"));
  }
  if (!l) {
    return fmt::format("  SLO P99:     {} (target ≤ 400ms, no successful samples)\n",
                       pass_fail(false, paint));
  }
  return fmt::format("  SLO P99:     {} (target ≤ 400ms, actual {})\n",
                     pass_fail(l->p99 <= 400, paint), ms_text(l->p99));
}

// ---- HTML ---------------------------------------------------------------------------------

using namespace svg_charts;  // NOLINT(google-build-using-namespace): the page's own charts

std::string row(const std::string& k, const std::string& v) {
  return "<tr><th>" + html_escape(k) + "</th><td>" + html_escape(v) + "</td></tr>\n";
}

std::string html_pct(double v) { return fmt::format("{:.2f}%", v); }

std::string summary_table(const original_document& doc) {
  std::string t = "<table class=\"figures\" id=\"summary-figures\">\n";
  const bool pairs = counts_pairs(doc);
  const auto attempted = count(doc, "connections.attempted");
  const auto successful = count(doc, "connections.successful");
  t += row(pairs ? "Pairs" : "Connections",
           fmt::format("{} attempted, {} successful ({}), {} failed", attempted, successful,
                       html_pct(rate(successful, attempted)), count(doc, "connections.failed")));
  if (!pairs) {
    t += row("By outcome",
             fmt::format("{} immediate, {} recovered after retries",
                         count(doc, "connections.immediate"), count(doc, "connections.recovered")));
  }
  if (const auto ms = total_time_ms(doc))
    t += row("Total time", fmt::format("{:.3f} s", *ms / 1e3));
  if (const auto per_sec = value_of(doc, "timing.connectionsPerSec")) {
    t +=
        row("Rate", fmt::format("{:.1f} {} per second", *per_sec, pairs ? "pairs" : "connections"));
  }
  if (const auto retries = value_of(doc, "retries.totalRetries"); retries && *retries > 0) {
    t += row("Retries", fmt::format("{:.0f} ({:.2f} per connection)", *retries,
                                    value_of(doc, "retries.avgRetriesPerConnection").value_or(0)));
  }
  if (has_steady_state(doc)) {
    t += row("Disconnects", fmt::format("{} at the end of the hold, {} at the peak",
                                        count(doc, "steadyState.currentDisconnects"),
                                        count(doc, "steadyState.peakDisconnects")));
    if (const auto s = value_of(doc, "steadyState.connectionStability")) {
      t += row("Stability", html_pct(*s) +
                                " (the original's definition: connected at the end "
                                "of the hold)");
    }
  }
  if (has_handshake(doc)) {
    const auto a = count(doc, "handshake.attempted"), s = count(doc, "handshake.successful");
    t += row("Handshakes", fmt::format("{}/{} ({}), {} failed", s, a, html_pct(rate(s, a)),
                                       count(doc, "handshake.failed")));
  }
  if (has_messages(doc)) {
    const auto sent = count(doc, "messages.sent"), received = count(doc, "messages.received");
    t += row(has_steady_messaging(doc) ? "Exchanges" : "Messages",
             fmt::format("{}/{} delivered ({}), {} failed", received, sent,
                         html_pct(rate(received, sent)), count(doc, "messages.failed")));
  }
  if (has_recovery(doc)) {
    const auto a = count(doc, "recovery.attempted"), r = count(doc, "recovery.received");
    t += row("Recovery", fmt::format("{}/{} ({}), {} failed", r, a, html_pct(rate(r, a)),
                                     count(doc, "recovery.failed")));
  }
  if (has_steady_messaging(doc)) {
    t += row("Pairs abandoned", std::to_string(count(doc, "steadyMessaging.disconnects")));
  }
  return t + "</table>\n";
}

std::string latency_table(const original_document& doc) {
  std::string t =
      "<table class=\"histograms\" id=\"latencies\">\n<tr><th>latency</th><th>min ms</th>"
      "<th>avg ms</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr>\n";
  std::size_t rows = 0;
  for (const auto& [prefix, name] : latency_sections) {
    const std::string root = std::string(prefix).substr(0, std::string(prefix).find('.'));
    const bool section = root == "connectTime"
                             ? has(doc, "connectTime.p50")
                             : has(doc, root + (root == "messages" ? ".sent" : ".attempted"));
    if (!section) continue;
    ++rows;
    const auto l = latency_of(doc, prefix);
    if (!l) {
      t += "<tr><td>" + html_escape(name) +
           "</td><td colspan=\"6\">no samples (null in the document)</td></tr>\n";
      continue;
    }
    t += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        html_escape(name), num(l->min), num(l->avg), num(l->p50), num(l->p95), num(l->p99),
        num(l->max));
  }
  if (rows == 0)
    return "<p class=\"no-data\" id=\"latencies\">The document carries no latency.</p>\n";
  return t +
         "</table>\n<p class=\"note\">Whole milliseconds, as the original tool rounded them; "
         "its percentiles are the sample at index floor((n−1)·p), so p99 never shows the "
         "largest sample of fewer than 100.</p>\n";
}

std::string slo_table(const std::vector<slo_verdict>& verdicts) {
  if (verdicts.empty()) {
    return "<p class=\"no-data\" id=\"slo-none\">No objectives apply to this document.</p>\n";
  }
  std::string t =
      "<table class=\"slo\" id=\"slo-verdicts\">\n<tr><th>objective</th><th>actual</th>"
      "<th>verdict</th></tr>\n";
  for (const slo_verdict& v : verdicts) {
    t += fmt::format("<tr class=\"{}\"><td><code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
                     v.pass ? "pass" : "fail", html_escape(v.expression), html_escape(v.actual),
                     v.pass ? "PASS" : "FAIL");
  }
  return t +
         "</table>\n<p class=\"note\">Judged from the figures the document carries; a field "
         "it does not carry has no data and fails.</p>\n";
}

std::string config_table(const original_document& doc) {
  std::string t = "<table class=\"config\" id=\"run-config\">\n";
  t += row("scenario", doc.scenario);
  t += row("target", doc.target);
  t += row("end", detail::format_iso(doc.end_time));
  for (const auto& [k, v] : doc.config.entries()) {
    t += row(k, std::visit(
                    [](const auto& x) -> std::string {
                      using T = std::decay_t<decltype(x)>;
                      if constexpr (std::is_same_v<T, std::nullptr_t>)
                        return "null";
                      else if constexpr (std::is_same_v<T, bool>)
                        return x ? "true" : "false";
                      else if constexpr (std::is_same_v<T, std::string>)
                        return x;
                      else
                        return tick(static_cast<double>(x));
                    },
                    v));
  }
  return t + "</table>\n";
}

// x = log10(1 / (1 − p)): 0 at 0 %, 1 at 90 %, 2 at 99 % (HdrHistogram's plot).
double percentile_x(double p) { return std::log10(100.0 / (100.0 - p)); }

std::string distribution_chart(const original_document& doc, const char* id) {
  std::vector<line_series> lines;
  constexpr double end = 3;  // the max, at 99.9 %: the document does not say how many samples
  for (const auto& [prefix, name] : latency_sections) {
    const auto l = latency_of(doc, prefix);
    if (!l) continue;
    lines.push_back({std::string(name),
                     {{0, l->min},
                      {percentile_x(50), l->p50},
                      {percentile_x(95), l->p95},
                      {percentile_x(99), l->p99},
                      {end, l->max}}});
  }
  if (lines.empty()) return no_data(id, "the document carries no latency (every one is null)");
  x_axis xa;
  xa.max = end;
  xa.ticks = {{0, "0%"}, {1, "90%"}, {2, "99%"}, {end, "max"}};
  return line_chart(id, "Latency by percentile", lines, xa, "percentile", "latency (ms)");
}

std::string snapshots_chart(const original_document& doc, const char* id) {
  line_series p50{"p50", {}}, p99{"p99", {}};
  for (const latency_point& p : doc.latency_over_time) {
    const double t = static_cast<double>(p.timestamp_ms) / 1e3;
    p50.points.push_back({t, p.p50});
    p99.points.push_back({t, p.p99});
  }
  return line_chart(id, "Message latency over time", {p50, p99}, {}, "time since start (s)",
                    "latency (ms)");
}

// The charts a relayload report of this scenario would have that the document cannot
// support, each with the reason.
std::string left_out_note(const original_document& doc) {
  std::vector<std::string> series = {"active connections over time"};
  if (has_handshake(doc)) {
    series.emplace_back("handshakes per second");
    series.emplace_back("handshake latency over time");
  }
  if (has_messages(doc) && doc.latency_over_time.empty()) {
    series.emplace_back("message latency over time");
  }
  if (has_recovery(doc)) {
    series.emplace_back("recovery outcomes per second");
    series.emplace_back("recovery latency over time");
  }
  std::vector<std::string> histograms = {"the histogram table"};
  if (has(doc, "connectTime.p50"))
    histograms.insert(histograms.begin(), "connect latency p90 and p99.9");
  if (has_handshake(doc)) histograms.insert(histograms.begin(), "session phases");
  const auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      out += (i == 0 ? "" : ", ") + v[i];
    }
    return out;
  };
  std::string out = R"(<div class="left-out" id="charts-left-out"><strong>Left out:</strong> )";
  out += html_escape(join(series)) + ", because the document has no time series";
  if (!doc.latency_over_time.empty()) out += " (only the snapshots drawn above)";
  out += "; " + html_escape(join(histograms)) +
         ", because it has no histograms (only the six figures of each latency); errors by "
         "cause, because it has no error breakdown.</div>\n";
  return out;
}

constexpr const char* original_style = R"(
.banner.original{background:#eef2fb;border-color:#5b7bd5;color:#1e2f5c}
div.left-out{border:1px dashed #b8bec9;color:#3b4252;background:#f7f8fa;padding:10px 14px;margin:12px 0;font-size:13px}
)";

}  // namespace

std::vector<slo_objective> default_slos(const original_document& doc) {
  std::vector<slo_objective> out;
  if (has_messages(doc)) out.push_back(*parse_slo("messages.latency.p99<=400ms"));
  if (has_recovery(doc)) out.push_back(*parse_slo("recovery.deliveryRate>=100"));
  return out;
}

std::vector<slo_verdict> evaluate_slos(const original_document& doc,
                                       const std::vector<slo_objective>& objectives) {
  std::vector<slo_verdict> out;
  out.reserve(objectives.size());
  for (const slo_objective& o : objectives) {
    slo_verdict v{o.expression, "no data", std::nullopt, false};
    if (const auto value = value_of(doc, o.field)) {
      v.value = *value;
      v.actual = format_actual(o, *value);
      v.pass = slo_holds(*value, o.op, o.threshold);
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::string render_original_summary(const original_document& doc, const text_options& options,
                                    const std::vector<slo_verdict>& verdicts) {
  const painter paint(options.color);
  const std::string rule(60, '=');
  std::string out = rule + "\nRESULTS SUMMARY  (original-tool document)\n" + rule + "\n";
  out += fmt::format("{} · {} · {}\n", doc.scenario, doc.target, detail::format_iso(doc.end_time));
  out +=
      "The original tool's TestResults: latencies in whole milliseconds only; no histograms, "
      "errors or time series.\n";

  const bool pairs = counts_pairs(doc);
  const auto attempted = count(doc, "connections.attempted");
  const auto successful = count(doc, "connections.successful");
  const double success = rate(successful, attempted);
  out += fmt::format("{:<18}{} attempted, {} successful ({})\n",
                     pairs ? "Connection Pairs:" : "Connections:", attempted, successful,
                     paint(by_floor(success, 99, 95), pct(success)));
  if (!pairs) {
    out += fmt::format("  ✓ Immediate: {} | ↻ Recovered: {} | ✗ Failed: {}\n",
                       count(doc, "connections.immediate"), count(doc, "connections.recovered"),
                       count(doc, "connections.failed"));
  }
  if (const auto ms = total_time_ms(doc)) out += fmt::format("Total time:       {:.0f}ms\n", *ms);
  if (const auto per_sec = value_of(doc, "timing.connectionsPerSec")) {
    out += fmt::format("Rate:             {:.1f} {}/sec\n", *per_sec, pairs ? "pairs" : "conn");
  }
  if (has(doc, "connectTime.p50") && !has_handshake(doc)) {
    out += "Connect:          " + latency_line(latency_of(doc, "connectTime"), paint) + "\n";
  }
  if (const auto retries = value_of(doc, "retries.totalRetries"); retries && *retries > 0) {
    out += paint(tone::yellow,
                 fmt::format("Retries:          {:.0f} total (avg {:.1f} per conn)", *retries,
                             value_of(doc, "retries.avgRetriesPerConnection").value_or(0))) +
           "\n";
  }
  if (has_steady_state(doc)) {
    const auto current = count(doc, "steadyState.currentDisconnects");
    out += fmt::format("Disconnects:      {} current, {} peak\n",
                       paint(current == 0 ? tone::green : tone::red, std::to_string(current)),
                       count(doc, "steadyState.peakDisconnects"));
    if (const auto s = value_of(doc, "steadyState.connectionStability")) {
      out += fmt::format("Stability:        {} (connected at the end of the hold)\n",
                         paint(by_floor(*s, 99.9, 99), pct(*s)));
    }
  }
  if (has_handshake(doc)) {
    const auto a = count(doc, "handshake.attempted"), s = count(doc, "handshake.successful");
    out += "\nHandshake\n";
    out += fmt::format("  Pairs:       {}/{} ({})\n", s, a,
                       paint(by_floor(rate(s, a), 99, 95), pct(rate(s, a))));
    out += "  Latency:     " + latency_line(latency_of(doc, "handshake.latency"), paint) + "\n";
  }
  const auto sent = count(doc, "messages.sent"), received = count(doc, "messages.received");
  const auto failed = count(doc, "messages.failed");
  if (has_messages(doc) && !has_steady_messaging(doc)) {
    out += "\nMessages\n";
    out += fmt::format("  Delivery:    {}/{} ({})\n", received, sent,
                       paint(by_floor(rate(received, sent), 99.9, 99), pct(rate(received, sent))));
    if (failed > 0) out += fmt::format("  Failed:      {}\n", failed);
    out += "  Latency:     " + latency_line(latency_of(doc, "messages.latency"), paint, 400) + "\n";
    out += p99_slo_line(doc, verdicts, paint);
  }
  if (has_recovery(doc)) {
    const auto a = count(doc, "recovery.attempted"), r = count(doc, "recovery.received");
    out += "\nHistorical Recovery\n";
    out += fmt::format("  Received:    {}/{} ({})\n", r, a,
                       paint(by_floor(rate(r, a), 100, 99), pct(rate(r, a))));
    if (const auto f = count(doc, "recovery.failed"); f > 0) {
      out += fmt::format("  Failed:      {}\n", f);
    }
    if (const auto l = latency_of(doc, "recovery.latency")) {
      out += "  Latency:     " + latency_line(l, paint) + "\n";
    }
    const slo_verdict* v = verdict_of(verdicts, "recovery.deliveryRate>=100");
    if (verdicts.empty() || v != nullptr) {
      const bool ok = v != nullptr ? v->pass : a > 0 && r == a;
      out += fmt::format("  SLO:         {} (target 100%, actual {})\n", pass_fail(ok, paint),
                         pct(rate(r, a)));
    }
  }
  if (has_steady_messaging(doc)) {
    out += "\nSustained Messaging\n";
    const auto duration = config_number(doc, "durationSec");
    const auto interval = config_number(doc, "messageIntervalSec");
    if (duration && interval) {
      out += fmt::format("  Duration:    {:g}s (interval: {:g}s)\n", *duration, *interval);
    }
    out += fmt::format("  Exchanges:   {}/{} ({})\n", received, sent,
                       paint(by_floor(rate(received, sent), 99.9, 99), pct(rate(received, sent))));
    if (const auto d = count(doc, "steadyMessaging.disconnects"); d > 0) {
      out += fmt::format("  Disconnects: {} during test\n", d);
    }
    out += "  Latency:     " + latency_line(latency_of(doc, "messages.latency"), paint, 400) + "\n";
    out += p99_slo_line(doc, verdicts, paint);
    if (doc.latency_over_time.size() >= 2) {
      const double first = doc.latency_over_time.front().p99;
      const double last = doc.latency_over_time.back().p99;
      out += fmt::format(
          "  Trend:       P99 {:.0f}ms → {} (first → last)\n", first,
          paint(last <= 1.2 * first ? tone::green : tone::yellow, fmt::format("{:.0f}ms", last)));
    }
  }
  if (!verdicts.empty()) {
    out += "\nService-level objectives\n";
    for (const slo_verdict& v : verdicts) {
      out +=
          fmt::format("  {}  {} (actual {})\n", pass_fail(v.pass, paint), v.expression, v.actual);
    }
  }
  out += rule + "\n";
  return out;
}

std::string render_original_html(const original_document& doc,
                                 const std::vector<slo_verdict>& verdicts) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Nothing may load from anywhere: the page is self-contained.
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; img-src data:\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>original tool's results: " + html_escape(doc.scenario) + "</title>\n<style>" +
       style + workload_style + original_style + "</style>\n</head>\n<body>\n";
  h += "<header>\n<h1>original tool's results: " + html_escape(doc.scenario) + "</h1>\n";
  h += "<p class=\"meta\">" + html_escape(doc.target) + " · ended " +
       html_escape(detail::format_iso(doc.end_time)) + "</p>\n";
  h += "<div class=\"banner original\" id=\"original-document\"><strong>An original-tool "
       "document</strong> (the TestResults of the original Node tool): counts and latencies in "
       "whole milliseconds (min, avg, p50, p95, p99, max) only; no histograms, no error "
       "breakdown, no time series. The charts that need them are left out.</div>\n";
  h += "</header>\n";
  h += "<section id=\"summary\">\n<h2>Summary</h2>\n" + summary_table(doc) + "</section>\n";
  h += "<section id=\"latency-figures\">\n<h2>Latencies</h2>\n" + latency_table(doc) +
       "</section>\n";
  h += "<section id=\"slo\">\n<h2>SLO verdicts</h2>\n" + slo_table(verdicts) + "</section>\n";
  h += "<section id=\"charts\">\n<h2>Charts</h2>\n";
  const bool any_latency =
      std::any_of(std::begin(latency_sections), std::end(latency_sections),
                  [&](const auto& s) { return latency_of(doc, s.first).has_value(); });
  if (any_latency) {
    h += svg_charts::figure(
        "Latency by percentile", distribution_chart(doc, "chart-latency-distribution"),
        "The points the document carries: min at 0 %, p50, p95, p99, and the max at the right "
        "end (the document does not say how many samples there were). Straight lines between "
        "them: the original kept nothing in between.");
  }
  if (!doc.latency_over_time.empty()) {
    h += svg_charts::figure(
        "Message latency p50 / p99 over time", snapshots_chart(doc, "chart-message-latency"),
        "The original tool's snapshots (latencyOverTime): p50 and p99 of the last 1,000 "
        "exchanges, taken about every 10 s; a window of samples, not of time.");
  }
  h += left_out_note(doc);
  h += "</section>\n";
  h += "<section id=\"configuration\">\n<h2>Run configuration</h2>\n" + config_table(doc) +
       "</section>\n";
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace relayload::metrics
