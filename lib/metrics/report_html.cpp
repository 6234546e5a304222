// render_html(report): renders only. Charts are drawn here as SVG from the report's data;
// every figure comes from the report, latency_over_time() or evaluate_slos() (for capacity
// searches, from the steps' verdicts and, for the percentiles an objective does not name, from
// the time series over each step's window).
#include "relayload/metrics/report_html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "metrics/html_charts_impl.hpp"
#include "metrics/iso_time_impl.hpp"
#include "relayload/metrics/latency_summary.hpp"
#include "relayload/metrics/report_export.hpp"
#include "relayload/metrics/slo.hpp"
#include "relayload/metrics/storm_summary.hpp"

namespace relayload::metrics {

namespace {

using namespace svg_charts;  // NOLINT(google-build-using-namespace): the page's own charts

// Vertical bars with category labels.
std::string column_chart(const std::string& id, const std::string& title,
                         const std::vector<std::pair<std::string, double>>& bars,
                         const std::string& x_label, const std::string& y_label) {
  double y_max = 0;
  for (const auto& b : bars) y_max = std::max(y_max, b.second);
  std::string out = svg_open(id, title);
  const double y_top = y_grid(out, y_max > 0 ? y_max : 1);
  out += frame();
  const double slot = plot_w / static_cast<double>(std::max<std::size_t>(bars.size(), 1));
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const double h = std::clamp(bars[i].second / y_top, 0.0, 1.0) * plot_h;
    const double x = left + slot * static_cast<double>(i) + slot * 0.2;
    out += fmt::format(
        "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}: {}</title>"
        "</rect>\n<text class=\"bar-value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n"
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
        num(x), num(top + plot_h - h), num(slot * 0.6), num(std::max(h, 1.0)),
        html_escape(bars[i].first), tick(bars[i].second), num(x + slot * 0.3),
        num(top + plot_h - h - 5), tick(bars[i].second), num(x + slot * 0.3),
        num(top + plot_h + 19), html_escape(bars[i].first));
  }
  out += axis_labels(x_label, y_label) + "</svg>\n";
  return out;
}

// A value in milliseconds with about three significant digits ("0.412", "12.5", "1003").
std::string short_ms(double v) {
  if (!std::isfinite(v)) return "0";
  if (std::fabs(v) >= 100) return fmt::format("{:.0f}", v);
  if (std::fabs(v) >= 10) return fmt::format("{:.1f}", v);
  if (std::fabs(v) >= 1) return fmt::format("{:.2f}", v);
  return fmt::format("{:.3f}", v);
}

// Groups of bars side by side, one bar per series (p50, p99, …) in each group, on a log y
// scale of whole decades; values at or below zero are drawn at the bottom.
std::string grouped_log_chart(
    const std::string& id, const std::string& title,
    const std::vector<std::pair<std::string, std::vector<double>>>& groups,
    const std::vector<std::string>& series_names, const std::string& x_label,
    const std::string& y_label) {
  double lo = 0, hi = 0;
  for (const auto& g : groups) {
    for (const double v : g.second) {
      if (!(v > 0) || !std::isfinite(v)) continue;
      lo = lo > 0 ? std::min(lo, v) : v;
      hi = std::max(hi, v);
    }
  }
  if (!(hi > 0)) lo = hi = 1;
  const int d_lo = static_cast<int>(std::floor(std::log10(lo)));
  const int d_hi = std::max(d_lo + 1, static_cast<int>(std::ceil(std::log10(hi))));
  const auto y_of = [&](double v) {
    const double lv = v > 0 && std::isfinite(v) ? std::log10(v) : d_lo;
    return top + plot_h - std::clamp((lv - d_lo) / (d_hi - d_lo), 0.0, 1.0) * plot_h;
  };
  std::string out = svg_open(id, title);
  out += "<g class=\"grid\">\n";
  for (int d = d_lo; d <= d_hi; ++d) {
    const double v = std::pow(10.0, d);
    const double y = y_of(v);
    out += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text x=\"{}\" y=\"{}\" "
        "text-anchor=\"end\">{}</text>\n",
        num(left), num(y), num(left + plot_w), num(y), num(left - 6), num(y + 4),
        d >= -3 ? tick(v) : fmt::format("{:g}", v));
  }
  out += "</g>\n" + frame();
  const double slot = plot_w / static_cast<double>(std::max<std::size_t>(groups.size(), 1));
  const double per_bar =
      slot * 0.7 / static_cast<double>(std::max<std::size_t>(series_names.size(), 1));
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const double x0 = left + slot * static_cast<double>(i) + slot * 0.15;
    for (std::size_t k = 0; k < groups[i].second.size() && k < series_names.size(); ++k) {
      const double v = groups[i].second[k];
      const double y = y_of(v);
      const double x = x0 + per_bar * static_cast<double>(k);
      out += fmt::format(
          "<rect class=\"bar s{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{} {}: {} "
          "ms</title></rect>\n<text class=\"bar-value\" x=\"{}\" y=\"{}\" "
          "text-anchor=\"middle\">{}</text>\n",
          k % 6, num(x + 1), num(y), num(per_bar - 2), num(std::max(top + plot_h - y, 1.0)),
          html_escape(groups[i].first), html_escape(series_names[k]), short_ms(v),
          num(x + per_bar / 2), num(y - 4), short_ms(v));
    }
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                       num(left + slot * (static_cast<double>(i) + 0.5)), num(top + plot_h + 19),
                       html_escape(groups[i].first));
  }
  out += legend(plain_legend(series_names)) + axis_labels(x_label, y_label) + "</svg>\n";
  return out;
}

// Horizontal bars (long category names such as error causes).
std::string bar_chart(const std::string& id, const std::string& title,
                      const std::vector<std::pair<std::string, double>>& bars,
                      const std::string& x_label) {
  constexpr double label_w = 250, row = 24;
  const double h = top + bottom + row * static_cast<double>(bars.size());
  double v_max = 0;
  for (const auto& b : bars) v_max = std::max(v_max, b.second);
  const double step = nice_step(v_max > 0 ? v_max : 1, 6);
  const double x_top = std::max(step, std::ceil(v_max / step) * step);
  const double x0 = label_w, w = chart_w - label_w - right;
  std::string out = fmt::format(
      "<svg class=\"chart\" id=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
      "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">\n",
      id, num(chart_w), num(h), num(chart_w), num(h), html_escape(title));
  out += "<g class=\"grid\">\n";
  for (int i = 0; i * step <= x_top + step / 1e6; ++i) {
    const double x = x0 + i * step / x_top * w;
    out += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text x=\"{}\" y=\"{}\" "
        "text-anchor=\"middle\">{}</text>\n",
        num(x), num(top), num(x), num(h - bottom), num(x), num(h - bottom + 16), tick(i * step));
  }
  out += "</g>\n";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const double y = top + row * static_cast<double>(i);
    std::string label = bars[i].first;
    if (label.size() > 36) label = label.substr(0, 35) + "…";
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n"
        "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}: {}</title>"
        "</rect>\n<text class=\"bar-value\" x=\"{}\" y=\"{}\">{}</text>\n",
        num(x0 - 8), num(y + row * 0.65), html_escape(label), num(x0), num(y + row * 0.15),
        num(std::max(bars[i].second / x_top * w, 1.0)), num(row * 0.7), html_escape(bars[i].first),
        tick(bars[i].second), num(x0 + bars[i].second / x_top * w + 4), num(y + row * 0.65),
        tick(bars[i].second));
  }
  out +=
      fmt::format("<text class=\"axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                  num(x0 + w / 2), num(h - 10), html_escape(x_label));
  return out + "</svg>\n";
}

// ---- the charts ----------------------------------------------------------------------

const time_series* find_series(const report& r, const char* name) {
  const auto it = r.series.find(name);
  return it == r.series.end() ? nullptr : &it->second;
}

// The x axis of every chart over time: the whole run, so that the charts line up. All series
// of a run share t0, so a workload's groups share the axis too.
x_axis time_axis(const report& r) {
  x_axis xa;
  xa.max = std::max(1e-3, std::chrono::duration<double>(r.total_time).count());
  for (const auto& [name, s] : r.series) {
    if (!s.intervals().empty()) xa.max = std::max(xa.max, end_s(s, s.intervals().size() - 1));
  }
  if (r.target_series) {  // the scrape after the run may end a little after its last interval
    for (const target_sample& t : r.target_series->samples) {
      xa.max = std::max(xa.max, static_cast<double>(t.offset.count()) / 1e3);
    }
  }
  for (const group_report& g : r.groups) {
    const x_axis own = time_axis(g.result);
    xa.max = std::max(xa.max, own.max);
  }
  return xa;
}

// What a chart is drawn with: the report (a whole run or one group of a workload), the id of
// the chart, the page's time axis and what every chart over time shades (capacity steps).
struct chart_ctx {
  const report& r;
  std::string id;
  x_axis time;
  chart_extras over_time;
};

chart_ctx context_of(const report& r, std::string id) {
  return {r, std::move(id), time_axis(r), {}};
}

std::string missing_series(const std::string& id, const char* name) {
  return no_data(id, fmt::format("this report has no \"{}\" time series (it was written by a "
                                 "relayload that did not record one)",
                                 name));
}

