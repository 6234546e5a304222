// Randomness for MWP identifiers: session ids, channel uuids and transport client ids (UUID
// v4, protocol.md §2.1), the 6-digit OTP of the untrusted handshake (§2.6), and the
// constant-time OTP comparison. The free functions draw from libsodium (the OS CSPRNG);
// id_generator adds a seeded, reproducible mode for load tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace relayload::session {

/// Fills `out` with `size` bytes from libsodium's randombytes_buf. Thread-safe.
void random_bytes(void* out, std::size_t size) noexcept;

/// A uniformly distributed integer in [0, upper_bound) (randombytes_uniform, unbiased);
/// 0 when upper_bound < 2. Thread-safe.
std::uint32_t random_uniform(std::uint32_t upper_bound) noexcept;

/// A random UUID v4 as npm `uuid` v4 writes it: 36 characters, lowercase hex,
/// `xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx` with V one of 8 9 a b. Thread-safe.
std::string random_uuid_v4();

/// A random OTP: six decimal digits, uniform over 100000–999999. Thread-safe.
std::string random_otp();

/// Whether `a` and `b` are equal, in time that depends only on their lengths (sodium_memcmp),
/// so that comparing an entered OTP leaks nothing about the right one. Different lengths are
/// unequal.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

/// Formats 16 bytes as a UUID (8-4-4-4-12 lowercase hex) after setting the version nibble to 4
/// and the variant bits to 10xx, as RFC 4122 §4.4 says.
void append_uuid_v4(std::string& out, const std::uint8_t (&random16)[16]);

/// Where the identifiers of one shard come from.
///
/// - system() (the default): libsodium, unpredictable; use it for anything a peer or relay
///   could see as a secret (OTPs in real runs) and whenever runs need not be repeatable.
/// - seeded(seed, stream): xoshiro256** seeded through splitmix64 from (seed, stream); the
///   same seed and stream give the same ids and OTPs on every platform, so a load test can be
///   replayed with the same channel names. Give each shard (and MPI rank) its own stream
///   number. Not cryptographic: never use it for keys or nonces (the key managers never do).
///
/// Thread safety: none; one generator per shard. Copying a seeded generator copies its state,
/// so the copy repeats the same sequence.
class id_generator {
 public:
  /// The system generator.
  id_generator() noexcept = default;

  static id_generator system() noexcept { return id_generator(); }
  static id_generator seeded(std::uint64_t seed, std::uint64_t stream = 0) noexcept;

  /// True for a seeded generator.
  bool deterministic() const noexcept { return seeded_; }

  void fill(void* out, std::size_t size) noexcept;
  /// Uniform in [0, upper_bound), unbiased; 0 when upper_bound < 2.
  std::uint32_t uniform(std::uint32_t upper_bound) noexcept;
  /// A UUID v4 (see random_uuid_v4).
  std::string uuid_v4();
  void append_uuid_v4(std::string& out);
  /// Six digits, uniform over 100000–999999.
  std::string otp();

 private:
  std::uint64_t next() noexcept;

  bool seeded_ = false;
  std::uint64_t state_[4] = {0, 0, 0, 0};
};

}  // namespace relayload::session
