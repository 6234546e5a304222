// Figures written for people, private to lib/metrics: the SLO verdicts, the comparison's
// table and page, and the original tool's documents all write numbers the same way.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <string_view>

#include "relayload/metrics/slo_objective.hpp"

namespace relayload::metrics::detail {

/// Up to three decimals, trailing zeros dropped: 312.4, 400, 99.95 (never "-0").
inline std::string short_number(double v) {
  std::string s = fmt::format("{:.3f}", v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

/// A value in its field's unit: 3.125ms (or "3.125 ms" with `ms` = " ms"), 99.5%, 1200, 812.4.
/// A count that is not whole (a mean over repeated runs) keeps one decimal.
inline std::string figure_text(slo_field_kind kind, double v, const char* ms = "ms") {
  switch (kind) {
    case slo_field_kind::duration:
      return short_number(v / 1e6) + ms;
    case slo_field_kind::percent:
      return short_number(v) + "%";
    case slo_field_kind::count:
      return v == std::floor(v) ? fmt::format("{:.0f}", v) : fmt::format("{:.1f}", v);
    case slo_field_kind::number:
    default:
      return short_number(v);
  }
}

/// Rows of named histograms and counters (also a group's) are detail in a comparison: shown
/// only when they moved.
inline bool is_detail_field(std::string_view field) {
  if (field.rfind("groups.", 0) == 0) {
    const auto dot = field.find('.', 7);
    if (dot != std::string_view::npos) field = field.substr(dot + 1);
  }
  return field.rfind("histograms.", 0) == 0 || field.rfind("counters.", 0) == 0;
}

}  // namespace relayload::metrics::detail
