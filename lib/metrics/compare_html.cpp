// render_comparison_html(): the comparison of runs as one self-contained page, drawn with the
// single report's chart primitives and style (html_charts_impl.hpp), every run on the same
// axes. Renders only: every figure comes from the comparison_document or, for the curves,
// from the runs' own reports.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/html_charts_impl.hpp"
#include "metrics/figure_text_impl.hpp"
#include "metrics/iso_time_impl.hpp"
#include "relayload/metrics/compare_render.hpp"
#include "relayload/metrics/report_html.hpp"

namespace relayload::metrics {

namespace {

using namespace svg_charts;  // NOLINT(google-build-using-namespace): the page's own charts

// ---- values, as the terminal table writes them ------------------------------------------


std::string value_text(slo_field_kind kind, double v) { return detail::figure_text(kind, v, " ms"); }

// A change in the field's unit; percentage points for rates ("+0.5 pp").
std::string change_text(slo_field_kind kind, double v) {
  const std::string sign = v > 0 ? "+" : v < 0 ? "−" : "±";
  if (kind == slo_field_kind::percent) return sign + detail::short_number(std::fabs(v)) + " pp";
  return sign + value_text(kind, std::fabs(v));
}


// A page has room to show everything, so the detail rows measured on one side only (all of
// them when one side is an original-tool document) wait in the collapsed table too.
bool moved(change_verdict v) {
  return v == change_verdict::worse || v == change_verdict::better || v == change_verdict::changed;
}

// The class of a figure's row: its verdict, one word.
const char* verdict_class(change_verdict v) {
  switch (v) {
    case change_verdict::same:
      return "same";
    case change_verdict::within_noise:
      return "noise";
    case change_verdict::better:
      return "better";
    case change_verdict::worse:
      return "worse";
    case change_verdict::changed:
      return "changed";
    case change_verdict::only_base:
    case change_verdict::only_candidate:
    default:
      return "only";
  }
}

// ---- the runs ----------------------------------------------------------------------------

// One run on the page, in page order (the base runs, then the candidates): one colour each
// on every chart, the base runs dashed.
struct run_entry {
  const run_figures* figures = nullptr;
  const report* r = nullptr;  // nullptr: an original-tool document
  bool base = true;
  int colour = 0;
  std::string name;  // "base: a.json"
};

// Colours in run order: the base blue, the candidate amber, then the rest of the palette.
constexpr int run_palette[] = {0, 3, 2, 4, 5, 6, 7, 1};

std::vector<run_entry> runs_of(const comparison_document& d,
                               const std::vector<const report*>& base_reports,
                               const std::vector<const report*>& candidate_reports) {
  std::vector<run_entry> out;
  const auto add = [&](const std::vector<run_figures>& side,
                       const std::vector<const report*>& reports, bool base) {
    for (std::size_t i = 0; i < side.size(); ++i) {
      run_entry e;
      e.figures = &side[i];
      e.r = i < reports.size() ? reports[i] : nullptr;
      e.base = base;
      e.colour = run_palette[out.size() % std::size(run_palette)];
      const std::string label =
          side[i].label.empty() ? fmt::format("run {}", i + 1) : side[i].label;
      e.name = (base ? "base: " : "candidate: ") + label;
      out.push_back(std::move(e));
    }
  };
  add(d.base, base_reports, true);
  add(d.candidate, candidate_reports, false);
  return out;
}

// The run's line as the charts draw it: its colour, dashed for a base run.
std::string swatch(const run_entry& e) {
  return fmt::format(
      "<svg class=\"key\" width=\"22\" height=\"10\" aria-hidden=\"true\"><line class=\"series "
      "s{}{}\" x1=\"1\" y1=\"5\" x2=\"21\" y2=\"5\"/></svg>",
      e.colour, e.base ? " dashed" : "");
}

const char* origin_text(const run_entry& e) {
  return e.figures->origin == run_origin::original_tool ? "original tool" : "relayload";
}

// Escaped, breakable after each slash: a long URL wraps at its path, not in a word.
std::string breakable(const std::string& url) {
  std::string out = html_escape(url);
  for (auto at = out.find('/'); at != std::string::npos; at = out.find('/', at + 6)) {
    out.insert(at + 1, "<wbr>");
  }
  return out;
}

std::string runs_table(const std::vector<run_entry>& runs) {
  std::string t =
      "<div class=\"wide\"><table class=\"runs\" id=\"runs\">\n<tr><th>run</th><th>scenario</th>"
      "<th>target</th><th>time (end)</th><th>origin</th></tr>\n";
  for (const run_entry& e : runs) {
    const run_figures& f = *e.figures;
    t += fmt::format(
        "<tr class=\"{}\"><td class=\"name\">{}{}{}</td><td>{}</td><td class=\"target\">{}</td>"
        "<td class=\"time\">{}</td><td>{}</td></tr>\n",
        e.base ? "base" : "candidate", swatch(e), html_escape(e.name),
        f.partial ? " <span class=\"partial\">(partial)</span>" : "", html_escape(f.scenario),
        breakable(f.target), html_escape(detail::format_iso(f.end_time)), origin_text(e));
  }
  return t + "</table></div>\n";
}

// ---- verdicts, differences, notes, figures -----------------------------------------------

std::string gates_section(const std::vector<slo_verdict>& gates) {
  std::string h = "<section id=\"gates\">\n<h2>Regression gates</h2>\n";
  if (gates.empty()) {
    return h +
           "<p class=\"note\" id=\"gates-none\">No gates were given (--gate): the comparison "
           "judges nothing.</p>\n</section>\n";
  }
  const auto failed = static_cast<std::size_t>(
      std::count_if(gates.begin(), gates.end(), [](const slo_verdict& v) { return !v.pass; }));
  std::string verdict;
  if (gates.size() == 1) {
    verdict = failed == 0 ? "The gate passed" : "The gate failed";
  } else {
    verdict = failed == 0 ? fmt::format("All {} gates passed", gates.size())
                          : fmt::format("{} of {} gates failed", failed, gates.size());
  }
  h += fmt::format("<div class=\"banner {}\" id=\"gates-verdict\"><strong>{}</strong></div>\n",
                   failed == 0 ? "found" : "failed", verdict);
  h += "<table class=\"slo\" id=\"gate-verdicts\">\n<tr><th>gate</th><th>change</th>"
       "<th>verdict</th></tr>\n";
  for (const slo_verdict& v : gates) {
    h += fmt::format("<tr class=\"{}\"><td><code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
                     v.pass ? "pass" : "fail", html_escape(v.expression), html_escape(v.actual),
                     v.pass ? "PASS" : "FAIL");
  }
  return h + "</table>\n</section>\n";
}

std::string differences_section(const std::vector<std::string>& differences) {
  if (differences.empty()) return "";
  std::string h =
      "<div class=\"banner bound\" id=\"differences\"><strong>Compared with --force, although "
      "the runs differ:</strong>\n<ul>\n";
  for (const std::string& s : differences) h += "<li>" + html_escape(s) + "</li>\n";
  return h + "</ul></div>\n";
}

std::string notes_section(const std::vector<std::string>& notes) {
  if (notes.empty()) return "";
  std::string h = "<ul class=\"notes\" id=\"notes\">\n";
  for (const std::string& s : notes) h += "<li>" + html_escape(s) + "</li>\n";
  return h + "</ul>\n";
}

std::string figure_row(const compared_figure& f) {
  const auto opt = [&](const std::optional<double>& v) {
    return v ? value_text(f.kind, *v) : std::string("—");
  };
  std::string change = "—";
  if (f.change) {
    change = change_text(f.kind, *f.change);
    if (f.relative && *f.change != 0.0) {
      change += fmt::format(" ({}{}%)", *f.relative > 0 ? "+" : "−",
                            detail::short_number(std::fabs(*f.relative)));
    }
  }
  std::string noise = "—";
  if (f.noise) {
    noise = "±" + (f.kind == slo_field_kind::percent ? detail::short_number(*f.noise) + " pp"
                                                     : value_text(f.kind, *f.noise));
  }
  std::string verdict = to_string(f.verdict);
  if (f.verdict == change_verdict::worse) verdict = "▲ worse";
  if (f.verdict == change_verdict::better) verdict = "▼ better";
  return fmt::format(
      "<tr class=\"{}\"><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
      "<td class=\"num change\">{}</td><td class=\"num\">{}</td><td class=\"verdict\">{}</td>"
      "</tr>\n",
      verdict_class(f.verdict), html_escape(f.field), html_escape(opt(f.base)),
      html_escape(opt(f.candidate)), html_escape(change), html_escape(noise), html_escape(verdict));
}

std::string figures_header(const char* id) {
  return fmt::format(
      "<table class=\"figures compare\" id=\"{}\">\n<tr><th>figure</th><th class=\"num\">base"
      "</th><th class=\"num\">candidate</th><th class=\"num\">change</th><th class=\"num\">"
      "noise</th><th>verdict</th></tr>\n",
      id);
}

std::string figures_section(const comparison& c) {
  std::size_t worse = 0, better = 0;
  std::string main, more;
  std::size_t hidden = 0;
  for (const compared_figure& f : c.figures) {
    worse += f.verdict == change_verdict::worse;
    better += f.verdict == change_verdict::better;
    if (detail::is_detail_field(f.field) && !moved(f.verdict)) {  // same, within noise, or one side only
      more += figure_row(f);
      ++hidden;
    } else {
      main += figure_row(f);
    }
  }
  std::string h = "<section id=\"figures-section\">\n<h2>Figures</h2>\n";
  h += fmt::format(
      "<p class=\"meta\" id=\"figures-count\">{} figure{} compared: <span class=\"worse\">{} "
      "worse</span>, <span class=\"better\">{} better</span> beyond the noise.</p>\n",
      c.figures.size(), c.figures.size() == 1 ? "" : "s", worse, better);
  h += "<div class=\"wide\">" + figures_header("figures") + main + "</table></div>\n";
  if (hidden > 0) {
    h += fmt::format(
        "<details class=\"group\" id=\"figures-more\">\n<summary>{} more row{} of named "
        "histograms and counters: the same, within noise, or measured on one side only"
        "</summary>\n<div class=\"wide\">{}{}</table></div>\n</details>\n",
        hidden, hidden == 1 ? "" : "s", figures_header("figures-detail"), more);
  }
  h += "<p class=\"note\">Each side's value is the mean over its runs. Noise: the change within "
       "which a difference is run-to-run noise (z standard errors of the difference, from the "
       "runs' time series, histograms and repeats).</p>\n";
  return h + "</section>\n";
}

// ---- the charts --------------------------------------------------------------------------

// A headline latency: its field prefix and chart id suffix, the series that holds it per
// interval, and how the page names it.
struct latency_kind {
  const char* section;  // "messages.latency"
  const char* series;   // "messages"
  const char* title;
  const histogram* (*of)(const report&);
  bool (*applies)(const report&);
};

const latency_kind latency_kinds[] = {
    {"connectTime", connections_series, "Connect time",
     [](const report& r) -> const histogram* {
       return r.connect_time ? &*r.connect_time : nullptr;
     },
     [](const report& r) { return r.connect_time.has_value(); }},
    {"handshake.latency", handshakes_series, "Handshake latency",
     [](const report& r) -> const histogram* {
       return r.handshake ? &r.handshake->latency : nullptr;
     },
     [](const report& r) { return r.handshake.has_value(); }},
    {"messages.latency", messages_series, "Message latency",
     [](const report& r) -> const histogram* {
       return r.messages ? &r.messages->latency : nullptr;
     },
     [](const report& r) { return r.messages.has_value(); }},
    {"recovery.latency", recovery_series, "Recovery latency",
     [](const report& r) -> const histogram* {
       return r.recovery ? &r.recovery->latency : nullptr;
     },
     [](const report& r) { return r.recovery.has_value(); }},
};

// Whether an original-tool run carries a latency (its six whole-millisecond figures).
bool carries(const run_figures& f, const std::string& section) {
  return f.find(section + ".p50") != nullptr;
}

std::string why_left_out(const std::vector<std::pair<const run_entry*, std::string>>& missing) {
  std::string out;
  for (const auto& [e, why] : missing) {
    out += (out.empty() ? "Not drawn: " : "; ") + e->name + " (" + why + ")";
  }
  return out.empty() ? out : out + ".";
}

// x = log10(1 / (1 − p)): 0 at 0 %, 1 at 90 %, 2 at 99 %, … (HdrHistogram's plot).
double percentile_x(double p) { return std::log10(100.0 / (100.0 - p)); }

std::string percentile_chart(const std::vector<run_entry>& runs, const latency_kind& k,
                             std::string& note) {
  const std::string id = std::string("compare-percentiles-") + k.section;
  // The axis spans the decades of the largest relayload run (at least 2: p99 in view); an
  // original-tool run does not say how many samples it had.
  int decades = 2;
  for (const run_entry& e : runs) {
    const histogram* h = e.r == nullptr ? nullptr : k.of(*e.r);
    if (h == nullptr || h->empty()) continue;
    const auto n = static_cast<double>(h->count());
    decades = std::max(decades, std::clamp(static_cast<int>(std::ceil(std::log10(n))), 1, 6));
  }
  std::vector<line_series> lines;
  std::vector<std::pair<const run_entry*, std::string>> missing;
  bool carried = false;
  for (const run_entry& e : runs) {
    if (e.r == nullptr) {
      if (!carries(*e.figures, k.section)) {
        missing.emplace_back(&e, "the document has no samples of it");
        continue;
      }
      // Its carried points, its max at the right end of the axis.
      carried = true;
      const auto at = [&](const char* stat) {
        return to_ms(e.figures->find(std::string(k.section) + "." + stat)->value);
      };
      lines.push_back({e.name + " (original tool)",
                       {{0, at("min")},
                        {percentile_x(50), at("p50")},
                        {percentile_x(95), at("p95")},
                        {percentile_x(99), at("p99")},
                        {static_cast<double>(decades), at("max")}},
                       e.colour,
                       e.base ? "dashed" : ""});
      continue;
    }
    const histogram* h = k.of(*e.r);
    if (h == nullptr || h->empty()) {
      missing.emplace_back(&e, h == nullptr ? "not measured in this run" : "no samples");
      continue;
    }
    line_series s{e.name, {}, e.colour, e.base ? "dashed" : ""};
    const auto n = static_cast<double>(h->count());
    const int own = std::clamp(static_cast<int>(std::ceil(std::log10(n))), 1, 6);
    for (int d = 0; d < own * 10; ++d) {
      const double x = d / 10.0;
      const double p = 100.0 * (1.0 - std::pow(10.0, -x));
      s.points.push_back({x, to_ms(static_cast<double>(h->value_at_percentile(p)))});
    }
    s.points.push_back({static_cast<double>(own), to_ms(static_cast<double>(h->max()))});
    lines.push_back(std::move(s));
  }
  note =
      "Latency at each percentile of every run; the x axis stretches the tail (log of "
      "1/(1-p)).";
  if (carried) {
    note +=
        " An original-tool run is its carried points (min, p50, p95, p99, max; whole "
        "milliseconds), its max at the right end.";
  }
  const std::string left_out = why_left_out(missing);
  if (!left_out.empty()) note += " " + left_out;
  if (lines.empty()) {
    return no_data(id, std::string("no run has samples of ") + k.section);
  }
  x_axis xa;
  xa.max = decades;
  const char* labels[] = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
  for (int d = 0; d <= decades; ++d) xa.ticks.emplace_back(d, labels[d]);
  return line_chart(id, std::string(k.title) + " by percentile", lines, xa, "percentile",
                    "latency (ms)");
}

// The series of a report that holds per-interval latencies of `name` (steady-messaging keeps
// its message latencies in its own section); nullptr when it has none.
const time_series* series_of(const report& r, const std::string& name) {
  if (name == messages_series && r.steady_messaging) return &r.steady_messaging->latency_over_time;
  const auto it = r.series.find(name);
  return it == r.series.end() ? nullptr : &it->second;
}

bool has_latencies(const time_series& s) {
  return std::any_of(s.intervals().begin(), s.intervals().end(),
                     [](const interval_snapshot& i) { return i.latency && !i.latency->empty(); });
}

// The series charts on the page: those of the headline latencies in their order, then any
// other series with latencies (a workload's "arrivals", "generator") by name.
std::vector<std::string> series_names(const std::vector<run_entry>& runs) {
  std::vector<std::string> out;
  const auto add = [&](const std::string& name) {
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  };
  for (const latency_kind& k : latency_kinds) {
    for (const run_entry& e : runs) {
      const time_series* s = e.r == nullptr ? nullptr : series_of(*e.r, k.series);
      const bool has =
          e.r == nullptr ? carries(*e.figures, k.section) : s != nullptr && has_latencies(*s);
      if (has) add(k.series);
    }
  }
  std::set<std::string> others;
  for (const run_entry& e : runs) {
    if (e.r == nullptr) continue;
    for (const auto& [name, s] : e.r->series) {
      if (has_latencies(s)) others.insert(name);
    }
  }
  for (const std::string& name : others) add(name);
  return out;
}

std::string series_title(const std::string& name) {
  if (name == connections_series) return "Connect time p99 over time";
  if (name == handshakes_series) return "Handshake latency p99 over time";
  if (name == messages_series) return "Message latency p99 over time";
  if (name == recovery_series) return "Recovery latency p99 over time";
  if (name == "arrivals") return "Start lateness p99 over time";
  if (name == "generator") return "Generator event-loop lag p99 over time";
  return "\"" + name + "\" p99 over time";
}

std::string series_chart(const std::vector<run_entry>& runs, const std::string& name,
                         std::string& note) {
  // Series names come from the report files: escaped, as everything from them.
  const std::string id = "compare-series-" + html_escape(name);
  std::vector<line_series> lines;
  std::vector<std::pair<const run_entry*, std::string>> missing;
  std::size_t originals = 0;
  for (const run_entry& e : runs) {
    if (e.r == nullptr) {
      ++originals;
      missing.emplace_back(&e, "an original-tool document has no time series");
      continue;
    }
    const time_series* s = series_of(*e.r, name);
    if (s == nullptr || !has_latencies(*s)) {
      missing.emplace_back(&e, s == nullptr ? "no such series" : "no latencies in it");
      continue;
    }
    auto points = binned_percentile(*s, 99, bin_of(s->intervals().size()));
    lines.emplace_back(e.name, std::move(points), e.colour, e.base ? "dashed" : "");
  }
  note =
      "p99 over bins of whole intervals (histograms merged, at most 60 points), each run on "
      "the time since its own start.";
  const std::string left_out = why_left_out(missing);
  if (!left_out.empty()) note += " " + left_out;
  if (lines.empty()) {
    return no_data(id, originals == runs.size()
                           ? "the runs are original-tool documents, which carry no time series"
                           : "no run recorded latencies in the \"" + name + "\" series");
  }
  return line_chart(id, series_title(name), lines, {}, "time since the run's start (s)",
                    "p99 (ms)");
}

std::string charts_section(const std::vector<run_entry>& runs) {
  std::string h = "<section id=\"charts\">\n<h2>Charts</h2>\n";
  std::size_t drawn = 0;
  for (const latency_kind& k : latency_kinds) {
    const bool applies = std::any_of(runs.begin(), runs.end(), [&](const run_entry& e) {
      return e.r == nullptr ? carries(*e.figures, k.section) : k.applies(*e.r);
    });
    if (!applies) continue;
    std::string note;
    const std::string chart = percentile_chart(runs, k, note);
    h += figure(std::string(k.title) + " by percentile", chart, note);
    ++drawn;
  }
  for (const std::string& name : series_names(runs)) {
    std::string note;
    const std::string chart = series_chart(runs, name, note);
    h += figure(series_title(name), chart, note);
    ++drawn;
  }
  if (drawn == 0) {
    h += "<p class=\"note\" id=\"charts-none\">No run measured a latency: there is nothing to "
         "draw.</p>\n";
  }
  return h + "</section>\n";
}

// Added to the single report's style: the verdicts of the figures table.
constexpr const char* compare_style = R"(
svg.key{vertical-align:-1px;margin-right:6px}svg.key .series.dashed{stroke-dasharray:5 3}
.swatch.dashed{fill:none;stroke-width:2;stroke-dasharray:4 2}
table.runs td,table.runs th{border-bottom:1px solid #f0f1f4;padding-right:14px}table.runs th{border-bottom-color:#dde1e8}
table.runs td{white-space:nowrap}table.runs td.target{white-space:normal}
table.compare{font-size:13px}table.compare th{border-bottom:1px solid #dde1e8}table.compare td{border-bottom:1px solid #f0f1f4}
table.compare th.num{text-align:right}table.compare td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}table.compare td.verdict{white-space:nowrap}
tr.worse td.verdict,tr.worse td.change,span.worse{color:#b3261e;font-weight:700}
tr.better td.verdict,tr.better td.change,span.better{color:#1b7f3b;font-weight:700}
tr.noise td.verdict,tr.same td.verdict,tr.only td.verdict{color:#5a6272}tr.changed td.verdict{color:#b45309;font-weight:600}
ul.notes{color:#5a6272;font-size:13px;padding-left:20px}.banner ul{margin:6px 0 0;padding-left:20px}
)";

std::string scenarios_of(const comparison_document& d) {
  std::vector<std::string> names;
  for (const auto* side : {&d.base, &d.candidate}) {
    for (const run_figures& r : *side) {
      if (std::find(names.begin(), names.end(), r.scenario) == names.end()) {
        names.push_back(r.scenario);
      }
    }
  }
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : " / ") + n;
  return out;
}

}  // namespace

std::string render_comparison_html(const comparison_document& d,
                                   const std::vector<const report*>& base_reports,
                                   const std::vector<const report*>& candidate_reports) {
  const std::vector<run_entry> runs = runs_of(d, base_reports, candidate_reports);
  const std::string scenarios = scenarios_of(d);
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Nothing may load from anywhere: the page is self-contained.
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; img-src data:\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>relayload comparison: " + html_escape(scenarios) + "</title>\n<style>" + style +
       workload_style + compare_style + "</style>\n</head>\n<body>\n";
  h += "<header>\n<h1>relayload comparison: " + html_escape(scenarios) + "</h1>\n";
  h += fmt::format("<p class=\"meta\">{} base run{} against {} candidate run{}</p>\n",
                   d.base.size(), d.base.size() == 1 ? "" : "s", d.candidate.size(),
                   d.candidate.size() == 1 ? "" : "s");
  h += "</header>\n";
  h += "<section id=\"runs-section\">\n<h2>Runs</h2>\n" + runs_table(runs) +
       differences_section(d.differences) + notes_section(d.result.notes) + "</section>\n";
  h += gates_section(d.gates);
  h += figures_section(d.result);
  h += charts_section(runs);
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace relayload::metrics