// One line per counter of `s` (those of `names` that it has), as events per second over
// bins of `per_bin` whole intervals (0: bin_of() the series' length).
std::vector<line_series> counter_rates(
    const time_series& s, const std::vector<std::pair<std::string, std::string>>& names,
    std::size_t per_bin = 0) {
  std::vector<line_series> out;
  const std::size_t n = s.intervals().size();
  if (per_bin == 0) per_bin = bin_of(n);
  const double bin_s =
      std::chrono::duration<double>(s.options().interval).count() * static_cast<double>(per_bin);
  for (const auto& [counter, label] : names) {
    const auto id = s.counter_id(counter);
    if (!id) continue;
    line_series l{label, {{0, 0}}};
    for (std::size_t first = 0; first < n; first += per_bin) {
      const std::size_t last = std::min(n, first + per_bin);
      std::uint64_t events = 0;
      for (std::size_t i = first; i < last; ++i) events += s.intervals()[i].counters[*id];
      // A last, partial bin is a rate over the intervals it has.
      const double span = bin_s * static_cast<double>(last - first) / static_cast<double>(per_bin);
      l.points.push_back({end_s(s, last - 1), static_cast<double>(events) / span});
    }
    out.push_back(std::move(l));
  }
  return out;
}

// p50 and p99 of each interval that recorded latencies; empty when none did.
std::vector<line_series> latency_lines(const time_series& s) {
  const auto points = latency_over_time(s);
  if (points.empty()) return {};
  line_series p50{"p50", {}}, p99{"p99", {}};
  for (const latency_point& p : points) {
    const double t = static_cast<double>(p.timestamp_ms) / 1e3;
    p50.points.push_back({t, p.p50});
    p99.points.push_back({t, p.p99});
  }
  return {p50, p99};
}

std::string active_connections_chart(const chart_ctx& c) {
  const report& r = c.r;
  const time_series* s = find_series(r, connections_series);
  if (s == nullptr) return missing_series(c.id, connections_series);
  const auto g = s->gauge_id("active");
  if (!g || s->intervals().empty()) return no_data(c.id, "no intervals of active connections");
  std::vector<line_series> all;
  for (const auto& [gauge, label] :
       {std::pair<const char*, const char*>{"active", "active"}, {"down", "down (reconnecting)"}}) {
    const auto k = s->gauge_id(gauge);
    if (!k) continue;
    line_series l{label, {{0, 0}}};
    for (const interval_snapshot& snap : s->intervals()) {
      l.points.push_back({end_s(*s, snap.index), static_cast<double>(snap.gauges[*k])});
    }
    all.push_back(std::move(l));
  }
  return line_chart(c.id, "Active connections over time", all, c.time, "time since start (s)",
                    r.counts_pairs() ? "connections (dApp + wallet)" : "connections", c.over_time);
}

std::string connect_latency_chart(const chart_ctx& c) {
  const histogram& h = *c.r.connect_time;
  if (h.empty()) return no_data(c.id, "no connection succeeded");
  std::vector<std::pair<std::string, double>> bars = {
      {"p50", to_ms(static_cast<double>(h.value_at_percentile(50)))},
      {"p90", to_ms(static_cast<double>(h.value_at_percentile(90)))},
      {"p95", to_ms(static_cast<double>(h.value_at_percentile(95)))},
      {"p99", to_ms(static_cast<double>(h.value_at_percentile(99)))},
      {"p99.9", to_ms(static_cast<double>(h.value_at_percentile(99.9)))},
      {"max", to_ms(static_cast<double>(h.max()))}};
  return column_chart(c.id, "Connect latency percentiles", bars, "percentile", "connect time (ms)");
}

std::string handshake_rate_chart(const chart_ctx& c) {
  const time_series* s = find_series(c.r, handshakes_series);
  if (s == nullptr) return missing_series(c.id, handshakes_series);
  if (s->intervals().empty()) return no_data(c.id, "no handshake was started");
  return line_chart(
      c.id, "Handshakes per second",
      counter_rates(*s, {{"started", "started"}, {"completed", "completed"}, {"failed", "failed"}}),
      c.time, "time since start (s)", "handshakes per second", c.over_time);
}

// Latency p50 and p99 per interval of one series (handshakes, messages, recovery): `name`
// for the "no such series" box, `none` for the box of a series without latencies.
std::string latency_over_time_chart(const chart_ctx& c, const time_series* s, const char* name,
                                    const char* none, const char* title,
                                    const std::string& y_label) {
  if (s == nullptr) return missing_series(c.id, name);
  const auto lines = latency_lines(*s);
  if (lines.empty()) return no_data(c.id, none);
  return line_chart(c.id, title, lines, c.time, "time since start (s)", y_label, c.over_time);
}

std::string handshake_latency_chart(const chart_ctx& c) {
  return latency_over_time_chart(c, find_series(c.r, handshakes_series), handshakes_series,
                                 "no handshake completed", "Handshake latency over time",
                                 "handshake time (ms)");
}

// The steady-messaging section's series, else the "messages" series; nullptr when neither.
const time_series* message_series(const report& r) {
  if (r.steady_messaging) return &r.steady_messaging->latency_over_time;
  return find_series(r, messages_series);
}

std::string message_latency_chart(const chart_ctx& c) {
  return latency_over_time_chart(c, message_series(c.r), messages_series, "no exchange completed",
                                 "Message latency over time", "latency (ms)");
}

bool has_recovery(const report& r) { return r.recovery || storm_summary::of(r); }

std::string recovery_rate_chart(const chart_ctx& c) {
  const time_series* s = find_series(c.r, recovery_series);
  if (s == nullptr) return missing_series(c.id, recovery_series);
  if (s->intervals().empty()) return no_data(c.id, "no recovery had an outcome");
  return line_chart(c.id, "Recovery outcomes per second",
                    counter_rates(*s, {{"received", "received from history"},
                                       {"failed", "failed"},
                                       {"back", "connections back"},
                                       {"recoveredStreams", "streams recovered"},
                                       {"recoveryFailed", "streams not recoverable"}}),
                    c.time, "time since start (s)", "outcomes per second", c.over_time);
}

std::string recovery_latency_chart(const chart_ctx& c) {
  return latency_over_time_chart(
      c, find_series(c.r, recovery_series), recovery_series, "no recovery succeeded",
      "Recovery latency over time",
      c.r.recovery ? "recovery latency (ms)" : "time since the storm (ms)");
}
// The phases of a session, in the order a session goes through them; each is drawn when the
// report measured it.
struct session_phase {
  const char* label;
  const char* what;
  const histogram* (*of)(const report&);
};

const histogram* named_histogram(const report& r, const char* name) {
  const auto it = r.histograms.find(name);
  return it == r.histograms.end() ? nullptr : &it->second;
}

const session_phase session_phases[] = {
    {"dApp side", "session request → dApp connected",
     [](const report& r) { return named_histogram(r, "handshake.dappSide"); }},
    {"wallet side", "QR scan → wallet connected",
     [](const report& r) { return named_histogram(r, "handshake.walletSide"); }},
    {"handshake", "QR scan → dApp connected",
     [](const report& r) { return r.handshake ? &r.handshake->latency : nullptr; }},
    {"request leg", "dApp's send → wallet received, one way",
     [](const report& r) { return named_histogram(r, "messages.requestLeg"); }},
    {"think time", "the wallet's measured review time",
     [](const report& r) { return named_histogram(r, "messages.thinkTime"); }},
    {"response leg", "wallet's answer → dApp received, one way",
     [](const report& r) { return named_histogram(r, "messages.responseLeg"); }},
    {"recovery", "wallet's return → request received from history",
     [](const report& r) -> const histogram* {
       return r.recovery ? &r.recovery->latency : nullptr;
     }},
};

bool measured(const histogram* h) { return h != nullptr && !h->empty(); }

// p50 and p99 of each phase of a session that the report measured, side by side, on a log
// scale: think time (about a second) and the message legs (milliseconds) both stay legible.
std::string session_phases_chart(const chart_ctx& c) {
  const report& r = c.r;
  const std::string& id = c.id;
  std::vector<std::pair<std::string, std::vector<double>>> groups;
  for (const session_phase& p : session_phases) {
    const histogram* h = p.of(r);
    if (!measured(h)) continue;
    groups.push_back({p.label,
                      {to_ms(static_cast<double>(h->value_at_percentile(50))),
                       to_ms(static_cast<double>(h->value_at_percentile(99)))}});
  }
  if (groups.empty()) return no_data(id, "no pair completed its handshake");
  return grouped_log_chart(id, "Session phases", groups, {"p50", "p99"}, "phase of a session",
                           "time (ms, log scale)");
}

std::string session_phases_note(const report& r) {
  std::string out;
  for (const session_phase& p : session_phases) {
    if (!measured(p.of(r))) continue;
    out += (out.empty() ? "" : "; ") + std::string(p.label) + ": " + p.what;
  }
  return out.empty() ? out : out + ".";
}

std::string latency_distribution_chart(const chart_ctx& c) {
  const report& r = c.r;
  const std::string& id = c.id;
  // x = log10(1 / (1 - p)): 0 at 0 %, 1 at 90 %, 2 at 99 %, … (HdrHistogram's plot).
  std::vector<line_series> all;
  int decades = 2;
  for (const auto& [name, h] : report_histograms(r)) {
    // The headline distributions only; the others are in the histogram table.
    const bool headline = name == "connectTime" || name == "handshake.latency" ||
                          name == "messages.latency" || name == "recovery.latency" ||
                          name == storm_recovery_histogram;
    if (!headline) continue;
    if (h->empty()) continue;
    line_series s{name, {}};
    const double n = static_cast<double>(h->count());
    const int max_decades = std::clamp(static_cast<int>(std::ceil(std::log10(n))), 1, 6);
    decades = std::max(decades, max_decades);
    for (int d = 0; d < max_decades * 10; ++d) {
      const double x = d / 10.0;
      const double p = 100.0 * (1.0 - std::pow(10.0, -x));
      s.points.push_back({x, to_ms(static_cast<double>(h->value_at_percentile(p)))});
    }
    s.points.push_back({static_cast<double>(max_decades), to_ms(static_cast<double>(h->max()))});
    all.push_back(std::move(s));
  }
  if (all.empty()) return no_data(id, "no latency samples in this report");
  x_axis xa;
  xa.max = decades;
  const char* labels[] = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
  for (int d = 0; d <= decades; ++d) xa.ticks.emplace_back(d, labels[d]);
  return line_chart(id, "Latency by percentile", all, xa, "percentile", "latency (ms)");
}

