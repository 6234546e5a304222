#include "relayload/metrics/slo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <utility>

#include "metrics/comparison_split_impl.hpp"
#include "metrics/figure_text_impl.hpp"
#include "relayload/error.hpp"

namespace relayload::metrics {

namespace {

using getter = std::function<std::optional<double>(const report&)>;

struct field_info {
  slo_field_kind kind;
  getter get;
};

std::optional<double> rate(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole) * 100.0;
}
std::optional<double> whole(std::uint64_t v) { return static_cast<double>(v); }

constexpr const char* stat_names[] = {"min", "avg", "p50", "p90", "p95", "p99", "p999", "max"};

// A statistic of a histogram in nanoseconds; std::nullopt when it is empty.
std::optional<double> stat_of(const histogram& h, std::string_view stat) {
  if (h.empty()) return std::nullopt;
  if (stat == "min") return static_cast<double>(h.min());
  if (stat == "max") return static_cast<double>(h.max());
  if (stat == "avg") return h.mean();
  if (stat == "p999") return static_cast<double>(h.value_at_percentile(99.9));
  const double p = std::strtod(std::string(stat.substr(1)).c_str(), nullptr);
  return static_cast<double>(h.value_at_percentile(p));
}

bool is_stat(std::string_view s) {
  return std::find(std::begin(stat_names), std::end(stat_names), s) != std::end(stat_names);
}

// The fixed (non-latency) fields.
const std::vector<std::pair<std::string, field_info>>& fixed_fields() {
  using k = slo_field_kind;
  static const std::vector<std::pair<std::string, field_info>> fields = {
      {"connections.successRate",
       {k::percent,
        [](const report& r) { return rate(r.connections.successful, r.connections.attempted); }}},
      {"connections.attempted",
       {k::count, [](const report& r) { return whole(r.connections.attempted); }}},
      {"connections.successful",
       {k::count, [](const report& r) { return whole(r.connections.successful); }}},
      {"connections.failed",
       {k::count, [](const report& r) { return whole(r.connections.failed); }}},
      {"connections.immediate",
       {k::count, [](const report& r) { return whole(r.connections.immediate); }}},
      {"connections.recovered",
       {k::count, [](const report& r) { return whole(r.connections.recovered); }}},
      {"timing.connectionsPerSec",
       {k::number,
        [](const report& r) -> std::optional<double> {
          if (r.total_time.count() <= 0) return std::nullopt;
          return r.connections_per_sec();
        }}},
      {"retries.totalRetries", {k::count, [](const report& r) { return whole(r.total_retries); }}},
      {"retries.avgRetriesPerConnection",
       {k::number,
        [](const report& r) -> std::optional<double> {
          if (r.connections.attempted == 0) return std::nullopt;
          return r.avg_retries_per_connection();
        }}},
      {"steadyState.connectionStability",
       {k::percent,
        [](const report& r) -> std::optional<double> {
          if (!r.steady_state || r.connections.successful == 0) return std::nullopt;
          return r.connection_stability();
        }}},
      {"steadyState.currentDisconnects",
       {k::count,
        [](const report& r) -> std::optional<double> {
          if (!r.steady_state) return std::nullopt;
          return whole(r.steady_state->current_disconnects);
        }}},
      {"steadyState.peakDisconnects",
       {k::count,
        [](const report& r) -> std::optional<double> {
          if (!r.steady_state) return std::nullopt;
          return whole(r.steady_state->peak_disconnects);
        }}},
      {"steadyState.disconnectEvents",
       {k::count,
        [](const report& r) -> std::optional<double> {
          if (!r.steady_state) return std::nullopt;
          return whole(r.steady_state->disconnect_events);
        }}},
      {"steadyState.droppedConnections",
       {k::count,
        [](const report& r) -> std::optional<double> {
          if (!r.steady_state) return std::nullopt;
          return whole(r.steady_state->dropped_connections);
        }}},
      {"handshake.successRate",
       {k::percent,
        [](const report& r) -> std::optional<double> {
          if (!r.handshake) return std::nullopt;
          return rate(r.handshake->successful, r.handshake->attempted);
        }}},
      {"handshake.attempted",
       {k::count,
        [](const report& r) -> std::optional<double> {
          if (!r.handshake) return std::nullopt;
          return whole(r.handshake->attempted);
        }}},
      {"handshake.successful",
       {k::count,
        [](const report& r) -> std::optional<double> {
          if (!r.handshake) return std::nullopt;
          return whole(r.handshake->successful);
        }}},
      {"handshake.failed",
       {k::count,
        [](const report& r) -> std::optional<double> {
          if (!r.handshake) return std::nullopt;
          return whole(r.handshake->failed);
        }}},
      {"messages.deliveryRate",
       {k::percent,
        [](const report& r) -> std::optional<double> {
          if (!r.messages) return std::nullopt;
          return rate(r.messages->received, r.messages->sent);
        }}},
      {"messages.sent",
       {k::count,
        [](const report& r) -> std::optional<double> {
          if (!r.messages) return std::nullopt;
          return whole(r.messages->sent);
        }}},
      {"messages.received",
       {k::count,
        [](const report& r) -> std::optional<double> {
          if (!r.messages) return std::nullopt;
          return whole(r.messages->received);
        }}},
      {"messages.failed",
       {k::count,
        [](const report& r) -> std::optional<double> {
          if (!r.messages) return std::nullopt;
          return whole(r.messages->failed);
        }}},
      {"recovery.deliveryRate",
       {k::percent,
        [](const report& r) -> std::optional<double> {
          if (!r.recovery) return std::nullopt;
          return rate(r.recovery->received, r.recovery->attempted);
        }}},
      {"recovery.attempted",
       {k::count,
        [](const report& r) -> std::optional<double> {
          if (!r.recovery) return std::nullopt;
          return whole(r.recovery->attempted);
        }}},
      {"recovery.received",
       {k::count,
        [](const report& r) -> std::optional<double> {
          if (!r.recovery) return std::nullopt;
          return whole(r.recovery->received);
        }}},
      {"recovery.failed",
       {k::count,
        [](const report& r) -> std::optional<double> {
          if (!r.recovery) return std::nullopt;
          return whole(r.recovery->failed);
        }}},
      {"steadyMessaging.disconnects",
       {k::count,
        [](const report& r) -> std::optional<double> {
          if (!r.steady_messaging) return std::nullopt;
          return whole(r.steady_messaging->disconnects);
        }}},
      {"errors.total", {k::count, [](const report& r) { return whole(r.errors.total()); }}},
  };
  return fields;
}

// The latency sections: prefix → the histogram it names (nullptr when absent).
using histogram_getter = const histogram* (*)(const report&);
const std::vector<std::pair<std::string, histogram_getter>>& latency_sections() {
  static const std::vector<std::pair<std::string, histogram_getter>> sections = {
      {"connectTime.",
       [](const report& r) -> const histogram* {
         return r.connect_time ? &*r.connect_time : nullptr;
       }},
      {"handshake.latency.",
       [](const report& r) -> const histogram* {
         return r.handshake ? &r.handshake->latency : nullptr;
       }},
      {"messages.latency.",
       [](const report& r) -> const histogram* {
         return r.messages ? &r.messages->latency : nullptr;
       }},
      {"recovery.latency.",
       [](const report& r) -> const histogram* {
         return r.recovery ? &r.recovery->latency : nullptr;
       }},
  };
  return sections;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

// Resolves a field path; std::nullopt when it is not one of slo_fields().
std::optional<field_info> resolve(std::string_view field) {
  // "groups.<name>.<field>": the field of one group of a workload report.
  constexpr std::string_view groups = "groups.";
  if (starts_with(field, groups)) {
    const auto dot = field.find('.', groups.size());
    if (dot == std::string_view::npos || dot == groups.size()) return std::nullopt;
    const std::string name(field.substr(groups.size(), dot - groups.size()));
    if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
      return std::nullopt;
    }
    auto inner = resolve(field.substr(dot + 1));
    if (!inner || starts_with(field.substr(dot + 1), groups)) return std::nullopt;
    return field_info{inner->kind,
                      [name, get = std::move(inner->get)](const report& r) -> std::optional<double> {
                        const group_report* g = r.group(name);
                        if (g == nullptr) return std::nullopt;
                        return get(g->result);
                      }};
  }
  for (const auto& [name, info] : fixed_fields()) {
    if (field == name) return info;
  }
  for (const auto& [prefix, get_histogram] : latency_sections()) {
    if (!starts_with(field, prefix)) continue;
    const std::string stat(field.substr(prefix.size()));
    if (!is_stat(stat)) return std::nullopt;
    return field_info{
        slo_field_kind::duration,
        [get_histogram = get_histogram, stat](const report& r) -> std::optional<double> {
          const histogram* h = get_histogram(r);
          if (h == nullptr) return std::nullopt;
          return stat_of(*h, stat);
        }};
  }
  // "counters.<name>" and "errors.byCause.<cause>": counts a report names itself.
  constexpr std::string_view counters = "counters.";
  if (starts_with(field, counters) && field.size() > counters.size()) {
    const std::string name(field.substr(counters.size()));
    return field_info{slo_field_kind::count, [name](const report& r) -> std::optional<double> {
                        const auto& values = r.counters.values();
                        const auto it = values.find(name);
                        if (it == values.end()) return std::nullopt;
                        return whole(it->second);
                      }};
  }
  constexpr std::string_view causes = "errors.byCause.";
  if (starts_with(field, causes) && field.size() > causes.size()) {
    const std::string cause(field.substr(causes.size()));
    return field_info{slo_field_kind::count,
                      [cause](const report& r) { return whole(r.errors.count(cause)); }};
  }
  constexpr std::string_view named = "histograms.";
  if (starts_with(field, named)) {
    const auto dot = field.rfind('.');
    if (dot <= named.size()) return std::nullopt;
    const std::string name(field.substr(named.size(), dot - named.size()));
    const std::string stat(field.substr(dot + 1));
    if (!is_stat(stat)) return std::nullopt;
    return field_info{slo_field_kind::duration,
                      [name, stat](const report& r) -> std::optional<double> {
                        const auto it = r.histograms.find(name);
                        if (it == r.histograms.end()) return std::nullopt;
                        return stat_of(it->second, stat);
                      }};
  }
  return std::nullopt;
}


const char* kind_words(slo_field_kind k) {
  switch (k) {
    case slo_field_kind::duration:
      return "a duration: use ms or s (no unit means ms)";
    case slo_field_kind::percent:
      return "a percentage: use % or no unit";
    case slo_field_kind::count:
      return "a count: no unit";
    case slo_field_kind::number:
    default:
      return "a plain number: no unit";
  }
}

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


}  // namespace

