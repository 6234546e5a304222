#include "relayload/metrics/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <system_error>

#include "metrics/histogram_geometry_impl.hpp"
#include "relayload/error.hpp"

namespace relayload::metrics {

// ---- histogram_layout ---------------------------------------------------------------------

std::vector<std::string> histogram_layout::validate() const {
  std::vector<std::string> problems;
  if (significant_digits < 1 || significant_digits > 5) {
    problems.push_back("significant_digits must be between 1 and 5, not " +
                       std::to_string(significant_digits));
  }
  if (lowest_discernible < 1) {
    problems.push_back("lowest_discernible must be at least 1 ns, not " +
                       std::to_string(lowest_discernible));
  }
  if (highest_trackable > std::numeric_limits<std::int64_t>::max() / 2) {
    problems.push_back("highest_trackable must be at most 2^62 ns");
  }
  if (highest_trackable < 2 || highest_trackable / 2 < lowest_discernible) {
    problems.push_back("highest_trackable must be at least twice lowest_discernible");
  }
  if (problems.empty() && !detail::compute_geometry(*this).valid) {
    problems.push_back("the layout needs more than " + std::to_string(max_bucket_count) +
                       " buckets; use fewer significant digits or a narrower range");
  }
  return problems;
}

bool histogram_layout::valid() const noexcept { return detail::compute_geometry(*this).valid; }

std::size_t histogram_layout::bucket_count() const noexcept {
  const detail::histogram_geometry g = detail::compute_geometry(*this);
  return g.valid ? g.counts_length : 0;
}

// ---- histogram ----------------------------------------------------------------------------

histogram::histogram() : histogram(histogram_layout{}) {}

histogram::histogram(const histogram_layout& layout) : layout_(layout) {
  const detail::histogram_geometry g = detail::compute_geometry(layout);
  if (!g.valid) throw std::system_error(make_error_code(errc::invalid_argument));
  unit_magnitude_ = g.unit_magnitude;
  sub_bucket_half_count_magnitude_ = g.sub_bucket_half_count_magnitude;
  leading_zero_count_base_ = g.leading_zero_count_base;
  sub_bucket_half_count_ = g.sub_bucket_half_count;
  sub_bucket_mask_ = g.sub_bucket_mask;
  counts_.assign(g.counts_length, 0);
}

result<histogram> histogram::create(const histogram_layout& layout) {
  if (!layout.valid()) return unexpected(errc::invalid_argument);
  return histogram(layout);
}

result<void> histogram::merge(const histogram& other) noexcept {
  if (layout_ != other.layout_) return unexpected(errc::layout_mismatch);
  if (other.total_ > std::numeric_limits<std::uint64_t>::max() - total_) {
    return unexpected(errc::invalid_argument);
  }
  if (other.total_ == 0) return {};
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  underflow_ += other.underflow_;
  overflow_ += other.overflow_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  return {};
}

void histogram::reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = underflow_ = overflow_ = 0;
  min_ = std::numeric_limits<std::int64_t>::max();
  max_ = 0;
  sum_ = 0;
}

double histogram::mean() const noexcept {
  if (total_ == 0) return 0.0;
  return static_cast<double>(static_cast<long double>(sum_) / static_cast<long double>(total_));
}

std::int64_t histogram::value_at_index(std::size_t index) const noexcept {
  std::int64_t bucket = static_cast<std::int64_t>(index >> sub_bucket_half_count_magnitude_) - 1;
  std::int64_t sub_bucket =
      static_cast<std::int64_t>(index & static_cast<std::size_t>(sub_bucket_half_count_ - 1)) +
      sub_bucket_half_count_;
  if (bucket < 0) {
    sub_bucket -= sub_bucket_half_count_;
    bucket = 0;
  }
  return sub_bucket << (bucket + unit_magnitude_);
}

std::int64_t histogram::bucket_width_at_index(std::size_t index) const noexcept {
  std::int64_t bucket = static_cast<std::int64_t>(index >> sub_bucket_half_count_magnitude_) - 1;
  if (bucket < 0) bucket = 0;
  return std::int64_t{1} << (bucket + unit_magnitude_);
}

histogram_bucket histogram::bucket_at(std::size_t index) const noexcept {
  const std::int64_t low = value_at_index(index);
  return {low, low + bucket_width_at_index(index) - 1, counts_[index]};
}

std::size_t histogram::next_non_empty(std::size_t from) const noexcept {
  while (from < counts_.size() && counts_[from] == 0) ++from;
  return from;
}

histogram::bucket_range histogram::buckets() const noexcept {
  return {bucket_iterator(this, next_non_empty(0)), bucket_iterator(this, counts_.size())};
}

std::int64_t histogram::lowest_equivalent(std::int64_t value) const noexcept {
  value = std::clamp(value, layout_.lowest_discernible, layout_.highest_trackable);
  return value_at_index(index_of(value));
}

std::int64_t histogram::highest_equivalent(std::int64_t value) const noexcept {
  value = std::clamp(value, layout_.lowest_discernible, layout_.highest_trackable);
  const std::size_t index = index_of(value);
  return value_at_index(index) + bucket_width_at_index(index) - 1;
}

std::int64_t histogram::value_at_percentile(double p) const noexcept {
  if (total_ == 0) return 0;
  if (!(p > 0.0)) p = 0.0;  // also maps NaN to 0
  if (p > 100.0) p = 100.0;
  // p in parts per 10^8 (6 decimals of a percent): integer arithmetic from here on, so
  // that p = 99.9 and n = 10000 give rank 9990 and not 9991 from floating-point error.
  const auto parts = static_cast<std::uint64_t>(std::llround(p * 1e6));
  const uint128 scaled = static_cast<uint128>(parts) * total_;
  uint128 rank = (scaled + 99'999'999) / 100'000'000;
  if (rank < 1) rank = 1;
  if (rank == 1) return min_;
  if (rank >= total_) return max_;
  uint128 seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const std::int64_t top = value_at_index(i) + bucket_width_at_index(i) - 1;
      return std::clamp(top, min_, max_);
    }
  }
  return max_;  // unreachable while counts_ and total_ agree
}

bool operator==(const histogram& a, const histogram& b) noexcept {
  return a.layout_ == b.layout_ && a.total_ == b.total_ && a.underflow_ == b.underflow_ &&
         a.overflow_ == b.overflow_ && a.sum_ == b.sum_ && a.min() == b.min() && a.max_ == b.max_ &&
         a.counts_ == b.counts_;
}

}  // namespace relayload::metrics
