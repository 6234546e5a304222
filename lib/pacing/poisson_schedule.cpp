#include "relayload/pacing/poisson_schedule.hpp"

#include <cmath>

#include "relayload/error.hpp"

namespace relayload::pacing {

namespace {

constexpr double ns_micro_per_second = 1e9 * static_cast<double>(rate::micro);
constexpr double two_pow_minus_53 = 1.0 / 9007199254740992.0;
constexpr std::int64_t ns_max = std::numeric_limits<std::int64_t>::max();

// SplitMix64's finaliser: spreads nearby inputs (shard 0, 1, 2 …) over unrelated seeds, so
// shard streams are not correlated the way consecutive mt19937 seeds can be.
std::uint64_t mix(std::uint64_t z) noexcept {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

poisson_schedule::poisson_schedule() noexcept = default;

poisson_schedule::poisson_schedule(rate r, std::uint64_t max_count,
                                   std::chrono::nanoseconds max_offset, std::uint64_t seed,
                                   shard part) noexcept
    : rate_(r), max_count_(max_count), max_offset_(max_offset), seed_(seed), shard_(part) {
  std::uint64_t engine_seed = seed;
  if (part.count > 1) {
    engine_seed = mix(mix(seed) ^ ((std::uint64_t{part.count} << 32) | part.index));
  }
  engine_.seed(engine_seed);
  done_ = max_count_ == 0 || r.is_zero();
  if (done_) return;
  mean_gap_ns_ = ns_micro_per_second / static_cast<double>(r.micro_hz());
  draw();
}

result<poisson_schedule> poisson_schedule::for_count(rate r, std::uint64_t count,
                                                     std::uint64_t seed) noexcept {
  if (r.is_zero() && count != 0) return unexpected(errc::invalid_argument);
  return poisson_schedule(r, count, std::chrono::nanoseconds::max(), seed, shard{});
}

result<poisson_schedule> poisson_schedule::for_duration(rate r, std::chrono::nanoseconds duration,
                                                        std::uint64_t seed) noexcept {
  if (duration.count() < 0) return unexpected(errc::invalid_argument);
  return poisson_schedule(r, no_count_limit, duration, seed, shard{});
}

result<poisson_schedule> poisson_schedule::for_shard(const shard& part) const noexcept {
  // Sharding a shard again would silently change what "the whole load" means.
  if (!part.valid() || shard_.count != 1) return unexpected(errc::invalid_argument);
  const std::uint64_t uhz = rate_.micro_hz();
  const rate share =
      rate::from_micro_hz(uhz / part.count + (part.index < uhz % part.count ? 1 : 0));
  std::uint64_t count = max_count_;
  if (max_count_ != no_count_limit) {
    count = part.size_of(max_count_);
    if (share.is_zero() && count != 0) return unexpected(errc::invalid_argument);
  }
  return poisson_schedule(share, count, max_offset_, seed_, part);
}

void poisson_schedule::draw() noexcept {
  // u in [0, 1), so −log1p(−u) is finite and ≥ 0: the inverse CDF of Exp(1).
  const double u = static_cast<double>(engine_() >> 11) * two_pow_minus_53;
  const double total = carry_ns_ + (-std::log1p(-u) * mean_gap_ns_);
  const double whole = std::floor(total);
  if (whole >= static_cast<double>(ns_max - whole_ns_)) {
    whole_ns_ = ns_max;  // centuries away: saturate rather than overflow
    carry_ns_ = 0;
  } else {
    whole_ns_ += static_cast<std::int64_t>(whole);
    carry_ns_ = total - whole;
  }
  // Only a duration-limited process ends by time; a count-limited one never drops an event.
  if (max_count_ == no_count_limit && whole_ns_ >= max_offset_.count()) done_ = true;
}

void poisson_schedule::advance() noexcept {
  if (done_) return;
  ++position_;
  if (position_ >= max_count_) {
    done_ = true;
    return;
  }
  draw();
}

std::optional<std::uint64_t> poisson_schedule::size() const noexcept {
  if (max_count_ == no_count_limit) return std::nullopt;
  return max_count_;
}

bool operator==(const poisson_schedule& a, const poisson_schedule& b) noexcept {
  return a.rate_ == b.rate_ && a.max_count_ == b.max_count_ && a.max_offset_ == b.max_offset_ &&
         a.seed_ == b.seed_ && a.shard_ == b.shard_ && a.engine_ == b.engine_ &&
         a.whole_ns_ == b.whole_ns_ && a.carry_ns_ == b.carry_ns_ && a.position_ == b.position_ &&
         a.done_ == b.done_;
}

}  // namespace relayload::pacing