std::string errors_chart(const chart_ctx& c) {
  const report& r = c.r;
  const std::string& id = c.id;
  auto entries = r.errors.entries();
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.count > b.count; });
  std::vector<std::pair<std::string, double>> bars;
  for (const auto& e : entries) {
    if (bars.size() == 20) break;
    bars.emplace_back(e.cause + " (" + to_string(e.cls) + ")", static_cast<double>(e.count));
  }
  return bar_chart(id, "Errors by cause", bars, "count");
}

// Every chart the page knows: whether it applies to a report (a chart that cannot apply to
// the scenario is left out) and how it is drawn (a chart that applies but has no data says
// why instead).
struct chart_kind {
  const char* id;
  const char* title;
  bool (*applies)(const report&);
  std::string (*draw)(const chart_ctx&);
  std::string (*note)(const report&);
};

const chart_kind chart_kinds[] = {
    {"chart-active-connections", "Active connections over time", [](const report&) { return true; },
     active_connections_chart,
     [](const report& r) -> std::string {
       return r.counts_pairs() ? "Open WebSockets of both sides of every pair (dApp and wallet), "
                                 "at the end of each interval."
                               : "Level at the end of each interval.";
     }},
    {"chart-connect-latency", "Connect latency percentiles",
     [](const report& r) { return r.connect_time.has_value(); }, connect_latency_chart,
     [](const report&) -> std::string { return "From the intended start of each connection."; }},
    {"chart-handshake-rate", "Handshakes per second",
     [](const report& r) { return r.handshake.has_value(); }, handshake_rate_chart,
     [](const report&) -> std::string {
       return "Pairs that started their handshake (the dApp's session request), and handshakes "
              "that completed (both sides connected) or failed, per second (over bins of whole "
              "intervals, at most 60 points).";
     }},
    {"chart-handshake-latency", "Handshake latency p50 / p99 over time",
     [](const report& r) { return r.handshake.has_value(); }, handshake_latency_chart,
     [](const report&) -> std::string {
       return "Per interval of completion: from the QR scan (the wallet's start) until the dApp "
              "is connected.";
     }},
    {"chart-session-phases", "Session phases p50 / p99",
     [](const report& r) { return r.handshake.has_value(); }, session_phases_chart,
     session_phases_note},
    {"chart-message-latency", "Message latency p50 / p99 over time",
     [](const report& r) { return r.messages.has_value(); }, message_latency_chart,
     [](const report&) -> std::string {
       return "Per interval, from the intended send time (corrected for coordinated omission), "
              "without the wallet's think time.";
     }},
    {"chart-recovery", "Recovery outcomes per second", has_recovery, recovery_rate_chart,
     [](const report& r) -> std::string {
       return r.recovery ? "Wallets back online that received their request from history, and "
                           "those that did not, per second."
                         : "Connections back and subscribed after the storm, and streams the "
                           "relay could or could not recover, per second.";
     }},
    {"chart-recovery-latency", "Recovery latency p50 / p99 over time", has_recovery,
     recovery_latency_chart,
     [](const report& r) -> std::string {
       return r.recovery ? "Per interval: from the wallet's intended return until the request "
                           "arrived from history."
                         : "Per interval: how long after the storm the connections that came "
                           "back in it had been away.";
     }},
    {"chart-latency-distribution", "Latency distribution",
     [](const report& r) {
       return r.connect_time || r.handshake || r.messages || r.recovery ||
              r.histograms.count(storm_recovery_histogram) != 0;
     },
     latency_distribution_chart,
     [](const report&) -> std::string {
       return "Latency at each percentile; the x axis stretches the tail (log of 1/(1-p)).";
     }},
    {"chart-errors", "Errors by cause", [](const report& r) { return !r.errors.empty(); },
     errors_chart, [](const report&) -> std::string { return ""; }},
};

// ---- workload mixes and capacity searches ------------------------------------------------

// Palette index of group `i`: one colour per group, the same on every chart.
int group_colour(std::size_t i) { return static_cast<int>(i % 8); }

// Intervals per bin on the charts that compare groups, from the page's time axis, so that the
// groups' bins line up (all series of a run share one interval).
std::size_t group_bin(const report& r, const x_axis& time, std::size_t points = rate_points_max) {
  for (const group_report& g : r.groups) {
    for (const auto& [name, s] : g.result.series) {
      const double interval_s = std::chrono::duration<double>(s.options().interval).count();
      if (!(interval_s > 0)) continue;
      return bin_of(static_cast<std::size_t>(std::ceil(time.max / interval_s - 1e-9)), points);
    }
  }
  return 1;
}

bool any_group(const report& r, bool (*pred)(const report&)) {
  return std::any_of(r.groups.begin(), r.groups.end(),
                     [&](const group_report& g) { return pred(g.result); });
}

// Open connections per group, and of all groups together (a group whose series ended keeps
// its last level, as merged series do).
std::string group_connections_chart(const chart_ctx& c) {
  std::vector<line_series> lines;
  std::vector<std::pair<const time_series*, std::size_t>> levels;  // series, gauge id
  std::size_t longest = 0;
  for (std::size_t i = 0; i < c.r.groups.size(); ++i) {
    const time_series* s = find_series(c.r.groups[i].result, connections_series);
    if (s == nullptr || s->intervals().empty()) continue;
    const auto k = s->gauge_id("active");
    if (!k) continue;
    line_series l{c.r.groups[i].name, {{0, 0}}, group_colour(i), ""};
    for (const interval_snapshot& snap : s->intervals()) {
      l.points.push_back({end_s(*s, snap.index), static_cast<double>(snap.gauges[*k])});
    }
    lines.push_back(std::move(l));
    levels.emplace_back(s, *k);
    longest = std::max(longest, s->intervals().size());
  }
  if (lines.empty()) return no_data(c.id, "no group has a series of active connections");
  if (lines.size() > 1) {
    line_series total{"all groups", {{0, 0}}, 0, "total"};
    const time_series* longest_series = nullptr;
    for (const auto& [s, k] : levels) {
      if (s->intervals().size() == longest) longest_series = s;
    }
    for (std::size_t i = 0; i < longest; ++i) {
      std::int64_t sum = 0;
      for (const auto& [s, k] : levels) {
        sum += s->intervals()[std::min(i, s->intervals().size() - 1)].gauges[k];
      }
      total.points.push_back({end_s(*longest_series, i), static_cast<double>(sum)});
    }
    lines.push_back(std::move(total));
  }
  return line_chart(c.id, "Open connections per group", lines, c.time, "time since start (s)",
                    "open WebSockets", c.over_time);
}

// Units started per second per group, from each group's "arrivals" series, over bins of at
// most 30 points: a few units per second would otherwise jump between 0 and one per bin.
std::string group_arrivals_chart(const chart_ctx& c) {
  const std::size_t per_bin = group_bin(c.r, c.time, 30);
  std::vector<line_series> lines;
  for (std::size_t i = 0; i < c.r.groups.size(); ++i) {
    const time_series* s = find_series(c.r.groups[i].result, "arrivals");
    if (s == nullptr || s->intervals().empty()) continue;
    for (line_series& l : counter_rates(*s, {{"started", c.r.groups[i].name}}, per_bin)) {
      l.colour = group_colour(i);
      lines.push_back(std::move(l));
    }
  }
  if (lines.empty()) return no_data(c.id, "no group has an \"arrivals\" time series");
  return line_chart(c.id, "Arrivals per second per group", lines, c.time, "time since start (s)",
                    "units started per second", c.over_time);
}

// p99 over time of one latency series, one line per group that has it.
std::string group_latency_chart(const chart_ctx& c, const time_series* (*series_of)(const report&),
                                const char* none, const char* title, const char* y_label) {
  const std::size_t per_bin = group_bin(c.r, c.time);
  std::vector<line_series> lines;
  for (std::size_t i = 0; i < c.r.groups.size(); ++i) {
    const time_series* s = series_of(c.r.groups[i].result);
    if (s == nullptr) continue;
    auto points = binned_percentile(*s, 99, per_bin);
    if (points.empty()) continue;
    lines.push_back({c.r.groups[i].name, std::move(points), group_colour(i), ""});
  }
  if (lines.empty()) return no_data(c.id, none);
  return line_chart(c.id, title, lines, c.time, "time since start (s)", y_label, c.over_time);
}

const time_series* handshakes_of(const report& r) { return find_series(r, handshakes_series); }
const time_series* recovery_of(const report& r) { return find_series(r, recovery_series); }

std::string group_handshake_chart(const chart_ctx& c) {
  return group_latency_chart(c, handshakes_of, "no handshake completed in any group",
                             "Handshake latency p99 per group", "handshake time p99 (ms)");
}

std::string group_message_chart(const chart_ctx& c) {
  return group_latency_chart(c, message_series, "no exchange completed in any group",
                             "Message latency p99 per group", "message latency p99 (ms)");
}

