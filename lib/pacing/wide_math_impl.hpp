// Exact integer helpers for schedule offsets: floor(a·b/c) and ceil(a·b/c) through a 128-bit
// intermediate, so offsets never accumulate floating-point error and never overflow silently.
#pragma once

#include <cstdint>
#include <limits>

namespace relayload::pacing::detail {

// GCC and Clang provide a 128-bit integer; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef unsigned __int128 u128;

inline constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();
inline constexpr std::uint64_t i64_max =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

/// floor(a·b/c) for c > 0. Returns false (and leaves `out` alone) when it does not fit 64 bits.
inline bool mul_div_floor(std::uint64_t a, std::uint64_t b, std::uint64_t c,
                          std::uint64_t& out) noexcept {
  const u128 q = static_cast<u128>(a) * b / c;
  if (q > u64_max) return false;
  out = static_cast<std::uint64_t>(q);
  return true;
}

/// ceil(a·b/c) for c > 0. Returns false when it does not fit 64 bits.
inline bool mul_div_ceil(std::uint64_t a, std::uint64_t b, std::uint64_t c,
                         std::uint64_t& out) noexcept {
  const u128 p = static_cast<u128>(a) * b;
  const u128 q = p / c + (p % c != 0 ? 1 : 0);
  if (q > u64_max) return false;
  out = static_cast<std::uint64_t>(q);
  return true;
}

/// floor(a·b/c) for c > 0 when the caller has already proved the result fits 64 bits.
inline std::uint64_t mul_div_floor_unchecked(std::uint64_t a, std::uint64_t b,
                                             std::uint64_t c) noexcept {
  return static_cast<std::uint64_t>(static_cast<u128>(a) * b / c);
}

}  // namespace relayload::pacing::detail
