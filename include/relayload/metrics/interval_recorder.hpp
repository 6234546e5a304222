// relayload::metrics::interval_recorder — records into a time_series by steady_clock time,
// counting intervals from a common t0 (the runner's start barrier).
//
// Thread safety: none; one recorder per shard. It never reads a clock: callers pass the
// time of each event, which keeps it deterministic under a fake clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "relayload/metrics/time_series.hpp"

namespace relayload::metrics {

class interval_recorder {
 public:
  using clock = std::chrono::steady_clock;

  /// Throws std::system_error(errc::invalid_argument) when options.validate() finds problems.
  interval_recorder(clock::time_point t0, time_series_options options)
      : t0_(t0), series_(std::move(options)) {}

  clock::time_point t0() const noexcept { return t0_; }

  /// Records a latency that completed at `at`. Allocates only when a new interval needs
  /// its histogram (once per interval) or new intervals are created.
  void record(clock::time_point at, std::chrono::nanoseconds value, std::uint64_t n = 1) {
    series_.record(series_.index_at(at - t0_), static_cast<std::int64_t>(value.count()), n);
  }
  /// Counts `n` events of counter `id` (see time_series::counter_id()) at `at`.
  void count(clock::time_point at, std::size_t id, std::uint64_t n = 1) {
    series_.count(series_.index_at(at - t0_), id, n);
  }
  /// Sets gauge `id` to `level` from `at` on.
  void set_gauge(clock::time_point at, std::size_t id, std::int64_t level) {
    series_.set_gauge(series_.index_at(at - t0_), id, level);
  }
  /// Makes every interval up to the one holding `now` exist (call from the shard's timer,
  /// and once at the end of the run, so that quiet intervals are reported).
  void advance(clock::time_point now) { series_.extend_to(series_.index_at(now - t0_)); }

  const time_series& series() const noexcept { return series_; }
  /// Moves the series out; the recorder is left with an empty series of the same options.
  time_series take() {
    time_series out = std::move(series_);
    series_ = time_series(out.options());
    return out;
  }

 private:
  clock::time_point t0_;
  time_series series_;
};

}  // namespace relayload::metrics
