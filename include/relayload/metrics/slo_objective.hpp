// relayload::metrics::slo_objective — one parsed service-level objective such as
// "messages.latency.p99<=400ms": a report field, a comparison and a threshold. Parsing and
// evaluation live in slo.hpp; this header holds only the value type, so that reports can
// carry the objectives they are judged by.
#pragma once

#include <string>

namespace relayload::metrics {

enum class slo_op { less_equal, less, greater_equal, greater, equal };

/// Whether `value op threshold` holds ("value <= threshold" for slo_op::less_equal). A NaN
/// value holds for no operator.
constexpr bool slo_holds(double value, slo_op op, double threshold) noexcept {
  switch (op) {
    case slo_op::less_equal:
      return value <= threshold;
    case slo_op::less:
      return value < threshold;
    case slo_op::greater_equal:
      return value >= threshold;
    case slo_op::greater:
      return value > threshold;
    case slo_op::equal:
    default:
      return value == threshold;
  }
}

/// What a field measures, which decides the units an objective may use.
enum class slo_field_kind {
  duration,  ///< nanoseconds; written with ms or s (no unit means ms)
  percent,   ///< 0-100; written with % or no unit
  count,     ///< a whole number of events; no unit
  number,    ///< a plain figure such as a rate per second; no unit
};

/// The unit an objective was written with.
enum class slo_unit { none, milliseconds, seconds, percent };

struct slo_objective {
  std::string expression;  ///< as written, surrounding spaces removed
  std::string field;       ///< "messages.latency.p99"
  slo_field_kind kind = slo_field_kind::number;
  slo_op op = slo_op::less_equal;
  /// In the field's own unit: nanoseconds for durations, percent for rates, else as written.
  double threshold = 0.0;
  slo_unit unit = slo_unit::none;

  friend bool operator==(const slo_objective& a, const slo_objective& b) noexcept {
    return a.expression == b.expression && a.field == b.field && a.kind == b.kind && a.op == b.op &&
           a.threshold == b.threshold && a.unit == b.unit;
  }
  friend bool operator!=(const slo_objective& a, const slo_objective& b) noexcept {
    return !(a == b);
  }
};

}  // namespace relayload::metrics
