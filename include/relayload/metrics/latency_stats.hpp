// relayload::metrics::latency_stats — the original tool's LatencyStats object
// ({min, max, avg, p50, p95, p99} in whole milliseconds), computed from a histogram.
#pragma once

#include <cstdint>
#include <optional>

#include "relayload/metrics/histogram.hpp"

namespace relayload::metrics {

/// Whole milliseconds, keys and order as the original tool's JSON (original-tool.md §4.1).
///
/// Differences from the original, on purpose (hence schemaVersion 2 in reports):
/// - percentiles use histogram::value_at_percentile()'s nearest-rank definition instead of the
///   original's "lower" index floor((n-1)·p), so p99 of fewer than 100 samples is the maximum
///   rather than hiding it;
/// - values come from a histogram, so they are within its precision (0.1 % by default) of
///   the exact sample, except min and max, which are exact;
/// - every field is rounded to the nearest millisecond, halves up (like JavaScript's
///   Math.round on non-negative numbers); avg is rounded from the exact mean.
struct latency_stats {
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::int64_t avg = 0;
  std::int64_t p50 = 0;
  std::int64_t p95 = 0;
  std::int64_t p99 = 0;

  /// The statistics of `h`, or std::nullopt ("no data", written as null) when it is empty.
  static std::optional<latency_stats> from(const histogram& h) noexcept;

  friend bool operator==(const latency_stats& a, const latency_stats& b) noexcept {
    return a.min == b.min && a.max == b.max && a.avg == b.avg && a.p50 == b.p50 && a.p95 == b.p95 &&
           a.p99 == b.p99;
  }
  friend bool operator!=(const latency_stats& a, const latency_stats& b) noexcept {
    return !(a == b);
  }
};

/// Nanoseconds to whole milliseconds, halves rounded up; negative values are mirrored.
std::int64_t round_to_ms(std::int64_t ns) noexcept;

}  // namespace relayload::metrics
