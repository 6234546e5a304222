#include "relayload/pacing/staircase_schedule.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <vector>

#include "relayload/error.hpp"
#include "relayload/pacing/constant_rate_schedule.hpp"
#include "relayload/pacing/rate.hpp"

using namespace std::chrono_literals;
using relayload::errc;
using relayload::pacing::constant_rate_schedule;
using relayload::pacing::rate;
using relayload::pacing::staircase_schedule;
using ns = std::chrono::nanoseconds;

TEST_CASE("staircase: start at r0 and add dr every T up to rmax", "[pacing]") {
  // 100/s, 200/s, … 500/s, one second each.
  auto s = staircase_schedule::linear(rate::per_second(100), rate::per_second(100), 1s,
                                      rate::per_second(500));
  REQUIRE(s);
  REQUIRE(s->step_count() == 5);
  CHECK(s->size() == 100 + 200 + 300 + 400 + 500);
  CHECK(s->span() == 5s);
  for (std::size_t k = 0; k < 5; ++k) {
    CHECK(s->step(k).size() == 100 * (k + 1));
    CHECK(s->step_start(k) == ns(std::chrono::seconds(k)));
    // The first event of each step is exactly at the step's start.
    CHECK(s->offset(s->step_first_index(k)) == s->step_start(k));
    CHECK(s->step_of(s->step_first_index(k)) == k);
  }
  // Inside step 2 (300/s, from 2 s): the 31st event of the step is 100 ms in.
  CHECK(s->offset(s->step_first_index(2) + 30) == 2s + 100ms);
  // The last event: step 4 at 500/s, 499 · 2 ms after 4 s.
  CHECK(s->offset(s->size() - 1) == 4s + 998ms);
  CHECK(s->step_of(s->size() - 1) == 4);
}

TEST_CASE("staircase: offsets are absolute and non-decreasing across steps", "[pacing]") {
  auto s = staircase_schedule::linear(rate::per_second(3), rate::per_second(7), 1s + 1ns,
                                      rate::per_second(80));
  REQUIRE(s);
  ns previous(-1);
  bool ordered = true;
  for (std::uint64_t i = 0; i < s->size(); ++i) {
    const ns o = s->offset(i);
    ordered = ordered && o >= previous && o < s->span();
    const std::size_t k = s->step_of(i);
    // Each event lies in its own step's window.
    ordered = ordered && o >= s->step_start(k) && o < s->step_start(k) + s->step(k).span();
    previous = o;
  }
  CHECK(ordered);
  CHECK(s->step_count() == 12);  // 3, 10, …, 80
}

TEST_CASE("staircase: a rate step that does not divide evenly keeps its whole count", "[pacing]") {
  // 1.5/s for 1 s then 1.5/s for 1 s: 2 events in each window (0, 0.67 s | 1, 1.67 s).
  const auto r = *rate::from_double(1.5);
  auto s = staircase_schedule::from_steps(
      {*constant_rate_schedule::for_duration(r, 1s), *constant_rate_schedule::for_duration(r, 1s)});
  REQUIRE(s);
  CHECK(s->size() == 4);
  CHECK(s->offset(2) == 1s);
  CHECK(s->offset(3) == 1s + 666'666'666ns);
}

TEST_CASE("staircase: count increments schedule exactly the total", "[pacing]") {
  // 1000 connections, then 500 more per 2 s step, up to 2200: 1000, 500, 500, 200.
  auto s = staircase_schedule::increments(1000, 500, 2s, 2200);
  REQUIRE(s);
  REQUIRE(s->step_count() == 4);
  CHECK(s->size() == 2200);
  CHECK(s->step(0).size() == 1000);
  CHECK(s->step(1).size() == 500);
  CHECK(s->step(3).size() == 200);
  CHECK(s->step_start(3) == 6s);
  CHECK(s->offset(1000) == 2s);        // first of step 1
  CHECK(s->offset(1001) == 2s + 4ms);  // 500 over 2 s: every 4 ms
  CHECK(s->offset(2199) == 6s + 1990ms);
}

TEST_CASE("staircase: empty steps are idle windows", "[pacing]") {
  auto s = staircase_schedule::linear(rate{}, rate::per_second(2), 1s, rate::per_second(2));
  REQUIRE(s);
  REQUIRE(s->step_count() == 2);
  CHECK(s->step(0).empty());
  CHECK(s->size() == 2);
  CHECK(s->offset(0) == 1s);
  CHECK(s->offset(1) == 1500ms);
  CHECK(s->step_of(0) == 1);

  auto with_trailing = staircase_schedule::from_steps(
      {*constant_rate_schedule::spread(2, 1s), *constant_rate_schedule::spread(0, 1s),
       *constant_rate_schedule::spread(1, 1s), *constant_rate_schedule::spread(0, 1s)});
  REQUIRE(with_trailing);
  CHECK(with_trailing->size() == 3);
  CHECK(with_trailing->offset(2) == 2s);
  CHECK(with_trailing->step_of(2) == 2);
  CHECK(with_trailing->span() == 4s);

  CHECK(staircase_schedule().empty());
}

TEST_CASE("staircase: a single step when start equals max", "[pacing]") {
  auto s = staircase_schedule::linear(rate::per_second(10), rate{}, 1s, rate::per_second(10));
  REQUIRE(s);
  CHECK(s->step_count() == 1);
  CHECK(s->size() == 10);
}

TEST_CASE("staircase: unusable arguments are rejected", "[pacing]") {
  const rate r = rate::per_second(10);
  CHECK(staircase_schedule::linear(r, rate{}, 1s, rate::per_second(20)).error() ==
        errc::invalid_argument);  // would never reach max
  CHECK(staircase_schedule::linear(rate::per_second(30), r, 1s, rate::per_second(20)).error() ==
        errc::invalid_argument);  // start above max
  CHECK(staircase_schedule::linear(r, r, 0s, rate::per_second(20)).error() ==
        errc::invalid_argument);
  CHECK(staircase_schedule::linear(rate{}, rate::from_micro_hz(1), 1s, rate::per_second(1000))
            .error() == errc::invalid_argument);  // a billion steps
  CHECK(staircase_schedule::increments(10, 0, 1s, 20).error() == errc::invalid_argument);
  CHECK(staircase_schedule::increments(30, 5, 1s, 20).error() == errc::invalid_argument);
  CHECK(staircase_schedule::increments(10, 5, -1s, 20).error() == errc::invalid_argument);
  CHECK(staircase_schedule::increments(0, 1, 1s, UINT64_MAX).error() == errc::invalid_argument);
  // Spans that together pass 292 years.
  const auto long_step = *constant_rate_schedule::spread(1, ns::max());
  CHECK(staircase_schedule::from_steps({long_step, long_step}).error() == errc::invalid_argument);
}
