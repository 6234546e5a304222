// relayload::metrics::latency_summary — the finer latency statistics relayload adds to its
// reports: nanosecond values, more percentiles, the sample count and the clamped counts.
#pragma once

#include <cstdint>
#include <optional>

#include "relayload/metrics/histogram.hpp"

namespace relayload::metrics {

/// Statistics of one histogram in nanoseconds. Percentiles follow
/// histogram::value_at_percentile(); min and max are exact; mean is the exact mean
/// rounded to a double.
struct latency_summary {
  std::uint64_t count = 0;
  std::uint64_t underflow = 0;  ///< values below the layout's range, counted at its bottom
  std::uint64_t overflow = 0;   ///< values above the layout's range, counted at its top
  std::int64_t min = 0;
  double mean = 0.0;
  std::int64_t p50 = 0;
  std::int64_t p90 = 0;
  std::int64_t p95 = 0;
  std::int64_t p99 = 0;
  std::int64_t p999 = 0;
  std::int64_t max = 0;

  /// The summary of `h`, or std::nullopt when it is empty.
  static std::optional<latency_summary> from(const histogram& h) noexcept;

  friend bool operator==(const latency_summary& a, const latency_summary& b) noexcept {
    return a.count == b.count && a.underflow == b.underflow && a.overflow == b.overflow &&
           a.min == b.min && a.mean == b.mean && a.p50 == b.p50 && a.p90 == b.p90 &&
           a.p95 == b.p95 && a.p99 == b.p99 && a.p999 == b.p999 && a.max == b.max;
  }
};

}  // namespace relayload::metrics
