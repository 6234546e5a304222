#include "relayload/metrics/histogram.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "relayload/error.hpp"

using relayload::errc;
using relayload::metrics::histogram;
using relayload::metrics::histogram_bucket;
using relayload::metrics::histogram_layout;

namespace {

// A percentile as an exact fraction num / den of a percent, so that the reference rank is
// computed without floating point: k = max(1, ceil(num · n / (den · 100))).
struct pct {
  std::uint64_t num;
  std::uint64_t den;
  double value() const { return static_cast<double>(num) / static_cast<double>(den); }
};
const pct checked_percentiles[] = {{0, 1},  {1, 1},  {10, 1}, {25, 1},   {50, 1},     {75, 1},
                                   {90, 1}, {95, 1}, {99, 1}, {999, 10}, {9999, 100}, {100, 1}};

std::int64_t exact_percentile(const std::vector<std::int64_t>& sorted, pct p) {
  const std::uint64_t n = sorted.size();
  std::uint64_t k = (p.num * n + p.den * 100 - 1) / (p.den * 100);
  k = std::max<std::uint64_t>(k, 1);
  return sorted[k - 1];
}

std::int64_t pow10(int d) {
  std::int64_t v = 1;
  for (int i = 0; i < d; ++i) v *= 10;
  return v;
}

// The documented guarantee: x <= r and r - x < max(1, x · 10^-d), i.e. in integers
// (r - x) · 10^d < max(10^d, x).
void check_against_exact_sort(const histogram& h, std::vector<std::int64_t> values) {
  const histogram_layout& l = h.layout();
  for (std::int64_t& v : values) v = std::clamp(v, l.lowest_discernible, l.highest_trackable);
  std::sort(values.begin(), values.end());
  REQUIRE(h.count() == values.size());
  CHECK(h.min() == values.front());
  CHECK(h.max() == values.back());
  const std::int64_t scale = pow10(l.significant_digits);
  std::int64_t previous = 0;
  for (const pct p : checked_percentiles) {
    const std::int64_t x = exact_percentile(values, p);
    const std::int64_t r = h.value_at_percentile(p.value());
    INFO("p = " << p.value() << ", exact " << x << ", histogram " << r);
    CHECK(r >= x);
    CHECK((r - x) * scale < std::max(scale, x));
    CHECK(r >= previous);  // monotone in p
    previous = r;
  }
}

histogram record_all(const std::vector<std::int64_t>& values,
                     const histogram_layout& layout = histogram_layout{}) {
  histogram h(layout);
  for (const std::int64_t v : values) h.record(v);
  return h;
}

}  // namespace

TEST_CASE("histogram: empty histogram reports zeros", "[metrics][histogram]") {
  const histogram h;
  CHECK(h.empty());
  CHECK(h.count() == 0);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.mean() == 0.0);
  CHECK(h.value_at_percentile(50) == 0);
  CHECK(h.buckets().begin() == h.buckets().end());
}