std::string group_recovery_chart(const chart_ctx& c) {
  return group_latency_chart(c, recovery_of, "no recovery succeeded in any group",
                             "Recovery latency p99 per group", "recovery latency p99 (ms)");
}

// The lag bound of a capacity step's generator self-check (capacity_result.hpp).
constexpr double lag_bound_ms = 10;

// The generator's own health: event-loop lag (timer firing − its scheduled time) and how late
// units started against their schedule.
std::string generator_chart(const chart_ctx& c) {
  const std::size_t per_bin = group_bin(c.r, c.time);
  std::vector<line_series> lines;
  if (const time_series* s = find_series(c.r, "generator")) {
    lines.push_back({"loop lag p50", binned_percentile(*s, 50, per_bin), -1, ""});
    lines.push_back({"loop lag p99", binned_percentile(*s, 99, per_bin), -1, ""});
  }
  if (const time_series* s = find_series(c.r, "arrivals")) {
    lines.push_back({"start lateness p99", binned_percentile(*s, 99, per_bin), 3, ""});
  }
  lines.erase(std::remove_if(lines.begin(), lines.end(),
                             [](const line_series& l) { return l.points.empty(); }),
              lines.end());
  if (lines.empty()) return no_data(c.id, "this report has no \"generator\" time series");
  chart_extras ex = c.over_time;
  if (c.r.capacity) {
    ex.lines.push_back({lag_bound_ms, "generator-bound above a lag p99 of 10 ms", "threshold"});
  }
  return line_chart(c.id, "Generator event-loop lag over time", lines, c.time,
                    "time since start (s)", "milliseconds", ex);
}

// The objectives a capacity search judged its steps by, parsed from the steps' verdicts in
// the order they first appear; an expression that does not parse is only in the table.
std::vector<slo_objective> capacity_objectives(const capacity_result& cap) {
  std::vector<slo_objective> out;
  for (const capacity_step& s : cap.steps) {
    for (const capacity_verdict& v : s.slo) {
      const bool known = std::any_of(out.begin(), out.end(), [&](const slo_objective& o) {
        return o.expression == v.expression;
      });
      if (known) continue;
      if (auto o = parse_slo(v.expression)) out.push_back(*o);
    }
  }
  return out;
}

std::vector<std::string> capacity_expressions(const capacity_result& cap) {
  std::vector<std::string> out;
  for (const capacity_step& s : cap.steps) {
    for (const capacity_verdict& v : s.slo) {
      if (std::find(out.begin(), out.end(), v.expression) == out.end()) out.push_back(v.expression);
    }
  }
  return out;
}

const capacity_verdict* verdict_of(const capacity_step& s, const std::string& expression) {
  for (const capacity_verdict& v : s.slo) {
    if (v.expression == expression) return &v;
  }
  return nullptr;
}

bool has_percent_objective(const report& r) {
  if (!r.capacity) return false;
  const auto all = capacity_objectives(*r.capacity);
  return std::any_of(all.begin(), all.end(),
                     [](const slo_objective& o) { return o.kind == slo_field_kind::percent; });
}

// "groups.new-sessions.handshake.latency" → "new-sessions handshake"; "messages.latency" →
// "messages": the short name of a field on the charts.
std::string short_field(std::string field) {
  constexpr std::string_view groups = "groups.";
  if (field.compare(0, groups.size(), groups) == 0) {
    field.erase(0, groups.size());
    const auto dot = field.find('.');
    if (dot != std::string::npos) field[dot] = ' ';
  }
  for (const std::string_view drop : {".latency", "histograms."}) {
    const auto at = field.find(drop);
    if (at != std::string::npos) field.erase(at, drop.size());
  }
  return field;
}

// The latencies of a step's judged window [measured_from, end) of one latency field of a
// workload ("messages.latency": every group's, "groups.<name>.handshake.latency": one
// group's), merged from the groups' time series as the search judged them; std::nullopt when
// no series holds that field.
std::optional<histogram> window_latency(const report& r, std::string base,
                                        const capacity_step& step) {
  std::vector<const report*> from;
  constexpr std::string_view groups = "groups.";
  if (base.compare(0, groups.size(), groups) == 0) {
    const auto dot = base.find('.', groups.size());
    if (dot == std::string::npos) return std::nullopt;
    const group_report* g = r.group(base.substr(groups.size(), dot - groups.size()));
    if (g == nullptr) return std::nullopt;
    from.push_back(&g->result);
    base.erase(0, dot + 1);
  } else if (r.groups.empty()) {
    from.push_back(&r);
  } else {
    for (const group_report& g : r.groups) from.push_back(&g.result);
  }
  std::optional<histogram> out;
  for (const report* g : from) {
    const time_series* s = nullptr;
    if (base == "handshake.latency") {
      s = find_series(*g, handshakes_series);
    } else if (base == "messages.latency") {
      s = message_series(*g);
    } else if (base == "recovery.latency") {
      s = find_series(*g, recovery_series);
    } else if (base == "connectTime") {
      s = find_series(*g, connections_series);
      if (s != nullptr && !s->counter_id("connects")) s = nullptr;  // pools record it there
    }
    if (s == nullptr) continue;
    const std::uint64_t first = s->index_at(step.measured_from);
    const std::uint64_t last = s->index_at(step.end);
    if (!out) out = histogram(s->options().layout);
    for (const interval_snapshot& snap : s->intervals()) {
      if (snap.index >= first && snap.index < last && snap.latency) (void)out->merge(*snap.latency);
    }
  }
  return out;
}

// The x axis of the capacity charts: the scaled value, half a step of room at either end,
// a tick at every step (or nice ticks when there are many).
x_axis step_axis(const capacity_result& cap) {
  x_axis xa;
  double lo = cap.steps.front().value, hi = lo;
  for (const capacity_step& s : cap.steps) {
    lo = std::min(lo, s.value);
    hi = std::max(hi, s.value);
  }
  const double pad = cap.steps.size() > 1 && hi > lo
                         ? (hi - lo) / static_cast<double>(cap.steps.size() - 1) / 2
                         : std::max(std::fabs(hi) / 2, 1.0);
  xa.min = std::max(0.0, lo - pad);
  xa.max = hi + pad;
  if (cap.steps.size() <= 16) {
    for (const capacity_step& s : cap.steps) xa.ticks.emplace_back(s.value, tick(s.value));
  } else {
    const double step = nice_step(xa.max - xa.min, 8);
    for (double v = std::ceil(xa.min / step) * step; v <= xa.max; v += step) {
      xa.ticks.emplace_back(v, tick(v));
    }
  }
  return xa;
}

std::string value_text(const capacity_result& cap, double v) { return tick(v) + " " + cap.unit; }

// The last passing step, the first failing one and the generator-bound ones, each marked by a
// vertical line in its own colour, labelled under the axis (the last pass to the left of its
// line, the others to the right, so that neighbours do not collide).
std::vector<x_mark> step_marks(const capacity_result& cap, const x_axis& xa) {
  std::vector<x_mark> out;
  const auto near_right = [&](double x) { return (x - xa.min) / (xa.max - xa.min) > 0.85; };
  if (cap.last_passing) out.push_back({*cap.last_passing, "last pass", "pass", true});
  for (const capacity_step& s : cap.steps) {
    const bool first_fail = cap.first_failing && s.value == *cap.first_failing;
    if (first_fail) {
      out.push_back({s.value, s.generator.bound ? "first fail, generator-bound" : "first fail",
                     s.generator.bound ? "fail bound" : "fail", near_right(s.value)});
    } else if (s.generator.bound) {
      out.push_back({s.value, "generator-bound", "bound", near_right(s.value)});
    }
  }
  return out;
}

// The knee: the objectives' latencies per step against their thresholds (p50 and p99 of each
// latency field; the percentile an objective names comes from its verdicts, the others from
// the series over the step's window), or the achieved rate when no objective is a latency.
std::string capacity_knee_chart(const chart_ctx& c) {
  const capacity_result& cap = *c.r.capacity;
  if (cap.steps.empty()) return no_data(c.id, "the search ran no step");
  const x_axis xa = step_axis(cap);
  chart_extras ex;
  ex.marks = step_marks(cap, xa);
  std::vector<line_series> lines;
  const auto objectives = capacity_objectives(cap);
  std::vector<std::string> bases;
  for (const slo_objective& o : objectives) {
    if (o.kind != slo_field_kind::duration) continue;
    const std::string base = o.field.substr(0, o.field.rfind('.'));
    if (std::find(bases.begin(), bases.end(), base) == bases.end()) bases.push_back(base);
    ex.lines.push_back({to_ms(o.threshold), o.expression, "threshold"});
  }
  const std::string x_label = cap.parameter + " (" + cap.unit + ")";
  if (bases.empty()) {
    line_series achieved{"achieved", {}, 0, ""}, requested{"requested", {}, 4, "dashed"};
    for (const capacity_step& s : cap.steps) {
      achieved.points.push_back({s.value, s.achieved_rate});
      requested.points.push_back({s.value, s.value});
    }
    return line_chart(c.id, "Achieved load per step", {achieved, requested}, xa, x_label,
                      "achieved (" + cap.unit + ")", ex);
  }
  for (const std::string& base : bases) {
    std::vector<std::string> named;  // fields of this base that objectives name
    for (const slo_objective& o : objectives) {
      if (o.kind == slo_field_kind::duration &&
          o.field.compare(0, base.size() + 1, base + ".") == 0 &&
          std::find(named.begin(), named.end(), o.field) == named.end()) {
        named.push_back(o.field);
      }
    }
    const auto window_line = [&](double p, const char* stat) {
      line_series l{short_field(base) + " " + stat, {}, -1, ""};
      for (const capacity_step& s : cap.steps) {
        if (const auto h = window_latency(c.r, base, s); h && !h->empty()) {
          l.points.push_back({s.value, to_ms(static_cast<double>(h->value_at_percentile(p)))});
        }
      }
      if (!l.points.empty()) lines.push_back(std::move(l));
    };
    if (std::find(named.begin(), named.end(), base + ".p50") == named.end()) window_line(50, "p50");
    for (const std::string& field : named) {
      line_series l{
          short_field(field.substr(0, field.rfind('.'))) + " " + field.substr(field.rfind('.') + 1),
          {},
          -1,
          ""};
      for (const capacity_step& s : cap.steps) {
        for (const slo_objective& o : objectives) {
          if (o.field != field) continue;
          const capacity_verdict* v = verdict_of(s, o.expression);
          if (v != nullptr && v->value) {
            l.points.push_back({s.value, to_ms(*v->value)});
            break;
          }
        }
      }
      if (!l.points.empty()) lines.push_back(std::move(l));
    }
    if (std::find(named.begin(), named.end(), base + ".p99") == named.end()) window_line(99, "p99");
  }
  for (std::size_t i = 0; i < lines.size(); ++i) lines[i].colour = static_cast<int>(i % 6);
  // Log scale: the first steps' few milliseconds and the threshold both stay legible.
  ex.log_y = true;
  return line_chart(c.id, "Latency per step", lines, xa, x_label, "latency (ms, log scale)", ex);
}

