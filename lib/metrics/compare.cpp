#include "relayload/metrics/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <utility>

#include "metrics/comparison_split_impl.hpp"
#include "metrics/figure_text_impl.hpp"
#include "relayload/error.hpp"

namespace relayload::metrics {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

// ---------------------------------------------------------------------------------------
// Noise of a latency statistic.

constexpr double z95 = 1.96;

// The statistic `stat` (min, avg, p50, …, p999, max) of a non-empty histogram.
double stat_value(const histogram& h, std::string_view stat) {
  if (stat == "min") return static_cast<double>(h.min());
  if (stat == "max") return static_cast<double>(h.max());
  if (stat == "avg") return h.mean();
  if (stat == "p999") return static_cast<double>(h.value_at_percentile(99.9));
  return static_cast<double>(
      h.value_at_percentile(std::strtod(std::string(stat.substr(1)).c_str(), nullptr)));
}

std::optional<double> percentile_of(std::string_view stat) {
  if (stat == "p999") return 99.9;
  if (stat.size() > 1 && stat[0] == 'p') {
    return std::strtod(std::string(stat.substr(1)).c_str(), nullptr);
  }
  return std::nullopt;
}

// Standard error from the whole histogram: for a percentile, the distribution-free 95 %
// confidence interval of the order statistic, divided by 2 × 1.96; for the mean, σ/√n.
// Extremes (min, max) have none.
std::optional<double> sampling_error(const histogram& h, std::string_view stat) {
  const double n = static_cast<double>(h.count());
  if (n < 2) return std::nullopt;
  if (stat == "avg") {
    const double mean = h.mean();
    double sum = 0.0;
    for (const histogram_bucket b : h.buckets()) {
      const double mid = (static_cast<double>(b.lowest) + static_cast<double>(b.highest)) / 2.0;
      sum += static_cast<double>(b.count) * (mid - mean) * (mid - mean);
    }
    return std::sqrt(sum / (n - 1)) / std::sqrt(n);
  }
  const auto pct = percentile_of(stat);
  if (!pct) return std::nullopt;
  const double p = *pct / 100.0;
  const double half = z95 * std::sqrt(n * p * (1.0 - p));
  const double lo_rank = std::max(1.0, std::floor(n * p - half));
  const double hi_rank = std::min(n, std::ceil(n * p + half));
  const auto lo = static_cast<double>(h.value_at_percentile(lo_rank / n * 100.0));
  const auto hi = static_cast<double>(h.value_at_percentile(hi_rank / n * 100.0));
  return (hi - lo) / (2.0 * z95);
}

// Standard error by batch means over the intervals of a series that recorded latencies.
std::optional<double> batch_error(const time_series& series, std::string_view stat) {
  std::vector<const histogram*> filled;
  for (const interval_snapshot& i : series.intervals()) {
    if (i.latency && !i.latency->empty()) filled.push_back(&*i.latency);
  }
  const std::size_t n = filled.size();
  if (n < 4) return std::nullopt;
  const std::size_t batches = std::min<std::size_t>(10, n);
  std::vector<double> values;
  for (std::size_t b = 0; b < batches; ++b) {
    const std::size_t from = b * n / batches;
    const std::size_t to = (b + 1) * n / batches;
    histogram merged = *filled[from];
    for (std::size_t i = from + 1; i < to; ++i) {
      if (!merged.merge(*filled[i])) return std::nullopt;
    }
    values.push_back(stat_value(merged, stat));
  }
  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double sum = 0.0;
  for (double v : values) sum += (v - mean) * (v - mean);
  const double sd = std::sqrt(sum / static_cast<double>(values.size() - 1));
  return sd / std::sqrt(static_cast<double>(values.size()));
}

// The series whose intervals hold the latencies of a latency section.
const time_series* series_for(const report& r, std::string_view section) {
  const auto named = [&](const char* name) -> const time_series* {
    const auto it = r.series.find(name);
    return it == r.series.end() ? nullptr : &it->second;
  };
  if (section == "connectTime.") return r.connect_time ? named(connections_series) : nullptr;
  if (section == "handshake.latency.") return named(handshakes_series);
  if (section == "messages.latency.") {
    if (r.steady_messaging) return &r.steady_messaging->latency_over_time;
    return named(messages_series);
  }
  if (section == "recovery.latency.") return named(recovery_series);
  return nullptr;
}

// The histogram behind a latency field of `r` (without a "groups." prefix), and the stat.
struct latency_field {
  const histogram* h = nullptr;
  const time_series* series = nullptr;
  std::string stat;
};

std::optional<latency_field> latency_of(const report& r, std::string_view field) {
  const auto dot = field.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view head = field.substr(0, dot + 1);
  latency_field out;
  out.stat = std::string(field.substr(dot + 1));
  if (head == "connectTime.") {
    out.h = r.connect_time ? &*r.connect_time : nullptr;
  } else if (head == "handshake.latency.") {
    out.h = r.handshake ? &r.handshake->latency : nullptr;
  } else if (head == "messages.latency.") {
    out.h = r.messages ? &r.messages->latency : nullptr;
  } else if (head == "recovery.latency.") {
    out.h = r.recovery ? &r.recovery->latency : nullptr;
  } else if (starts_with(head, "histograms.")) {
    const auto it = r.histograms.find(head.substr(11, head.size() - 12));
    out.h = it == r.histograms.end() ? nullptr : &it->second;
  }
  if (out.h == nullptr || out.h->empty()) return std::nullopt;
  out.series = series_for(r, head);
  return out;
}

std::optional<double> noise_of(const report& r, std::string_view field) {
  const report* owner = &r;
  if (starts_with(field, "groups.")) {
    const auto dot = field.find('.', 7);
    const group_report* g = r.group(field.substr(7, dot - 7));
    if (g == nullptr) return std::nullopt;
    owner = &g->result;
    field = field.substr(dot + 1);
  }
  const auto lf = latency_of(*owner, field);
  // The extremes of a run are single samples: no estimate of their noise is honest.
  if (!lf || lf->stat == "min" || lf->stat == "max") return std::nullopt;
  std::optional<double> error = sampling_error(*lf->h, lf->stat);
  if (lf->series != nullptr) {
    if (const auto batch = batch_error(*lf->series, lf->stat)) {
      error = error ? std::max(*error, *batch) : *batch;
    }
  }
  return error;
}

}  // namespace

