// relayload::metrics::histogram — a mergeable log-linear (HDR-style) histogram of integer
// nanoseconds with exact min, max, count and sum, exact merge and a compact serialisation.
//
// Thread safety: none; a histogram belongs to one shard (one thread). Copy it or merge it
// to move data between threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "relayload/metrics/histogram_layout.hpp"
#include "relayload/result.hpp"

namespace relayload::metrics {

/// 128-bit unsigned integer, used for exact sums (value × count can exceed 64 bits).
__extension__ typedef unsigned __int128 uint128;

/// One non-empty bucket: every value in [lowest, highest] (inclusive) that was recorded,
/// and how many times.
struct histogram_bucket {
  std::int64_t lowest = 0;
  std::int64_t highest = 0;
  std::uint64_t count = 0;

  friend bool operator==(const histogram_bucket& a, const histogram_bucket& b) noexcept {
    return a.lowest == b.lowest && a.highest == b.highest && a.count == b.count;
  }
};

/// HDR-style histogram of integer nanoseconds.
///
/// - record() is O(1), noexcept and never allocates: a clamp, a count-leading-zeros and
///   three additions. Storage is allocated once, by the constructor.
/// - Values outside [layout.lowest_discernible, layout.highest_trackable] are clamped into
///   that range and counted in underflow_count() / overflow_count(). min(), max() and the
///   sum behind mean() are exact over the recorded (clamped) values.
/// - merge() adds bucket counts exactly; merging histograms from many shards gives the same
///   histogram, and therefore the same percentiles, as recording everything into one.
///
/// Percentile definition (value_at_percentile): with n recorded values, the rank is
/// k = max(1, ceil(p/100 × n)) ("nearest rank"; p is taken to 6 decimal places). The result
/// is the highest value equivalent to the k-th smallest recorded value (the top of its
/// bucket), clamped to [min(), max()]; for k = 1 it is min() and for k = n it is max(),
/// both exact. So the result r and the exact k-th smallest value x satisfy
/// x <= r and r - x < max(1, x × 10^-significant_digits).
///
/// A moved-from histogram has no storage: assign to it or destroy it, but do not record
/// into it (record() does no check, to stay a handful of instructions).
class histogram {
 public:
  /// A histogram with the default layout (1 µs to 1 h, 3 significant digits).
  histogram();
  /// A histogram with the given layout. Throws std::system_error(errc::invalid_argument)
  /// when the layout is not valid (see histogram_layout::validate()).
  explicit histogram(const histogram_layout& layout);
  /// Non-throwing construction: errc::invalid_argument for an invalid layout.
  static result<histogram> create(const histogram_layout& layout);

  /// Records `value` (nanoseconds) `n` times. Out-of-range values are clamped and counted.
  void record(std::int64_t value, std::uint64_t n = 1) noexcept {
    if (n == 0) return;
    if (value < layout_.lowest_discernible) {
      value = layout_.lowest_discernible;
      underflow_ += n;
    } else if (value > layout_.highest_trackable) {
      value = layout_.highest_trackable;
      overflow_ += n;
    }
    counts_[index_of(value)] += n;
    total_ += n;
    sum_ += static_cast<uint128>(value) * n;
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
  }
  void record(std::chrono::nanoseconds value, std::uint64_t n = 1) noexcept {
    record(static_cast<std::int64_t>(value.count()), n);
  }

  /// Adds every bucket and statistic of `other` to this one. errc::layout_mismatch when the
  /// layouts differ and errc::invalid_argument when the total count would overflow 64 bits;
  /// on error this histogram is unchanged.
  result<void> merge(const histogram& other) noexcept;

  /// Forgets everything recorded; keeps the layout and the storage.
  void reset() noexcept;

  const histogram_layout& layout() const noexcept { return layout_; }
  /// Number of values recorded, including clamped ones.
  std::uint64_t count() const noexcept { return total_; }
  bool empty() const noexcept { return total_ == 0; }
  /// Values recorded below the lowest discernible value (recorded as that value).
  std::uint64_t underflow_count() const noexcept { return underflow_; }
  /// Values recorded above the highest trackable value (recorded as that value).
  std::uint64_t overflow_count() const noexcept { return overflow_; }
  /// Smallest recorded value; 0 when empty.
  std::int64_t min() const noexcept { return total_ == 0 ? 0 : min_; }
  /// Largest recorded value; 0 when empty.
  std::int64_t max() const noexcept { return max_; }
  /// Exact sum of the recorded values.
  uint128 sum() const noexcept { return sum_; }
  /// Arithmetic mean of the recorded values; 0 when empty.
  double mean() const noexcept;

