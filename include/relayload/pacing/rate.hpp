// relayload::pacing::rate — an event rate in fixed point (micro-events per second).
#pragma once

#include <cstdint>
#include <limits>

#include "relayload/result.hpp"

namespace relayload::pacing {

/// An event rate, stored as an integer number of micro-events per second (µHz).
///
/// Fixed point rather than `double` so that schedules built from a rate are exact: at an
/// integral rate r the offset of event i is exactly floor(i·1e9/r) ns, and rates add and
/// compare exactly (a staircase that adds 100/s ten times ends at exactly 1000/s). The
/// resolution, 1 µHz, is far below anything a load test asks for.
///
/// Value type; copyable, comparable, ordered. The zero rate means "no events".
class rate {
 public:
  /// Micro-events per event.
  static constexpr std::uint64_t micro = 1'000'000;
  /// The largest whole-number rate per_second() accepts (about 1.8e13 events/s).
  static constexpr std::uint64_t max_per_second = std::numeric_limits<std::uint64_t>::max() / micro;

  /// The zero rate.
  constexpr rate() noexcept = default;

  /// `events` per second. Precondition: events <= max_per_second (larger values saturate).
  static constexpr rate per_second(std::uint64_t events) noexcept {
    return rate(events > max_per_second ? std::numeric_limits<std::uint64_t>::max()
                                        : events * micro);
  }

  /// A rate given directly in micro-events per second.
  static constexpr rate from_micro_hz(std::uint64_t micro_hz) noexcept { return rate(micro_hz); }

  /// A fractional rate (e.g. from a command line), rounded to the nearest µHz.
  /// Fails with errc::invalid_argument for NaN, infinities, negative values and values
  /// above max_per_second.
  static result<rate> from_double(double per_second) noexcept;

  /// The rate in micro-events per second (exact).
  constexpr std::uint64_t micro_hz() const noexcept { return micro_hz_; }
  /// The rate in events per second (for display and statistics, not for scheduling).
  double to_double() const noexcept { return static_cast<double>(micro_hz_) / micro; }
  constexpr bool is_zero() const noexcept { return micro_hz_ == 0; }

  /// Exact sum. Precondition: the sum fits (it saturates otherwise).
  friend constexpr rate operator+(rate a, rate b) noexcept {
    const std::uint64_t s = a.micro_hz_ + b.micro_hz_;
    return rate(s < a.micro_hz_ ? std::numeric_limits<std::uint64_t>::max() : s);
  }
  /// Exact difference, floored at zero.
  friend constexpr rate operator-(rate a, rate b) noexcept {
    return rate(a.micro_hz_ > b.micro_hz_ ? a.micro_hz_ - b.micro_hz_ : 0);
  }

  friend constexpr bool operator==(rate a, rate b) noexcept { return a.micro_hz_ == b.micro_hz_; }
  friend constexpr bool operator!=(rate a, rate b) noexcept { return a.micro_hz_ != b.micro_hz_; }
  friend constexpr bool operator<(rate a, rate b) noexcept { return a.micro_hz_ < b.micro_hz_; }
  friend constexpr bool operator<=(rate a, rate b) noexcept { return a.micro_hz_ <= b.micro_hz_; }
  friend constexpr bool operator>(rate a, rate b) noexcept { return a.micro_hz_ > b.micro_hz_; }
  friend constexpr bool operator>=(rate a, rate b) noexcept { return a.micro_hz_ >= b.micro_hz_; }

 private:
  constexpr explicit rate(std::uint64_t micro_hz) noexcept : micro_hz_(micro_hz) {}
  std::uint64_t micro_hz_ = 0;
};

}  // namespace relayload::pacing
