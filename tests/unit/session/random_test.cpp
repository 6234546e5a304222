// UUIDs, OTPs, constant-time comparison and the seeded id_generator (random.hpp).
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <regex>
#include <string>
#include <unordered_set>

#include "relayload/session/random.hpp"

using namespace relayload::session;

namespace {

const std::regex uuid_v4_re(
    "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");

// What the relay accepts after `handshake:` / `session:` (lowercase UUID) is a superset.
bool is_uuid_v4(const std::string& s) { return s.size() == 36 && std::regex_match(s, uuid_v4_re); }

bool is_otp(const std::string& s) {
  if (s.size() != 6 || s[0] == '0') return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

TEST_CASE("Random: UUID formatting sets version 4 and variant 10xx") {
  const std::uint8_t zeros[16] = {};
  std::string s;
  append_uuid_v4(s, zeros);
  CHECK(s == "00000000-0000-4000-8000-000000000000");
  std::uint8_t ones[16];
  for (auto& b : ones) b = 0xFF;
  s = "x";
  append_uuid_v4(s, ones);  // appends
  CHECK(s == "xffffffff-ffff-4fff-bfff-ffffffffffff");
  const std::uint8_t counting[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                     0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  s.clear();
  append_uuid_v4(s, counting);
  CHECK(s == "00112233-4455-4677-8899-aabbccddeeff");
}

TEST_CASE("Random: random UUIDs are lowercase v4 and unique over 100k") {
  std::unordered_set<std::string> seen;
  seen.reserve(100000);
  bool all_valid = true;
  for (int i = 0; i < 100000; ++i) {
    std::string u = random_uuid_v4();
    // The regex is slow in Debug builds; check every 100th fully and all by their fixed chars.
    if (i % 100 == 0) all_valid = all_valid && is_uuid_v4(u);
    all_valid = all_valid && u.size() == 36 && u[8] == '-' && u[13] == '-' && u[14] == '4' &&
                u[18] == '-' && u[23] == '-' &&
                (u[19] == '8' || u[19] == '9' || u[19] == 'a' || u[19] == 'b');
    for (const char c : u) all_valid = all_valid && !(c >= 'A' && c <= 'Z');
    seen.insert(std::move(u));
  }
  CHECK(all_valid);
  CHECK(seen.size() == 100000);
}

TEST_CASE("Random: OTPs are six digits over the whole range 100000-999999") {
  std::uint32_t lo = std::numeric_limits<std::uint32_t>::max();
  std::uint32_t hi = 0;
  bool all_valid = true;
  for (int i = 0; i < 100000; ++i) {
    const std::string otp = random_otp();
    all_valid = all_valid && is_otp(otp);
    const auto v = static_cast<std::uint32_t>(std::stoul(otp));
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  CHECK(all_valid);
  CHECK(lo >= 100000);
  CHECK(hi <= 999999);
  // With 100k uniform draws, missing either end by 1% has probability below e^-1000.
  CHECK(lo < 109000);
  CHECK(hi > 990999);
}

TEST_CASE("Random: random_uniform and random_bytes") {
  CHECK(random_uniform(0) == 0);
  CHECK(random_uniform(1) == 0);
  for (int i = 0; i < 1000; ++i) CHECK(random_uniform(3) < 3);
  std::array<std::uint8_t, 64> a{};
  std::array<std::uint8_t, 64> b{};
  random_bytes(a.data(), a.size());
  random_bytes(b.data(), b.size());
  CHECK(a != b);
  random_bytes(nullptr, 0);  // allowed
}

TEST_CASE("Random: constant_time_equal") {
  CHECK(constant_time_equal("123456", "123456"));
  CHECK_FALSE(constant_time_equal("123456", "123457"));
  CHECK_FALSE(constant_time_equal("123456", "023456"));
  CHECK_FALSE(constant_time_equal("123456", "12345"));
  CHECK_FALSE(constant_time_equal("12345", "123456"));
  CHECK_FALSE(constant_time_equal("", "1"));
  CHECK(constant_time_equal("", ""));
  CHECK(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  CHECK_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST_CASE("Random: a seeded id_generator repeats, streams and seeds differ") {
  auto a = id_generator::seeded(42);
  auto b = id_generator::seeded(42);
  auto c = id_generator::seeded(42, 1);
  auto d = id_generator::seeded(43);
  CHECK(a.deterministic());
  CHECK_FALSE(id_generator::system().deterministic());
  CHECK_FALSE(id_generator().deterministic());
  for (int i = 0; i < 100; ++i) {
    const std::string ua = a.uuid_v4();
    CHECK(ua == b.uuid_v4());
    CHECK(ua != c.uuid_v4());
    CHECK(ua != d.uuid_v4());
    CHECK(is_uuid_v4(ua));
    CHECK(a.otp() == b.otp());
  }
  // A copy continues the same sequence.
  auto e = a;
  CHECK(e.uuid_v4() == a.uuid_v4());
}

TEST_CASE("Random: seeded output is pinned (replays must give the same ids everywhere)") {
  auto g = id_generator::seeded(1);
  // Pinned from this implementation (xoshiro256** seeded via splitmix64); a change here
  // changes every replayed load test's channel names.
  const std::string first = g.uuid_v4();
  const std::string second = g.uuid_v4();
  const std::string otp = g.otp();
  CHECK(first == "336e4313-e67f-42ee-aa74-184ad3d8dad6");
  CHECK(second == "a91611ec-6cc1-422a-91d5-779f1d09f99a");
  CHECK(otp == "800174");
}

TEST_CASE("Random: seeded uniform is in range and unbiased enough") {
  auto g = id_generator::seeded(7, 3);
  CHECK(g.uniform(0) == 0);
  CHECK(g.uniform(1) == 0);
  const std::uint32_t big = std::numeric_limits<std::uint32_t>::max();
  for (int i = 0; i < 1000; ++i) {
    CHECK(g.uniform(big) < big);
    CHECK(g.uniform(0x80000001u) < 0x80000001u);
  }
  // Chi-square over 10 buckets, 100k draws from a fixed seed: deterministic, far below the
  // 99.9% critical value 27.9 for 9 degrees of freedom.
  std::array<int, 10> counts{};
  for (int i = 0; i < 100000; ++i) ++counts[g.uniform(10)];
  double chi2 = 0;
  for (const int n : counts) chi2 += (n - 10000.0) * (n - 10000.0) / 10000.0;
  CHECK(chi2 < 27.9);
  // OTPs: every leading digit 1-9 about equally often.
  std::array<int, 10> lead{};
  for (int i = 0; i < 90000; ++i) {
    const std::string otp = g.otp();
    REQUIRE(is_otp(otp));
    ++lead[static_cast<std::size_t>(otp[0] - '0')];
  }
  CHECK(lead[0] == 0);
  chi2 = 0;
  for (int dgt = 1; dgt <= 9; ++dgt)
    chi2 += (lead[dgt] - 10000.0) * (lead[dgt] - 10000.0) / 10000.0;
  CHECK(chi2 < 26.2);  // 99.9% for 8 degrees of freedom
}

TEST_CASE("Random: fill covers every byte, also for odd sizes") {
  auto g = id_generator::seeded(99);
  for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 33u}) {
    std::array<std::uint8_t, 40> buf{};
    buf.fill(0xA5);
    g.fill(buf.data(), n);
    for (std::size_t i = n; i < buf.size(); ++i) CHECK(buf[i] == 0xA5);  // nothing past n
  }
  auto s = id_generator::system();
  std::array<std::uint8_t, 32> x{};
  std::array<std::uint8_t, 32> y{};
  s.fill(x.data(), x.size());
  s.fill(y.data(), y.size());
  CHECK(x != y);
  CHECK(is_uuid_v4(s.uuid_v4()));
  CHECK(is_otp(s.otp()));
}
