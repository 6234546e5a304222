// relayload::pacing::rate_profile — an event rate that changes over time (ramps, stages,
// steps), piecewise linear, with its integral and the integral's inverse.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "relayload/pacing/rate.hpp"
#include "relayload/result.hpp"

namespace relayload::pacing {

/// A piecewise-linear rate over [0, span): segments laid end to end, each moving linearly from
/// its start rate to its end rate over its duration. A segment may last zero time, so an
/// instant jump is two adjacent segments with different rates; a segment at rate zero is an
/// idle stretch.
///
/// The integral Λ(t) (expected events in [0, t)) and its inverse define both schedules over a
/// profile: event k of the deterministic schedule (profile_schedule) is intended when Λ
/// reaches k, and a Poisson schedule over a profile (poisson_profile_schedule) maps unit-rate
/// arrivals through the inverse.
///
/// The inverse is the first time after which Λ exceeds x: inf{t : Λ(t) > x}. Where the rate
/// is positive that is simply the time Λ(t) = x; where Λ is flat (an idle stretch) it is the
/// end of the flat part, so no event is placed in a stretch whose rate is zero (an idle step
/// of a staircase gets no event at its start). The events inside the profile are those with
/// k < Λ(span), ceil(Λ(span)) of them — for a constant rate r over D exactly
/// constant_rate_schedule::for_duration(r, D).
///
/// Exactness. Rates are whole µHz and times whole nanoseconds, so Λ is kept exactly, as an
/// integer count of 1/(2·10^15) events (a segment holds (start + end)·duration of them), in
/// 128 bits. time_at(k, femto) is the exact floor, in whole nanoseconds, of the real time at
/// which Λ reaches its argument, for every input: a long double solution of the segment's
/// quadratic is only the first guess, checked and corrected with exact 256-bit integer
/// comparisons (a constant segment is one exact division). The members that take or return
/// long double (events_before, total_events, time_at(long double)) carry long double's 64-bit
/// mantissa: about 19 significant digits.
///
/// Lookups are O(log segments): a binary search over the cumulative integrals.
/// Value type: copyable, comparable (by segments), no I/O; every query is noexcept and
/// allocation-free.
class rate_profile {
 public:
  /// One piece: over `duration` the rate moves linearly from `start` to `end`.
  struct segment {
    std::chrono::nanoseconds duration{0};
    rate start;
    rate end;

    friend bool operator==(const segment& a, const segment& b) noexcept {
      return a.duration == b.duration && a.start == b.start && a.end == b.end;
    }
    friend bool operator!=(const segment& a, const segment& b) noexcept { return !(a == b); }
  };

  /// Most segments a profile may have; guards against a typo building a huge table (as
  /// staircase_schedule::max_steps does).
  static constexpr std::size_t max_segments = 1'000'000;

  /// The empty profile: zero span, no events.
  rate_profile() = default;

  /// Segments in order. Fails with errc::invalid_argument when a duration is negative, there
  /// are more than max_segments, the total span does not fit in nanoseconds, or the number of
  /// events, ceil(Λ(span)), does not fit 64 bits.
  static result<rate_profile> from_segments(std::vector<segment> segments);

  /// k6's ramping-arrival-rate: each stage {duration, target} moves linearly from the previous
  /// stage's target (zero before the first) to its own target over its duration; a stage of
  /// zero duration jumps. Fails as from_segments does.
  static result<rate_profile> from_stages(
      const std::vector<std::pair<std::chrono::nanoseconds, rate>>& stages);

  /// Rate `r` held over [0, span). Fails with errc::invalid_argument when span is negative or
  /// the event count does not fit.
  static result<rate_profile> constant(rate r, std::chrono::nanoseconds span);

  /// Piecewise constant: each step {duration, rate} holds its rate for its duration (the
  /// capacity search's A, A+B, A+2B, …). Fails as from_segments does.
  static result<rate_profile> steps(
      const std::vector<std::pair<std::chrono::nanoseconds, rate>>& steps);

  /// Where the profile ends: the sum of the segments' durations.
  std::chrono::nanoseconds span() const noexcept { return span_; }
  const std::vector<segment>& segments() const noexcept { return segments_; }
  /// Offset at which segment `s` begins. Precondition: s < segments().size().
  std::chrono::nanoseconds segment_start(std::size_t s) const noexcept { return starts_[s]; }

  /// The rate at `t` (floored to whole µHz); right-continuous at a jump; zero outside
  /// [0, span).
  rate rate_at(std::chrono::nanoseconds t) const noexcept;

  /// Expected events in [0, t): Λ(t), clamped to [0, span]. Long double precision.
  long double events_before(std::chrono::nanoseconds t) const noexcept;
  /// Expected events over the whole profile: Λ(span). Long double precision.
  long double total_events() const noexcept;
  /// Number of events of the deterministic schedule: ceil(Λ(span)), exact.
  std::uint64_t event_count() const noexcept { return count_; }

  /// When Λ reaches `events` + `femto_events`·1e-15, floored to the nanosecond, exactly (see
  /// the class comment; "reaches" is inf{t : Λ(t) > x}). nullopt when that is not before the
  /// end, i.e. when x >= Λ(span).
  std::optional<std::chrono::nanoseconds> time_at(std::uint64_t events,
                                                  std::uint64_t femto_events) const noexcept;
  /// The same for a long double count, quantised to 1e-15 events first; negative counts as
  /// zero; nullopt for NaN and for x >= Λ(span).
  std::optional<std::chrono::nanoseconds> time_at(long double events) const noexcept;

  friend bool operator==(const rate_profile& a, const rate_profile& b) noexcept {
    return a.segments_ == b.segments_;
  }
  friend bool operator!=(const rate_profile& a, const rate_profile& b) noexcept {
    return !(a == b);
  }

 private:
  // An unsigned 128-bit count of 1/(2·10^15) events, spelled portably for this header; the
  // implementation converts it to its native 128-bit type.
  struct wide {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
  };

  std::vector<segment> segments_;
  std::vector<std::chrono::nanoseconds> starts_;  // starts_[s]: offset where segment s begins
  std::vector<wide> before_;                      // before_[s]: Λ at segment s's start
  wide total_;                                    // Λ(span)
  std::uint64_t count_ = 0;                       // ceil(Λ(span)) in events
  std::chrono::nanoseconds span_{0};
};

}  // namespace relayload::pacing
