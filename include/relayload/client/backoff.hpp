// relayload::client::backoff — centrifuge-js's reconnect delay ("full jitter") with a small
// seeded generator, so a run is reproducible and 19K clients cost 16 bytes each.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace relayload::client {

/// Bounds of a full-jitter backoff (protocol.md §1.9).
struct backoff_policy {
  std::chrono::milliseconds min{500};
  std::chrono::milliseconds max{5000};

  /// The load tests' raw client (connection-storm, steady-state): 500 ms – 5 s.
  static backoff_policy raw() noexcept {
    return {std::chrono::milliseconds(500), std::chrono::milliseconds(5000)};
  }
  /// MWP's WebSocketTransport: 100 ms – 30 s.
  static backoff_policy mwp() noexcept {
    return {std::chrono::milliseconds(100), std::chrono::milliseconds(30000)};
  }
  /// centrifuge-js's resubscribe after a temporary subscribe error: 500 ms – 20 s.
  static backoff_policy resubscribe() noexcept {
    return {std::chrono::milliseconds(500), std::chrono::milliseconds(20000)};
  }

  /// Every problem, one sentence each; empty when usable (0 <= min <= max).
  std::vector<std::string> validate() const;

  friend bool operator==(const backoff_policy& a, const backoff_policy& b) noexcept {
    return a.min == b.min && a.max == b.max;
  }
  friend bool operator!=(const backoff_policy& a, const backoff_policy& b) noexcept {
    return !(a == b);
  }
};

/// The attempt counter and random source of one reconnecting client.
///
/// next() returns centrifuge-js's `backoff(step, min, max)`:
///     delay = min(max, min + randomInt(0, min(max, min · 2^step)))
/// with `step` = attempts so far (capped at 31) and randomInt inclusive at both ends, then
/// increments step; reset() sets step back to 0 (after a successful connect reply). The
/// random integers come from splitmix64 seeded by the constructor, so equal seeds give equal
/// delay sequences on every platform.
///
/// Value type; noexcept; no allocation.
class backoff {
 public:
  explicit backoff(std::uint64_t seed = 0) noexcept : state_(seed) {}

  /// The delay before the next attempt; advances step().
  std::chrono::milliseconds next(const backoff_policy& policy) noexcept;
  /// Back to step 0.
  void reset() noexcept { step_ = 0; }
  /// Attempts counted since the last reset.
  std::uint32_t step() const noexcept { return step_; }

  /// The next raw 64-bit random number (splitmix64); used for other jitter of the same
  /// client (resubscribe delays) so that one seed fixes everything.
  std::uint64_t next_random() noexcept;

  /// A uniformly distributed integer in [0, bound] (both ends included) from `random`.
  static std::uint64_t uniform_inclusive(std::uint64_t random, std::uint64_t bound) noexcept;

  /// The pure formula: the delay for `step` given the random number `random`.
  static std::chrono::milliseconds delay(const backoff_policy& policy, std::uint32_t step,
                                         std::uint64_t random) noexcept;

 private:
  std::uint64_t state_;
  std::uint32_t step_ = 0;
};

}  // namespace relayload::client
