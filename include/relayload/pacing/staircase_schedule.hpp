// relayload::pacing::staircase_schedule — constant-rate steps laid end to end, for finding the
// load at which a relay stops keeping up.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "relayload/pacing/constant_rate_schedule.hpp"
#include "relayload/pacing/rate.hpp"
#include "relayload/result.hpp"

namespace relayload::pacing {

/// A sequence of steps, each a constant_rate_schedule, where step s starts at the sum of
/// the spans of the steps before it. Event offsets are absolute from t0 (step start plus the
/// step's own exact offset), so there is no drift across steps either.
///
/// Steps built with constant_rate_schedule::for_duration keep their events in the half-open
/// window [start, start + span) and spread() keeps them below start + span, so steps never
/// overlap and offsets are non-decreasing across the whole staircase.
///
/// Random access: offset(i) finds the step by binary search over the steps' first indices.
/// Value type: copyable, comparable, no I/O; offset() is noexcept and allocation-free.
class staircase_schedule {
 public:
  /// Most steps a staircase may have; guards against a typo building a huge table.
  static constexpr std::size_t max_steps = 1'000'000;

  /// The empty staircase.
  staircase_schedule() = default;

  /// Steps in order. Fails with errc::invalid_argument when there are more than max_steps,
  /// or when the total event count or the total span would not fit.
  static result<staircase_schedule> from_steps(std::vector<constant_rate_schedule> steps);

  /// A rate staircase: `start`, start + `increment`, start + 2·increment, … up to and
  /// including the last rate not above `max`, each for `step_duration`. Fails with
  /// errc::invalid_argument when step_duration is not positive, start > max, the increment
  /// is zero while start < max, or there would be more than max_steps steps.
  static result<staircase_schedule> linear(rate start, rate increment,
                                           std::chrono::nanoseconds step_duration, rate max);

  /// A count staircase (e.g. connections added in stages): the first step spreads `first`
  /// starts over `step_duration`, every later step spreads `increment` more, and the last step
  /// takes whatever is left so that exactly `total` starts are scheduled — no remainder
  /// dropped. Fails with errc::invalid_argument when step_duration is not positive,
  /// first > total, the increment is zero while first < total, or there would be more than
  /// max_steps steps.
  static result<staircase_schedule> increments(std::uint64_t first, std::uint64_t increment,
                                               std::chrono::nanoseconds step_duration,
                                               std::uint64_t total);

  /// Total number of events over all steps.
  std::uint64_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  /// Intended offset of event `i` from t0. Precondition: i < size().
  std::chrono::nanoseconds offset(std::uint64_t i) const noexcept;

  /// The step event `i` belongs to (for per-step results). Precondition: i < size().
  std::size_t step_of(std::uint64_t i) const noexcept;

  std::size_t step_count() const noexcept { return steps_.size(); }
  const constant_rate_schedule& step(std::size_t s) const noexcept { return steps_[s]; }
  /// Offset at which step `s` begins.
  std::chrono::nanoseconds step_start(std::size_t s) const noexcept { return starts_[s]; }
  /// Global index of the first event of step `s`.
  std::uint64_t step_first_index(std::size_t s) const noexcept { return first_[s]; }

  /// Sum of the steps' spans: when the staircase ends.
  std::chrono::nanoseconds span() const noexcept { return span_; }

  friend bool operator==(const staircase_schedule& a, const staircase_schedule& b) noexcept {
    return a.steps_ == b.steps_;
  }
  friend bool operator!=(const staircase_schedule& a, const staircase_schedule& b) noexcept {
    return !(a == b);
  }

 private:
  std::vector<constant_rate_schedule> steps_;
  std::vector<std::chrono::nanoseconds> starts_;  // starts_[s]: offset where step s begins
  std::vector<std::uint64_t> first_;              // first_[s]: index of step s's first event
  std::uint64_t size_ = 0;
  std::chrono::nanoseconds span_{0};
};

}  // namespace relayload::pacing
