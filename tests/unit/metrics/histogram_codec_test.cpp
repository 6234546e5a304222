#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "metrics/codec_impl.hpp"  // to build hostile records with a valid checksum
#include "relayload/error.hpp"
#include "relayload/metrics/histogram.hpp"

using relayload::errc;
using relayload::metrics::histogram;
using relayload::metrics::histogram_layout;
namespace detail = relayload::metrics::detail;

namespace {

histogram random_histogram(std::mt19937_64& rng) {
  const histogram_layout layouts[] = {histogram_layout{}, histogram_layout::for_intervals(),
                                      histogram_layout{1, 1'000'000, 1},
                                      histogram_layout{500, 90'000'000'000, 4}};
  histogram h(layouts[rng() % 4]);
  const int n = static_cast<int>(rng() % 3'000);
  std::lognormal_distribution<double> dist(std::log(3'000'000.0), 2.0);
  for (int i = 0; i < n; ++i) {
    const double v = std::min(dist(rng), 1e17);
    h.record(static_cast<std::int64_t>(v), 1 + rng() % 3);
  }
  if (rng() % 4 == 0) h.record(0, 1 + rng() % 5);                                     // underflow
  if (rng() % 4 == 0) h.record(std::numeric_limits<std::int64_t>::max(), rng() % 5);  // overflow
  if (rng() % 8 == 0) h.record(7'000'000, std::numeric_limits<std::uint64_t>::max() / 2);
  return h;
}

// The fields of a record, to write hostile variants of a valid one.
struct record_fields {
  std::uint64_t lowest = 1'000, highest = 3'600'000'000'000, digits = 3;
  std::uint64_t total = 3, underflow = 0, overflow = 0;
  std::uint64_t min = 1'500, max = 20'000, sum_high = 0, sum_low = 1'500 + 1'500 + 20'000;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> buckets;  // (gap, count)
  std::string magic = std::string("RLH\x01", 4);
  std::string trailer;  // bytes after the buckets
};

std::string build(const record_fields& f) {
  std::string bin = f.magic;
  for (const std::uint64_t v : {f.lowest, f.highest, f.digits, f.total, f.underflow, f.overflow,
                                f.min, f.max, f.sum_high, f.sum_low}) {
    detail::put_varint(bin, v);
  }
  detail::put_varint(bin, f.buckets.size());
  for (const auto& [gap, count] : f.buckets) {
    detail::put_varint(bin, gap);
    detail::put_varint(bin, count);
  }
  bin += f.trailer;
  const std::uint32_t crc = detail::crc32(bin);
  for (int i = 0; i < 4; ++i) bin.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
  return detail::base64_encode(bin);
}

// A valid record: 1500 ns twice and 20 000 ns once, in the default layout.
record_fields valid_fields() {
  record_fields f;
  // Indices in the default layout (unit 1 ns, 1024 sub-buckets per half): 1500 is index 1500;
  // 20 000 lies in bucket 4 (width 16): index (4+1)·1024 + (20000 >> 4) − 1024 = 5346.
  f.buckets = {{1'500, 2}, {5'346 - 1'501, 1}};
  return f;
}

void check_corrupt(const std::string& text) {
  const auto r = histogram::decode(text);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::corrupt_data);
}

}  // namespace

TEST_CASE("histogram codec: the hand-built reference record decodes to the expected histogram",
          "[metrics][codec]") {
  histogram expected;
  expected.record(1'500, 2);
  expected.record(20'000);
  const auto r = histogram::decode(build(valid_fields()));
  REQUIRE(r);
  CHECK(*r == expected);
  CHECK(expected.encode() == build(valid_fields()));
}

TEST_CASE("histogram codec: round trip is exact for seeded random histograms", "[metrics][codec]") {
  std::mt19937_64 rng(424242);
  for (int i = 0; i < 60; ++i) {
    const histogram h = random_histogram(rng);
    const std::string text = h.encode();
    const auto back = histogram::decode(text);
    REQUIRE(back);
    CHECK(*back == h);
    CHECK(back->encode() == text);
    CHECK(back->value_at_percentile(99.9) == h.value_at_percentile(99.9));
  }
}

TEST_CASE("histogram codec: empty histograms and every valid layout round trip",
          "[metrics][codec]") {
  for (const histogram_layout l :
       {histogram_layout{}, histogram_layout{1, 2, 1}, histogram_layout{7, (1LL << 62) - 1, 2}}) {
    const histogram empty(l);
    const auto back = histogram::decode(empty.encode());
    REQUIRE(back);
    CHECK(*back == empty);
    CHECK(back->layout() == l);
  }
}

TEST_CASE("histogram codec: the encoding is compact", "[metrics][codec]") {
  histogram h;
  for (std::int64_t v = 1'000'000; v < 2'000'000; v += 1'000) h.record(v);
  CHECK(h.encode().size() < 4'000);  // 1000 distinct buckets, not 33 792 counters
  CHECK(histogram{}.encode().size() < 64);
}

TEST_CASE("histogram codec: every truncation is rejected", "[metrics][codec]") {
  std::mt19937_64 rng(5);
  histogram h;
  for (int i = 0; i < 200; ++i) h.record(static_cast<std::int64_t>(1'000 + rng() % 100'000'000));
  const std::string text = h.encode();
  for (std::size_t n = 0; n < text.size(); ++n) {
    INFO("prefix length " << n);
    check_corrupt(text.substr(0, n));
  }
}

TEST_CASE("histogram codec: every single-character change is rejected", "[metrics][codec]") {
  histogram h;
  h.record(1'234'567, 3);
  h.record(98'765'432);
  h.record(5);
  const std::string text = h.encode();
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=*- \n";
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (const char c : alphabet) {
      if (c == text[i]) continue;
      std::string bad = text;
      bad[i] = c;
      INFO("position " << i << " set to '" << c << "'");
      check_corrupt(bad);
    }
  }
}

TEST_CASE("histogram codec: hostile but checksummed records are rejected", "[metrics][codec]") {
  using field_edit = void (*)(record_fields&);
  const std::pair<const char*, field_edit> cases[] = {
      {"wrong magic", [](record_fields& f) { f.magic = std::string("RLH\x02", 4); }},
      {"zero lowest", [](record_fields& f) { f.lowest = 0; }},
      {"six digits", [](record_fields& f) { f.digits = 6; }},
      {"absurd digits", [](record_fields& f) { f.digits = 1ULL << 40; }},
      {"highest below 2 x lowest", [](record_fields& f) { f.highest = 1'500; }},
      {"highest beyond 2^62", [](record_fields& f) { f.highest = 1ULL << 63; }},
      {"layout too large to allocate",
       [](record_fields& f) {
         f.lowest = 1;
         f.digits = 5;
         f.highest = 1ULL << 60;
       }},
      {"total disagrees with buckets", [](record_fields& f) { f.total = 4; }},
      {"absurd bucket count", [](record_fields& f) { f.buckets[1].second = 1ULL << 63; }},
      {"bucket counts overflow 64 bits",
       [](record_fields& f) {
         f.buckets[0].second = std::numeric_limits<std::uint64_t>::max();
         f.total = 0;
       }},
      {"zero-count bucket",
       [](record_fields& f) {
         f.buckets.push_back({0, 0});
       }},
      {"bucket index out of range", [](record_fields& f) { f.buckets[1].first = 1ULL << 40; }},
      {"min above max", [](record_fields& f) { f.min = 30'000; }},
      {"min outside its bucket", [](record_fields& f) { f.min = 1'499; }},
      {"max outside its bucket", [](record_fields& f) { f.max = 20'016; }},
      {"min below the range", [](record_fields& f) { f.min = 999; }},
      {"sum too small", [](record_fields& f) { f.sum_low = 100; }},
      {"sum too large", [](record_fields& f) { f.sum_high = 1; }},
      {"underflow without a clamped minimum", [](record_fields& f) { f.underflow = 1; }},
      {"overflow without a clamped maximum", [](record_fields& f) { f.overflow = 1; }},
      {"underflow above total", [](record_fields& f) { f.underflow = 4; }},
      {"trailing bytes", [](record_fields& f) { f.trailer = std::string(1, '\0'); }},
      {"empty with a minimum",
       [](record_fields& f) {
         f.buckets.clear();
         f.total = 0;
         f.max = f.sum_low = 0;
       }},
  };
  for (const auto& [name, edit] : cases) {
    record_fields f = valid_fields();
    edit(f);
    INFO(name);
    check_corrupt(build(f));
  }
}

TEST_CASE("histogram codec: malformed text is rejected", "[metrics][codec]") {
  check_corrupt("");
  check_corrupt("====");
  check_corrupt("not base64!");
  check_corrupt(histogram{}.encode() + "AAAA");
  // An overlong varint (0x80 0x00 for zero) has a valid checksum but is not canonical.
  std::string bin("RLH\x01\x80", 5);
  bin.push_back('\0');
  const std::uint32_t crc = detail::crc32(bin);
  for (int i = 0; i < 4; ++i) bin.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
  check_corrupt(detail::base64_encode(bin));
  // Far longer than any valid record: refused before decoding.
  check_corrupt(std::string(30'000'000, 'A'));
}

TEST_CASE("histogram codec: random mutations never crash and accepted text is canonical",
          "[metrics][codec]") {
  std::mt19937_64 rng(777);
  const std::string seeds[] = {histogram{}.encode(), build(valid_fields()),
                               random_histogram(rng).encode()};
  int accepted = 0;
  for (int i = 0; i < 3'000; ++i) {
    std::string text = seeds[static_cast<std::size_t>(i) % 3];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t pos = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[pos] = static_cast<char>(rng() % 256);
          break;
        case 1:
          text.erase(pos, 1 + rng() % 4);
          break;
        default:
          text.insert(pos, 1, detail::base64_alphabet[rng() % 64]);
          break;
      }
    }
    const auto r = histogram::decode(text);
    if (r) {
      ++accepted;
      CHECK(r->encode() == text);
    } else {
      CHECK(r.error() == errc::corrupt_data);
    }
  }
  CHECK(accepted < 30);  // almost nothing survives the checksum
}
