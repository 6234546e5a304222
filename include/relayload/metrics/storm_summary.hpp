// relayload::metrics::storm_summary — the figures of a reconnect-storm run, derived from a
// report's "reconnectStorm.*" counters and its "reconnectStorm.recoveryTime" histogram, so
// that merged reports (threads, processes, machines) give exact milestones.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "relayload/metrics/histogram.hpp"
#include "relayload/metrics/report.hpp"

namespace relayload::metrics {

/// Names of the measured data a reconnect-storm report carries.
inline constexpr const char* storm_recovery_histogram = "reconnectStorm.recoveryTime";

struct storm_summary {
  /// Connections subscribed when the storm hit, those back and subscribed again within the
  /// observation window, and the rest (held − back).
  std::uint64_t held = 0;
  std::uint64_t back = 0;
  std::uint64_t never_recovered = 0;
  /// Time from the storm until 50 %, 95 % and 100 % of the held connections were back and
  /// subscribed; nullopt when that share never came back. The k-th fastest recovery with
  /// k = ceil(share × held), read from the histogram (top of its bucket, exact at the ends).
  std::optional<std::chrono::nanoseconds> time_to_50;
  std::optional<std::chrono::nanoseconds> time_to_95;
  std::optional<std::chrono::nanoseconds> time_to_100;

  /// Resubscribes that asked for recovery, and how many the relay could (not) fill.
  std::uint64_t recovered_streams = 0;
  std::uint64_t recovery_failed = 0;

  /// With pairs: messages published after the storm, how many while the receiving side was
  /// still away (during its outage), how many arrived (by recovery or live), lost
  /// (published and acknowledged but never received), duplicates, failed publishes.
  bool pairs = false;
  std::uint64_t published = 0;
  std::uint64_t published_during_outage = 0;
  std::uint64_t publish_failed = 0;
  std::uint64_t received = 0;
  std::uint64_t received_by_recovery = 0;
  std::uint64_t received_live = 0;
  std::uint64_t lost = 0;
  std::uint64_t duplicates = 0;

  /// The summary of `r`, or nullopt when `r` has no reconnect-storm data.
  static std::optional<storm_summary> of(const report& r);
  /// The time at which `k` (1-based) values of `h` were recorded: nullopt when k == 0 or
  /// k > h.count().
  static std::optional<std::chrono::nanoseconds> time_of_rank(const histogram& h,
                                                              std::uint64_t k) noexcept;
};

}  // namespace relayload::metrics
