// relayload::pacing::pacer_stats — how far behind its schedule the load generator itself ran.
#pragma once

#include <chrono>
#include <cstdint>

namespace relayload::pacing {

/// The generator's own lateness, as counted by a pacer: lateness = when the event was handed
/// out − its intended time. A report carries these next to the relay's latencies so a
/// saturated generator cannot pass for a slow relay (the original tool's F7/F20).
///
/// Value type: copyable, comparable; merge() combines shards exactly.
struct pacer_stats {
  /// Events handed out (each exactly once).
  std::uint64_t started = 0;
  /// Events handed out more than pacer_options::late_threshold after their intended time.
  std::uint64_t late = 0;
  /// Events handed out more than pacer_options::max_lag (the clamp) after their intended time.
  std::uint64_t beyond_clamp = 0;
  /// How many times the generator went from within the clamp to beyond it.
  std::uint64_t overload_episodes = 0;
  /// The largest lateness of any event.
  std::chrono::nanoseconds max_lateness{0};
  /// Sum of all events' lateness (saturating), for the mean.
  std::chrono::nanoseconds total_lateness{0};

  /// Mean lateness per started event (zero when none started).
  std::chrono::nanoseconds mean_lateness() const noexcept {
    return started == 0 ? std::chrono::nanoseconds(0)
                        : total_lateness / static_cast<std::int64_t>(started);
  }

  /// Add another shard's counts (exact: sums and maximum).
  void merge(const pacer_stats& other) noexcept;

  friend bool operator==(const pacer_stats& a, const pacer_stats& b) noexcept {
    return a.started == b.started && a.late == b.late && a.beyond_clamp == b.beyond_clamp &&
           a.overload_episodes == b.overload_episodes && a.max_lateness == b.max_lateness &&
           a.total_lateness == b.total_lateness;
  }
  friend bool operator!=(const pacer_stats& a, const pacer_stats& b) noexcept { return !(a == b); }
};

}  // namespace relayload::pacing
