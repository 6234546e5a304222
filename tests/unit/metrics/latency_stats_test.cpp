#include "relayload/metrics/latency_stats.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>

#include "relayload/metrics/histogram.hpp"
#include "relayload/metrics/latency_summary.hpp"

using relayload::metrics::histogram;
using relayload::metrics::latency_stats;
using relayload::metrics::latency_summary;
using relayload::metrics::round_to_ms;

namespace {
constexpr std::int64_t ms = 1'000'000;
}

TEST_CASE("latency_stats: an empty histogram has no data (written as null)", "[metrics][stats]") {
  CHECK_FALSE(latency_stats::from(histogram{}).has_value());
  CHECK_FALSE(latency_summary::from(histogram{}).has_value());
}

TEST_CASE("latency_stats: milliseconds are rounded to nearest, halves up", "[metrics][stats]") {
  CHECK(round_to_ms(0) == 0);
  CHECK(round_to_ms(499'999) == 0);
  CHECK(round_to_ms(500'000) == 1);
  CHECK(round_to_ms(1'499'999) == 1);
  CHECK(round_to_ms(1'500'000) == 2);
  CHECK(round_to_ms(-500'000) == -1);

  // min and max are exact, so they round exactly.
  histogram h;
  h.record(1'499'999);
  h.record(2'500'000);
  const auto s = latency_stats::from(h);
  REQUIRE(s);
  CHECK(s->min == 1);
  CHECK(s->max == 3);
}

TEST_CASE("latency_stats: avg is rounded from the exact mean", "[metrics][stats]") {
  histogram a;
  a.record(1 * ms);
  a.record(2 * ms);  // mean 1.5 ms exactly: rounds up
  CHECK(latency_stats::from(a)->avg == 2);
  histogram b;
  b.record(1 * ms);
  b.record(2 * ms - 2);  // mean 1.499999 ms
  CHECK(latency_stats::from(b)->avg == 1);
}

TEST_CASE("latency_stats: percentiles use nearest rank, so p99 shows a lone outlier",
          "[metrics][stats]") {
  histogram h;
  for (std::int64_t i = 1; i <= 10; ++i) h.record(i * ms);
  const auto s = latency_stats::from(h);
  REQUIRE(s);
  CHECK(*s == latency_stats{1, 10, 6, 5, 10, 10});  // avg 5.5 → 6
  // (The original's floor((n-1)·p) would have said p95 = p99 = 9.)

  histogram two;
  two.record(1 * ms);
  two.record(40 * ms);
  const auto t = latency_stats::from(two);
  CHECK(t->p50 == 1);
  CHECK(t->p95 == 40);
  CHECK(t->p99 == 40);
}

TEST_CASE("latency_stats: values come from the histogram within its precision",
          "[metrics][stats]") {
  histogram h;
  for (int i = 0; i < 1000; ++i) h.record(123 * ms + 456'789);  // 123.456789 ms
  const auto s = latency_stats::from(h);
  REQUIRE(s);
  CHECK(*s == latency_stats{123, 123, 123, 123, 123, 123});
}

TEST_CASE("latency_summary: nanosecond figures, sample count and clamped counts",
          "[metrics][stats]") {
  histogram h;
  for (std::int64_t i = 1; i <= 1000; ++i) h.record(i * 1'000);  // 1 µs .. 1 ms
  h.record(1);                                                   // underflow
  const auto s = latency_summary::from(h);
  REQUIRE(s);
  CHECK(s->count == 1001);
  CHECK(s->underflow == 1);
  CHECK(s->overflow == 0);
  CHECK(s->min == 1'000);
  CHECK(s->max == 1'000'000);
  CHECK(s->mean == Approx((500'500'000.0 + 1'000.0) / 1001));
  // rank 501 of 1001 is the value 500 µs (the clamped one is 1 µs, first); bucket tops
  // lie at most 0.1 % above.
  CHECK(s->p50 >= 500'000);
  CHECK(s->p50 < 500'500);
  CHECK(s->p999 >= 999'000);
  CHECK(s->p999 <= 1'000'000);
  CHECK(s->p90 <= s->p95);
  CHECK(s->p95 <= s->p99);
  CHECK(s->p99 <= s->p999);
}
