#include "relayload/metrics/compare_render.hpp"

#include <fmt/format.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cmath>

#include "metrics/iso_time_impl.hpp"
#include "metrics/figure_text_impl.hpp"

namespace relayload::metrics {

namespace {


std::string value_text(slo_field_kind kind, double v) { return detail::figure_text(kind, v); }

std::string signed_text(slo_field_kind kind, double v) {
  const std::string sign = v > 0 ? "+" : v < 0 ? "-" : "±";
  std::string magnitude = value_text(kind, std::fabs(v));
  if (kind == slo_field_kind::percent) magnitude.back() = 'p', magnitude += "p";
  return sign + magnitude;
}


bool moved(change_verdict v) {
  return v == change_verdict::worse || v == change_verdict::better ||
         v == change_verdict::changed || v == change_verdict::only_base ||
         v == change_verdict::only_candidate;
}

const char* origin_text(run_origin o) {
  return o == run_origin::original_tool ? "original-tool" : "relayload";
}

std::string runs_line(const char* side, const std::vector<run_figures>& runs) {
  std::string out = fmt::format("  {:<10} ", side);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const run_figures& r = runs[i];
    out += fmt::format("{}{} ({}{}, {}{})", i == 0 ? "" : "\n             ",
                       r.label.empty() ? "(unnamed)" : r.label, r.scenario,
                       r.origin == run_origin::original_tool ? ", original tool" : "",
                       detail::format_iso(r.end_time), r.partial ? ", PARTIAL" : "");
  }
  return out + "\n";
}

}  // namespace

std::string render_comparison(const comparison_document& d,
                              const comparison_text_options& options) {
  const auto paint = [&](const char* code, const std::string& s) {
    return options.color ? std::string(code) + s + "\x1b[0m" : s;
  };
  const char* red = "\x1b[31m";
  const char* green = "\x1b[32m";
  const char* yellow = "\x1b[33m";

  std::string out = "\n==================== COMPARISON ====================\n";
  out += runs_line("base", d.base);
  out += runs_line("candidate", d.candidate);
  if (!d.differences.empty()) {
    out += paint(yellow, "\nCompared with --force, although they differ:\n");
    for (const auto& s : d.differences) out += "  - " + s + "\n";
  }
  if (!d.result.notes.empty()) {
    out += "\nNotes\n";
    for (const auto& s : d.result.notes) out += "  - " + s + "\n";
  }

  struct row {
    std::string field, base, candidate, change, noise, verdict;
    change_verdict v;
  };
  std::vector<row> rows;
  std::size_t hidden = 0;
  for (const compared_figure& f : d.result.figures) {
    if (!options.all && detail::is_detail_field(f.field) && !moved(f.verdict)) {
      ++hidden;
      continue;
    }
    row r;
    r.field = f.field;
    r.v = f.verdict;
    r.base = f.base ? value_text(f.kind, *f.base) : "-";
    r.candidate = f.candidate ? value_text(f.kind, *f.candidate) : "-";
    if (f.change) {
      r.change = signed_text(f.kind, *f.change);
      if (f.relative && *f.change != 0.0) {
        r.change += fmt::format(" ({}{}%)", *f.relative > 0 ? "+" : "", detail::short_number(*f.relative));
      }
    }
    if (f.noise) r.noise = "±" + value_text(f.kind, *f.noise);
    if (f.kind == slo_field_kind::percent && f.noise) r.noise.back() = 'p', r.noise += "p";
    r.verdict = to_string(f.verdict);
    if (f.verdict == change_verdict::worse) r.verdict = "▲ worse";
    if (f.verdict == change_verdict::better) r.verdict = "▼ better";
    rows.push_back(std::move(r));
  }
  std::size_t wf = 6, wb = 4, wc = 9, wd = 6, wn = 5;
  for (const row& r : rows) {
    wf = std::max(wf, r.field.size());
    wb = std::max(wb, r.base.size());
    wc = std::max(wc, r.candidate.size());
    wd = std::max(wd, r.change.size());
    wn = std::max(wn, r.noise.size());
  }
  out += fmt::format("\n  {:<{}}  {:>{}}  {:>{}}  {:<{}}  {:<{}}  {}\n", "figure", wf, "base", wb,
                     "candidate", wc, "change", wd, "noise", wn, "verdict");
  for (const row& r : rows) {
    std::string verdict = r.verdict;
    if (r.v == change_verdict::worse) verdict = paint(red, verdict);
    if (r.v == change_verdict::better) verdict = paint(green, verdict);
    out += fmt::format("  {:<{}}  {:>{}}  {:>{}}  {:<{}}  {:<{}}  {}\n", r.field, wf, r.base, wb,
                       r.candidate, wc, r.change, wd, r.noise, wn, verdict);
  }
  if (hidden > 0) {
    out += fmt::format(
        "  ({} more rows of named histograms and counters are the same or within noise; --all "
        "shows them)\n",
        hidden);
  }

  if (!d.gates.empty()) {
    out += "\nRegression gates\n";
    for (const slo_verdict& v : d.gates) {
      out += fmt::format("  {}  {} (actual {})\n",
                         v.pass ? paint(green, "✓ PASS") : paint(red, "✗ FAIL"), v.expression,
                         v.actual);
    }
  }
  std::size_t worse = 0, better = 0;
  for (const compared_figure& f : d.result.figures) {
    worse += f.verdict == change_verdict::worse;
    better += f.verdict == change_verdict::better;
  }
  out += fmt::format("\n{} figure(s) worse, {} better, beyond the noise; {} compared.\n", worse,
                     better, d.result.figures.size());
  return out;
}