std::optional<slo_field_kind> field_kind(std::string_view field) {
  const auto info = resolve(field);
  if (!info) return std::nullopt;
  return info->kind;
}

std::optional<double> field_value(const report& r, std::string_view field) {
  const auto info = resolve(field);
  if (!info) return std::nullopt;
  return info->get(r);
}

namespace {

void add_fields_with_data(const report& r, const std::string& prefix,
                          std::vector<std::string>& out) {
  const auto keep = [&](const std::string& field) {
    if (field_value(r, field)) out.push_back(prefix + field);
  };
  for (const auto& [name, info] : fixed_fields()) keep(name);
  for (const auto& [section, get_histogram] : latency_sections()) {
    const histogram* h = get_histogram(r);
    if (h == nullptr || h->empty()) continue;
    for (const char* stat : stat_names) out.push_back(prefix + section + stat);
  }
  for (const auto& [name, h] : r.histograms) {
    if (h.empty()) continue;
    for (const char* stat : stat_names) out.push_back(prefix + "histograms." + name + "." + stat);
  }
  for (const auto& e : r.errors.entries()) {
    const std::string field = prefix + "errors.byCause." + e.cause;
    if (out.empty() || out.back() != field) out.push_back(field);
  }
  for (const auto& [name, value] : r.counters.values()) out.push_back(prefix + "counters." + name);
}

}  // namespace

