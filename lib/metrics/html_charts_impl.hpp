// The chart primitives and the style sheet of relayload's HTML pages (report_html.cpp, the
// comparison page of compare_html.cpp, the original tool's documents in original_render.cpp),
// so that every page draws its charts the same way: inline SVG, no script, axes and legends
// laid out here, data as <path class="series"> lines whose colours the style sheet gives.
//
// Private to the library. Everything is inline: the pages are small and rendered once.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "relayload/metrics/histogram.hpp"
#include "relayload/metrics/report_html.hpp"
#include "relayload/metrics/time_series.hpp"

namespace relayload::metrics::svg_charts {

inline constexpr double chart_w = 880, chart_h = 320;
inline constexpr double left = 78, right = 24, top = 24, bottom = 56;
inline constexpr double plot_w = chart_w - left - right, plot_h = chart_h - top - bottom;
// A legend that does not fit on one row takes more rows above the plot, which moves down.
inline constexpr double legend_row = 16;
// The row of x_mark labels under a line chart's tick labels.
inline constexpr double mark_row = 16;

// The vertical layout of one chart: its height and the top of its plot area.
struct geometry {
  double h = chart_h;
  double top = svg_charts::top;
  double bottom = svg_charts::bottom;
  double plot_h() const { return h - top - bottom; }
};

struct xy {
  double x = 0, y = 0;
};
struct line_series {
  line_series(std::string n, std::vector<xy> p, int c = -1, std::string e = {})
      : name(std::move(n)), points(std::move(p)), colour(c), extra(std::move(e)) {}