TEST_CASE("histogram: count, min, max and mean are exact", "[metrics][histogram]") {
  histogram h;
  h.record(1'234'567);
  h.record(2'000'001);
  h.record(std::chrono::microseconds(3));
  h.record(7'777, 3);
  CHECK(h.count() == 6);
  CHECK(h.min() == 3'000);
  CHECK(h.max() == 2'000'001);
  const relayload::metrics::uint128 expected = 1'234'567 + 2'000'001 + 3'000 + 3 * 7'777;
  CHECK(h.sum() == expected);
  CHECK(h.mean() == Approx(static_cast<double>(1'234'567 + 2'000'001 + 3'000 + 3 * 7'777) / 6));
}

TEST_CASE("histogram: record with a count equals repeated records, a zero count is ignored",
          "[metrics][histogram]") {
  histogram a, b;
  a.record(55'555, 4);
  a.record(99'999, 0);
  for (int i = 0; i < 4; ++i) b.record(55'555);
  CHECK(a == b);
}

TEST_CASE("histogram: percentiles of seeded uniform values are within the stated precision",
          "[metrics][histogram]") {
  std::mt19937_64 rng(20240601);
  std::uniform_int_distribution<std::int64_t> dist(1'000, 10'000'000'000);
  std::vector<std::int64_t> values(50'000);
  for (auto& v : values) v = dist(rng);
  check_against_exact_sort(record_all(values), values);
}

TEST_CASE("histogram: percentiles of seeded log-normal latencies are within the precision",
          "[metrics][histogram]") {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(std::log(2'000'000.0), 1.2);  // ~2 ms median
  std::vector<std::int64_t> values(40'000);
  for (auto& v : values) v = static_cast<std::int64_t>(dist(rng));
  for (const int digits : {2, 3, 4}) {
    const histogram_layout layout{1'000, 3'600'000'000'000, digits};
    INFO("digits " << digits);
    check_against_exact_sort(record_all(values, layout), values);
  }
}

TEST_CASE("histogram: adversarial distributions stay within the precision",
          "[metrics][histogram]") {
  std::mt19937_64 rng(99);
  std::vector<std::int64_t> values;
  SECTION("constant") { values.assign(1'000, 4'321'987); }
  SECTION("single value") { values.assign(1, 123'456'789); }
  SECTION("two values") { values = {1'000'000, 9'000'000}; }
  SECTION("bimodal: 99.5 % fast, 0.5 % slow") {
    std::normal_distribution<double> fast(800'000, 50'000), slow(2'500'000'000, 1e8);
    for (int i = 0; i < 20'000; ++i) {
      values.push_back(static_cast<std::int64_t>(i % 200 == 0 ? slow(rng) : fast(rng)));
    }
  }
  SECTION("heavy tail (Pareto, alpha 1.1)") {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int i = 0; i < 30'000; ++i) {
      const double x = 100'000.0 / std::pow(1.0 - u(rng), 1 / 1.1);
      values.push_back(static_cast<std::int64_t>(std::min(x, 1e16)));  // some clamp (overflow)
    }
  }
  SECTION("values at the edges of the range") {
    const histogram_layout l;
    values = {l.lowest_discernible, l.lowest_discernible + 1, l.highest_trackable - 1,
              l.highest_trackable,  l.highest_trackable,      l.lowest_discernible};
  }
  SECTION("every value in a small range") {
    for (std::int64_t v = 1'000; v < 70'000; v += 7) values.push_back(v);
  }
  check_against_exact_sort(record_all(values), values);
}

TEST_CASE("histogram: p0 is the exact minimum and p100 the exact maximum", "[metrics][histogram]") {
  histogram h;
  h.record(1'234'567'891);
  h.record(3'333'333'333);
  h.record(2'000'000'001);
  CHECK(h.value_at_percentile(0) == 1'234'567'891);
  CHECK(h.value_at_percentile(100) == 3'333'333'333);
  CHECK(h.value_at_percentile(-5) == 1'234'567'891);
  CHECK(h.value_at_percentile(250) == 3'333'333'333);
  CHECK(h.value_at_percentile(std::nan("")) == 1'234'567'891);
}

TEST_CASE("histogram: nearest rank is exact at decimal percentiles", "[metrics][histogram]") {
  // 10 000 distinct values below 2048 ns sit in unit-wide buckets, so every percentile is
  // exact; 99.9 % of 10 000 is rank 9990, not 9991 (a floating-point trap).
  histogram h(histogram_layout{1, 1'000'000, 3});
  std::vector<std::int64_t> v;
  for (std::int64_t i = 1; i <= 2'000; ++i) v.push_back(i);
  for (const std::int64_t x : v) h.record(x, 5);
  CHECK(h.count() == 10'000);
  CHECK(h.value_at_percentile(99.9) == 1'998);
  CHECK(h.value_at_percentile(50) == 1'000);
  CHECK(h.value_at_percentile(0.01) == 1);
  CHECK(h.value_at_percentile(0.05) == 1);
  CHECK(h.value_at_percentile(0.06) == 2);
}

TEST_CASE("histogram: out-of-range values are clamped and counted", "[metrics][histogram]") {
  const histogram_layout l{1'000, 1'000'000'000, 3};
  histogram h(l);
  h.record(5);
  h.record(-42);
  h.record(0, 2);
  h.record(2'000'000'000);
  h.record(std::numeric_limits<std::int64_t>::max());
  h.record(500'000);
  CHECK(h.count() == 7);
  CHECK(h.underflow_count() == 4);
  CHECK(h.overflow_count() == 2);
  CHECK(h.min() == l.lowest_discernible);
  CHECK(h.max() == l.highest_trackable);
  const relayload::metrics::uint128 expected =
      4 * static_cast<relayload::metrics::uint128>(1'000) + 2 * 1'000'000'000ULL + 500'000;
  CHECK(h.sum() == expected);
  CHECK(h.value_at_percentile(100) == l.highest_trackable);
  CHECK(h.value_at_percentile(50) == l.lowest_discernible);
}

TEST_CASE("histogram: every bucket meets the precision guarantee", "[metrics][histogram]") {
  for (const histogram_layout l :
       {histogram_layout{}, histogram_layout::for_intervals(), histogram_layout{1, 1'000'000, 1},
        histogram_layout{1'000'000, 60'000'000'000, 4}, histogram_layout{3, (1LL << 62) - 1, 2}}) {
    INFO("layout " << l.lowest_discernible << ".." << l.highest_trackable << " d"
                   << l.significant_digits);
    const histogram h(l);
    const std::int64_t scale = pow10(l.significant_digits);
    for (double f = static_cast<double>(l.lowest_discernible);
         f <= static_cast<double>(l.highest_trackable); f *= 1.013) {
      const auto v = std::min(static_cast<std::int64_t>(f), l.highest_trackable);
      const std::int64_t lo = h.lowest_equivalent(v), hi = h.highest_equivalent(v);
      REQUIRE(lo <= v);
      REQUIRE(v <= hi);
      REQUIRE((hi - lo) * scale < std::max(scale, v));
    }
    CHECK(h.highest_equivalent(l.highest_trackable) >= l.highest_trackable);
  }
}

TEST_CASE("histogram: buckets() lists the non-empty buckets in order", "[metrics][histogram]") {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<std::int64_t> dist(1'000, 50'000'000);
  std::vector<std::int64_t> values(5'000);
  for (auto& v : values) v = dist(rng);
  const histogram h = record_all(values);
  std::uint64_t total = 0;
  std::int64_t previous_high = -1;
  std::size_t n = 0;
  for (const histogram_bucket b : h.buckets()) {
    CHECK(b.count > 0);
    CHECK(b.lowest > previous_high);
    CHECK(b.lowest <= b.highest);
    previous_high = b.highest;
    total += b.count;
    ++n;
  }
  CHECK(total == h.count());
  // Every value falls into a listed bucket and the counts add up per bucket.
  for (const histogram_bucket b : h.buckets()) {
    const auto in_bucket = std::count_if(values.begin(), values.end(), [&](std::int64_t v) {
      return v >= b.lowest && v <= b.highest;
    });
    REQUIRE(static_cast<std::uint64_t>(in_bucket) == b.count);
  }
  CHECK(n > 100);
}

TEST_CASE("histogram: merge equals recording everything into one", "[metrics][histogram]") {
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> dist(std::log(5'000'000.0), 1.0);
  histogram all, shard_a, shard_b, shard_c;
  std::vector<std::int64_t> values;
  for (int i = 0; i < 30'000; ++i) {
    const auto v = static_cast<std::int64_t>(dist(rng));
    values.push_back(v);
    all.record(v);
    (i % 3 == 0 ? shard_a : i % 3 == 1 ? shard_b : shard_c).record(v);
  }
  shard_c.record(1);  // underflow and overflow travel too
  shard_b.record(std::numeric_limits<std::int64_t>::max());
  all.record(1);
  all.record(std::numeric_limits<std::int64_t>::max());

  histogram merged = shard_a;
  REQUIRE(merged.merge(shard_b));
  REQUIRE(merged.merge(shard_c));
  CHECK(merged == all);
  CHECK(std::equal(merged.buckets().begin(), merged.buckets().end(), all.buckets().begin(),
                   all.buckets().end()));
  for (const pct p : checked_percentiles) {
    CHECK(merged.value_at_percentile(p.value()) == all.value_at_percentile(p.value()));
  }
  CHECK(merged.underflow_count() == 1);
  CHECK(merged.overflow_count() == 1);

  histogram with_empty = all;
  REQUIRE(with_empty.merge(histogram{}));
  CHECK(with_empty == all);
  histogram empty;
  REQUIRE(empty.merge(all));
  CHECK(empty == all);
}

TEST_CASE("histogram: merge refuses mismatched layouts and leaves the target unchanged",
          "[metrics][histogram]") {
  histogram a;
  a.record(5'000'000);
  const histogram before = a;
  for (const histogram_layout other : {histogram_layout{1'000, 3'600'000'000'000, 2},
                                       histogram_layout{1'001, 3'600'000'000'000, 3},
                                       histogram_layout{1'000, 3'600'000'000'001, 3}}) {
    histogram b(other);
    b.record(5'000'000);
    const auto r = a.merge(b);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::layout_mismatch);
    CHECK(a == before);
  }
}

TEST_CASE("histogram: merge refuses a total count that would overflow", "[metrics][histogram]") {
  histogram a, b;
  a.record(10'000, std::numeric_limits<std::uint64_t>::max() - 1);
  b.record(10'000, 2);
  const histogram before = a;
  const auto r = a.merge(b);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);
  CHECK(a == before);
}

TEST_CASE("histogram: reset forgets everything but keeps the layout", "[metrics][histogram]") {
  const histogram_layout l{10, 1'000'000, 2};
  histogram h(l);
  h.record(5);
  h.record(77'777);
  h.reset();
  CHECK(h == histogram(l));
  CHECK(h.layout() == l);
  h.record(100);
  CHECK(h.min() == 100);
  CHECK(h.max() == 100);
}

TEST_CASE("histogram: equality looks at data and layout", "[metrics][histogram]") {
  histogram a, b;
  CHECK(a == b);
  a.record(1'000'000);
  CHECK(a != b);
  b.record(1'000'000);
  CHECK(a == b);
  b.record(1'000'001);
  a.record(1'000'000);  // the same bucket, but max and sum differ
  CHECK(a != b);
  CHECK(histogram(histogram_layout{1'000, 3'600'000'000'000, 2}) != histogram());
}

TEST_CASE("histogram_layout: validate lists every problem, construction refuses bad layouts",
          "[metrics][histogram]") {
  CHECK(histogram_layout{}.validate().empty());
  CHECK(histogram_layout{}.valid());
  CHECK(histogram_layout::for_intervals().valid());
  CHECK(histogram_layout{}.bucket_count() == 33'792);                // ~270 KiB of counts
  CHECK(histogram_layout::for_intervals().bucket_count() == 4'352);  // ~35 KiB

  const histogram_layout bad{0, 1, 0};
  const auto problems = bad.validate();
  CHECK(problems.size() == 3);  // digits, lowest, and highest < 2 × lowest
  CHECK_FALSE(bad.valid());
  CHECK(bad.bucket_count() == 0);

  CHECK_FALSE(histogram_layout{1'000, 3'600'000'000'000, 6}.valid());
  CHECK_FALSE(histogram_layout{1'000, 1'999, 3}.valid());
  CHECK_FALSE(histogram_layout{1, std::numeric_limits<std::int64_t>::max(), 1}.valid());
  const histogram_layout too_big{1, 1LL << 40, 5};  // needs more than max_bucket_count
  REQUIRE(too_big.validate().size() == 1);
  CHECK(too_big.validate().front().find("buckets") != std::string::npos);

  CHECK_THROWS_AS(histogram(bad), std::system_error);
  const auto r = histogram::create(too_big);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);
  CHECK(histogram::create(histogram_layout{}).has_value());
}