std::vector<std::string> fields_with_data(const report& r) {
  std::vector<std::string> out;
  add_fields_with_data(r, "", out);
  for (const group_report& g : r.groups) add_fields_with_data(g.result, "groups." + g.name + ".", out);
  return out;
}

std::vector<std::string> slo_fields() {
  std::vector<std::string> out;
  for (const auto& [name, info] : fixed_fields()) out.push_back(name);
  for (const auto& [prefix, get] : latency_sections()) out.push_back(prefix + "<stat>");
  out.emplace_back("histograms.<name>.<stat>");
  out.emplace_back("counters.<name>");
  out.emplace_back("errors.byCause.<cause>");
  out.emplace_back("groups.<group>.<any of these>");
  return out;
}

result<slo_objective> parse_slo(std::string_view text, std::string* error_message) {
  const std::string_view expr = detail::trim(text);
  const auto fail = [&](const std::string& what) -> result<slo_objective> {
    if (error_message != nullptr) *error_message = fmt::format("SLO '{}': {}", expr, what);
    return unexpected(errc::invalid_argument);
  };
  if (expr.empty()) return fail("empty expression; expected e.g. messages.latency.p99<=400ms");

  detail::comparison_parts parts;
  std::string problem;
  if (!detail::split_comparison(expr, "<number>[unit]", parts, problem)) return fail(problem);
  slo_objective o;
  o.expression = std::string(expr);
  o.field = parts.field;
  o.op = parts.op;
  const std::string_view op = parts.op_text;

  const auto info = resolve(o.field);
  if (!info) {
    std::string list;
    for (const auto& f : slo_fields()) list += (list.empty() ? "" : ", ") + f;
    return fail("unknown field '" + o.field + "'; supported fields: " + list +
                " (<stat>: min, avg, p50, p90, p95, p99, p999, max)");
  }
  o.kind = info->kind;

  // Number, then unit.
  const std::string_view rest = parts.rest;
  std::size_t n = 0;
  while (n < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[n])) || rest[n] == '.'))
    ++n;
  const std::string number(rest.substr(0, n));
  const std::string unit(detail::trim(rest.substr(n)));
  if (rest.empty()) return fail("the threshold is missing after '" + std::string(op) + "'");
  if (rest[0] == '-') return fail("the threshold must not be negative");
  const auto dot = number.find('.');
  const bool well_formed =
      !number.empty() && number.front() != '.' && number.back() != '.' &&
      (dot == std::string::npos || number.find('.', dot + 1) == std::string::npos);
  if (!well_formed) {
    return fail("'" + std::string(rest) + "' does not start with a number (e.g. 400, 99.9)");
  }
  if (number.size() > 15) return fail("the threshold '" + number + "' is too long");
  double value = std::strtod(number.c_str(), nullptr);

  if (unit.empty())
    o.unit = slo_unit::none;
  else if (unit == "ms")
    o.unit = slo_unit::milliseconds;
  else if (unit == "s")
    o.unit = slo_unit::seconds;
  else if (unit == "%")
    o.unit = slo_unit::percent;
  else
    return fail("unknown unit '" + unit + "'; " + o.field + " is " + kind_words(o.kind));

  const bool fits = o.kind == slo_field_kind::duration ? o.unit != slo_unit::percent
                    : o.kind == slo_field_kind::percent
                        ? (o.unit == slo_unit::none || o.unit == slo_unit::percent)
                        : o.unit == slo_unit::none;
  if (!fits) {
    return fail("the unit '" + unit + "' does not fit " + o.field + ", which is " +
                kind_words(o.kind));
  }
  if (o.kind == slo_field_kind::duration) value *= o.unit == slo_unit::seconds ? 1e9 : 1e6;
  if (o.kind == slo_field_kind::percent && value > 100.0) {
    return fail("a percentage cannot exceed 100 (got " + number + ")");
  }
  o.threshold = value;
  if (error_message != nullptr) error_message->clear();
  return o;
}

