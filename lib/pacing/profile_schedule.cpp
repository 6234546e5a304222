#include "relayload/pacing/profile_schedule.hpp"

#include <utility>

namespace relayload::pacing {

profile_schedule::profile_schedule(rate_profile profile)
    : profile_(std::make_shared<const rate_profile>(std::move(profile))),
      size_(profile_->event_count()) {}

std::chrono::nanoseconds profile_schedule::offset(std::uint64_t i) const noexcept {
  // i < size() = ceil(Λ(span)) means i < Λ(span), so the inverse is always defined here.
  return *profile_->time_at(i, 0);
}

std::chrono::nanoseconds profile_schedule::span() const noexcept { return profile().span(); }

const rate_profile& profile_schedule::profile() const noexcept {
  // A default-constructed schedule has no profile to share; it reports this empty one, which
  // is immutable (no global mutable state) and built on first use.
  static const rate_profile empty;
  return profile_ ? *profile_ : empty;
}

}  // namespace relayload::pacing