// The failure rates (100 − success or delivery rate) of the objectives on rates, per step.
std::string capacity_errors_chart(const chart_ctx& c) {
  const capacity_result& cap = *c.r.capacity;
  if (cap.steps.empty()) return no_data(c.id, "the search ran no step");
  const x_axis xa = step_axis(cap);
  chart_extras ex;
  ex.marks = step_marks(cap, xa);
  std::vector<line_series> lines;
  std::vector<std::string> drawn;
  for (const slo_objective& o : capacity_objectives(cap)) {
    if (o.kind != slo_field_kind::percent) continue;
    ex.lines.push_back({100 - o.threshold, o.expression, "threshold"});
    if (std::find(drawn.begin(), drawn.end(), o.field) != drawn.end()) continue;
    drawn.push_back(o.field);
    const auto dot = o.field.rfind('.');
    line_series l{"100 − " + short_field(o.field.substr(0, dot)) + " " + o.field.substr(dot + 1),
                  {},
                  static_cast<int>((lines.size() + 1) % 6),
                  ""};
    for (const capacity_step& s : cap.steps) {
      const capacity_verdict* v = verdict_of(s, o.expression);
      if (v != nullptr && v->value) l.points.push_back({s.value, 100 - *v->value});
    }
    lines.push_back(std::move(l));
  }
  return line_chart(c.id, "Failures per step", lines, xa, cap.parameter + " (" + cap.unit + ")",
                    "failed (%)", ex);
}

// The steps' windows on every chart over time: the warm-up lighter, the judged window darker,
// labelled with the step's value.
chart_extras step_bands(const report& r) {
  chart_extras ex;
  if (!r.capacity) return ex;
  const auto s_of = [](std::chrono::milliseconds t) {
    return static_cast<double>(t.count()) / 1e3;
  };
  for (std::size_t k = 0; k < r.capacity->steps.size(); ++k) {
    const capacity_step& st = r.capacity->steps[k];
    ex.bands.push_back({s_of(st.start), s_of(st.measured_from), "warmup", ""});
    ex.bands.push_back(
        {s_of(st.measured_from), s_of(st.end), fmt::format("measured m{}", k % 2), tick(st.value)});
  }
  return ex;
}

// The charts of a workload page above the groups' own sections, in page order.
const chart_kind capacity_kinds[] = {
    {"chart-capacity-knee", "Capacity: latency per step",
     [](const report& r) { return r.capacity.has_value(); }, capacity_knee_chart,
     [](const report& r) -> std::string {
       const auto all = capacity_objectives(*r.capacity);
       const bool latency = std::any_of(all.begin(), all.end(), [](const slo_objective& o) {
         return o.kind == slo_field_kind::duration;
       });
       return latency
                  ? "Each step's judged window (after its warm-up). The percentile an objective "
                    "names is its verdict's value; the others are from the time series over the "
                    "same window. Dashed lines: the objectives' thresholds."
                  : "No objective is on a latency: the load each step achieved against the load "
                    "it asked for.";
     }},
    {"chart-capacity-errors", "Capacity: failures per step", has_percent_objective,
     capacity_errors_chart,
     [](const report&) -> std::string {
       return "100 % minus each rate an objective is on, per step; dashed: its threshold.";
     }},
};

const chart_kind workload_kinds[] = {
    {"chart-group-connections", "Open connections per group", [](const report&) { return true; },
     group_connections_chart,
     [](const report&) -> std::string {
       return "WebSockets open at the end of each interval (both sides of session pairs); "
              "dashed: all groups together.";
     }},
    {"chart-group-arrivals", "Arrivals per second per group", [](const report&) { return true; },
     group_arrivals_chart,
     [](const report&) -> std::string {
       return "Units (connections or session pairs) each group started, per second, by their "
              "intended start (over bins of whole intervals, at most 30 points).";
     }},
    {"chart-group-handshake-latency", "Handshake latency p99 per group",
     [](const report& r) {
       return any_group(r, [](const report& g) { return g.handshake.has_value(); });
     },
     group_handshake_chart,
     [](const report&) -> std::string {
       return "p99 over bins of whole intervals (histograms merged, at most 60 points), by the "
              "pair's intended start.";
     }},
    {"chart-group-message-latency", "Message latency p99 per group",
     [](const report& r) {
       return any_group(r, [](const report& g) { return g.messages.has_value(); });
     },
     group_message_chart,
     [](const report&) -> std::string {
       return "p99 over bins of whole intervals (histograms merged, at most 60 points), by the "
              "exchange's intended send time.";
     }},
    {"chart-group-recovery-latency", "Recovery latency p99 per group",
     [](const report& r) { return any_group(r, has_recovery); }, group_recovery_chart,
     [](const report&) -> std::string {
       return "p99 over bins of whole intervals (histograms merged, at most 60 points).";
     }},
    {"chart-generator", "Generator event-loop lag", [](const report&) { return true; },
     generator_chart,
     [](const report&) -> std::string {
       return "How late the generator's timers fired (event-loop lag) and how late units started "
              "against their schedule, over bins of whole intervals. A loaded generator measures "
              "itself, not the relay.";
     }},
    {"chart-errors", "Errors by cause", [](const report& r) { return !r.errors.empty(); },
     errors_chart, [](const report&) -> std::string { return "All groups together."; }},
};

// The id of a group's own chart: group names are [a-z0-9-]+, so it is a valid id.
std::string group_chart_id(const group_report& g, const char* id) {
  return "group-" + g.name + "-" + id;
}
// ---- tables ----------------------------------------------------------------------------

std::string row(const std::string& k, const std::string& v) {
  return "<tr><th>" + html_escape(k) + "</th><td>" + html_escape(v) + "</td></tr>\n";
}

std::string pct(double v) { return fmt::format("{:.2f}%", v); }

std::string summary_table(const report& r) {
  std::string t = "<table class=\"figures\">\n";
  const auto& c = r.connections;
  const bool pairs = r.counts_pairs();
  t += row(pairs ? "Pairs" : "Connections",
           fmt::format("{} attempted, {} successful ({}), {} failed", c.attempted, c.successful,
                       pct(c.success_rate()), c.failed));
  if (pairs && r.connections_opened) {
    t += row("Connections opened",
             fmt::format("{} (WebSockets of the pairs' dApps and wallets)", *r.connections_opened));
  }
  t += row("Total time",
           fmt::format("{:.3f} s", std::chrono::duration<double>(r.total_time).count()));
  t += row("Rate", fmt::format("{:.1f} {} per second", r.connections_per_sec(),
                               pairs ? "pairs" : "connections"));
  if (r.connect_time) {
    if (const auto s = latency_summary::from(*r.connect_time)) {
      t += row("Connect time", fmt::format("p50 {} ms, p99 {} ms, max {} ms", num(to_ms(s->p50)),
                                           num(to_ms(s->p99)), num(to_ms(s->max))));
    }
  }
  if (r.total_retries > 0) t += row("Retries", std::to_string(r.total_retries));
  if (r.steady_state) {
    t += row("Stability", pct(r.connection_stability()));
    t += row("Disconnect events", std::to_string(r.steady_state->disconnect_events));
  }
  if (r.handshake) {
    t += row("Handshakes", fmt::format("{}/{} ({})", r.handshake->successful,
                                       r.handshake->attempted, pct(r.handshake->success_rate())));
  }
  if (r.messages) {
    t += row("Messages",
             fmt::format("{}/{} delivered ({}), {} failed", r.messages->received, r.messages->sent,
                         pct(r.messages->delivery_rate()), r.messages->failed));
  }
  if (r.recovery) {
    t += row("Recovery", fmt::format("{}/{} ({})", r.recovery->received, r.recovery->attempted,
                                     pct(r.recovery->delivery_rate())));
  }
  t += row("Errors", std::to_string(r.errors.total()));
  t += row("Parts merged", std::to_string(r.parts));
  return t + "</table>\n";
}

