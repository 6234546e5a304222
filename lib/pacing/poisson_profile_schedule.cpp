#include "relayload/pacing/poisson_profile_schedule.hpp"

#include <cmath>
#include <utility>

#include "pacing/wide_math_impl.hpp"
#include "relayload/error.hpp"

namespace relayload::pacing {

namespace {

constexpr double two_pow_minus_53 = 1.0 / 9007199254740992.0;

// SplitMix64's finaliser, as in poisson_schedule.cpp (whose copy is private to that file):
// the same derivation gives a shard the same stream in both classes.
std::uint64_t mix(std::uint64_t z) noexcept {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

poisson_profile_schedule::poisson_profile_schedule() noexcept = default;

poisson_profile_schedule::poisson_profile_schedule(rate_profile profile, std::uint64_t seed)
    : poisson_profile_schedule(std::make_shared<const rate_profile>(std::move(profile)), seed,
                               shard{}) {}

poisson_profile_schedule::poisson_profile_schedule(std::shared_ptr<const rate_profile> profile,
                                                   std::uint64_t seed, shard part) noexcept
    : profile_(std::move(profile)), seed_(seed), shard_(part) {
  std::uint64_t engine_seed = seed;
  if (part.count > 1) {
    engine_seed = mix(mix(seed) ^ ((std::uint64_t{part.count} << 32) | part.index));
  }
  engine_.seed(engine_seed);
  done_ = false;
  draw();
}

result<poisson_profile_schedule> poisson_profile_schedule::for_shard(
    const shard& part) const noexcept {
  // Sharding a shard again would silently change what "the whole load" means.
  if (!part.valid() || shard_.count != 1) return unexpected(errc::invalid_argument);
  if (!profile_) return poisson_profile_schedule();
  return poisson_profile_schedule(profile_, seed_, part);
}

void poisson_profile_schedule::draw() noexcept {
  // u in [0, 1), so −log1p(−u) is finite (below 37) and >= 0: the inverse CDF of Exp(1).
  const double u = static_cast<double>(engine_() >> 11) * two_pow_minus_53;
  fraction_ += static_cast<long double>(-std::log1p(-u));
  const long double carry = std::floor(fraction_);
  whole_ += static_cast<std::uint64_t>(carry);
  fraction_ -= carry;

  // This process has intensity rate(t)/K, so its clock reads S when Λ(t) = K·S.
  const std::uint64_t k = shard_.count;
  const long double scaled = fraction_ * static_cast<long double>(k);  // below K
  const long double scaled_whole = std::floor(scaled);
  const auto extra = static_cast<std::uint64_t>(scaled_whole);
  if (whole_ > (detail::u64_max - extra) / k) {  // K·S >= 2^64 > Λ(span): past the end
    done_ = true;
    return;
  }
  const auto femto = static_cast<std::uint64_t>(std::floor((scaled - scaled_whole) * 1e15L));
  const auto t = profile_ ? profile_->time_at(whole_ * k + extra, femto) : std::nullopt;
  if (!t) {
    done_ = true;
    return;
  }
  offset_ = *t;
}

void poisson_profile_schedule::advance() noexcept {
  if (done_) return;
  ++position_;
  draw();
}

long double poisson_profile_schedule::expected_count() const noexcept {
  return profile().total_events() / static_cast<long double>(shard_.count);
}

const rate_profile& poisson_profile_schedule::profile() const noexcept {
  // A default-constructed schedule has no profile to share; it reports this empty one, which
  // is immutable (no global mutable state) and built on first use.
  static const rate_profile empty;
  return profile_ ? *profile_ : empty;
}

bool operator==(const poisson_profile_schedule& a, const poisson_profile_schedule& b) noexcept {
  return a.profile() == b.profile() && a.seed_ == b.seed_ && a.shard_ == b.shard_ &&
         a.engine_ == b.engine_ && a.whole_ == b.whole_ && a.fraction_ == b.fraction_ &&
         a.offset_ == b.offset_ && a.position_ == b.position_ && a.done_ == b.done_;
}

}  // namespace relayload::pacing