const char* to_string(worse_direction d) noexcept {
  switch (d) {
    case worse_direction::higher:
      return "higher";
    case worse_direction::lower:
      return "lower";
    case worse_direction::none:
    default:
      return "none";
  }
}

worse_direction worse_direction_of(std::string_view field) {
  if (starts_with(field, "groups.")) {
    const auto dot = field.find('.', 7);
    if (dot == std::string_view::npos) return worse_direction::none;
    field = field.substr(dot + 1);
  }
  const auto kind = field_kind(field);
  if (!kind) return worse_direction::none;
  if (*kind == slo_field_kind::duration) return worse_direction::higher;
  if (*kind == slo_field_kind::percent) return worse_direction::lower;  // success, delivery
  if (starts_with(field, "errors.")) return worse_direction::higher;
  if (starts_with(field, "counters.")) return worse_direction::none;
  static const char* const higher[] = {"connections.failed",
                                       "retries.totalRetries",
                                       "retries.avgRetriesPerConnection",
                                       "steadyState.currentDisconnects",
                                       "steadyState.peakDisconnects",
                                       "steadyState.disconnectEvents",
                                       "steadyState.droppedConnections",
                                       "handshake.failed",
                                       "messages.failed",
                                       "recovery.failed",
                                       "steadyMessaging.disconnects"};
  static const char* const lower[] = {"connections.successful", "connections.immediate",
                                      "timing.connectionsPerSec", "handshake.successful",
                                      "messages.received",        "recovery.received"};
  for (const char* f : higher) {
    if (field == f) return worse_direction::higher;
  }
  for (const char* f : lower) {
    if (field == f) return worse_direction::lower;
  }
  return worse_direction::none;
}

