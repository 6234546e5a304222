// relayload::pacing::constant_rate_schedule — evenly spaced intended start times, exact in
// integer nanoseconds and randomly accessible.
#pragma once

#include <chrono>
#include <cstdint>

#include "relayload/pacing/rate.hpp"
#include "relayload/result.hpp"

namespace relayload::pacing {

/// A finite sequence of events at evenly spaced intended offsets from a common t0.
///
/// Every offset is computed directly from the event's index, offset(i) = floor(i·P/Q) ns for
/// the schedule's period P over Q events, with a 128-bit intermediate. Nothing is accumulated,
/// so there is no drift (event 1,000,000 is exactly where the arithmetic says), no remainder
/// is dropped when the span does not divide evenly, and any slice of the schedule can be
/// computed without generating what comes before it (shards, resumption).
///
/// Two ways to build one:
///  - spread(N, R): the original tool's `--ramp-up` meaning — N starts spread evenly over R,
///    start i at floor(i·R/N); the last start is at floor((N−1)·R/N) < R. R = 0 starts all
///    N at offset 0.
///  - for_duration(r, D) / for_count(r, N): a constant rate r, offset(i) = floor(i·1e9/r) ns
///    (exactly, with r in µHz). for_duration keeps the events whose offset lies in the
///    half-open window [0, D), so count = ceil(D·r) — exactly D·r when that is whole
///    (1000/s for 1 s is 1000 events at 0, 1 ms, …, 999 ms); consecutive windows then tile
///    without overlap, which is what a staircase needs.
///
/// Offsets are non-decreasing (equal when the rate exceeds one event per nanosecond).
/// Value type: copyable, comparable, no I/O; offset() is noexcept and allocation-free.
class constant_rate_schedule {
 public:
  /// The empty schedule (no events, zero span).
  constant_rate_schedule() noexcept = default;

  /// `count` starts spread evenly over `ramp`. Fails with errc::invalid_argument when
  /// `ramp` is negative.
  static result<constant_rate_schedule> spread(std::uint64_t count,
                                               std::chrono::nanoseconds ramp) noexcept;

  /// Events at rate `r` in the window [0, duration). A zero rate gives no events (an idle
  /// window). Fails with errc::invalid_argument when `duration` is negative or the event
  /// count would not fit 64 bits.
  static result<constant_rate_schedule> for_duration(rate r,
                                                     std::chrono::nanoseconds duration) noexcept;

  /// `count` events at rate `r`; span() is count/r. Fails with errc::invalid_argument when
  /// the rate is zero and count is not, or when the offsets would not fit in nanoseconds.
  static result<constant_rate_schedule> for_count(rate r, std::uint64_t count) noexcept;

  /// Number of events.
  std::uint64_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }

  /// Intended offset of event `i` from t0. Precondition: i < size().
  std::chrono::nanoseconds offset(std::uint64_t i) const noexcept;

  /// Length of the window the schedule covers: R for spread, D for for_duration, floor(N/r)
  /// for for_count. A staircase starts its next step this long after this one's start.
  std::chrono::nanoseconds span() const noexcept { return span_; }

  friend bool operator==(const constant_rate_schedule& a,
                         const constant_rate_schedule& b) noexcept {
    return a.count_ == b.count_ && a.period_ == b.period_ && a.per_ == b.per_ && a.span_ == b.span_;
  }
  friend bool operator!=(const constant_rate_schedule& a,
                         const constant_rate_schedule& b) noexcept {
    return !(a == b);
  }

 private:
  constant_rate_schedule(std::uint64_t count, std::uint64_t period, std::uint64_t per,
                         std::chrono::nanoseconds span) noexcept
      : count_(count), period_(period), per_(per), span_(span) {}

  std::uint64_t count_ = 0;
  std::uint64_t period_ = 0;  // offset(i) = floor(i · period_ / per_) nanoseconds
  std::uint64_t per_ = 1;
  std::chrono::nanoseconds span_{0};
};

}  // namespace relayload::pacing
