// relayload::metrics::time_series — fixed-length intervals counted from a common t0, each
// with a latency histogram, counters and gauges; merged across shards by interval index.
//
// Thread safety: none; one series per shard, merged after the shards are joined.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relayload/metrics/histogram.hpp"
#include "relayload/metrics/histogram_layout.hpp"
#include "relayload/result.hpp"

namespace relayload::metrics {

/// What a time series records. Series merge only when their options are equal.
struct time_series_options {
  /// Interval length. Interval i covers [i·interval, (i+1)·interval) from t0.
  std::chrono::nanoseconds interval = std::chrono::seconds(1);
  /// Layout of the per-interval latency histograms (35 KiB each by default; an interval in
  /// which nothing was recorded holds no histogram).
  histogram_layout layout = histogram_layout::for_intervals();
  /// Names of the per-interval event counters (for example "connects", "errors").
  std::vector<std::string> counters;
  /// Names of the gauges: levels such as active connections, reported per interval as the
  /// level at the end of that interval.
  std::vector<std::string> gauges;

  /// Every problem, in words; empty when usable. Names must be non-empty and unique.
  std::vector<std::string> validate() const;

  friend bool operator==(const time_series_options& a, const time_series_options& b) {
    return a.interval == b.interval && a.layout == b.layout && a.counters == b.counters &&
           a.gauges == b.gauges;
  }
  friend bool operator!=(const time_series_options& a, const time_series_options& b) {
    return !(a == b);
  }
};

/// One interval of a time series.
struct interval_snapshot {
  std::uint64_t index = 0;
  /// Latencies recorded in the interval; std::nullopt when none were.
  std::optional<histogram> latency;
  /// Events counted in the interval, parallel to time_series_options::counters.
  std::vector<std::uint64_t> counters;
  /// Level at the end of the interval, parallel to time_series_options::gauges.
  std::vector<std::int64_t> gauges;

  friend bool operator==(const interval_snapshot& a, const interval_snapshot& b) {
    return a.index == b.index && a.latency == b.latency && a.counters == b.counters &&
           a.gauges == b.gauges;
  }
  friend bool operator!=(const interval_snapshot& a, const interval_snapshot& b) {
    return !(a == b);
  }
};

/// A dense series of intervals 0..n-1. Recording into interval i creates every interval up
/// to i; a new interval starts with the previous interval's gauge levels (a level holds until
/// it is set again). Recording into an earlier interval is allowed (late completions); a
/// gauge set in an earlier interval also overwrites the level of the later ones.
///
/// Merging adds counters and histograms interval by interval and adds gauge levels; a series
/// shorter than the other contributes its last levels to the remaining intervals. So the
/// merge of the shards' series equals the series one recorder would have produced.
class time_series {
 public:
  /// Hard limit on the number of intervals (bounds memory to roughly 25 MiB plus the
  /// histograms; 27 hours at 1 s intervals); events later than that are dropped and counted
  /// in dropped().
  static constexpr std::uint64_t max_intervals = 100'000;

  /// A series with default options (1 s intervals, no counters, no gauges).
  time_series();
  /// Throws std::system_error(errc::invalid_argument) when options.validate() finds problems.
  explicit time_series(time_series_options options);
  static result<time_series> create(time_series_options options);

  const time_series_options& options() const noexcept { return options_; }
  const std::vector<interval_snapshot>& intervals() const noexcept { return intervals_; }
  /// Events dropped because they fell beyond max_intervals.
  std::uint64_t dropped() const noexcept { return dropped_; }
  /// Offset of interval `index` from t0.
  std::chrono::nanoseconds start_of(std::uint64_t index) const noexcept {
    return options_.interval * static_cast<std::int64_t>(index);
  }
  /// Index of a counter or gauge by name, for the id-based calls below.
  std::optional<std::size_t> counter_id(std::string_view name) const noexcept;
  std::optional<std::size_t> gauge_id(std::string_view name) const noexcept;
  /// The interval an offset from t0 falls into (negative offsets into interval 0).
  std::uint64_t index_at(std::chrono::nanoseconds offset) const noexcept;

  /// Records a latency (nanoseconds) into interval `index`.
  void record(std::uint64_t index, std::int64_t value, std::uint64_t n = 1);
  /// Adds `n` to counter `id` of interval `index`; unknown ids are ignored.
  void count(std::uint64_t index, std::size_t id, std::uint64_t n = 1);
  /// Sets gauge `id` from interval `index` on; unknown ids are ignored.
  void set_gauge(std::uint64_t index, std::size_t id, std::int64_t level);
  /// Makes intervals 0..index exist, so that quiet intervals appear in the output.
  void extend_to(std::uint64_t index);

  /// Appends a complete interval (for decoders): its index must be the next one, its
  /// vectors must match the options and its histogram the layout; errc::corrupt_data
  /// otherwise (the series is unchanged).
  result<void> append(interval_snapshot snapshot);
  /// Sets dropped() (for decoders).
  void set_dropped(std::uint64_t n) noexcept { dropped_ = n; }

  /// Merges `other` into this series; errc::layout_mismatch when the options differ. On
  /// error this series is unchanged.
  result<void> merge(const time_series& other);

  friend bool operator==(const time_series& a, const time_series& b) {
    return a.options_ == b.options_ && a.dropped_ == b.dropped_ && a.intervals_ == b.intervals_;
  }
  friend bool operator!=(const time_series& a, const time_series& b) { return !(a == b); }

 private:
  interval_snapshot* at(std::uint64_t index);

  time_series_options options_;
  std::vector<interval_snapshot> intervals_;
  std::uint64_t dropped_ = 0;
};

/// Most intervals series_interval_for() plans for one run.
inline constexpr std::int64_t series_points_max = 300;

/// The interval of a run's time series, chosen from its planned length alone (so that every
/// shard and rank of the run, given the same options, picks the same one and their series
/// merge): the shortest of 10, 20, 25, 50, 100, 200, 250, 500 ms, 1, 2, 5, 10, 15, 30 s,
/// 1, 2, 5, 10, 15, 30 min, 1, 2, 6, 12, 24 h that splits `planned` into at most
/// series_points_max intervals. Any run planned longer than 3 s gets 100 to 300 intervals
/// (neighbouring steps differ by at most 3×); shorter runs get 10 ms, longer than 300 days 24 h.
std::chrono::nanoseconds series_interval_for(std::chrono::nanoseconds planned) noexcept;

}  // namespace relayload::metrics