  std::string name;
  std::vector<xy> points;
  int colour;         // palette index; -1: the series' position
  std::string extra;  // more classes ("total", "dashed")
};

// A tick step of 1, 2 or 5 × 10^k giving about `n` intervals up to `max`.
inline double nice_step(double max, int n) {
  if (!(max > 0) || !std::isfinite(max)) return 1.0;
  const double raw = max / n;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

inline std::string num(double v) {
  if (!std::isfinite(v)) return "0";
  std::string s = fmt::format("{:.2f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

// Tick label: short, trailing zeros dropped (1.5, 200, 0.25).
inline std::string tick(double v) {
  if (std::fabs(v) >= 1e6) return fmt::format("{:.3g}", v);
  std::string s = fmt::format("{:.3f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

inline std::string svg_open(const std::string& id, const std::string& title,
                            const geometry& g = {}) {
  return fmt::format(
      "<svg class=\"chart\" id=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
      "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">\n",
      id, num(chart_w), num(g.h), num(chart_w), num(g.h), html_escape(title));
}

inline std::string axis_labels(const std::string& x_label, const std::string& y_label,
                               const geometry& g = {}) {
  return fmt::format(
      "<text class=\"axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n"
      "<text class=\"axis-label\" transform=\"translate(16 {}) rotate(-90)\" "
      "text-anchor=\"middle\">{}</text>\n",
      num(left + plot_w / 2), num(g.h - 10), html_escape(x_label), num(g.top + g.plot_h() / 2),
      html_escape(y_label));
}

// Horizontal grid lines and y tick labels for [0, y_max]; returns y_max rounded up.
inline double y_grid(std::string& out, double y_max, const geometry& g = {}) {
  const double step = nice_step(y_max, 5);
  const double top_value = std::max(step, std::ceil(y_max / step) * step);
  out += "<g class=\"grid\">\n";
  for (int i = 0; i * step <= top_value + step / 1e6; ++i) {
    const double v = i * step;
    const double y = g.top + g.plot_h() - v / top_value * g.plot_h();
    out += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text x=\"{}\" y=\"{}\" "
        "text-anchor=\"end\">{}</text>\n",
        num(left), num(y), num(left + plot_w), num(y), num(left - 6), num(y + 4), tick(v));
  }
  out += "</g>\n";
  return top_value;
}

inline std::string frame(const geometry& g = {}) {
  return fmt::format("<rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n",
                     num(left), num(g.top), num(plot_w), num(g.plot_h()));
}

// One legend entry: its text and the class of its swatch ("s0", "s2 total").
struct legend_entry {
  std::string name;
  std::string cls;
};

inline double legend_width(const std::string& name) {
  return 26 + 7.0 * static_cast<double>(std::min<std::size_t>(name.size(), 40));
}

// Rows the legend takes: a new row starts where the next entry would pass the right edge.
inline int legend_rows(const std::vector<legend_entry>& entries) {
  int rows = 1;
  double x = left;
  for (const legend_entry& e : entries) {
    if (x > left && x + legend_width(e.name) > chart_w - right) {
      ++rows;
      x = left;
    }
    x += legend_width(e.name);
  }
  return rows;
}

// Above the plot area, so that it never hides data.
inline std::string legend(const std::vector<legend_entry>& entries) {
  std::string out = "<g class=\"legend\">\n";
  double x = left, y = top;
  for (const legend_entry& e : entries) {
    if (x > left && x + legend_width(e.name) > chart_w - right) {
      x = left;
      y += legend_row;
    }
    out += fmt::format(
        "<rect class=\"swatch {}\" x=\"{}\" y=\"{}\" width=\"14\" height=\"4\"/>"
        "<text x=\"{}\" y=\"{}\">{}</text>\n",
        e.cls, num(x), num(y - 14), num(x + 18), num(y - 9), html_escape(e.name));
    x += legend_width(e.name);
  }
  return out + "</g>\n";
}

inline std::vector<legend_entry> plain_legend(const std::vector<std::string>& names) {
  std::vector<legend_entry> out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out.push_back({names[i], fmt::format("s{}", i % 6)});
  return out;
}

inline std::string no_data(const std::string& id, const std::string& why) {
  return fmt::format("<div class=\"chart no-data\" id=\"{}\">No data: {}</div>\n", id,
                     html_escape(why));
}

// A line chart over x in [min, max] (linear) or with custom x ticks.
struct x_axis {
  double min = 0;
  double max = 1;
  std::vector<std::pair<double, std::string>> ticks;  // empty: nice linear ticks
};

// What a line chart may draw besides its lines: shaded spans of x behind the data (capacity
// steps on a time axis), horizontal lines (SLO thresholds) and vertical marks (the last
// passing step).
struct x_band {
  double from = 0, to = 0;
  std::string cls;    // "warmup", "measured m0", …
  std::string label;  // at the top of the band; may be empty
};
struct y_line {
  double y = 0;
  std::string label;
  std::string cls;  // "threshold"
};
struct x_mark {
  double x = 0;
  std::string label;        // under the x axis' tick labels
  std::string cls;          // "pass", "fail", "bound"
  bool label_left = false;  // text ends at the line (else starts there)
};
struct chart_extras {
  std::vector<x_band> bands;
  std::vector<y_line> lines;
  std::vector<x_mark> marks;
  // A log y scale of whole decades (values at or below zero at the bottom): for latencies
  // that grow by orders of magnitude towards a threshold far above the first steps.
  bool log_y = false;
};

// The y axis of a log-scale line chart: decades [lo, hi] of 10^lo … 10^hi.
struct log_axis {
  int lo = 0, hi = 1;
};

// Grid lines and labels at every decade, and at 2 and 5 × each decade when the axis spans
// three decades or fewer.
inline void log_grid(std::string& out, const log_axis& a, const geometry& g) {
  const auto y_of = [&](double v) {
    return g.top + g.plot_h() - (std::log10(v) - a.lo) / (a.hi - a.lo) * g.plot_h();
  };
  out += "<g class=\"grid\">\n";
  for (int d = a.lo; d <= a.hi; ++d) {
    for (const double m : {1.0, 2.0, 5.0}) {
      if (m != 1 && (a.hi - a.lo > 3 || d == a.hi)) continue;
      const double v = m * std::pow(10.0, d);
      const double y = y_of(v);
      out += fmt::format(
          "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text x=\"{}\" y=\"{}\" "
          "text-anchor=\"end\">{}</text>\n",
          num(left), num(y), num(left + plot_w), num(y), num(left - 6), num(y + 4),
          d >= -3 ? tick(v) : fmt::format("{:g}", v));
    }
  }
  out += "</g>\n";
}

inline std::string line_chart(const std::string& id, const std::string& title,
                              const std::vector<line_series>& series, x_axis xa,
                              const std::string& x_label, const std::string& y_label,
                              const chart_extras& extras = {}) {
  double y_max = 0, y_min_positive = 0;
  const auto take_y = [&](double y) {
    if (!std::isfinite(y)) return;
    y_max = std::max(y_max, y);
    if (y > 0) y_min_positive = y_min_positive > 0 ? std::min(y_min_positive, y) : y;
  };
  for (const auto& s : series) {
    for (const auto& p : s.points) {
      take_y(p.y);
      if (std::isfinite(p.x)) xa.max = std::max(xa.max, p.x);
    }
  }
  for (const y_line& l : extras.lines) take_y(l.y * 1.08);  // room for its label
  std::vector<legend_entry> entries;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const int c = series[i].colour >= 0 ? series[i].colour : static_cast<int>(i % 6);
    entries.push_back({series[i].name, fmt::format("s{}", c) +
                                           (series[i].extra.empty() ? "" : " " + series[i].extra)});
  }
  geometry g;
  const int rows = legend_rows(entries);
  g.top += legend_row * (rows - 1);
  g.h += legend_row * (rows - 1);
  if (!extras.marks.empty()) {  // the marks' labels go under the tick labels
    g.h += mark_row;
    g.bottom += mark_row;
  }
  std::string out = svg_open(id, title, g);
  double y_top = 1;
  log_axis la;
  if (extras.log_y) {
    if (!(y_max > 0)) y_min_positive = y_max = 1;
    la.lo = static_cast<int>(std::floor(std::log10(y_min_positive)));
    la.hi = std::max(la.lo + 1, static_cast<int>(std::ceil(std::log10(y_max))));
    log_grid(out, la, g);
  } else {
    y_top = y_grid(out, y_max > 0 ? y_max : 1, g);
  }
  if (xa.ticks.empty()) {
    const double step = nice_step(xa.max, 8);
    xa.max = std::max(step, std::ceil(xa.max / step) * step);
    for (int i = 0; i * step <= xa.max + step / 1e6; ++i)
      xa.ticks.emplace_back(i * step, tick(i * step));
  }
  const auto x_of = [&](double v) {
    return left + std::clamp((v - xa.min) / (xa.max - xa.min), 0.0, 1.0) * plot_w;
  };
  const auto y_of = [&](double v) {
    const double f = !extras.log_y ? v / y_top
                     : v > 0       ? (std::log10(v) - la.lo) / (la.hi - la.lo)
                                   : 0.0;
    return g.top + g.plot_h() - std::clamp(f, 0.0, 1.0) * g.plot_h();
  };
  if (!extras.bands.empty()) {
    out += "<g class=\"bands\">\n";
    for (const x_band& b : extras.bands) {
      const double x0 = x_of(b.from), x1 = x_of(b.to);
      if (!(x1 > x0)) continue;
      out += fmt::format("<rect class=\"band {}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n",
                         b.cls, num(x0), num(g.top), num(x1 - x0), num(g.plot_h()));
      if (!b.label.empty()) {
        out += fmt::format(
            "<text class=\"band-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            num((x0 + x1) / 2), num(g.top + 12), html_escape(b.label));
      }
    }
    out += "</g>\n";
  }
  out += "<g class=\"ticks\">\n";
  for (const auto& [v, label] : xa.ticks) {
    const double x = x_of(v);
    out += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text x=\"{}\" y=\"{}\" "
        "text-anchor=\"middle\">{}</text>\n",
        num(x), num(g.top + g.plot_h()), num(x), num(g.top + g.plot_h() + 5), num(x),
        num(g.top + g.plot_h() + 19), html_escape(label));
  }
  out += "</g>\n" + frame(g);
  for (const x_mark& m : extras.marks) {
    const double x = x_of(m.x);
    out += fmt::format(
        "<g class=\"mark {}\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text x=\"{}\" "
        "y=\"{}\" text-anchor=\"{}\">{}</text></g>\n",
        m.cls, num(x), num(g.top), num(x), num(g.top + g.plot_h()),
        num(m.label_left ? x - 3 : x + 3), num(g.top + g.plot_h() + 34),
        m.label_left ? "end" : "start", html_escape(m.label));
  }
  // Thresholds over the marks, their labels haloed, so that a mark never hides them.
  for (const y_line& l : extras.lines) {
    const double y = y_of(l.y);
    out += fmt::format(
        "<g class=\"{}\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text x=\"{}\" y=\"{}\" "
        "text-anchor=\"end\">{}</text></g>\n",
        l.cls, num(left), num(y), num(left + plot_w), num(y), num(left + plot_w - 4), num(y - 4),
        html_escape(l.label));
  }
  for (std::size_t i = 0; i < series.size(); ++i) {
    const auto& s = series[i];
    const std::string& cls = entries[i].cls;
    // A point that is not a number (a long stretch without data) breaks the line.
    std::vector<std::vector<std::pair<double, double>>> parts(1);
    std::size_t drawn = 0;
    for (const auto& p : s.points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
        if (!parts.back().empty()) parts.emplace_back();
        continue;
      }
      parts.back().emplace_back(x_of(p.x), y_of(p.y));
      ++drawn;
    }
    std::string d;
    for (const auto& part : parts) {
      for (std::size_t k = 0; k < part.size(); ++k) {
        d += fmt::format("{}{} {} ", k == 0 ? "M" : "L", num(part[k].first), num(part[k].second));
      }
    }
    if (!d.empty()) d.pop_back();
    out += fmt::format("<path class=\"series {}\" data-points=\"{}\" d=\"{}\"/>\n", cls, drawn, d);
    // Every point gets a dot when there are few; a lone point (no line through it) always.
    for (const auto& part : parts) {
      if (drawn > 80 && part.size() != 1) continue;
      for (const auto& [x, y] : part) {
        out += fmt::format("<circle class=\"dot {}\" cx=\"{}\" cy=\"{}\" r=\"2.5\"/>\n", cls,
                           num(x), num(y));
      }
    }
  }
  out += legend(entries) + axis_labels(x_label, y_label, g) + "</svg>\n";
  return out;
}
inline std::string figure(const std::string& title, const std::string& body,
                          const std::string& note) {
  return "<figure class=\"panel\">\n<h3>" + html_escape(title) + "</h3>\n" + body +
         (note.empty() ? "" : "<figcaption>" + html_escape(note) + "</figcaption>\n") +
         "</figure>\n";
}

inline double to_ms(double ns) { return ns / 1e6; }

// End of interval `index` of `s`, in seconds from t0: where its value is plotted.
inline double end_s(const time_series& s, std::uint64_t index) {
  return std::chrono::duration<double>(s.start_of(index + 1)).count();
}

// Most points of a rate line: a short run's 10 ms intervals hold a handful of events each,
// and a rate per interval would jump between 0 and hundreds per second.
inline constexpr std::size_t rate_points_max = 60;

// Intervals per bin for `n` intervals: one up to `points` (rate_points_max) intervals.
inline std::size_t bin_of(std::size_t n, std::size_t points = rate_points_max) {
  return std::max<std::size_t>(1, (n + points - 1) / points);
}

// Percentile `p` (ms) of the latencies of each bin of `per_bin` whole intervals that has
// some, plotted at the bin's end: the intervals' histograms are merged, never averaged. A
// stretch of a tenth of the bins or more (at least 3) without samples breaks the line (a
// point that is not a number); sparse arrivals' short gaps do not.
inline std::vector<xy> binned_percentile(const time_series& s, double p, std::size_t per_bin) {
  std::vector<xy> out;
  const auto& iv = s.intervals();
  const std::size_t bins = (iv.size() + per_bin - 1) / per_bin;
  const std::size_t long_gap = std::max<std::size_t>(3, bins / 10);
  std::size_t empty = 0;
  for (std::size_t first = 0; first < iv.size(); first += per_bin) {
    const std::size_t last = std::min(iv.size(), first + per_bin);
    histogram h(s.options().layout);
    for (std::size_t i = first; i < last; ++i) {
      if (iv[i].latency) (void)h.merge(*iv[i].latency);
    }
    if (h.empty()) {
      ++empty;
      continue;
    }
    if (!out.empty() && empty >= long_gap) out.push_back({std::nan(""), std::nan("")});
    empty = 0;
    out.push_back({end_s(s, last - 1), static_cast<double>(h.value_at_percentile(p)) / 1e6});
  }
  return out;
}

// Every page's style sheet.
inline constexpr const char* style = R"(
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

// More colours, dashed lines, banners and tables: added to workload, capacity, comparison and
// original-document pages; a single scenario's page goes without, and is unchanged.
inline constexpr const char* workload_style = R"(
.s6{stroke:#db2777;fill:#db2777}.s7{stroke:#65a30d;fill:#65a30d}
.total{stroke:#4b5563;fill:#4b5563}.series.total,.series.dashed{stroke-dasharray:6 4}
.band.warmup{fill:#f3f4f6}.band.m0{fill:#e6edfb}.band.m1{fill:#eef2fd}svg.chart .band-label{fill:#5a6272;font-size:10px}
.threshold line{stroke:#b3261e;stroke-width:1.5;stroke-dasharray:8 4}svg.chart .threshold text{fill:#b3261e;paint-order:stroke;stroke:#fff;stroke-width:3px}
.mark line{stroke-width:1.5;stroke-dasharray:3 3}.mark.pass line{stroke:#1b7f3b}.mark.fail line{stroke:#b3261e}
.mark.bound line{stroke:#d97706}svg.chart .mark text{font-weight:600}svg.chart .mark.pass text{fill:#1b7f3b}
svg.chart .mark.fail text{fill:#b3261e}svg.chart .mark.bound text{fill:#b45309}
[id$="chart-errors"] .bar{fill:#dc2626}
.banner{padding:10px 14px;border-radius:6px;margin:14px 0 4px;border:1px solid}
.banner.found{background:#e8f5ec;border-color:#1b7f3b;color:#14532d}
.banner.failed{background:#fdecea;border-color:#b3261e;color:#7f1d1d}
.banner.bound{background:#fff4e0;border-color:#d97706;color:#7c4a03}
.wide{overflow-x:auto}table.groups,table.steps{font-size:13px}table.steps th code{font-size:12px;white-space:normal}table.steps td,table.steps th{padding-right:9px}.nw{white-space:nowrap}
table.groups th,table.steps th{border-bottom:1px solid #dde1e8}td.name,td.scenario,table.steps td,table.steps th{white-space:nowrap}table.groups td,table.steps td{border-bottom:1px solid #f0f1f4}
tr.step td.verdict{font-weight:700}tr.passed td.verdict{color:#1b7f3b}tr.failed td.verdict{color:#b3261e}
tr.bound td.verdict{color:#b45309}td.ok{color:#1b7f3b}td.bad{color:#b3261e;font-weight:600}
table.steps tr.reason td{color:#7c4a03;font-size:12px;white-space:normal}
span.key{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:-1px}
span.key.s0{background:#2563eb}span.key.s1{background:#dc2626}span.key.s2{background:#059669}span.key.s3{background:#d97706}
span.key.s4{background:#7c3aed}span.key.s5{background:#0891b2}span.key.s6{background:#db2777}span.key.s7{background:#65a30d}
details.group{border:1px solid #dde1e8;border-radius:6px;padding:6px 12px;margin:10px 0}
details.group>summary{cursor:pointer;font-weight:600}details.group[open]>summary{margin-bottom:6px}
)";

}  // namespace relayload::metrics::svg_charts
