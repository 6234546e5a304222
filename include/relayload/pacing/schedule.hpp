// relayload::pacing::schedule — one shard's walk through any schedule, in order: what a pacer
// consumes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <variant>

#include "relayload/pacing/constant_rate_schedule.hpp"
#include "relayload/pacing/poisson_profile_schedule.hpp"
#include "relayload/pacing/poisson_schedule.hpp"
#include "relayload/pacing/profile_schedule.hpp"
#include "relayload/pacing/shard.hpp"
#include "relayload/pacing/staircase_schedule.hpp"
#include "relayload/result.hpp"

namespace relayload::pacing {

/// One event of a schedule: its global index and its intended offset from t0.
struct scheduled_event {
  /// Index in the whole (unsharded) schedule: stable across shards, so it can name the
  /// connection or session pair the event starts.
  std::uint64_t index = 0;
  std::chrono::nanoseconds offset{0};

  friend bool operator==(const scheduled_event& a, const scheduled_event& b) noexcept {
    return a.index == b.index && a.offset == b.offset;
  }
  friend bool operator!=(const scheduled_event& a, const scheduled_event& b) noexcept {
    return !(a == b);
  }
};

/// A sequential cursor over a constant-rate, staircase, rate-profile or Poisson (constant or
/// profile) schedule, optionally restricted to one shard and shifted later. Events come out in
/// order of non-decreasing offset.
///
/// Sharding (see `shard` for why round-robin): for the random-access schedules (constant rate,
/// staircase, profile) shard k of K walks global events k, k+K, k+2K, …, so the K shards
/// together produce every event of the whole schedule exactly once with its exact offset. A
/// Poisson schedule is sharded by its for_shard (independent processes of rate r/K, or of
/// intensity rate(t)/K over a profile).
///
/// Shifting (shifted()) moves every offset later by the same amount, for a workload group whose
/// window opens some time into the run: its schedule is built from its own start and shifted,
/// so its events keep their exact spacing and every shard of it is shifted alike.
///
/// Value type: copyable (a copy is an independent cursor at the same position), no I/O;
/// peek(), advance() and next() are noexcept and allocation-free.
class schedule {
 public:
  /// A schedule with no events.
  schedule() noexcept = default;
  explicit schedule(constant_rate_schedule s) noexcept;
  explicit schedule(staircase_schedule s) noexcept;
  explicit schedule(const poisson_schedule& s) noexcept;
  explicit schedule(profile_schedule s) noexcept;
  explicit schedule(const poisson_profile_schedule& s) noexcept;

  /// Shard `part` of `s`. Fail with errc::invalid_argument when the shard is invalid (and,
  /// for Poisson, when the schedule's for_shard fails).
  static result<schedule> sharded(constant_rate_schedule s, shard part) noexcept;
  static result<schedule> sharded(staircase_schedule s, shard part) noexcept;
  static result<schedule> sharded(const poisson_schedule& s, shard part) noexcept;
  static result<schedule> sharded(profile_schedule s, shard part) noexcept;
  static result<schedule> sharded(const poisson_profile_schedule& s, shard part) noexcept;

  /// This cursor, at its current position, with every event's offset moved later by `by`
  /// (on top of any earlier shift). An offset that would pass nanoseconds::max() saturates
  /// there. Fails with errc::invalid_argument when `by` is negative: an event before t0
  /// would look late from the moment it is released. The const& form copies the schedule
  /// (a staircase's table allocates); the && form moves it.
  result<schedule> shifted(std::chrono::nanoseconds by) const&;
  result<schedule> shifted(std::chrono::nanoseconds by) && noexcept;
  /// How much later than its source every offset is (zero unless shifted).
  std::chrono::nanoseconds shift() const noexcept { return shift_; }

  /// Whether every event has been consumed.
  bool done() const noexcept;
  /// The next event without consuming it; nullopt when done.
  std::optional<scheduled_event> peek() const noexcept;
  /// Consume the next event (no effect when done).
  void advance() noexcept;
  /// peek() then advance().
  std::optional<scheduled_event> next() noexcept;

  /// Events consumed so far.
  std::uint64_t position() const noexcept { return position_; }
  /// Events this cursor yields in total, when known in advance (not for a duration-limited
  /// Poisson schedule nor a Poisson schedule over a profile).
  std::optional<std::uint64_t> size() const noexcept;

 private:
  using source = std::variant<std::monostate, constant_rate_schedule, staircase_schedule,
                              poisson_schedule, profile_schedule, poisson_profile_schedule>;
  schedule(source s, shard part) noexcept;

  source source_;
  shard part_;  // round-robin slice of a random-access source; {0, 1} for Poisson
  std::uint64_t position_ = 0;
  std::uint64_t size_ = 0;  // this shard's share of a random-access source
  std::chrono::nanoseconds shift_{0};
};

}  // namespace relayload::pacing