namespace {

class json_writer {
 public:
  json_writer() : w_(buf_) { w_.SetIndent(' ', 2); }
  rapidjson::PrettyWriter<rapidjson::StringBuffer>& w() { return w_; }
  void key(const char* k) { w_.Key(k); }
  void string(const std::string& s) { w_.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size())); }
  void number(double v) {
    if (!std::isfinite(v)) {
      w_.Null();
    } else if (v == std::floor(v) && std::fabs(v) < 9e15) {
      w_.Int64(static_cast<std::int64_t>(v));
    } else {
      w_.Double(v);
    }
  }
  void optional(const std::optional<double>& v, double scale = 1.0) {
    if (v) number(*v / scale);
    else w_.Null();
  }
  std::string text() { return std::string(buf_.GetString(), buf_.GetSize()) + "\n"; }

 private:
  rapidjson::StringBuffer buf_;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w_;
};

const char* unit_of(slo_field_kind k) {
  switch (k) {
    case slo_field_kind::duration:
      return "ms";
    case slo_field_kind::percent:
      return "%";
    case slo_field_kind::count:
      return "count";
    case slo_field_kind::number:
    default:
      return "number";
  }
}

void write_runs(json_writer& j, const std::vector<run_figures>& runs) {
  j.w().StartArray();
  for (const run_figures& r : runs) {
    j.w().StartObject();
    j.key("label");
    j.string(r.label);
    j.key("origin");
    j.string(origin_text(r.origin));
    j.key("scenario");
    j.string(r.scenario);
    j.key("target");
    j.string(r.target);
    j.key("timestamp");
    j.string(detail::format_iso(r.end_time));
    j.key("partial");
    j.w().Bool(r.partial);
    j.w().EndObject();
  }
  j.w().EndArray();
}

}  // namespace

std::string to_json(const comparison_document& d) {
  json_writer j;
  auto& w = j.w();
  w.StartObject();
  j.key("comparisonVersion");
  w.Int(1);
  j.key("base");
  write_runs(j, d.base);
  j.key("candidate");
  write_runs(j, d.candidate);
  j.key("noise");
  w.StartObject();
  j.key("z");
  j.number(d.options.z);
  j.key("ignored");
  w.Bool(d.options.ignore_noise);
  w.EndObject();
  j.key("forced");
  w.Bool(!d.differences.empty());
  j.key("differences");
  w.StartArray();
  for (const auto& s : d.differences) j.string(s);
  w.EndArray();
  j.key("notes");
  w.StartArray();
  for (const auto& s : d.result.notes) j.string(s);
  w.EndArray();
  j.key("figures");
  w.StartArray();
  for (const compared_figure& f : d.result.figures) {
    const double scale = f.kind == slo_field_kind::duration ? 1e6 : 1.0;
    w.StartObject();
    j.key("field");
    j.string(f.field);
    j.key("unit");
    j.string(unit_of(f.kind));
    j.key("worse");
    j.string(to_string(f.worse));
    j.key("base");
    j.optional(f.base, scale);
    j.key("candidate");
    j.optional(f.candidate, scale);
    j.key("change");
    j.optional(f.change, scale);
    j.key("relative");
    j.optional(f.relative);
    j.key("noise");
    j.optional(f.noise, scale);
    j.key("verdict");
    j.string(to_string(f.verdict));
    w.EndObject();
  }
  w.EndArray();
  j.key("gates");
  w.StartArray();
  for (const slo_verdict& v : d.gates) {
    w.StartObject();
    j.key("expression");
    j.string(v.expression);
    j.key("actual");
    j.string(v.actual);
    j.key("pass");
    w.Bool(v.pass);
    w.EndObject();
  }
  w.EndArray();
  j.key("pass");
  w.Bool(!any_failed(d.gates));
  w.EndObject();
  return j.text();
}

}  // namespace relayload::metrics