  /// See the class comment for the definition; p is clamped to [0, 100]; 0 when empty.
  std::int64_t value_at_percentile(double p) const noexcept;

  /// The smallest and the largest value that share a bucket with `value` (after clamping
  /// `value` into the layout's range).
  std::int64_t lowest_equivalent(std::int64_t value) const noexcept;
  std::int64_t highest_equivalent(std::int64_t value) const noexcept;

  /// Forward range over the non-empty buckets, in ascending order of value.
  class bucket_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = histogram_bucket;
    using difference_type = std::ptrdiff_t;
    using pointer = const histogram_bucket*;
    using reference = histogram_bucket;

    bucket_iterator() noexcept = default;
    histogram_bucket operator*() const noexcept { return owner_->bucket_at(index_); }
    bucket_iterator& operator++() noexcept {
      index_ = owner_->next_non_empty(index_ + 1);
      return *this;
    }
    bucket_iterator operator++(int) noexcept {
      bucket_iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const bucket_iterator& a, const bucket_iterator& b) noexcept {
      return a.index_ == b.index_;
    }
    friend bool operator!=(const bucket_iterator& a, const bucket_iterator& b) noexcept {
      return a.index_ != b.index_;
    }

   private:
    friend class histogram;
    bucket_iterator(const histogram* owner, std::size_t index) noexcept
        : owner_(owner), index_(index) {}
    const histogram* owner_ = nullptr;
    std::size_t index_ = 0;
  };
  struct bucket_range {
    bucket_iterator first;
    bucket_iterator last;
    bucket_iterator begin() const noexcept { return first; }
    bucket_iterator end() const noexcept { return last; }
  };
  /// The non-empty buckets, for exporters. Invalidated by record(), merge() and reset().
  bucket_range buckets() const noexcept;

  /// Compact text form for reports: base64 of a versioned binary record holding the layout,
  /// the exact statistics and run-length (gap, count) encoded non-empty buckets, with a
  /// CRC-32. decode(encode()) == *this for every histogram.
  std::string encode() const;
  /// Parses encode()'s output. Everything is validated (alphabet, padding, varints, layout,
  /// bucket indices, counts, consistency of min/max/sum with the buckets, checksum); any
  /// problem gives errc::corrupt_data. Never allocates more than the input size plus one
  /// histogram of a layout within histogram_layout::max_bucket_count.
  static result<histogram> decode(std::string_view text);

  friend bool operator==(const histogram& a, const histogram& b) noexcept;
  friend bool operator!=(const histogram& a, const histogram& b) noexcept { return !(a == b); }

 private:
  std::size_t index_of(std::int64_t value) const noexcept {
    const int bucket = leading_zero_count_base_ -
                       __builtin_clzll(static_cast<std::uint64_t>(value | sub_bucket_mask_));
    const std::int64_t sub_bucket = value >> (bucket + unit_magnitude_);
    return (static_cast<std::size_t>(bucket + 1) << sub_bucket_half_count_magnitude_) +
           static_cast<std::size_t>(sub_bucket - sub_bucket_half_count_);
  }
  std::int64_t value_at_index(std::size_t index) const noexcept;
  std::int64_t bucket_width_at_index(std::size_t index) const noexcept;
  histogram_bucket bucket_at(std::size_t index) const noexcept;
  std::size_t next_non_empty(std::size_t from) const noexcept;
  friend class histogram_codec;

  histogram_layout layout_;
  int unit_magnitude_ = 0;
  int sub_bucket_half_count_magnitude_ = 0;
  int leading_zero_count_base_ = 0;
  std::int64_t sub_bucket_half_count_ = 0;
  std::int64_t sub_bucket_mask_ = 0;
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
  std::uint64_t underflow_ = 0;
  std::uint64_t overflow_ = 0;
  std::int64_t min_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_ = 0;
  uint128 sum_ = 0;
};

}  // namespace relayload::metrics