std::string slo_table(const report& r) {
  if (r.slos.empty()) {
    return "<p class=\"no-data\" id=\"slo-none\">No objectives were set for this report.</p>\n";
  }
  std::string t =
      "<table class=\"slo\" id=\"slo-verdicts\">\n<tr><th>objective</th><th>actual</th>"
      "<th>verdict</th></tr>\n";
  for (const slo_verdict& v : evaluate_slos(r)) {
    t += fmt::format("<tr class=\"{}\"><td><code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
                     v.pass ? "pass" : "fail", html_escape(v.expression), html_escape(v.actual),
                     v.pass ? "PASS" : "FAIL");
  }
  return t + "</table>\n";
}

std::string config_table(const report& r, const std::string& id = "run-config") {
  std::string t = "<table class=\"config\" id=\"" + id + "\">\n";
  t += row("scenario", r.scenario);
  t += row("target", r.target);
  t += row("start", detail::format_iso(r.start_time));
  t += row("end", detail::format_iso(r.end_time));
  std::vector<std::string> left_out;
  for (const auto& [k, v] : r.config.entries()) {
    if (std::find(r.config_unused.begin(), r.config_unused.end(), k) != r.config_unused.end()) {
      left_out.push_back(k);
      continue;
    }
    std::string text = std::visit(
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
        v);
    t += row(k, text);
  }
  t += "</table>\n";
  if (!left_out.empty()) {
    std::string keys;
    for (const std::string& k : left_out) keys += (keys.empty() ? "" : ", ") + k;
    t += "<p class=\"note\" id=\"" +
         (id == "run-config" ? std::string("config-unused") : id + "-unused") +
         "\">Not used by this run, so not shown (the JSON keeps them): " + html_escape(keys) +
         ".</p>\n";
  }
  return t;
}

std::string histogram_table(const report& r) {
  const auto all = report_histograms(r);
  if (all.empty()) return "<p class=\"no-data\">No histograms.</p>\n";
  std::string t =
      "<table class=\"histograms\">\n<tr><th>histogram</th><th>count</th><th>p50 ms</th>"
      "<th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th></tr>\n";
  for (const auto& [name, h] : all) {
    const auto s = latency_summary::from(*h);
    if (!s) {
      t += "<tr><td>" + html_escape(name) + "</td><td>0</td><td colspan=\"5\">no data</td></tr>\n";
      continue;
    }
    t += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        html_escape(name), s->count, num(to_ms(s->p50)), num(to_ms(s->p90)), num(to_ms(s->p99)),
        num(to_ms(s->p999)), num(to_ms(s->max)));
  }
  return t + "</table>\n";
}

// ---- workload and capacity tables --------------------------------------------------------

std::string ms_text(std::int64_t ns) { return short_ms(to_ms(static_cast<double>(ns))); }

// "3.2 / 11.0 ms": p50 and p99 of a histogram; "—" without samples.
std::string p50_p99(const histogram* h, const char* unit = " ms") {
  if (h == nullptr || h->empty()) return "—";
  return ms_text(h->value_at_percentile(50)) + " / " + ms_text(h->value_at_percentile(99)) + unit;
}

// The latency a scenario is about: what its users wait for.
std::pair<const char*, const histogram*> key_latency(const report& g) {
  if (g.recovery) return {"recovery", &g.recovery->latency};
  if (g.histograms.count(storm_recovery_histogram) != 0) {
    return {"back after the storm", &g.histograms.find(storm_recovery_histogram)->second};
  }
  if (g.messages) return {"messages", &g.messages->latency};
  if (g.handshake) return {"handshake", &g.handshake->latency};
  if (g.connect_time) return {"connect", &*g.connect_time};
  return {"", nullptr};
}

std::optional<double> config_number(const report& r, std::string_view key) {
  const config_value* v = r.config.find(key);
  if (v == nullptr) return std::nullopt;
  if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(v)) return *d;
  return std::nullopt;
}

std::string config_text(const report& r, std::string_view key) {
  const config_value* v = r.config.find(key);
  if (v == nullptr) return "—";
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  if (const auto n = config_number(r, key)) return tick(*n);
  return "—";
}

// When a group ran: "0 – 6 s" (from its start offset and duration).
std::string window_text(const report& g) {
  const auto from = config_number(g, "startAfterSec");
  const auto length = config_number(g, "durationSec");
  if (!from && !length) return "—";
  const double start = from.value_or(0);
  if (!length) return "from " + tick(start) + " s";
  return tick(start) + " – " + tick(start + *length) + " s";
}

// Units a group started and started late, and their lateness p99, from its "arrivals" series.
struct arrivals_summary {
  std::uint64_t started = 0, late = 0;
  std::optional<histogram> lateness;
};

std::optional<arrivals_summary> arrivals_of(const report& g) {
  const time_series* s = find_series(g, "arrivals");
  if (s == nullptr) return std::nullopt;
  arrivals_summary a;
  a.lateness = histogram(s->options().layout);
  const auto started = s->counter_id("started"), late = s->counter_id("late");
  for (const interval_snapshot& i : s->intervals()) {
    if (started) a.started += i.counters[*started];
    if (late) a.late += i.counters[*late];
    if (i.latency) (void)a.lateness->merge(*i.latency);
  }
  return a;
}

std::string swatch(std::size_t i) {
  return fmt::format("<span class=\"key s{}\"></span>", group_colour(i));
}

std::string groups_table(const report& r) {
  const bool handshakes = any_group(r, [](const report& g) { return g.handshake.has_value(); });
  std::string t =
      "<div class=\"wide\"><table class=\"groups\" id=\"groups\">\n<tr><th>group</th>"
      "<th>scenario</th><th>arrivals</th><th>window</th><th>attempted / successful</th>"
      "<th>key latency<br>p50 / p99 ms</th>";
  if (handshakes) t += "<th>handshake<br>p50 / p99 ms</th>";
  t += "<th>arrivals late</th><th>lateness p99</th></tr>\n";
  for (std::size_t i = 0; i < r.groups.size(); ++i) {
    const group_report& g = r.groups[i];
    const report& gr = g.result;
    const auto [what, h] = key_latency(gr);
    const auto a = arrivals_of(gr);
    t += fmt::format(
        "<tr id=\"groups-{}\"><td class=\"name\">{}<a href=\"#group-{}\">{}</a></td>"
        "<td class=\"scenario\">{}</td><td>{}</td><td>{}</td><td>{} / {} {}</td><td>{}</td>",
        html_escape(g.name), swatch(i), html_escape(g.name), html_escape(g.name),
        html_escape(gr.scenario), html_escape(config_text(gr, "arrivals")),
        html_escape(window_text(gr)), gr.connections.attempted, gr.connections.successful,
        gr.counts_pairs() ? "pairs" : "connections",
        h == nullptr
            ? "—"
            : html_escape(what) + " <span class=\"nw\">" + html_escape(p50_p99(h, "")) + "</span>");
    if (handshakes) {
      t += "<td>" + html_escape(p50_p99(gr.handshake ? &gr.handshake->latency : nullptr, "")) +
           "</td>";
    }
    if (a) {
      t +=
          fmt::format("<td>{} of {}</td><td>{}</td>", a->late, a->started,
                      a->lateness->empty() ? std::string("—")
                                           : ms_text(a->lateness->value_at_percentile(99)) + " ms");
    } else {
      t += "<td>—</td><td>—</td>";
    }
    t += "</tr>\n";
  }
  return t + "</table></div>\n";
}

// The totals over the groups (workload_totals()): counts of units, which are connections or
// session pairs depending on the group.
std::string workload_summary_table(const report& r) {
  std::string t = "<table class=\"figures\" id=\"totals\">\n";
  std::string names;
  for (const group_report& g : r.groups) names += (names.empty() ? "" : ", ") + g.name;
  t += row("Groups", fmt::format("{}: {}", r.groups.size(), names));
  const auto& c = r.connections;
  t += row("Units", fmt::format("{} attempted, {} successful ({}), {} failed (connections and "
                                "session pairs)",
                                c.attempted, c.successful, pct(c.success_rate()), c.failed));
  if (r.connections_opened) t += row("Connections opened", std::to_string(*r.connections_opened));
  t += row("Total time",
           fmt::format("{:.3f} s", std::chrono::duration<double>(r.total_time).count()));
  if (r.connect_time && !r.connect_time->empty()) {
    t += row("Connect time", p50_p99(&*r.connect_time) + " (p50 / p99)");
  }
  if (r.handshake) {
    t +=
        row("Handshakes", fmt::format("{}/{} ({}), latency {} (p50 / p99)", r.handshake->successful,
                                      r.handshake->attempted, pct(r.handshake->success_rate()),
                                      p50_p99(&r.handshake->latency)));
  }
  if (r.messages) {
    t += row("Messages",
             fmt::format("{}/{} delivered ({}), {} failed, latency {} (p50 / p99)",
                         r.messages->received, r.messages->sent, pct(r.messages->delivery_rate()),
                         r.messages->failed, p50_p99(&r.messages->latency)));
  }
  if (r.recovery) {
    t += row("Recovery", fmt::format("{}/{} ({}), latency {} (p50 / p99)", r.recovery->received,
                                     r.recovery->attempted, pct(r.recovery->delivery_rate()),
                                     p50_p99(&r.recovery->latency)));
  }
  if (const auto a = arrivals_of(r)) {
    t += row(
        "Arrivals",
        fmt::format("{} started, {} late (> 1 ms), lateness p99 {}", a->started, a->late,
                    a->lateness->empty() ? std::string("—")
                                         : ms_text(a->lateness->value_at_percentile(99)) + " ms"));
  }
  if (const auto it = r.histograms.find("generator.loopLag"); it != r.histograms.end()) {
    if (const auto s = latency_summary::from(it->second)) {
      t += row("Generator event-loop lag",
               fmt::format("p50 {} ms, p99 {} ms, max {} ms ({} samples)", ms_text(s->p50),
                           ms_text(s->p99), ms_text(s->max), s->count));
    }
  }
  t += row("Errors", std::to_string(r.errors.total()));
  t += row("Parts merged", std::to_string(r.parts));
  return t + "</table>\n";
}