const run_figure* run_figures::find(std::string_view field) const noexcept {
  for (const run_figure& f : figures) {
    if (f.field == field) return &f;
  }
  return nullptr;
}

run_figures figures_of(const report& r, std::string label) {
  run_figures out;
  out.label = std::move(label);
  out.origin = run_origin::relayload;
  out.scenario = r.scenario;
  out.target = r.target;
  out.end_time = r.end_time;
  out.config = r.config;
  out.config_unused = r.config_unused;
  out.partial = r.partial;
  // A workload's groups each have their own options: they are part of what was measured.
  for (const group_report& g : r.groups) {
    const std::string prefix = "groups." + g.name + ".";
    for (const auto& [key, value] : g.result.config.entries()) out.config.set(prefix + key, value);
    for (const auto& key : g.result.config_unused) out.config_unused.push_back(prefix + key);
  }
  for (std::string& field : fields_with_data(r)) {
    const auto value = field_value(r, field);
    const auto kind = field_kind(field);
    if (!value || !kind) continue;
    run_figure f;
    f.kind = *kind;
    f.value = *value;
    if (f.kind == slo_field_kind::duration) f.error = noise_of(r, field);
    f.field = std::move(field);
    out.figures.push_back(std::move(f));
  }
  return out;
}

const char* to_string(change_verdict v) noexcept {
  switch (v) {
    case change_verdict::same:
      return "same";
    case change_verdict::within_noise:
      return "within noise";
    case change_verdict::better:
      return "better";
    case change_verdict::worse:
      return "worse";
    case change_verdict::changed:
      return "changed";
    case change_verdict::only_base:
      return "only in base";
    case change_verdict::only_candidate:
    default:
      return "only in candidate";
  }
}

const compared_figure* comparison::find(std::string_view field) const noexcept {
  for (const compared_figure& f : figures) {
    if (f.field == field) return &f;
  }
  return nullptr;
}

namespace {

std::string value_text(const config_value* v) {
  if (v == nullptr) return "absent";
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          return "null";
        } else if constexpr (std::is_same_v<T, bool>) {
          return x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return "'" + x + "'";
        } else {
          return fmt::format("{}", x);
        }
      },
      *v);
}

bool numerically_equal(const config_value& a, const config_value& b) {
  const auto number = [](const config_value& v) -> std::optional<double> {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    return std::nullopt;
  };
  const auto x = number(a);
  const auto y = number(b);
  if (x && y) return *x == *y;
  return a == b;
}

// Keys that never change what a result means.
bool neutral_key(std::string_view key) { return key == "seed" || key == "sourceIps"; }

// Keys a relayload report records only since a later version: a report without one says
// nothing about it (a baseline from before may have used either value), so only two
// recorded values that differ are a difference.
bool recorded_later(std::string_view key) { return key == "transport" || key == "compression"; }

// Per side: the mean of the runs' values and its standard error.
struct side_value {
  std::optional<double> mean;
  std::optional<double> error;
};

// Counts a relayload report lists only when they are not zero: an error cause, a counter.
bool zero_when_absent(std::string_view field) {
  if (starts_with(field, "groups.")) {
    const auto dot = field.find('.', 7);
    if (dot == std::string_view::npos) return false;
    field = field.substr(dot + 1);
  }
  return starts_with(field, "errors.byCause.") || starts_with(field, "counters.");
}