std::vector<slo_objective> default_slos(const report& r) {
  std::vector<slo_objective> out;
  if (r.messages) out.push_back(*parse_slo("messages.latency.p99<=400ms"));
  if (r.recovery) out.push_back(*parse_slo("recovery.deliveryRate>=100"));
  return out;
}

std::vector<slo_verdict> evaluate_slos(const report& r,
                                       const std::vector<slo_objective>& objectives) {
  std::vector<slo_verdict> out;
  out.reserve(objectives.size());
  for (const slo_objective& o : objectives) {
    slo_verdict v{o.expression, "no data", std::nullopt, false};
    const auto info = resolve(o.field);
    if (info) {
      if (const auto value = info->get(r)) {
        v.value = *value;
        v.actual = format_actual(o, *value);
        v.pass = slo_holds(*value, o.op, o.threshold);
      }
    } else {
      v.actual = "unknown field";
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<slo_verdict> evaluate_slos(const report& r) { return evaluate_slos(r, r.slos); }

std::vector<slo_verdict> default_slo_verdicts(const report& r) {
  return evaluate_slos(r, default_slos(r));
}

bool any_failed(const std::vector<slo_verdict>& verdicts) noexcept {
  for (const auto& v : verdicts) {
    if (!v.pass) return true;
  }
  return false;
}

}  // namespace relayload::metrics
