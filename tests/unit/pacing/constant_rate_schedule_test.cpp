#include "relayload/pacing/constant_rate_schedule.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>

#include "relayload/error.hpp"
#include "relayload/pacing/rate.hpp"

using namespace std::chrono_literals;
using relayload::errc;
using relayload::pacing::constant_rate_schedule;
using relayload::pacing::rate;
using ns = std::chrono::nanoseconds;

TEST_CASE("spread: one million starts over a ramp land exactly on floor(i R / N) with no drift",
          "[pacing]") {
  // 1,000,000 starts over 7 s: the gap, 7 µs, is whole; then 1,000,000 over 1 s + 1 ns,
  // whose gap (1000.000001 ns) a relative re-arming timer would truncate, losing 1 ns
  // per 1000 events.
  const std::uint64_t n = 1'000'000;
  for (const ns ramp : {ns(7s), ns(1s) + 1ns, ns(3s) + 333ns}) {
    auto s = constant_rate_schedule::spread(n, ramp);
    REQUIRE(s);
    REQUIRE(s->size() == n);
    CHECK(s->span() == ramp);
    const auto r = static_cast<std::uint64_t>(ramp.count());
    ns previous(0);
    bool all_exact = true;
    bool monotonic = true;
    for (std::uint64_t i = 0; i < n; ++i) {
      const ns o = s->offset(i);
      // i·R < 2^63 here, so plain 64-bit arithmetic gives the reference value.
      all_exact = all_exact && o.count() == static_cast<std::int64_t>(i * r / n);
      monotonic = monotonic && o >= previous;
      previous = o;
    }
    CHECK(all_exact);
    CHECK(monotonic);
    CHECK(s->offset(0) == 0ns);
    CHECK(s->offset(n - 1).count() == static_cast<std::int64_t>((n - 1) * r / n));
    CHECK(s->offset(n - 1) < ramp);
  }
}

TEST_CASE("spread: the original ramp-up meaning puts start i at i R / N", "[pacing]") {
  // 10 connections over 1 s start every 100 ms, the last at 900 ms (not at 1 s).
  auto s = constant_rate_schedule::spread(10, 1s);
  REQUIRE(s);
  CHECK(s->offset(0) == 0ms);
  CHECK(s->offset(1) == 100ms);
  CHECK(s->offset(9) == 900ms);

  // 3 over 1 s: the remainder is not dropped, offsets stay exact.
  auto t = constant_rate_schedule::spread(3, 1s);
  REQUIRE(t);
  CHECK(t->offset(1) == 333'333'333ns);
  CHECK(t->offset(2) == 666'666'666ns);
}

TEST_CASE("spread: a zero ramp starts everything at once and zero events is empty", "[pacing]") {
  auto s = constant_rate_schedule::spread(5000, 0s);
  REQUIRE(s);
  CHECK(s->size() == 5000);
  for (std::uint64_t i = 0; i < s->size(); ++i) REQUIRE(s->offset(i) == 0ns);

  auto empty = constant_rate_schedule::spread(0, 10s);
  REQUIRE(empty);
  CHECK(empty->empty());
  CHECK(constant_rate_schedule().empty());
}

TEST_CASE("spread: a negative ramp is an invalid argument", "[pacing]") {
  CHECK(constant_rate_schedule::spread(10, -1ns).error() == errc::invalid_argument);
}

TEST_CASE("spread: products beyond 64 bits are still exact", "[pacing]") {
  // N = 2^33 over R = 2^62 ns: i·R overflows 64 bits for i >= 2, the exact answer is i·2^29.
  const std::uint64_t n = std::uint64_t{1} << 33;
  auto s = constant_rate_schedule::spread(n, ns(std::int64_t{1} << 62));
  REQUIRE(s);
  CHECK(s->offset(n - 1).count() == static_cast<std::int64_t>((n - 1) << 29));
  CHECK(s->offset(12345).count() == static_cast<std::int64_t>(std::uint64_t{12345} << 29));
}

TEST_CASE("for_count: one million events at a constant rate end exactly where they should",
          "[pacing]") {
  // 3000/s: the interval is 333,333.33 ns. A timer re-armed from a truncated 333,333 ns
  // would be 333 µs early after a million events; the schedule is exact.
  const std::uint64_t n = 1'000'000;
  auto s = constant_rate_schedule::for_count(rate::per_second(3000), n);
  REQUIRE(s);
  REQUIRE(s->size() == n);
  CHECK(s->offset(n - 1) == ns(333'333'000'000));  // floor(999,999 · 1e9 / 3000)
  CHECK(s->offset(3) == 1ms);
  CHECK(s->span() == ns(333'333'333'333));  // floor(1e6 · 1e9 / 3000)

  bool all_exact = true;
  for (std::uint64_t i = 0; i < n; ++i) {
    all_exact =
        all_exact && s->offset(i).count() == static_cast<std::int64_t>(i * 1'000'000'000ULL / 3000);
  }
  CHECK(all_exact);
}

TEST_CASE("for_count: a fractional rate is exact too", "[pacing]") {
  auto r = rate::from_double(1.5);
  REQUIRE(r);
  auto s = constant_rate_schedule::for_count(*r, 4);
  REQUIRE(s);
  CHECK(s->offset(1) == 666'666'666ns);
  CHECK(s->offset(3) == 2s);
}

TEST_CASE("for_count: zero events is empty and a zero rate or overflowing span is rejected",
          "[pacing]") {
  auto empty = constant_rate_schedule::for_count(rate{}, 0);
  REQUIRE(empty);
  CHECK(empty->empty());
  CHECK(constant_rate_schedule::for_count(rate{}, 1).error() == errc::invalid_argument);
  // 1 µHz means one event every 1e15 ns: 10,000 of them are beyond 292 years.
  CHECK(constant_rate_schedule::for_count(rate::from_micro_hz(1), 10'000).error() ==
        errc::invalid_argument);
}

TEST_CASE("for_duration: count is the events in the window from 0 to D (exactly r D when whole)",
          "[pacing]") {
  auto s = constant_rate_schedule::for_duration(rate::per_second(1000), 1s);
  REQUIRE(s);
  CHECK(s->size() == 1000);
  CHECK(s->offset(999) == 999ms);
  CHECK(s->span() == 1s);

  // 1.5/s for 1 s: events at 0 and 666.67 ms lie in [0, 1 s), the next (1.33 s) does not.
  auto f = constant_rate_schedule::for_duration(*rate::from_double(1.5), 1s);
  REQUIRE(f);
  CHECK(f->size() == 2);

  // 3/s for 1 s + 1 ns: the event at exactly 1 s is inside the window.
  auto g = constant_rate_schedule::for_duration(rate::per_second(3), 1s + 1ns);
  REQUIRE(g);
  CHECK(g->size() == 4);
  CHECK(g->offset(3) == 1s);
}

TEST_CASE("for_duration: a zero rate is an idle window and a negative duration is rejected",
          "[pacing]") {
  auto idle = constant_rate_schedule::for_duration(rate{}, 5s);
  REQUIRE(idle);
  CHECK(idle->empty());
  CHECK(idle->span() == 5s);
  CHECK(constant_rate_schedule::for_duration(rate::per_second(1), -1s).error() ==
        errc::invalid_argument);
}