side_value combine(const std::vector<run_figures>& runs, const std::string& field) {
  std::vector<double> values;
  double within = 0.0;  // sum of squared standard errors of the runs that have one
  std::size_t with_error = 0;
  const bool zero = zero_when_absent(field);
  const run_figure none{field, slo_field_kind::count, 0.0, std::nullopt};
  for (const run_figures& r : runs) {
    const run_figure* f = r.find(field);
    if (f == nullptr && zero && r.origin == run_origin::relayload) f = &none;
    if (f == nullptr) continue;
    values.push_back(f->value);
    if (f->error) {
      within += *f->error * *f->error;
      ++with_error;
    }
  }
  side_value out;
  if (values.empty()) return out;
  const double n = static_cast<double>(values.size());
  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= n;
  out.mean = mean;
  std::optional<double> variance_of_mean;
  if (with_error > 0) variance_of_mean = within / static_cast<double>(with_error) / n;
  if (values.size() >= 2) {
    double sum = 0.0;
    for (double v : values) sum += (v - mean) * (v - mean);
    const double between = sum / (n - 1) / n;
    variance_of_mean = variance_of_mean ? std::max(*variance_of_mean, between) : between;
  }
  if (variance_of_mean) out.error = std::sqrt(*variance_of_mean);
  return out;
}

}  // namespace

std::vector<std::string> comparison_differences(const run_figures& base,
                                                const run_figures& candidate) {
  std::vector<std::string> out;
  if (base.scenario != candidate.scenario) {
    out.push_back(fmt::format("the scenario is '{}' in the base but '{}' in the candidate",
                              base.scenario, candidate.scenario));
    return out;
  }
  const auto unused = [](const run_figures& r, std::string_view key) {
    return std::find(r.config_unused.begin(), r.config_unused.end(), key) != r.config_unused.end();
  };
  const bool partial_records = base.origin == run_origin::original_tool ||
                               candidate.origin == run_origin::original_tool;
  std::set<std::string> seen;
  const auto check = [&](const std::string& key) {
    if (!seen.insert(key).second || neutral_key(key)) return;
    if (unused(base, key) && unused(candidate, key)) return;
    const config_value* b = base.config.find(key);
    const config_value* c = candidate.config.find(key);
    if ((b == nullptr || c == nullptr) && (partial_records || recorded_later(key))) return;
    if (b != nullptr && c != nullptr && numerically_equal(*b, *c)) return;
    out.push_back(fmt::format("{} is {} in the base but {} in the candidate", key, value_text(b),
                              value_text(c)));
  };
  for (const auto& [key, value] : base.config.entries()) check(key);
  for (const auto& [key, value] : candidate.config.entries()) check(key);
  return out;
}