const char* banner_class(const capacity_result& cap) {
  if (cap.generator_bound) return "bound";
  return cap.last_passing ? "found" : "failed";
}

std::string capacity_banner(const capacity_result& cap) {
  std::string head;
  if (cap.generator_bound) {
    head = "The generator was the limit";
  } else if (!cap.last_passing) {
    head = "No capacity found: the first step failed";
  } else if (!cap.first_failing) {
    head = "Capacity ≥ " + value_text(cap, *cap.last_passing) + " (no step failed)";
  } else {
    head = "Capacity: " + value_text(cap, *cap.last_passing);
  }
  return fmt::format(
      "<div class=\"banner {}\" id=\"capacity-verdict\"><strong>{}</strong> · <code>{}</code><br>"
      "{}</div>\n",
      banner_class(cap), html_escape(head), html_escape(cap.parameter), html_escape(cap.verdict));
}

// A figure in milliseconds as short_ms() writes it, but 0 as "0".
std::string tick_ms(double v) { return v == 0 ? "0" : short_ms(v); }

std::string steps_table(const capacity_result& cap) {
  const auto expressions = capacity_expressions(cap);
  std::string t = "<div class=\"wide\"><table class=\"steps\" id=\"capacity-steps\">\n<tr><th>" +
                  html_escape(cap.unit) +
                  "</th><th>judged (s)</th><th>achieved</th><th>units</th><th>verdict</th>";
  for (const std::string& e : expressions) {
    // Breakable after each dot of the field: objectives are long and there may be several.
    std::string code = html_escape(e);
    for (auto at = code.find('.'); at != std::string::npos; at = code.find('.', at + 6)) {
      code.insert(at + 1, "<wbr>");
    }
    t += "<th><code>" + code + "</code></th>";
  }
  t += "<th>CPU</th><th>lag p99</th><th>lateness p99 (limit)</th><th>RSS</th></tr>\n";
  const auto s_of = [](std::chrono::milliseconds ms) {
    return tick(static_cast<double>(ms.count()) / 1e3);
  };
  for (const capacity_step& s : cap.steps) {
    // Not "pass"/"fail": those colour a row's last cell (the SLO table's verdict).
    const char* cls = s.generator.bound ? "bound" : s.pass ? "passed" : "failed";
    const std::string verdict = s.generator.bound
                                    ? (s.pass ? "generator-bound" : "FAIL, generator-bound")
                                : s.pass ? "pass"
                                         : "FAIL";
    t += fmt::format(
        "<tr class=\"step {}\" data-value=\"{}\"><td>{}</td><td title=\"step {} – {} s, warm-up "
        "until {} s\">{} – {}</td><td>{:.1f}</td><td>{}</td><td class=\"verdict\"{}>{}</td>",
        cls, tick(s.value), tick(s.value), s_of(s.start), s_of(s.end), s_of(s.measured_from),
        s_of(s.measured_from), s_of(s.end), s.achieved_rate, s.units,
        s.generator.reason.empty() ? "" : " title=\"" + html_escape(s.generator.reason) + "\"",
        html_escape(verdict));
    for (const std::string& e : expressions) {
      const capacity_verdict* v = verdict_of(s, e);
      if (v == nullptr) {
        t += "<td>—</td>";
      } else {
        t +=
            fmt::format("<td class=\"{}\">{}</td>", v->pass ? "ok" : "bad", html_escape(v->actual));
      }
    }
    const generator_check& gc = s.generator;
    t += fmt::format(
        "<td>{:.0f} %</td><td>{} ms</td><td>{} ms ({} ms)</td><td>{:.0f} MB</td></tr>\n",
        gc.cpu_percent, tick_ms(gc.lag_p99_ms), tick_ms(gc.lateness_p99_ms),
        tick_ms(gc.lateness_limit_ms), gc.rss_mb);
    if (gc.bound && !gc.reason.empty()) {
      t += fmt::format(
          "<tr class=\"reason\"><td></td><td colspan=\"{}\">generator-bound: {}</td></tr>\n",
          8 + expressions.size(), html_escape(gc.reason));
    }
  }
  return t + "</table></div>\n";
}
std::string page_head(const report& r) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Nothing may load from anywhere: the page is self-contained.
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; img-src data:\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>relayload report: " + html_escape(r.scenario) + "</title>\n<style>" + style +
       (r.groups.empty() && !r.capacity ? "" : workload_style) + "</style>\n</head>\n<body>\n";
  h += "<header>\n<h1>relayload report: " + html_escape(r.scenario) + "</h1>\n";
  h += "<p class=\"meta\">" + html_escape(r.target) + " · " +
       html_escape(detail::format_iso(r.start_time)) + " → " +
       html_escape(detail::format_iso(r.end_time)) + "</p>\n";
  if (r.partial) {
    h += "<p class=\"partial\" id=\"partial\">Partial: the run did not complete; these are the "
         "data measured until it stopped.</p>\n";
  }
  if (r.capacity) h += capacity_banner(*r.capacity);
  h += "</header>\n";
  return h;
}

std::string page_tail(const report& r) {
  std::string h;
  h += "<section id=\"histograms\">\n<h2>Histograms</h2>\n" + histogram_table(r) + "</section>\n";
  h += "<section id=\"configuration\">\n<h2>Run configuration</h2>\n" + config_table(r) +
       "</section>\n";
  h += "</body>\n</html>\n";
  return h;
}

// ---- the target relay's own series (--target-metrics) ------------------------------------

using target_value = std::optional<double> target_sample::*;

double offset_s(const target_sample& s) { return static_cast<double>(s.offset.count()) / 1e3; }

// A level (clients, memory) at each scrape from t0 on, times `scale`.
line_series target_levels(const target_metrics& t, target_value v, const char* name,
                          double scale = 1.0, int colour = -1, std::string extra = {}) {
  line_series l{name, {}, colour, std::move(extra)};
  for (const target_sample& s : t.samples) {
    if (s.*v && s.offset.count() >= 0) l.points.push_back({offset_s(s), *(s.*v) * scale});
  }
  return l;
}

// A counter's rate between consecutive scrapes, at the later one, times `scale` (a counter
// that went down, a restarted relay, gives no point).
line_series target_rate(const target_metrics& t, target_value v, const char* name,
                        double scale = 1.0) {
  line_series l{name, {}};
  const target_sample* previous = nullptr;
  for (const target_sample& s : t.samples) {
    if (!(s.*v)) continue;
    if (previous != nullptr && s.offset.count() >= 0 && s.offset > previous->offset &&
        *(s.*v) >= *(previous->*v)) {
      const double dt = offset_s(s) - offset_s(*previous);
      l.points.push_back({offset_s(s), (*(s.*v) - *(previous->*v)) / dt * scale});
    }
    previous = &s;
  }
  return l;
}

std::vector<line_series> non_empty(std::vector<line_series> lines) {
  lines.erase(std::remove_if(lines.begin(), lines.end(),
                             [](const line_series& l) { return l.points.empty(); }),
              lines.end());
  return lines;
}

bool has_target(const report& r) { return r.target_series.has_value(); }

std::string target_clients_chart(const chart_ctx& c) {
  const target_metrics& t = *c.r.target_series;
  std::vector<line_series> lines =
      non_empty({target_levels(t, &target_sample::clients, "relay: clients", 1.0, 0),
                 target_levels(t, &target_sample::subscriptions, "relay: subscriptions", 1.0, 1)});
  if (lines.empty()) {
    return no_data(c.id,
                   "the target exposed no centrifugo_node_num_clients or "
                   "centrifugo_node_num_subscriptions in any successful scrape");
  }
  // Our own side, for comparison: the open connections the client-side series counted.
  if (const time_series* s = find_series(c.r, connections_series)) {
    if (const auto g = s->gauge_id("active")) {
      line_series ours{"relayload: active connections", {{0, 0}}, 4, "dashed"};
      for (const interval_snapshot& snap : s->intervals()) {
        ours.points.push_back({end_s(*s, snap.index), static_cast<double>(snap.gauges[*g])});
      }
      lines.push_back(std::move(ours));
    }
  }
  return line_chart(c.id, "Relay clients and subscriptions", lines, c.time, "time since start (s)",
                    "clients / subscriptions", c.over_time);
}

std::string target_cpu_chart(const chart_ctx& c) {
  const auto lines =
      non_empty({target_rate(*c.r.target_series, &target_sample::cpu_seconds, "relay CPU", 100.0)});
  if (lines.empty()) {
    return no_data(c.id, "fewer than two scrapes with process_cpu_seconds_total");
  }
  return line_chart(c.id, "Relay CPU", lines, c.time, "time since start (s)", "CPU (% of one core)",
                    c.over_time);
}

std::string target_memory_chart(const chart_ctx& c) {
  const auto lines = non_empty({target_levels(*c.r.target_series, &target_sample::resident_bytes,
                                              "relay resident memory", 1e-6)});
  if (lines.empty()) return no_data(c.id, "no process_resident_memory_bytes in any scrape");
  return line_chart(c.id, "Relay memory", lines, c.time, "time since start (s)",
                    "resident memory (MB)", c.over_time);
}

