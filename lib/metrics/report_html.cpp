// render_html(report): renders only. Charts are drawn here as SVG from the report's data;
// every figure comes from the report, latency_over_time() or evaluate_slos().
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

#include "metrics/iso_time_impl.hpp"
#include "relayload/metrics/latency_summary.hpp"
#include "relayload/metrics/report_export.hpp"
#include "relayload/metrics/slo.hpp"
#include "relayload/metrics/storm_summary.hpp"

namespace relayload::metrics {

namespace {

constexpr double chart_w = 880, chart_h = 320;
constexpr double left = 78, right = 24, top = 24, bottom = 56;
constexpr double plot_w = chart_w - left - right, plot_h = chart_h - top - bottom;

struct xy {
  double x = 0, y = 0;
};
struct line_series {
  std::string name;
  std::vector<xy> points;
};

// A tick step of 1, 2 or 5 × 10^k giving about `n` intervals up to `max`.
double nice_step(double max, int n) {
  if (!(max > 0) || !std::isfinite(max)) return 1.0;
  const double raw = max / n;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

std::string num(double v) {
  if (!std::isfinite(v)) return "0";
  std::string s = fmt::format("{:.2f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

// Tick label: short, trailing zeros dropped (1.5, 200, 0.25).
std::string tick(double v) {
  if (std::fabs(v) >= 1e6) return fmt::format("{:.3g}", v);
  std::string s = fmt::format("{:.3f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string svg_open(const std::string& id, const std::string& title) {
  return fmt::format(
      "<svg class=\"chart\" id=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
      "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">\n",
      id, num(chart_w), num(chart_h), num(chart_w), num(chart_h), html_escape(title));
}

std::string axis_labels(const std::string& x_label, const std::string& y_label) {
  return fmt::format(
      "<text class=\"axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n"
      "<text class=\"axis-label\" transform=\"translate(16 {}) rotate(-90)\" "
      "text-anchor=\"middle\">{}</text>\n",
      num(left + plot_w / 2), num(chart_h - 10), html_escape(x_label), num(top + plot_h / 2),
      html_escape(y_label));
}

// Horizontal grid lines and y tick labels for [0, y_max]; returns y_max rounded up.
double y_grid(std::string& out, double y_max) {
  const double step = nice_step(y_max, 5);
  const double top_value = std::max(step, std::ceil(y_max / step) * step);
  out += "<g class=\"grid\">\n";
  for (int i = 0; i * step <= top_value + step / 1e6; ++i) {
    const double v = i * step;
    const double y = top + plot_h - v / top_value * plot_h;
    out += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text x=\"{}\" y=\"{}\" "
        "text-anchor=\"end\">{}</text>\n",
        num(left), num(y), num(left + plot_w), num(y), num(left - 6), num(y + 4), tick(v));
  }
  out += "</g>\n";
  return top_value;
}

std::string frame() {
  return fmt::format("<rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n",
                     num(left), num(top), num(plot_w), num(plot_h));
}

// Above the plot area, so that it never hides data.
std::string legend(const std::vector<std::string>& names) {
  std::string out = "<g class=\"legend\">\n";
  double x = left;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += fmt::format(
        "<rect class=\"swatch s{}\" x=\"{}\" y=\"{}\" width=\"14\" height=\"4\"/>"
        "<text x=\"{}\" y=\"{}\">{}</text>\n",
        i % 6, num(x), num(top - 14), num(x + 18), num(top - 9), html_escape(names[i]));
    x += 26 + 7.0 * static_cast<double>(std::min<std::size_t>(names[i].size(), 40));
  }
  return out + "</g>\n";
}

std::string no_data(const std::string& id, const std::string& why) {
  return fmt::format("<div class=\"chart no-data\" id=\"{}\">No data: {}</div>\n", id,
                     html_escape(why));
}

// A line chart over x in [0, x_max] (linear) or with custom x ticks.
struct x_axis {
  double max = 1;
  std::vector<std::pair<double, std::string>> ticks;  // empty: nice linear ticks
};

std::string line_chart(const std::string& id, const std::string& title,
                       const std::vector<line_series>& series, x_axis xa,
                       const std::string& x_label, const std::string& y_label) {
  double y_max = 0;
  for (const auto& s : series) {
    for (const auto& p : s.points) {
      if (std::isfinite(p.y)) y_max = std::max(y_max, p.y);
      if (std::isfinite(p.x)) xa.max = std::max(xa.max, p.x);
    }
  }
  std::string out = svg_open(id, title);
  const double y_top = y_grid(out, y_max > 0 ? y_max : 1);
  if (xa.ticks.empty()) {
    const double step = nice_step(xa.max, 8);
    xa.max = std::max(step, std::ceil(xa.max / step) * step);
    for (int i = 0; i * step <= xa.max + step / 1e6; ++i)
      xa.ticks.emplace_back(i * step, tick(i * step));
  }
  out += "<g class=\"ticks\">\n";
  for (const auto& [v, label] : xa.ticks) {
    const double x = left + v / xa.max * plot_w;
    out += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text x=\"{}\" y=\"{}\" "
        "text-anchor=\"middle\">{}</text>\n",
        num(x), num(top + plot_h), num(x), num(top + plot_h + 5), num(x), num(top + plot_h + 19),
        html_escape(label));
  }
  out += "</g>\n" + frame();
  const auto px = [&](const xy& p) {
    return std::pair<double, double>{left + std::clamp(p.x / xa.max, 0.0, 1.0) * plot_w,
                                     top + plot_h - std::clamp(p.y / y_top, 0.0, 1.0) * plot_h};
  };
  std::vector<std::string> names;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const auto& s = series[i];
    names.push_back(s.name);
    std::string d;
    for (const auto& p : s.points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
      const auto [x, y] = px(p);
      d += fmt::format("{}{} {} ", d.empty() ? "M" : "L", num(x), num(y));
    }
    if (!d.empty()) d.pop_back();
    out += fmt::format("<path class=\"series s{}\" data-points=\"{}\" d=\"{}\"/>\n", i % 6,
                       s.points.size(), d);
    if (s.points.size() <= 80) {
      for (const auto& p : s.points) {
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
        const auto [x, y] = px(p);
        out += fmt::format("<circle class=\"dot s{}\" cx=\"{}\" cy=\"{}\" r=\"2.5\"/>\n", i % 6,
                           num(x), num(y));
      }
    }
  }
  out += legend(names) + axis_labels(x_label, y_label) + "</svg>\n";
  return out;
}

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
  out += legend(series_names) + axis_labels(x_label, y_label) + "</svg>\n";
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

std::string figure(const std::string& title, const std::string& body, const std::string& note) {
  return "<figure class=\"panel\">\n<h3>" + html_escape(title) + "</h3>\n" + body +
         (note.empty() ? "" : "<figcaption>" + html_escape(note) + "</figcaption>\n") +
         "</figure>\n";
}

double to_ms(double ns) { return ns / 1e6; }

// ---- the charts ----------------------------------------------------------------------

const time_series* find_series(const report& r, const char* name) {
  const auto it = r.series.find(name);
  return it == r.series.end() ? nullptr : &it->second;
}

// End of interval `index` of `s`, in seconds from t0: where its value is plotted.
double end_s(const time_series& s, std::uint64_t index) {
  return std::chrono::duration<double>(s.start_of(index + 1)).count();
}

// The x axis of every chart over time: the whole run, so that the charts line up.
x_axis time_axis(const report& r) {
  x_axis xa;
  xa.max = std::max(1e-3, std::chrono::duration<double>(r.total_time).count());
  for (const auto& [name, s] : r.series) {
    if (!s.intervals().empty()) xa.max = std::max(xa.max, end_s(s, s.intervals().size() - 1));
  }
  return xa;
}

std::string missing_series(const std::string& id, const char* name) {
  return no_data(id, fmt::format("this report has no \"{}\" time series (it was written by a "
                                 "relayload that did not record one)",
                                 name));
}

// Most points of a rate line: a short run's 10 ms intervals hold a handful of events each,
// and a rate per interval would jump between 0 and hundreds per second.
constexpr std::size_t rate_points_max = 60;

// One line per counter of `s` (those of `names` that it has), as events per second over
// bins of whole intervals (one interval per bin up to rate_points_max intervals).
std::vector<line_series> counter_rates(
    const time_series& s, const std::vector<std::pair<std::string, std::string>>& names) {
  std::vector<line_series> out;
  const std::size_t n = s.intervals().size();
  const std::size_t per_bin = std::max<std::size_t>(1, (n + rate_points_max - 1) / rate_points_max);
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

std::string active_connections_chart(const report& r, const std::string& id) {
  const time_series* s = find_series(r, connections_series);
  if (s == nullptr) return missing_series(id, connections_series);
  const auto g = s->gauge_id("active");
  if (!g || s->intervals().empty()) return no_data(id, "no intervals of active connections");
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
  return line_chart(id, "Active connections over time", all, time_axis(r), "time since start (s)",
                    r.counts_pairs() ? "connections (dApp + wallet)" : "connections");
}

std::string connect_latency_chart(const report& r, const std::string& id) {
  const histogram& h = *r.connect_time;
  if (h.empty()) return no_data(id, "no connection succeeded");
  std::vector<std::pair<std::string, double>> bars = {
      {"p50", to_ms(static_cast<double>(h.value_at_percentile(50)))},
      {"p90", to_ms(static_cast<double>(h.value_at_percentile(90)))},
      {"p95", to_ms(static_cast<double>(h.value_at_percentile(95)))},
      {"p99", to_ms(static_cast<double>(h.value_at_percentile(99)))},
      {"p99.9", to_ms(static_cast<double>(h.value_at_percentile(99.9)))},
      {"max", to_ms(static_cast<double>(h.max()))}};
  return column_chart(id, "Connect latency percentiles", bars, "percentile", "connect time (ms)");
}

std::string handshake_rate_chart(const report& r, const std::string& id) {
  const time_series* s = find_series(r, handshakes_series);
  if (s == nullptr) return missing_series(id, handshakes_series);
  if (s->intervals().empty()) return no_data(id, "no handshake was started");
  return line_chart(
      id, "Handshakes per second",
      counter_rates(*s, {{"started", "started"}, {"completed", "completed"}, {"failed", "failed"}}),
      time_axis(r), "time since start (s)", "handshakes per second");
}

std::string handshake_latency_chart(const report& r, const std::string& id) {
  const time_series* s = find_series(r, handshakes_series);
  if (s == nullptr) return missing_series(id, handshakes_series);
  const auto lines = latency_lines(*s);
  if (lines.empty()) return no_data(id, "no handshake completed");
  return line_chart(id, "Handshake latency over time", lines, time_axis(r), "time since start (s)",
                    "handshake time (ms)");
}

// The steady-messaging section's series, else the "messages" series; nullptr when neither.
const time_series* message_series(const report& r) {
  if (r.steady_messaging) return &r.steady_messaging->latency_over_time;
  return find_series(r, messages_series);
}

std::string message_latency_chart(const report& r, const std::string& id) {
  const time_series* s = message_series(r);
  if (s == nullptr) return missing_series(id, messages_series);
  const auto lines = latency_lines(*s);
  if (lines.empty()) return no_data(id, "no exchange completed");
  return line_chart(id, "Message latency over time", lines, time_axis(r), "time since start (s)",
                    "latency (ms)");
}

bool has_recovery(const report& r) { return r.recovery || storm_summary::of(r); }

std::string recovery_rate_chart(const report& r, const std::string& id) {
  const time_series* s = find_series(r, recovery_series);
  if (s == nullptr) return missing_series(id, recovery_series);
  if (s->intervals().empty()) return no_data(id, "no recovery had an outcome");
  return line_chart(id, "Recovery outcomes per second",
                    counter_rates(*s, {{"received", "received from history"},
                                       {"failed", "failed"},
                                       {"back", "connections back"},
                                       {"recoveredStreams", "streams recovered"},
                                       {"recoveryFailed", "streams not recoverable"}}),
                    time_axis(r), "time since start (s)", "outcomes per second");
}

std::string recovery_latency_chart(const report& r, const std::string& id) {
  const time_series* s = find_series(r, recovery_series);
  if (s == nullptr) return missing_series(id, recovery_series);
  const auto lines = latency_lines(*s);
  if (lines.empty()) return no_data(id, "no recovery succeeded");
  return line_chart(id, "Recovery latency over time", lines, time_axis(r), "time since start (s)",
                    r.recovery ? "recovery latency (ms)" : "time since the storm (ms)");
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
std::string session_phases_chart(const report& r, const std::string& id) {
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

std::string latency_distribution_chart(const report& r, const std::string& id) {
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

std::string errors_chart(const report& r, const std::string& id) {
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
  std::string (*draw)(const report&, const std::string& id);
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

std::string config_table(const report& r) {
  std::string t = "<table class=\"config\" id=\"run-config\">\n";
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
    t += "<p class=\"note\" id=\"config-unused\">Not used by this run, so not shown (the JSON "
         "keeps them): " +
         html_escape(keys) + ".</p>\n";
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

constexpr const char* style = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:940px;color:#1d2330;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #dde1e8;padding-bottom:4px}
h3{font-size:15px;margin:0 0 6px}.meta{color:#5a6272;margin:0}.partial{color:#b3261e;font-weight:600}
table{border-collapse:collapse;margin:6px 0}th,td{text-align:left;padding:3px 12px 3px 0;vertical-align:top}
table.histograms td,table.histograms th{padding-right:16px}code{font:13px ui-monospace,Menlo,monospace}
tr.pass td:last-child{color:#1b7f3b;font-weight:700}tr.fail td:last-child{color:#b3261e;font-weight:700}
.panel{margin:18px 0;padding:0}.chart{display:block;max-width:100%;height:auto}
svg.chart text{font:11px system-ui,sans-serif;fill:#3b4252}svg.chart .axis-label{font-size:12px;fill:#1d2330}
.grid line,.ticks line{stroke:#e3e6ec;stroke-width:1}.frame{fill:none;stroke:#9aa1ad}
.series{fill:none;stroke-width:2}.dot{stroke:none}
.s0{stroke:#2563eb;fill:#2563eb}.s1{stroke:#dc2626;fill:#dc2626}.s2{stroke:#059669;fill:#059669}
.s3{stroke:#d97706;fill:#d97706}.s4{stroke:#7c3aed;fill:#7c3aed}.s5{stroke:#0891b2;fill:#0891b2}
path.series{fill:none}.bar{fill:#2563eb}.bar.s1{fill:#dc2626}#chart-errors .bar{fill:#dc2626}
p.note{color:#5a6272;font-size:12px}
div.no-data{border:1px dashed #b8bec9;color:#5a6272;padding:28px;text-align:center;background:#f7f8fa}
figcaption{color:#5a6272;font-size:12px}
)";

}  // namespace

std::vector<std::string> html_charts(const report& r) {
  std::vector<std::string> out;
  for (const chart_kind& k : chart_kinds) {
    if (k.applies(r)) out.emplace_back(k.id);
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
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Nothing may load from anywhere: the page is self-contained.
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; img-src data:\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>relayload report: " + html_escape(r.scenario) + "</title>\n<style>" + style +
       "</style>\n</head>\n<body>\n";
  h += "<header>\n<h1>relayload report: " + html_escape(r.scenario) + "</h1>\n";
  h += "<p class=\"meta\">" + html_escape(r.target) + " · " +
       html_escape(detail::format_iso(r.start_time)) + " → " +
       html_escape(detail::format_iso(r.end_time)) + "</p>\n";
  if (r.partial) {
    h += "<p class=\"partial\" id=\"partial\">Partial: the run did not complete; these are the "
         "data measured until it stopped.</p>\n";
  }
  h += "</header>\n";
  h += "<section id=\"summary\">\n<h2>Summary</h2>\n" + summary_table(r) + "</section>\n";
  h += "<section id=\"slo\">\n<h2>SLO verdicts</h2>\n" + slo_table(r) + "</section>\n";
  h += "<section id=\"charts\">\n<h2>Charts</h2>\n";
  for (const chart_kind& k : chart_kinds) {
    if (k.applies(r)) h += figure(k.title, k.draw(r, k.id), k.note(r));
  }
  if (r.errors.empty()) {
    h += "<p class=\"note\" id=\"errors-none\">No errors were counted.</p>\n";
  }
  h += "</section>\n";
  h += "<section id=\"histograms\">\n<h2>Histograms</h2>\n" + histogram_table(r) + "</section>\n";
  h += "<section id=\"configuration\">\n<h2>Run configuration</h2>\n" + config_table(r) +
       "</section>\n";
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace relayload::metrics
