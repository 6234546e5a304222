// relayload::pacing::poisson_schedule — seeded Poisson arrivals (exponential inter-arrival
// times), deterministic for a given seed.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>

#include "relayload/pacing/rate.hpp"
#include "relayload/pacing/shard.hpp"
#include "relayload/result.hpp"

namespace relayload::pacing {

/// A Poisson arrival process of rate r: independent exponential inter-arrival times with mean
/// 1/r, the first arrival one such gap after t0. Open-model load generators use it because
/// real users do not arrive on a grid.
///
/// Sequential only (each offset depends on all gaps before it): a cursor with current(),
/// done() and advance(). The sequence is a pure function of (rate, limit, seed, shard):
/// std::mt19937_64 (whose output the standard fixes) feeds an inverse-CDF exponential,
/// −log1p(−u)/r with u from the top 53 bits, instead of std::exponential_distribution, whose
/// algorithm differs between standard libraries. Offsets are kept as whole nanoseconds plus a
/// fractional carry, so their resolution does not degrade over long runs.
///
/// The process ends after a number of events (for_count) or at the first arrival at or past
/// a duration (for_duration, events in [0, D); the count is then random). An offset that
/// would not fit in nanoseconds (centuries) saturates at nanoseconds::max().
///
/// Value type: copyable (a copy continues the same sequence independently), comparable,
/// no I/O; advance() is noexcept and allocation-free.
class poisson_schedule {
 public:
  /// An exhausted schedule.
  poisson_schedule() noexcept;

  /// `count` arrivals at rate `r`. Fails with errc::invalid_argument when r is zero and
  /// count is not.
  static result<poisson_schedule> for_count(rate r, std::uint64_t count,
                                            std::uint64_t seed) noexcept;

  /// Arrivals at rate `r` during [0, duration). A zero rate gives none. Fails with
  /// errc::invalid_argument when duration is negative.
  static result<poisson_schedule> for_duration(rate r, std::chrono::nanoseconds duration,
                                               std::uint64_t seed) noexcept;

  /// The part of this process that shard `part` runs, from its start: an independent Poisson
  /// process of rate r/K (the µHz remainder spread so the shards' rates sum to exactly r),
  /// seeded from (seed, k), with a count limit divided like shard::size_of (exact sum) or the
  /// same duration limit. The superposition of independent Poisson processes is a Poisson
  /// process with the summed rate, so the K shards together offer exactly the asked load —
  /// but not the same sample path as the unsharded schedule (dealing every K-th arrival out
  /// would instead give each shard an Erlang-K, not a Poisson, process). Event indices are
  /// global: local event j has index j·K + k, so count-limited shards cover [0, N) exactly
  /// once. Shard {0, 1} is this schedule restarted. Fails with errc::invalid_argument for an
  /// invalid shard or a count-limited shard whose share of the rate rounds to zero.
  result<poisson_schedule> for_shard(const shard& part) const noexcept;

  /// Whether every arrival has been consumed.
  bool done() const noexcept { return done_; }
  /// Index of the current arrival (global, see for_shard). Precondition: !done().
  std::uint64_t index() const noexcept { return position_ * shard_.count + shard_.index; }
  /// Offset of the current arrival from t0. Precondition: !done().
  std::chrono::nanoseconds offset() const noexcept { return std::chrono::nanoseconds(whole_ns_); }
  /// Move to the next arrival. Precondition: !done().
  void advance() noexcept;

  /// Arrivals consumed so far.
  std::uint64_t position() const noexcept { return position_; }
  /// Total arrivals when count-limited; nullopt when duration-limited.
  std::optional<std::uint64_t> size() const noexcept;

  rate event_rate() const noexcept { return rate_; }
  std::uint64_t seed() const noexcept { return seed_; }

  friend bool operator==(const poisson_schedule& a, const poisson_schedule& b) noexcept;
  friend bool operator!=(const poisson_schedule& a, const poisson_schedule& b) noexcept {
    return !(a == b);
  }

 private:
  static constexpr std::uint64_t no_count_limit = std::numeric_limits<std::uint64_t>::max();

  poisson_schedule(rate r, std::uint64_t max_count, std::chrono::nanoseconds max_offset,
                   std::uint64_t seed, shard part) noexcept;
  void draw() noexcept;  // add one gap to the clock and check the limits

  rate rate_;
  std::uint64_t max_count_ = 0;             // no_count_limit when duration-limited
  std::chrono::nanoseconds max_offset_{0};  // exclusive; nanoseconds::max() if none
  std::uint64_t seed_ = 0;                  // as given, before any shard derivation
  shard shard_;
  std::mt19937_64 engine_;
  double mean_gap_ns_ = 0;
  std::int64_t whole_ns_ = 0;  // current offset, whole nanoseconds
  double carry_ns_ = 0;        // fraction below whole_ns_, in [0, 1)
  std::uint64_t position_ = 0;
  bool done_ = true;
};

}  // namespace relayload::pacing