comparison compare_runs(const std::vector<run_figures>& base,
                        const std::vector<run_figures>& candidate,
                        const compare_options& options) {
  comparison out;
  std::vector<std::string> order;
  std::set<std::string> seen;
  for (const auto* side : {&base, &candidate}) {
    for (const run_figures& r : *side) {
      for (const run_figure& f : r.figures) {
        if (seen.insert(f.field).second) order.push_back(f.field);
      }
    }
  }
  for (const std::string& field : order) {
    compared_figure c;
    c.field = field;
    c.kind = field_kind(field).value_or(slo_field_kind::number);
    c.worse = worse_direction_of(field);
    const side_value b = combine(base, field);
    const side_value n = combine(candidate, field);
    c.base = b.mean;
    c.candidate = n.mean;
    if (!b.mean) {
      c.verdict = change_verdict::only_candidate;
    } else if (!n.mean) {
      c.verdict = change_verdict::only_base;
    } else {
      const double change = *n.mean - *b.mean;
      c.change = change;
      if (*b.mean != 0.0) c.relative = change / std::fabs(*b.mean) * 100.0;
      if (!options.ignore_noise && (b.error || n.error)) {
        const double eb = b.error.value_or(0.0);
        const double en = n.error.value_or(0.0);
        c.noise = options.z * std::sqrt(eb * eb + en * en);
      }
      if (change == 0.0) {
        c.verdict = change_verdict::same;
      } else if (c.noise && std::fabs(change) <= *c.noise) {
        c.verdict = change_verdict::within_noise;
      } else if (c.worse == worse_direction::none ||
                 (!c.noise && (c.kind == slo_field_kind::duration ||
                               c.kind == slo_field_kind::number))) {
        // No direction, or a measurement (a time, a rate) whose noise is unknown: a min or
        // max is one sample, a throughput one figure; saying worse would be a guess.
        c.verdict = change_verdict::changed;
      } else {
        const bool up = change > 0.0;
        c.verdict = (up == (c.worse == worse_direction::higher)) ? change_verdict::worse
                                                                : change_verdict::better;
      }
    }
    out.figures.push_back(std::move(c));
  }

  const auto any_partial = [](const std::vector<run_figures>& runs) {
    return std::any_of(runs.begin(), runs.end(), [](const run_figures& r) { return r.partial; });
  };
  if (any_partial(base)) out.notes.push_back("a base run is partial (it did not complete)");
  if (any_partial(candidate)) {
    out.notes.push_back("a candidate run is partial (it did not complete)");
  }
  const auto original = [](const std::vector<run_figures>& runs) {
    return std::any_of(runs.begin(), runs.end(),
                       [](const run_figures& r) { return r.origin == run_origin::original_tool; });
  };
  if (original(base) || original(candidate)) {
    out.notes.push_back(
        "an original-tool document carries latencies only as whole milliseconds (min, avg, p50, "
        "p95, p99, max) and no histograms, errors or time series; its rounding (±0.5 ms) is "
        "counted as noise");
    out.notes.push_back(
        "steadyState.connectionStability is defined differently: the original counted only the "
        "connections down at the end of the hold, relayload every connection that dropped");
  }
  std::set<std::string> targets;
  for (const auto* side : {&base, &candidate}) {
    for (const run_figures& r : *side) targets.insert(r.target);
  }
  if (targets.size() > 1) {
    std::string list;
    for (const auto& t : targets) list += (list.empty() ? "" : ", ") + t;
    out.notes.push_back(fmt::format("the runs measured {} different targets: {}", targets.size(), list));
  }
  if (base.size() == 1 && candidate.size() == 1) {
    out.notes.push_back(
        "one run per side: the noise is estimated within each run and misses what varies "
        "between runs (machine load, warm-up); repeated runs (--base a.json --base b.json, "
        "several candidates) estimate it, for a gate that must not flake");
  }
  if (base.size() > 1 || candidate.size() > 1) {
    out.notes.push_back(fmt::format(
        "{} base run(s) and {} candidate run(s): each figure is the mean over a side's runs, "
        "and the spread between runs is part of the noise",
        base.size(), candidate.size()));
  }
  return out;
}

namespace {



std::string signed_number(double v) { return (v > 0 ? "+" : "") + detail::short_number(v); }

// An absolute change in the field's unit, for people: +1.2ms, -0.1pp, +3.
std::string change_text(slo_field_kind kind, double v) {
  switch (kind) {
    case slo_field_kind::duration:
      return signed_number(v / 1e6) + "ms";
    case slo_field_kind::percent:
      return signed_number(v) + "pp";
    case slo_field_kind::count:
      return (v > 0 ? "+" : "") + fmt::format("{:.0f}", v);
    case slo_field_kind::number:
    default:
      return signed_number(v);
  }
}


}  // namespace

