// relayload::metrics — service-level objectives: parsing "<field><op><number>[unit]"
// expressions and judging a report by them.
//
// The defaults are the original tool's: message latency p99 ≤ 400 ms (realistic-session,
// steady-messaging) and 100 % historical recovery (async-delivery). A field with no data
// (no such section, no samples, nothing attempted) fails its objective: "no samples" never
// passes silently.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relayload/metrics/report.hpp"
#include "relayload/metrics/slo_objective.hpp"
#include "relayload/result.hpp"

namespace relayload::metrics {

struct slo_verdict {
  std::string expression;  ///< "messages.latency.p99<=400ms"
  std::string actual;      ///< "312.4ms", "98.5%", "no data"
  /// The measured value in the field's own unit (nanoseconds for durations); std::nullopt
  /// when there is no data.
  std::optional<double> value;
  bool pass = false;

  friend bool operator==(const slo_verdict& a, const slo_verdict& b) {
    return a.expression == b.expression && a.actual == b.actual && a.value == b.value &&
           a.pass == b.pass;
  }
};

/// Parses one expression: a field path (see slo_fields()), an operator (<= < >= > ==), a
/// non-negative decimal number and a unit that fits the field (ms or s for durations, no
/// unit meaning ms; % or none for percentages; none for counts and other figures). Spaces
/// around the parts are allowed. On error gives errc::invalid_argument and, when
/// `error_message` is given, a sentence naming the expression and what is wrong.
result<slo_objective> parse_slo(std::string_view text, std::string* error_message = nullptr);

/// The field paths parse_slo() accepts, one per entry, with "<stat>" standing for any of
/// min, avg, p50, p90, p95, p99, p999, max and "<name>" for any name in results.histograms.
std::vector<std::string> slo_fields();

/// What `field` (a concrete path such as "messages.latency.p99" or
/// "groups.sessions.errors.total") measures; std::nullopt when it is not a field.
std::optional<slo_field_kind> field_kind(std::string_view field);

/// The value of a concrete field in `r`, in the field's own unit (nanoseconds for
/// durations, percent for rates); std::nullopt when the field is unknown or has no data.
std::optional<double> field_value(const report& r, std::string_view field);

/// Every concrete field that has data in `r`, in a fixed order: the fixed fields, the
/// latency sections' statistics, the named histograms' statistics, the error causes, the
/// counters, then the same for each workload group under "groups.<name>.".
std::vector<std::string> fields_with_data(const report& r);

/// The original tool's objectives that apply to this report (none for connection-only
/// scenarios).
std::vector<slo_objective> default_slos(const report& r);

/// Judges `r` by `objectives`, in order.
std::vector<slo_verdict> evaluate_slos(const report& r,
                                       const std::vector<slo_objective>& objectives);
/// Judges `r` by the objectives it carries (report::slos).
std::vector<slo_verdict> evaluate_slos(const report& r);

/// evaluate_slos(r, default_slos(r)).
std::vector<slo_verdict> default_slo_verdicts(const report& r);

/// True when any verdict failed.
bool any_failed(const std::vector<slo_verdict>& verdicts) noexcept;

}  // namespace relayload::metrics
