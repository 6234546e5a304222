#include "relayload/metrics/storm_summary.hpp"

#include <algorithm>

namespace relayload::metrics {

std::optional<std::chrono::nanoseconds> storm_summary::time_of_rank(const histogram& h,
                                                                    std::uint64_t k) noexcept {
  if (k == 0 || k > h.count()) return std::nullopt;
  if (k == 1) return std::chrono::nanoseconds(h.min());
  if (k == h.count()) return std::chrono::nanoseconds(h.max());
  std::uint64_t seen = 0;
  for (const histogram_bucket b : h.buckets()) {
    seen += b.count;
    if (seen >= k) return std::chrono::nanoseconds(std::clamp(b.highest, h.min(), h.max()));
  }
  return std::chrono::nanoseconds(h.max());
}

std::optional<storm_summary> storm_summary::of(const report& r) {
  const auto it = r.histograms.find(storm_recovery_histogram);
  if (it == r.histograms.end()) return std::nullopt;
  const histogram& h = it->second;
  const auto c = [&r](const char* name) {
    return r.counters.get(std::string("reconnectStorm.") + name);
  };
  storm_summary s;
  s.held = c("held");
  s.back = std::min(h.count(), s.held);
  s.never_recovered = s.held - s.back;
  // ceil(share × held) with integers: shares are whole percentages.
  const auto rank = [&s](std::uint64_t pct) { return (s.held * pct + 99) / 100; };
  if (s.held > 0) {
    s.time_to_50 = time_of_rank(h, rank(50));
    s.time_to_95 = time_of_rank(h, rank(95));
    s.time_to_100 = time_of_rank(h, s.held);
  }
  s.recovered_streams = c("recoveredStreams");
  s.recovery_failed = c("recoveryFailed");
  s.pairs = c("pairs") > 0;
  s.published = c("published");
  s.published_during_outage = c("publishedDuringOutage");
  s.publish_failed = c("publishFailed");
  s.received = c("received");
  s.received_by_recovery = c("receivedByRecovery");
  s.received_live = c("receivedLive");
  s.lost = c("lost");
  s.duplicates = c("duplicates");
  return s;
}

}  // namespace relayload::metrics