result<gate> parse_gate(std::string_view text, std::string* error_message) {
  const std::string_view expr = detail::trim(text);
  const auto fail = [&](const std::string& what) -> result<gate> {
    if (error_message != nullptr) *error_message = fmt::format("gate '{}': {}", expr, what);
    return unexpected(errc::invalid_argument);
  };
  if (expr.empty()) return fail("empty expression; expected e.g. messages.latency.p99<=+10%");
  detail::comparison_parts parts;
  std::string problem;
  if (!detail::split_comparison(expr, "<change>[unit]", parts, problem)) return fail(problem);
  gate g;
  g.expression = std::string(expr);
  g.field = parts.field;
  g.op = parts.op;
  const auto kind = field_kind(g.field);
  if (!kind) {
    return fail("unknown field '" + g.field +
                "'; gates take the fields SLOs take (see --slo in the README), e.g. "
                "messages.latency.p99, connections.successRate, errors.total");
  }
  g.kind = *kind;

  std::string_view rest = parts.rest;
  if (rest.empty()) return fail("the allowed change is missing after '" + std::string(parts.op_text) + "'");
  double sign = 1.0;
  if (rest[0] == '+' || rest[0] == '-') {
    sign = rest[0] == '-' ? -1.0 : 1.0;
    rest = detail::trim(rest.substr(1));
  }
  std::size_t n = 0;
  while (n < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[n])) || rest[n] == '.'))
    ++n;
  const std::string number(rest.substr(0, n));
  const std::string unit(detail::trim(rest.substr(n)));
  const auto dot = number.find('.');
  const bool well_formed =
      !number.empty() && number.front() != '.' && number.back() != '.' &&
      (dot == std::string::npos || number.find('.', dot + 1) == std::string::npos);
  if (!well_formed) {
    return fail("'" + std::string(rest) +
                "' is not a signed number (e.g. +10%, -0.1, +0, +5ms)");
  }
  if (number.size() > 15) return fail("the number '" + number + "' is too long");
  double value = std::strtod(number.c_str(), nullptr);
  if (unit == "%") {
    g.relative = true;
  } else if (g.kind == slo_field_kind::duration) {
    if (unit == "s")
      value *= 1e9;
    else if (unit.empty() || unit == "ms")
      value *= 1e6;
    else
      return fail("the unit '" + unit + "' does not fit " + g.field +
                  ", a duration: use % (relative), ms or s");
  } else if (g.kind == slo_field_kind::percent) {
    if (!unit.empty() && unit != "pp") {
      return fail("the unit '" + unit + "' does not fit " + g.field +
                  ", a percentage: use % (relative to the base) or pp / no unit (percentage "
                  "points)");
    }
  } else if (!unit.empty()) {
    return fail("the unit '" + unit + "' does not fit " + g.field +
                ", a count or plain number: use % (relative) or no unit");
  }
  g.threshold = sign * value;
  if (error_message != nullptr) error_message->clear();
  return g;
}

std::vector<slo_verdict> evaluate_gates(const comparison& c, const std::vector<gate>& gates) {
  std::vector<slo_verdict> out;
  out.reserve(gates.size());
  for (const gate& g : gates) {
    slo_verdict v{g.expression, "no data", std::nullopt, false};
    const compared_figure* f = c.find(g.field);
    if (f == nullptr || !f->change) {
      v.actual = f == nullptr                 ? "no data in either run"
                 : f->base.has_value()        ? "no data in the candidate"
                                              : "no data in the base";
      out.push_back(std::move(v));
      continue;
    }
    const double change = *f->change;
    const double noise = f->noise.value_or(0.0);
    // The bound, as an absolute change.
    std::optional<double> bound;
    if (!g.relative) {
      bound = g.threshold;
    } else if (*f->base != 0.0) {
      bound = g.threshold / 100.0 * std::fabs(*f->base);
    }
    std::string actual;
    if (g.relative) {
      actual = f->relative ? signed_number(*f->relative) + "%" : (change == 0.0 ? "+0%" : "from 0");
      actual += " (" + change_text(f->kind, change) + ")";
    } else {
      actual = change_text(f->kind, change);
      if (f->relative) actual += " (" + signed_number(*f->relative) + "%)";
    }
    if (f->noise) actual += ", noise ±" + change_text(f->kind, noise).substr(1);
    v.actual = actual;
    v.value = change;
    if (!bound) {
      // Relative bound on a zero base: only no change at all satisfies it.
      v.pass = change == 0.0 && slo_holds(0.0, g.op, g.threshold);
    } else {
      // The change that counts: moved toward the bound by the noise, so that a breach
      // smaller than the noise passes.
      double judged = change;
      switch (g.op) {
        case slo_op::less_equal:
        case slo_op::less:
          judged = change - noise;
          break;
        case slo_op::greater_equal:
        case slo_op::greater:
          judged = change + noise;
          break;
        case slo_op::equal:
        default:
          judged = std::fabs(change - *bound) <= noise ? *bound : change;
          break;
      }
      v.pass = slo_holds(judged, g.op, *bound);
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace relayload::metrics
