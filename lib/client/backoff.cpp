#include "relayload/client/backoff.hpp"

#include <algorithm>

namespace relayload::client {

std::vector<std::string> backoff_policy::validate() const {
  std::vector<std::string> problems;
  if (min.count() < 0) problems.emplace_back("The minimum backoff delay must not be negative.");
  if (max.count() < 0) problems.emplace_back("The maximum backoff delay must not be negative.");
  if (max < min) problems.emplace_back("The maximum backoff delay must not be below the minimum.");
  return problems;
}

std::uint64_t backoff::next_random() noexcept {
  // splitmix64 (Steele, Lea, Flood 2014): 8 bytes of state, passes BigCrush; plenty for jitter.
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t backoff::uniform_inclusive(std::uint64_t random, std::uint64_t bound) noexcept {
  if (bound == UINT64_MAX) return random;
  // Multiply-shift (Lemire): maps the 64-bit value onto [0, bound] with a bias below
  // bound / 2^64, far under anything a millisecond delay can show.
  __extension__ typedef unsigned __int128 u128;
  return static_cast<std::uint64_t>((static_cast<u128>(random) * (bound + 1)) >> 64);
}

std::chrono::milliseconds backoff::delay(const backoff_policy& policy, std::uint32_t step,
                                         std::uint64_t random) noexcept {
  const auto lo = static_cast<std::uint64_t>(std::max<std::int64_t>(0, policy.min.count()));
  const auto hi = static_cast<std::uint64_t>(std::max<std::int64_t>(0, policy.max.count()));
  const std::uint32_t s = std::min<std::uint32_t>(step, 31);
  // min · 2^step cannot overflow: min is far below 2^32 ms in practice, but clamp anyway.
  const std::uint64_t grown = lo > (UINT64_MAX >> s) ? UINT64_MAX : (lo << s);
  const std::uint64_t interval = uniform_inclusive(random, std::min(hi, grown));
  const std::uint64_t total = lo + interval < lo ? UINT64_MAX : lo + interval;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(hi, total)));
}

std::chrono::milliseconds backoff::next(const backoff_policy& policy) noexcept {
  const auto d = delay(policy, step_, next_random());
  if (step_ < UINT32_MAX) ++step_;
  return d;
}

}  // namespace relayload::client
