// relayload::pacing::profile_schedule — intended start times that follow a time-varying rate
// (a rate_profile): exact in integer nanoseconds and randomly accessible.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "relayload/pacing/rate_profile.hpp"

namespace relayload::pacing {

/// The deterministic schedule of a rate_profile: event k is intended when the profile's
/// integral Λ reaches k, for every k whose time lies in [0, span) — k6's ramping-arrival-rate.
/// offset(k) = floor(Λ⁻¹(k)) ns, exactly (see rate_profile for the inverse and its precision),
/// so a constant profile gives the same events at the same offsets, to the nanosecond, as
/// constant_rate_schedule::for_duration, and a ramp 0 → λ over D puts event k at
/// sqrt(2·k·D/λ).
///
/// Random access like constant_rate_schedule and staircase_schedule: offset(i) costs a binary
/// search over the profile's segments and one quadratic, and nothing is accumulated, so
/// schedule::sharded deals it out round-robin exactly like them. Offsets are non-decreasing.
///
/// Value type: copyable (copies share the immutable profile), comparable, no I/O; offset() is
/// noexcept and allocation-free.
class profile_schedule {
 public:
  /// The empty schedule (no events, zero span).
  profile_schedule() = default;
  /// The schedule of `profile`. Allocates once (the shared profile).
  explicit profile_schedule(rate_profile profile);

  /// Number of events: ceil(Λ(span)).
  std::uint64_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  /// Intended offset of event `i` from t0. Precondition: i < size().
  std::chrono::nanoseconds offset(std::uint64_t i) const noexcept;

  /// Where the profile ends; every offset is below it.
  std::chrono::nanoseconds span() const noexcept;
  /// The profile (the empty profile for a default-constructed schedule).
  const rate_profile& profile() const noexcept;

  friend bool operator==(const profile_schedule& a, const profile_schedule& b) noexcept {
    return a.profile() == b.profile();
  }
  friend bool operator!=(const profile_schedule& a, const profile_schedule& b) noexcept {
    return !(a == b);
  }

 private:
  std::shared_ptr<const rate_profile> profile_;  // null for the empty schedule
  std::uint64_t size_ = 0;
};

}  // namespace relayload::pacing
