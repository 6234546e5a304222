// Bucket geometry derived from a histogram_layout (private to lib/metrics).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "relayload/metrics/histogram_layout.hpp"

namespace relayload::metrics::detail {

struct histogram_geometry {
  bool valid = false;
  int unit_magnitude = 0;                   // log2 of the narrowest bucket width
  int sub_bucket_half_count_magnitude = 0;  // log2 of the sub-buckets per half range
  int leading_zero_count_base = 0;
  std::int64_t sub_bucket_half_count = 0;
  std::int64_t sub_bucket_mask = 0;
  int bucket_count = 0;           // power-of-two ranges
  std::size_t counts_length = 0;  // counters needed
};

inline int floor_log2(std::uint64_t v) noexcept { return 63 - __builtin_clzll(v); }

// Same arithmetic as HdrHistogram, except for the unit: HdrHistogram makes the lowest
// discernible value the bucket width, so values near it are only resolved to ±100 %. Here the
// width near the lowest value is lowest / 2^half_magnitude (at least 1), so the relative
// precision promised by significant_digits holds over the whole tracked range.
inline histogram_geometry compute_geometry(const histogram_layout& l) noexcept {
  histogram_geometry g;
  if (l.significant_digits < 1 || l.significant_digits > 5) return g;
  if (l.lowest_discernible < 1) return g;
  if (l.highest_trackable > std::numeric_limits<std::int64_t>::max() / 2) return g;
  if (l.highest_trackable < 2 || l.highest_trackable / 2 < l.lowest_discernible) return g;

  std::int64_t single_unit_resolution = 2;
  for (int i = 0; i < l.significant_digits; ++i) single_unit_resolution *= 10;
  int sub_bucket_count_magnitude = 0;
  while ((std::int64_t{1} << sub_bucket_count_magnitude) < single_unit_resolution) {
    ++sub_bucket_count_magnitude;
  }
  g.sub_bucket_half_count_magnitude = sub_bucket_count_magnitude - 1;
  const std::int64_t sub_bucket_count = std::int64_t{1} << sub_bucket_count_magnitude;
  g.sub_bucket_half_count = sub_bucket_count / 2;
  const int lowest_magnitude = floor_log2(static_cast<std::uint64_t>(l.lowest_discernible));
  g.unit_magnitude = lowest_magnitude - g.sub_bucket_half_count_magnitude;
  if (g.unit_magnitude < 0) g.unit_magnitude = 0;
  g.sub_bucket_mask = (sub_bucket_count - 1) << g.unit_magnitude;
  g.leading_zero_count_base = 64 - g.unit_magnitude - g.sub_bucket_half_count_magnitude - 1;

  std::int64_t smallest_untrackable = sub_bucket_count << g.unit_magnitude;
  int buckets = 1;
  while (smallest_untrackable <= l.highest_trackable) {
    if (smallest_untrackable > std::numeric_limits<std::int64_t>::max() / 2) {
      ++buckets;
      break;
    }
    smallest_untrackable <<= 1;
    ++buckets;
  }
  g.bucket_count = buckets;
  g.counts_length =
      static_cast<std::size_t>(buckets + 1) * static_cast<std::size_t>(g.sub_bucket_half_count);
  if (g.counts_length > histogram_layout::max_bucket_count) return g;
  g.valid = true;
  return g;
}

}  // namespace relayload::metrics::detail
