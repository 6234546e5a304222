// relayload::metrics::histogram_layout — the bucket geometry of a histogram: the range of
// values it tracks (integer nanoseconds) and its precision in significant decimal digits.
// Two histograms can merge exactly only when their layouts are equal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace relayload::metrics {

/// Log-linear bucket layout (HdrHistogram's idea): each power-of-two range of values is split
/// into equally wide sub-buckets, so every bucket is at most 10^-significant_digits of its
/// values wide (one unit wide where that is finer). Values are integer nanoseconds.
///
/// Precision guarantee: a value v in [lowest_discernible, highest_trackable] falls into a
/// bucket [lo, hi] with lo <= v <= hi and hi - lo < max(1, v * 10^-significant_digits).
struct histogram_layout {
  /// Smallest value tracked at full precision; smaller values are clamped up to it (and
  /// counted as underflow). Default: 1 µs.
  std::int64_t lowest_discernible = 1'000;
  /// Largest value tracked; larger values are clamped down to it (and counted as overflow).
  /// Default: 1 hour.
  std::int64_t highest_trackable = 3'600'000'000'000;
  /// Relative precision 10^-digits; 1 to 5. Default: 3 (0.1 %).
  int significant_digits = 3;

  /// Upper bound on the number of buckets a layout may need (8 MiB of counts), so that a
  /// hostile serialised layout cannot make a decoder allocate without bound.
  static constexpr std::size_t max_bucket_count = std::size_t{1} << 20;

  /// The default layout for per-interval histograms of time series: 1 µs to 1 h at 2
  /// significant digits (1 %), about 35 KiB each instead of about 270 KiB.
  static histogram_layout for_intervals() noexcept { return {1'000, 3'600'000'000'000, 2}; }

  /// Every problem with this layout, in words; empty when it is usable.
  std::vector<std::string> validate() const;
  /// True when validate() would return no problem.
  bool valid() const noexcept;

  /// Number of buckets (counters) a histogram with this layout holds; 0 when invalid.
  std::size_t bucket_count() const noexcept;

  friend bool operator==(const histogram_layout& a, const histogram_layout& b) noexcept {
    return a.lowest_discernible == b.lowest_discernible &&
           a.highest_trackable == b.highest_trackable &&
           a.significant_digits == b.significant_digits;
  }
  friend bool operator!=(const histogram_layout& a, const histogram_layout& b) noexcept {
    return !(a == b);
  }
};

}  // namespace relayload::metrics
