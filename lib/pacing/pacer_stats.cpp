#include "relayload/pacing/pacer_stats.hpp"

#include <algorithm>

namespace relayload::pacing {

void pacer_stats::merge(const pacer_stats& other) noexcept {
  started += other.started;
  late += other.late;
  beyond_clamp += other.beyond_clamp;
  overload_episodes += other.overload_episodes;
  max_lateness = std::max(max_lateness, other.max_lateness);
  const auto limit = std::chrono::nanoseconds::max();
  total_lateness =
      other.total_lateness > limit - total_lateness ? limit : total_lateness + other.total_lateness;
}

}  // namespace relayload::pacing
