// relayload::pacing::poisson_profile_schedule — seeded Poisson arrivals whose intensity follows
// a rate_profile (a non-homogeneous Poisson process), deterministic for a given seed.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>

#include "relayload/pacing/rate_profile.hpp"
#include "relayload/pacing/shard.hpp"
#include "relayload/result.hpp"

namespace relayload::pacing {

/// A Poisson process whose intensity at time t is the profile's rate at t: exponential gaps
/// with the current rate as intensity, ending at the first arrival at or past the profile's
/// span (so the count is random, with mean Λ(span)).
///
/// Method: time change, not thinning. Unit-rate Poisson arrivals S₁ < S₂ < … (running sums of
/// Exp(1) gaps) are laid on the integral's axis and mapped back through its inverse, arrival j
/// at Λ⁻¹(S_j). That is exactly the non-homogeneous process (Λ(t) counts a unit-rate process
/// at time Λ(t)), costs one draw per arrival whatever the profile's shape — thinning would
/// discard draws wherever the rate is below its maximum — and places no arrival in an idle
/// stretch.
///
/// Determinism: the draws are those of poisson_schedule — std::mt19937_64 seeded the same way
/// (for a shard too), an inverse-CDF exponential −log1p(−u) with u from the top 53 bits — so
/// for a constant profile the arrivals are those of poisson_schedule::for_duration with the
/// same seed, within a nanosecond (that class accumulates nanoseconds in double, this one
/// events). S is kept as whole events plus a long double fraction, quantised to 1e-15 events
/// for the exact inverse (rate_profile::time_at), so the resolution does not degrade over
/// long runs.
///
/// Sequential only, a cursor like poisson_schedule: done(), index(), offset(), advance().
///
/// Value type: copyable (a copy continues the same sequence independently; copies share the
/// immutable profile), comparable, no I/O; advance() and for_shard() are noexcept and
/// allocation-free.
class poisson_profile_schedule {
 public:
  /// An exhausted schedule.
  poisson_profile_schedule() noexcept;

  /// Arrivals over `profile`, drawn from `seed`. Allocates once (the shared profile).
  poisson_profile_schedule(rate_profile profile, std::uint64_t seed);

  /// The part of this process that shard `part` (k of K) runs, from its start: an independent
  /// process of intensity rate(t)/K, seeded from (seed, k) as poisson_schedule::for_shard
  /// does. The superposition of the K independent processes is a Poisson process of
  /// intensity rate(t) — the asked load, though not the unsharded sample path. Division by K
  /// is exact: shard k's clock reaches s when Λ(t) = K·s. Event indices are global: local
  /// event j has index j·K + k. Shard {0, 1} is this schedule restarted. Fails with
  /// errc::invalid_argument for an invalid shard or when this schedule is itself a shard.
  result<poisson_profile_schedule> for_shard(const shard& part) const noexcept;

  /// Whether every arrival has been consumed.
  bool done() const noexcept { return done_; }
  /// Index of the current arrival (global, see for_shard). Precondition: !done().
  std::uint64_t index() const noexcept { return position_ * shard_.count + shard_.index; }
  /// Offset of the current arrival from t0, below the profile's span. Precondition: !done().
  std::chrono::nanoseconds offset() const noexcept { return offset_; }
  /// Move to the next arrival. Precondition: !done() (no effect otherwise).
  void advance() noexcept;

  /// Arrivals consumed so far.
  std::uint64_t position() const noexcept { return position_; }
  /// Mean number of arrivals this (shard's) process yields: Λ(span)/K.
  long double expected_count() const noexcept;

  /// The profile (empty for a default-constructed schedule).
  const rate_profile& profile() const noexcept;
  std::uint64_t seed() const noexcept { return seed_; }
  const shard& part() const noexcept { return shard_; }

  friend bool operator==(const poisson_profile_schedule& a,
                         const poisson_profile_schedule& b) noexcept;
  friend bool operator!=(const poisson_profile_schedule& a,
                         const poisson_profile_schedule& b) noexcept {
    return !(a == b);
  }

 private:
  poisson_profile_schedule(std::shared_ptr<const rate_profile> profile, std::uint64_t seed,
                           shard part) noexcept;
  void draw() noexcept;  // one more unit-rate gap, mapped through the inverse

  std::shared_ptr<const rate_profile> profile_;  // null when default-constructed
  std::uint64_t seed_ = 0;                       // as given, before any shard derivation
  shard shard_;
  std::mt19937_64 engine_;
  std::uint64_t whole_ = 0;   // this process's unit-rate clock S: whole events …
  long double fraction_ = 0;  // … plus a fraction in [0, 1)
  std::chrono::nanoseconds offset_{0};
  std::uint64_t position_ = 0;
  bool done_ = true;
};

}  // namespace relayload::pacing
