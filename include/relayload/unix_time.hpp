// relayload::unix_time — a wall-clock instant in whole milliseconds since the Unix epoch, the
// form of MWP's `expiresAt` and OTP `deadline` (JS Date.now()). A time point, not a duration:
// it cannot be mixed up with a TTL or a steady_clock time by accident.
#pragma once

#include <chrono>
#include <cstdint>

namespace relayload {

using unix_time = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

/// The instant `ms` milliseconds after the Unix epoch (a wire value).
constexpr unix_time unix_time_from_ms(std::int64_t ms) noexcept {
  return unix_time(std::chrono::milliseconds(ms));
}
/// Milliseconds since the Unix epoch (the wire value).
constexpr std::int64_t unix_ms(unix_time t) noexcept {
  return static_cast<std::int64_t>(t.time_since_epoch().count());
}

}  // namespace relayload
