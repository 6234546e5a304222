#include "relayload/session/random.hpp"

#include <sodium.h>

#include <cstring>

namespace relayload::session {
namespace {

// sodium_init() picks the fastest implementations and opens the random source. It is safe to
// call from many threads, but it takes a lock every time; a function-local static runs it
// once (thread-safe initialisation) and is immutable afterwards. Its failure is ignored on
// purpose: randombytes initialises itself lazily, and nothing else here needs sodium_init.
void ensure_sodium() noexcept {
  static const int once = sodium_init();
  static_cast<void>(once);
}

constexpr char hex_digits[] = "0123456789abcdef";

std::string format_otp(std::uint32_t below_900000) {
  std::uint32_t v = 100000 + below_900000;
  std::string s(6, '0');
  for (int i = 5; i >= 0; --i) {
    s[static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return s;
}

std::uint64_t splitmix64(std::uint64_t& x) noexcept {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

}  // namespace

void random_bytes(void* out, std::size_t size) noexcept {
  if (size == 0) return;  // randombytes_buf's pointer is declared non-null
  ensure_sodium();
  randombytes_buf(out, size);
}

std::uint32_t random_uniform(std::uint32_t upper_bound) noexcept {
  ensure_sodium();
  return randombytes_uniform(upper_bound);  // 0 for bounds below 2, like ours
}

void append_uuid_v4(std::string& out, const std::uint8_t (&random16)[16]) {
  std::uint8_t b[16];
  std::memcpy(b, random16, sizeof b);
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);  // variant 10xx (RFC 4122)
  const std::size_t start = out.size();
  out.resize(start + 36);
  char* o = &out[start];
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *o++ = '-';
    *o++ = hex_digits[b[i] >> 4];
    *o++ = hex_digits[b[i] & 0x0F];
  }
}

std::string random_uuid_v4() {
  std::uint8_t b[16];
  random_bytes(b, sizeof b);
  std::string s;
  append_uuid_v4(s, b);
  return s;
}

std::string random_otp() { return format_otp(random_uniform(900000)); }

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

id_generator id_generator::seeded(std::uint64_t seed, std::uint64_t stream) noexcept {
  id_generator g;
  g.seeded_ = true;
  // Mix the stream into the seed through one splitmix step, so that (seed, 0), (seed, 1), …
  // start from unrelated states; then expand to the 256-bit state as the xoshiro authors
  // recommend. splitmix64 never yields four zeros, the one forbidden state.
  std::uint64_t x = seed;
  std::uint64_t mixed = splitmix64(x) ^ stream;
  for (auto& s : g.state_) s = splitmix64(mixed);
  return g;
}

// xoshiro256** 1.0 (Blackman & Vigna): 256-bit state, fast, passes BigCrush; its output does
// not depend on the standard library, unlike std::uniform_int_distribution.
std::uint64_t id_generator::next() noexcept {
  const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

void id_generator::fill(void* out, std::size_t size) noexcept {
  if (!seeded_) {
    random_bytes(out, size);
    return;
  }
  auto* p = static_cast<unsigned char*>(out);
  while (size > 0) {
    const std::uint64_t v = next();
    const std::size_t n = size < 8 ? size : 8;
    for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
    p += n;
    size -= n;
  }
}

std::uint32_t id_generator::uniform(std::uint32_t upper_bound) noexcept {
  if (!seeded_) return random_uniform(upper_bound);
  if (upper_bound < 2) return 0;
  // Lemire's multiply-and-reject: unbiased, usually without a division.
  std::uint64_t m = (next() >> 32) * upper_bound;
  auto low = static_cast<std::uint32_t>(m);
  if (low < upper_bound) {
    const std::uint32_t threshold = (0u - upper_bound) % upper_bound;
    while (low < threshold) {
      m = (next() >> 32) * upper_bound;
      low = static_cast<std::uint32_t>(m);
    }
  }
  return static_cast<std::uint32_t>(m >> 32);
}

void id_generator::append_uuid_v4(std::string& out) {
  std::uint8_t b[16];
  fill(b, sizeof b);
  session::append_uuid_v4(out, b);
}

std::string id_generator::uuid_v4() {
  std::string s;
  append_uuid_v4(s);
  return s;
}

std::string id_generator::otp() { return format_otp(uniform(900000)); }

}  // namespace relayload::session
