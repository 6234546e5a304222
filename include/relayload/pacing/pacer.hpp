// relayload::pacing::pacer — decides which scheduled events are due, given a time the caller
// reads from its clock; counts how late the generator itself runs.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "relayload/pacing/pacer_stats.hpp"
#include "relayload/pacing/schedule.hpp"

namespace relayload::pacing {

/// How a pacer classifies lateness and how much backlog it hands out per call.
struct pacer_options {
  /// An event handed out more than this after its intended time counts as late
  /// (pacer_stats::late). Zero counts every event that is not exactly on time.
  std::chrono::nanoseconds late_threshold = std::chrono::milliseconds(1);
  /// The clamp: lateness beyond this means the generator cannot keep up with the schedule
  /// (pacer_stats::beyond_clamp, pacer::overloaded). Must be >= late_threshold.
  std::chrono::nanoseconds max_lag = std::chrono::seconds(1);
  /// Most events one pacer::release() call hands out, so that a backlog is worked off in
  /// slices between which the event loop runs its I/O. At least 1.
  std::size_t max_burst = 1024;

  /// Every problem with these options, one sentence each; empty when they are usable.
  std::vector<std::string> validate() const;
};

/// An event that is due now.
struct due_event {
  /// Global index of the event in the schedule (see scheduled_event::index).
  std::uint64_t index = 0;
  /// When it should have started: t0 + its scheduled offset. Latency is measured from here.
  std::chrono::steady_clock::time_point intended{};
  /// How late it is being handed out (now − intended, never negative).
  std::chrono::nanoseconds lateness{0};
};

/// Paces one shard's schedule: a pure value with no clock, no timer and no sleeping. The
/// caller reads its clock, passes `now` in, starts what is due, and arms ONE timer at the
/// absolute time next_due() returns — never a relative delay, so timer overshoot does not
/// accumulate into drift (the original tool's F22; h2load's rate mode):
///
///     void on_timer() {                               // one timer per shard
///       const auto now = steady_clock::now();
///       pacer_.release(now, [&](const due_event& e) { start(e.index, e.intended); });
///       if (auto due = pacer_.next_due()) timer_.expires_at(*due), timer_.async_wait(...);
///     }
///
/// Falling behind (open model). Every event is handed out exactly once, in schedule order,
/// and always carries its scheduled intended time, however late it is handed out: when the
/// generator falls behind (a stall, a CPU-starved loop), the backlog is released as fast as
/// the caller allows — at most max_burst per release() call; next_due() is then already in
/// the past, so the caller's timer fires again at once after pending I/O. Latency measured
/// from `intended` therefore includes the time a real user would have waited (no
/// coordinated omission), and the generator's own lag is counted in stats(): max and mean
/// lateness, events later than late_threshold, events beyond the clamp max_lag, and episodes
/// of crossing the clamp. overloaded() says whether the generator is beyond the clamp now,
/// so a runner can flag or abort a run whose generator could not keep up.
///
/// The pacer never skips ahead. tcpkali's pacefier forgets any debt older than 5 s to avoid
/// bursts; that silently offers less load than asked while the report still claims the
/// asked rate — the error open-model measurement exists to prevent. Here the clamp
/// classifies and reports lateness; it never discards events or shifts intended times.
///
/// Thread safety: none; a pacer belongs to one shard's thread. Value type: copyable; all
/// members are noexcept and allocation-free except construction.
class pacer {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;

  /// Paces `events` from `t0` (the common start every shard was released at). Options out
  /// of range are brought to the nearest usable value (see pacer_options::validate).
  pacer(schedule events, time_point t0, pacer_options options = {}) noexcept;

  time_point start_time() const noexcept { return t0_; }
  const pacer_options& options() const noexcept { return options_; }

  /// Whether every event has been handed out.
  bool done() const noexcept { return events_.done(); }

  /// Absolute intended time of the next event (possibly in the past when behind); nullopt
  /// when done. Arm the shard's timer at this time.
  std::optional<time_point> next_due() const noexcept;

  /// Global index of the next event to hand out; nullopt when done.
  std::optional<std::uint64_t> next_index() const noexcept;

  /// Events this pacer hands out in total, when known in advance (for progress); not for a
  /// duration-limited Poisson schedule.
  std::optional<std::uint64_t> size() const noexcept { return events_.size(); }

  /// How long until the next event is due: zero when it is due or overdue,
  /// nanoseconds::max() when done.
  std::chrono::nanoseconds wait_time(time_point now) const noexcept;

  /// How far behind the generator is right now: now − intended time of the oldest event not
  /// yet handed out, or zero when nothing is overdue.
  std::chrono::nanoseconds lag(time_point now) const noexcept;

  /// Whether lag(now) exceeds the clamp max_lag.
  bool overloaded(time_point now) const noexcept { return lag(now) > options_.max_lag; }

  /// Hands out the next event if it is due at `now` (intended <= now) and counts its
  /// lateness; nullopt when nothing is due yet or the schedule is done.
  std::optional<due_event> next(time_point now) noexcept;

  /// Hands every event due at `now` to `start`, in order, up to max_burst; returns how many.
  /// `start` is called as start(const due_event&); it should not throw (an event is counted
  /// as started before it is passed on, so one that throws is still counted).
  template <class F>
  std::size_t release(time_point now, F&& start) noexcept(
      noexcept(std::declval<F&>()(std::declval<const due_event&>()))) {
    std::size_t n = 0;
    while (n < options_.max_burst) {
      auto event = next(now);
      if (!event) break;
      start(static_cast<const due_event&>(*event));
      ++n;
    }
    return n;
  }

  /// The generator's lateness so far.
  const pacer_stats& stats() const noexcept { return stats_; }

 private:
  schedule events_;
  time_point t0_;
  pacer_options options_;
  pacer_stats stats_;
  bool beyond_clamp_now_ = false;  // the last event handed out was beyond the clamp
};

}  // namespace relayload::pacing