std::string target_messages_chart(const chart_ctx& c) {
  const target_metrics& t = *c.r.target_series;
  const auto lines = non_empty({target_rate(t, &target_sample::messages_in, "in (published)"),
                                target_rate(t, &target_sample::messages_out, "out (delivered)")});
  if (lines.empty()) return no_data(c.id, "fewer than two scrapes with a message counter");
  return line_chart(c.id, "Relay messages per second", lines, c.time, "time since start (s)",
                    "messages per second", c.over_time);
}

const chart_kind target_kinds[] = {
    {"chart-relay-clients", "Relay clients and subscriptions", has_target, target_clients_chart,
     [](const report&) -> std::string {
       return "From the target's centrifugo_node_num_clients and "
              "centrifugo_node_num_subscriptions at each scrape; \"relayload: active "
              "connections\": the open connections relayload counted, at the end of each "
              "interval.";
     }},
    {"chart-relay-cpu", "Relay CPU", has_target, target_cpu_chart,
     [](const report&) -> std::string {
       return "process_cpu_seconds_total between consecutive scrapes, as a percentage of one "
              "core.";
     }},
    {"chart-relay-memory", "Relay memory", has_target, target_memory_chart,
     [](const report&) -> std::string { return "process_resident_memory_bytes at each scrape."; }},
    {"chart-relay-messages", "Relay messages per second", has_target, target_messages_chart,
     [](const report& r) -> std::string {
       const target_metrics& t = *r.target_series;
       return "Between consecutive scrapes: in from " +
              (t.messages_in_metric.empty() ? std::string("(none)") : t.messages_in_metric) +
              ", out from " +
              (t.messages_out_metric.empty() ? std::string("(none)") : t.messages_out_metric) + ".";
     }},
};

std::string target_table(const target_metrics& t) {
  std::string h = "<table class=\"figures\" id=\"target-metrics-table\">\n";
  h += row("Endpoint", t.url);
  h += row("Scrapes", fmt::format("{} ok, {} failed, every {} s", t.scrapes_ok, t.scrapes_failed(),
                                  num(static_cast<double>(t.interval.count()) / 1e3)));
  for (const scrape_failure& f : t.failures) {
    h += row("Failed: " + f.cause, fmt::format("{} × (last: {})", f.count, f.last));
  }
  if (const auto v = t.peak_clients()) h += row("Peak clients", num(*v));
  if (const auto v = t.peak_subscriptions()) h += row("Peak subscriptions", num(*v));
  if (const auto v = t.cpu_seconds_used()) h += row("CPU used", num(*v) + " s");
  if (const auto v = t.cpu_per_connection()) h += row("CPU per connection", num(*v * 1e6) + " µs");
  if (const auto v = t.cpu_per_message()) h += row("CPU per message", num(*v * 1e6) + " µs");
  if (const auto v = t.peak_resident_bytes())
    h += row("Peak resident memory", num(*v / 1e6) + " MB");
  return h + "</table>\n";
}

// Under the client-side charts, on the same time axis.
std::string target_section(const report& r) {
  if (!r.target_series) return "";
  std::string h = "<section id=\"target-metrics\">\n<h2>Relay (server side)</h2>\n";
  h += target_table(*r.target_series);
  if (r.target_series->samples.empty()) {
    h += "<p class=\"note\" id=\"target-metrics-none\">No scrape of the target succeeded: no "
         "server-side series.</p>\n";
  }
  for (const chart_kind& k : target_kinds) {
    if (k.applies(r)) h += figure(k.title, k.draw(context_of(r, k.id)), k.note(r));
  }
  return h + "</section>\n";
}

// A single scenario's page.
std::string scenario_body(const report& r) {
  std::string h;
  h += "<section id=\"summary\">\n<h2>Summary</h2>\n" + summary_table(r) + "</section>\n";
  h += "<section id=\"slo\">\n<h2>SLO verdicts</h2>\n" + slo_table(r) + "</section>\n";
  h += "<section id=\"charts\">\n<h2>Charts</h2>\n";
  for (const chart_kind& k : chart_kinds) {
    if (k.applies(r)) h += figure(k.title, k.draw(context_of(r, k.id)), k.note(r));
  }
  if (r.errors.empty()) {
    h += "<p class=\"note\" id=\"errors-none\">No errors were counted.</p>\n";
  }
  h += "</section>\n";
  h += target_section(r);
  return h;
}

// One group's own section, collapsed: its figures, its scenario's usual charts on the page's
// time axis, and its configuration.
std::string group_section(const report& r, std::size_t i, const x_axis& time,
                          const chart_extras& bands) {
  const group_report& g = r.groups[i];
  std::string h = fmt::format(
      "<details class=\"group\" id=\"group-{}\">\n<summary>{}{} · {} · arrivals {}</summary>\n",
      html_escape(g.name), swatch(i), html_escape(g.name), html_escape(g.result.scenario),
      html_escape(config_text(g.result, "arrivals")));
  h += summary_table(g.result);
  for (const chart_kind& k : chart_kinds) {
    if (!k.applies(g.result)) continue;
    h +=
        figure(k.title, k.draw({g.result, group_chart_id(g, k.id), time, bands}), k.note(g.result));
  }
  h += config_table(g.result, "group-" + g.name + "-config");
  return h + "</details>\n";
}

// A workload's page (and a capacity search's, which runs a workload): the capacity answer,
// the totals, the verdicts, the groups side by side, each group on its own.
std::string workload_body(const report& r) {
  const x_axis time = time_axis(r);
  const chart_extras bands = step_bands(r);
  std::string h;
  if (r.capacity) {
    h += "<section id=\"capacity\">\n<h2>Capacity search: " + html_escape(r.capacity->parameter) +
         "</h2>\n";
    for (const chart_kind& k : capacity_kinds) {
      if (k.applies(r)) h += figure(k.title, k.draw({r, k.id, time, {}}), k.note(r));
    }
    h += steps_table(*r.capacity) + "</section>\n";
  }
  if (r.groups.empty()) {  // a capacity result without groups: the scenario's own page
    h += "<section id=\"summary\">\n<h2>Summary</h2>\n" + summary_table(r) + "</section>\n";
    h += "<section id=\"slo\">\n<h2>SLO verdicts</h2>\n" + slo_table(r) + "</section>\n";
    h += "<section id=\"charts\">\n<h2>Charts</h2>\n";
    for (const chart_kind& k : chart_kinds) {
      if (k.applies(r)) h += figure(k.title, k.draw({r, k.id, time, bands}), k.note(r));
    }
    return h + "</section>\n";
  }
  h += "<section id=\"groups-section\">\n<h2>Groups</h2>\n" + groups_table(r) + "</section>\n";
  h += fmt::format("<section id=\"summary\">\n<h2>Totals over {} group{}</h2>\n", r.groups.size(),
                   r.groups.size() == 1 ? "" : "s") +
       workload_summary_table(r) + "</section>\n";
  h += "<section id=\"slo\">\n<h2>SLO verdicts</h2>\n" + slo_table(r) +
       (r.capacity ? "<p class=\"note\">Judged on the whole run; the capacity search judged each "
                     "step on its own window (above).</p>\n"
                   : "") +
       "</section>\n";
  h += "<section id=\"charts\">\n<h2>Charts</h2>\n";
  if (r.capacity) {
    h += "<p class=\"note\">Shaded: each step of the search, its warm-up lighter, its judged "
         "window darker and labelled with its value.</p>\n";
  }
  for (const chart_kind& k : workload_kinds) {
    if (k.applies(r)) h += figure(k.title, k.draw({r, k.id, time, bands}), k.note(r));
  }
  if (r.errors.empty()) {
    h += "<p class=\"note\" id=\"errors-none\">No errors were counted.</p>\n";
  }
  h += "</section>\n";
  h += target_section(r);  // the relay's side, under the client-side charts
  h += "<section id=\"group-sections\">\n<h2>Each group</h2>\n";
  for (std::size_t i = 0; i < r.groups.size(); ++i) h += group_section(r, i, time, bands);
  return h + "</section>\n";
}

}  // namespace

std::vector<std::string> html_charts(const report& r) {
  std::vector<std::string> out;
  if (r.groups.empty() && !r.capacity) {
    for (const chart_kind& k : chart_kinds) {
      if (k.applies(r)) out.emplace_back(k.id);
    }
    for (const chart_kind& k : target_kinds) {
      if (k.applies(r)) out.emplace_back(k.id);
    }
    return out;
  }
  if (r.capacity) {
    for (const chart_kind& k : capacity_kinds) {
      if (k.applies(r)) out.emplace_back(k.id);
    }
  }
  if (r.groups.empty()) {
    for (const chart_kind& k : chart_kinds) {
      if (k.applies(r)) out.emplace_back(k.id);
    }
    return out;
  }
  for (const chart_kind& k : workload_kinds) {
    if (k.applies(r)) out.emplace_back(k.id);
  }
  for (const chart_kind& k : target_kinds) {
    if (k.applies(r)) out.emplace_back(k.id);
  }
  for (const group_report& g : r.groups) {
    for (const chart_kind& k : chart_kinds) {
      if (k.applies(g.result)) out.push_back(group_chart_id(g, k.id));
    }
  }
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_html(const report& r) {
  const bool plain = r.groups.empty() && !r.capacity;
  return page_head(r) + (plain ? scenario_body(r) : workload_body(r)) + page_tail(r);
}

}  // namespace relayload::metrics
