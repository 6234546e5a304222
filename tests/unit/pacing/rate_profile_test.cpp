#include "relayload/pacing/rate_profile.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "relayload/error.hpp"
#include "relayload/pacing/constant_rate_schedule.hpp"
#include "relayload/pacing/pacer.hpp"
#include "relayload/pacing/poisson_profile_schedule.hpp"
#include "relayload/pacing/poisson_schedule.hpp"
#include "relayload/pacing/profile_schedule.hpp"
#include "relayload/pacing/rate.hpp"
#include "relayload/pacing/schedule.hpp"
#include "relayload/pacing/shard.hpp"
#include "relayload/pacing/staircase_schedule.hpp"

using namespace std::chrono_literals;
using relayload::errc;
using relayload::pacing::constant_rate_schedule;
using relayload::pacing::pacer;
using relayload::pacing::poisson_profile_schedule;
using relayload::pacing::poisson_schedule;
using relayload::pacing::profile_schedule;
using relayload::pacing::rate;
using relayload::pacing::rate_profile;
using relayload::pacing::schedule;
using relayload::pacing::scheduled_event;
using relayload::pacing::shard;
using relayload::pacing::staircase_schedule;
using ns = std::chrono::nanoseconds;
using stages = std::vector<std::pair<ns, rate>>;

namespace {

__extension__ typedef unsigned __int128 u128;

// floor(sqrt(n)) by bisection: an independent reference for the ramps' closed forms.
std::uint64_t isqrt(u128 n) {
  std::uint64_t lo = 0;
  std::uint64_t hi = std::uint64_t{1} << 63;  // hi² > n for every n used here
  while (hi - lo > 1) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (static_cast<u128>(mid) * mid <= n) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

std::uint64_t isqrt_ceil(u128 n) {
  const std::uint64_t r = isqrt(n);
  return static_cast<u128>(r) * r == n ? r : r + 1;
}

rate per_second(std::uint64_t n) { return rate::per_second(n); }

std::vector<ns> offsets(const profile_schedule& s) {
  std::vector<ns> out;
  for (std::uint64_t i = 0; i < s.size(); ++i) out.push_back(s.offset(i));
  return out;
}

std::vector<ns> offsets(poisson_profile_schedule p) {
  std::vector<ns> out;
  for (; !p.done(); p.advance()) out.push_back(p.offset());
  return out;
}

std::vector<scheduled_event> drain(schedule s) {
  std::vector<scheduled_event> out;
  while (auto e = s.next()) out.push_back(*e);
  return out;
}

}  // namespace

TEST_CASE("rate_profile: a ramp 0 to 100/s over 10 s has 500 events, event k at sqrt(2k/10) s",
          "[pacing]") {
  const auto ramp = rate_profile::from_stages({{10s, per_second(100)}});
  REQUIRE(ramp);
  CHECK(ramp->span() == 10s);
  CHECK(ramp->total_events() == Approx(500.0));
  CHECK(ramp->event_count() == 500);
  CHECK(ramp->events_before(5s) == Approx(125.0));  // Λ(t) = 5 t²
  CHECK(ramp->events_before(-1s) == 0);
  CHECK(ramp->events_before(1h) == Approx(500.0));
  CHECK(ramp->rate_at(2500ms) == per_second(25));
  CHECK(ramp->rate_at(10s) == rate{});

  const profile_schedule s(*ramp);
  REQUIRE(s.size() == 500);
  // Whole seconds where 2k/10 is a square: exact, not "within 1 ns".
  CHECK(s.offset(0) == 0ns);
  CHECK(s.offset(5) == 1s);
  CHECK(s.offset(20) == 2s);
  CHECK(s.offset(45) == 3s);
  CHECK(s.offset(125) == 5s);
  CHECK(s.offset(405) == 9s);
  // sqrt(99.8) s = 9.989994994993742… s.
  CHECK(s.offset(499) == 9'989'994'994ns);
  // Every event: t_k = sqrt(k/5) s, i.e. floor(sqrt(k · 2e17)) ns.
  bool all_exact = true;
  for (std::uint64_t k = 0; k < 500; ++k) {
    all_exact = all_exact && s.offset(k).count() ==
                                 static_cast<std::int64_t>(isqrt(static_cast<u128>(k) * 2e17));
  }
  CHECK(all_exact);
}

TEST_CASE("rate_profile: a chain of stages ramps up, holds and ramps down", "[pacing]") {
  const auto p =
      rate_profile::from_stages({{10s, per_second(100)}, {10s, per_second(100)}, {10s, rate{}}});
  REQUIRE(p);
  REQUIRE(p->segments().size() == 3);
  CHECK(p->segments()[1].start == per_second(100));
  CHECK(p->segments()[2].start == per_second(100));
  CHECK(p->segments()[2].end == rate{});
  CHECK(p->segment_start(2) == 20s);
  CHECK(p->event_count() == 500 + 1000 + 500);
  const profile_schedule s(*p);
  CHECK(s.offset(500) == 10s);
  CHECK(s.offset(501) == 10s + 10ms);
  CHECK(s.offset(1500) == 20s);
  // Down from 100/s to 0 over 10 s: 100τ − 5τ² = m, so τ = 10 − sqrt(100 − m/5) s.
  CHECK(s.offset(1500 + 375) == 25s);
  CHECK(s.offset(1500 + 480) == 28s);
  bool all_exact = true;
  for (std::uint64_t m = 0; m < 500; ++m) {
    // floor(1e10 − sqrt(1e20 − 2e17·m)) = 1e10 − ceil(sqrt(…)) ns after 20 s.
    const std::uint64_t root = isqrt_ceil(static_cast<u128>(1e20) - static_cast<u128>(2e17) * m);
    all_exact = all_exact && s.offset(1500 + m) == 20s + ns(10'000'000'000 - root);
  }
  CHECK(all_exact);
  CHECK(s.offset(1999) < 30s);
  CHECK(p->rate_at(25s) == per_second(50));
}

TEST_CASE("rate_profile: awkward rates and lengths keep every offset exact and in order",
          "[pacing]") {
  // 0 up to 7.3/s over 12.345678901 s, a jump to 12,345.678/s, then down to 0.5/s over 3 s.
  const auto p = rate_profile::from_stages({{12'345'678'901ns, rate::from_micro_hz(7'300'000)},
                                            {0ns, rate::from_micro_hz(12'345'678'000)},
                                            {3s, rate::from_micro_hz(500'000)}});
  REQUIRE(p);
  const profile_schedule s(*p);
  REQUIRE(s.size() == static_cast<std::uint64_t>(std::ceil(p->total_events())));
  // offset(k) = floor(t_k): Λ(offset) <= k < Λ(offset + 1 ns). Checked with the long double
  // integral, to its precision.
  bool floors = true;
  bool ordered = true;
  ns previous(0);
  for (std::uint64_t k = 0; k < s.size(); ++k) {
    const ns o = s.offset(k);
    const auto x = static_cast<long double>(k);
    floors = floors && p->events_before(o) <= x + 1e-9L && p->events_before(o + 1ns) > x - 1e-9L;
    ordered = ordered && o >= previous && o < p->span();
    previous = o;
  }
  CHECK(floors);
  CHECK(ordered);
}

TEST_CASE("rate_profile: zero-length segments are instant jumps", "[pacing]") {
  using seg = rate_profile::segment;
  const auto jumps = rate_profile::from_segments(
      {seg{0ns, rate{}, per_second(100)}, seg{1s, per_second(100), per_second(100)},
       seg{0ns, per_second(100), per_second(300)}, seg{0ns, per_second(300), per_second(300)},
       seg{1s, per_second(300), per_second(300)}});
  REQUIRE(jumps);
  CHECK(jumps->span() == 2s);
  CHECK(jumps->event_count() == 400);
  CHECK(jumps->rate_at(0ns) == per_second(100));
  CHECK(jumps->rate_at(1s - 1ns) == per_second(100));
  CHECK(jumps->rate_at(1s) == per_second(300));  // right-continuous
  const profile_schedule s(*jumps);
  CHECK(s.offset(99) == 990ms);
  CHECK(s.offset(100) == 1s);
  CHECK(s.offset(103) == 1s + 10ms);
  // The same profile without the empty segments has the same events.
  const auto plain = rate_profile::steps({{1s, per_second(100)}, {1s, per_second(300)}});
  REQUIRE(plain);
  CHECK(offsets(s) == offsets(profile_schedule(*plain)));
  CHECK(*jumps != *plain);  // equality is by segments

  // k6: a zero-duration stage jumps to its target, and the next stage starts from there.
  const auto k6 = rate_profile::from_stages(
      {{1s, per_second(200)}, {0s, per_second(50)}, {2s, per_second(50)}});
  REQUIRE(k6);
  CHECK(k6->event_count() == 100 + 100);
  CHECK(profile_schedule(*k6).offset(100) == 1s);
  CHECK(profile_schedule(*k6).offset(101) == 1s + 20ms);
}

TEST_CASE("rate_profile: steps hold their rates and match a staircase", "[pacing]") {
  const auto p =
      rate_profile::steps({{1s, per_second(100)}, {1s, per_second(200)}, {1s, per_second(300)}});
  REQUIRE(p);
  const auto stairs =
      staircase_schedule::linear(per_second(100), per_second(100), 1s, per_second(300));
  REQUIRE(stairs);
  const profile_schedule s(*p);
  REQUIRE(s.size() == stairs->size());
  bool same = true;
  for (std::uint64_t i = 0; i < s.size(); ++i) same = same && s.offset(i) == stairs->offset(i);
  CHECK(same);

  // An idle step gets no event, not even at its start: events resume at 2 s.
  const auto idle =
      rate_profile::steps({{1s, per_second(100)}, {1s, rate{}}, {1s, per_second(100)}});
  REQUIRE(idle);
  const profile_schedule t(*idle);
  REQUIRE(t.size() == 200);
  CHECK(t.offset(99) == 990ms);
  CHECK(t.offset(100) == 2s);
  CHECK(idle->time_at(100.0L) == ns(2s));

  // A step whose count is not whole carries its fraction into the next: 2.5/s for 1 s then
  // 1/s for 1 s is 3.5 events, so 4: at 0, 0.4 s, 0.8 s, and 1.5 s (where Λ reaches 3).
  const auto carry =
      rate_profile::steps({{1s, rate::from_micro_hz(2'500'000)}, {1s, per_second(1)}});
  REQUIRE(carry);
  CHECK(offsets(profile_schedule(*carry)) == std::vector<ns>{0ns, 400ms, 800ms, 1500ms});
}

TEST_CASE("rate_profile: a constant rate gives exactly constant_rate_schedule::for_duration",
          "[pacing]") {
  const std::vector<std::pair<rate, ns>> cases = {
      {per_second(1000), 1s},
      {per_second(7), 10s + 1ns},
      {rate::from_micro_hz(333'333'333), 3700ms},  // 333.333333/s
      {rate::from_micro_hz(1), 3s},                // not one event per second
      {per_second(1'000'000), 2s},
      {per_second(3'000'000'000), 1ms},  // three events per nanosecond
      {rate{}, 5s},
  };
  for (const auto& [r, d] : cases) {
    const auto p = rate_profile::constant(r, d);
    REQUIRE(p);
    const auto reference = constant_rate_schedule::for_duration(r, d);
    REQUIRE(reference);
    const profile_schedule s(*p);
    REQUIRE(s.size() == reference->size());
    CHECK(s.span() == reference->span());
    bool same = true;
    for (std::uint64_t i = 0; i < s.size(); ++i) same = same && s.offset(i) == reference->offset(i);
    CHECK(same);
    // Through the cursor too, sharded.
    CHECK(drain(*schedule::sharded(s, shard{1, 3})) ==
          drain(*schedule::sharded(*reference, shard{1, 3})));
  }
}

TEST_CASE("rate_profile: the inverse and the integral agree", "[pacing]") {
  const auto ramp = *rate_profile::from_stages({{10s, per_second(100)}});
  CHECK(ramp.time_at(5, 0) == ns(1s));
  CHECK(ramp.time_at(5.0L) == ns(1s));
  CHECK(ramp.time_at(1.25L) == ns(500ms));  // 5 t² = 1.25
  CHECK(ramp.time_at(-3.0L) == ns(0));      // negative counts as zero
  CHECK_FALSE(ramp.time_at(500.0L));        // Λ(span): the end is not inside
  CHECK_FALSE(ramp.time_at(500, 0));
  CHECK(ramp.time_at(499, 999'999'999'999'999));
  CHECK_FALSE(ramp.time_at(std::numeric_limits<long double>::quiet_NaN()));
  CHECK_FALSE(ramp.time_at(std::numeric_limits<long double>::infinity()));
  for (const long double x : {0.001L, 1.0L, 17.5L, 123.456L, 499.9L}) {
    const ns t = *ramp.time_at(x);
    CHECK(ramp.events_before(t) <= x);
    CHECK(ramp.events_before(t + 1ns) > x);
  }
  const rate_profile empty;
  CHECK(empty.span() == 0ns);
  CHECK(empty.event_count() == 0);
  CHECK_FALSE(empty.time_at(0.0L));
  CHECK(profile_schedule().empty());
  CHECK(profile_schedule().profile() == empty);
}

TEST_CASE("rate_profile: unusable profiles are rejected", "[pacing]") {
  using seg = rate_profile::segment;
  CHECK(rate_profile::constant(per_second(1), -1ns).error() == errc::invalid_argument);
  CHECK(rate_profile::from_stages({{1s, per_second(1)}, {-1s, per_second(2)}}).error() ==
        errc::invalid_argument);
  CHECK(rate_profile::steps({{-5s, per_second(1)}}).error() == errc::invalid_argument);
  CHECK(rate_profile::from_segments({seg{-1ns, rate{}, rate{}}}).error() == errc::invalid_argument);
  // More than max_segments.
  const stages many(rate_profile::max_segments + 1, {1ms, per_second(1)});
  CHECK(rate_profile::steps(many).error() == errc::invalid_argument);
  CHECK(rate_profile::from_stages(many).error() == errc::invalid_argument);
  CHECK(rate_profile::steps(stages(rate_profile::max_segments, {1ms, per_second(1)})));
  // Spans that together pass 292 years.
  CHECK(rate_profile::steps({{ns::max(), rate{}}, {1ns, rate{}}}).error() ==
        errc::invalid_argument);
  // More events than 64 bits count: 1.8e13/s for 292 years, or in pieces.
  const rate top = rate::per_second(rate::max_per_second);
  CHECK(rate_profile::constant(top, ns::max()).error() == errc::invalid_argument);
  CHECK(rate_profile::steps({{1'000'000s, top}, {1'000'000s, top}}).error() ==
        errc::invalid_argument);
  // Just inside: 1.8e13/s for 1e6 s is 1.8e19 < 2^64 events.
  const auto big = rate_profile::constant(top, 1'000'000s);
  REQUIRE(big);
  CHECK(big->event_count() == rate::max_per_second * 1'000'000);
  CHECK(profile_schedule(*big).offset(big->event_count() - 1) < 1'000'000s);
}

TEST_CASE("profile schedule: K shards together are exactly the whole schedule", "[pacing]") {
  const auto p = *rate_profile::from_stages(
      {{3s, per_second(2000)}, {2s, per_second(500)}, {0s, per_second(3000)}, {1s, rate{}}});
  const profile_schedule whole(p);
  const std::uint64_t n = whole.size();
  REQUIRE(n == 3000 + 2500 + 1500);
  std::vector<int> seen(n, 0);
  bool offsets_match = true;
  std::uint64_t total = 0;
  for (std::uint32_t k = 0; k < 7; ++k) {
    auto part = schedule::sharded(whole, shard{k, 7});
    REQUIRE(part);
    CHECK(part->size() == shard{k, 7}.size_of(n));
    for (const auto& e : drain(*part)) {
      ++seen[e.index];
      offsets_match = offsets_match && e.offset == whole.offset(e.index);
      ++total;
    }
  }
  CHECK(total == n);
  CHECK(std::count(seen.begin(), seen.end(), 1) == static_cast<std::ptrdiff_t>(n));
  CHECK(offsets_match);
  CHECK(schedule::sharded(whole, shard{7, 7}).error() == errc::invalid_argument);
}

TEST_CASE("poisson profile: the same seed gives the same arrivals, another seed others",
          "[pacing]") {
  const auto p = *rate_profile::from_stages({{10s, per_second(1000)}});
  const auto a = offsets(poisson_profile_schedule(p, 42));
  const auto b = offsets(poisson_profile_schedule(p, 42));
  const auto c = offsets(poisson_profile_schedule(p, 43));
  CHECK(a == b);
  CHECK(a != c);
  REQUIRE_FALSE(a.empty());
  CHECK(a.back() < 10s);
  bool ordered = true;
  for (std::size_t i = 1; i < a.size(); ++i) ordered = ordered && a[i] >= a[i - 1];
  CHECK(ordered);

  // A copy continues the same sequence independently.
  poisson_profile_schedule s(p, 7);
  for (int i = 0; i < 10; ++i) s.advance();
  auto copy = s;
  CHECK(s == copy);
  s.advance();
  copy.advance();
  CHECK(s.offset() == copy.offset());
  CHECK(s.index() == 11);
  CHECK(schedule(s).position() == 11);  // a partly consumed cursor continues where it was

  CHECK(poisson_profile_schedule().done());
  CHECK(poisson_profile_schedule(rate_profile(), 1).done());
  CHECK(poisson_profile_schedule(*rate_profile::constant(rate{}, 10s), 1).done());
  CHECK(schedule(poisson_profile_schedule()).done());
}

TEST_CASE("poisson profile: counts follow the profile's integral", "[pacing]") {
  // A ramp 0 → 1000/s over 100 s: Λ = 50,000 (standard deviation 224) and Λ(50 s) = 12,500
  // (112). The bounds are ±1.5 % and ±3 %, over three standard deviations, and hold for this
  // seed: deterministic, not a flaky statistic.
  const auto ramp = *rate_profile::from_stages({{100s, per_second(1000)}});
  const poisson_profile_schedule p(ramp, 20240601);
  CHECK(p.expected_count() == Approx(50'000.0));
  const auto all = offsets(p);
  CHECK(static_cast<double>(all.size()) == Approx(50'000).epsilon(0.015));
  const auto first_half = std::count_if(all.begin(), all.end(), [](ns t) { return t < 50s; });
  CHECK(static_cast<double>(first_half) == Approx(12'500).epsilon(0.03));
  CHECK(all.back() < 100s);

  // No arrival in an idle stretch.
  const auto idle =
      *rate_profile::steps({{1s, per_second(1000)}, {1s, rate{}}, {1s, per_second(1000)}});
  const auto gaps = offsets(poisson_profile_schedule(idle, 3));
  CHECK(std::none_of(gaps.begin(), gaps.end(), [](ns t) { return t >= 1s && t < 2s; }));
  CHECK(static_cast<double>(gaps.size()) == Approx(2000).epsilon(0.1));
}

TEST_CASE("poisson profile: a constant profile repeats poisson_schedule's arrivals", "[pacing]") {
  // The same draws: the same count, and offsets within a nanosecond (poisson_schedule sums
  // nanoseconds in double, this one events in fixed point).
  for (const std::uint32_t k : {1u, 4u}) {
    const auto profile = *rate_profile::constant(per_second(1000), 20s);
    const auto reference = *poisson_schedule::for_duration(per_second(1000), 20s, 99);
    auto ours = *poisson_profile_schedule(profile, 99).for_shard(shard{k - 1, k});
    auto theirs = *reference.for_shard(shard{k - 1, k});
    std::uint64_t count = 0;
    bool close = true;
    for (; !ours.done() && !theirs.done(); ours.advance(), theirs.advance(), ++count) {
      const auto diff = (ours.offset() - theirs.offset()).count();
      close = close && diff >= -1 && diff <= 1 && ours.index() == theirs.index();
    }
    CHECK(close);
    CHECK(ours.done());
    CHECK(theirs.done());
    CHECK(count > 1000);
  }
}

TEST_CASE("poisson profile: shards are independent and together offer the whole rate", "[pacing]") {
  // 2000/s ramping down to 0 over 40 s: Λ = 40,000 (standard deviation 200).
  const auto profile =
      *rate_profile::from_segments({rate_profile::segment{40s, per_second(2000), rate{}}});
  const poisson_profile_schedule whole(profile, 5);
  std::vector<std::vector<ns>> streams;
  std::vector<std::uint64_t> indices;
  std::uint64_t total = 0;
  bool own_indices = true;
  for (std::uint32_t k = 0; k < 4; ++k) {
    auto part = whole.for_shard(shard{k, 4});
    REQUIRE(part);
    CHECK(part->expected_count() == Approx(10'000.0));
    auto cursor = *schedule::sharded(whole, shard{k, 4});
    CHECK_FALSE(cursor.size());
    std::uint64_t local = 0;
    while (auto e = cursor.next()) {
      own_indices = own_indices && e->index == local * 4 + k;
      indices.push_back(e->index);
      ++local;
    }
    streams.push_back(offsets(*part));
    CHECK(streams.back().size() == local);
    // Each shard runs a quarter of the load: 10,000 ± 100.
    CHECK(static_cast<double>(local) == Approx(10'000).epsilon(0.04));
    total += local;
  }
  CHECK(own_indices);
  CHECK(static_cast<double>(total) == Approx(40'000).epsilon(0.015));
  // The superposition follows the profile: the first 10 s hold 17,500 of the 40,000.
  std::uint64_t early = 0;
  for (const auto& s : streams) {
    early +=
        static_cast<std::uint64_t>(std::count_if(s.begin(), s.end(), [](ns t) { return t < 10s; }));
  }
  CHECK(static_cast<double>(early) == Approx(17'500).epsilon(0.03));
  CHECK(streams[0] != streams[1]);
  // Shard {0, 1} is the schedule itself, restarted.
  CHECK(offsets(*whole.for_shard(shard{0, 1})) == offsets(whole));
  CHECK(whole.for_shard(shard{4, 4}).error() == errc::invalid_argument);
  CHECK(whole.for_shard(shard{0, 2})->for_shard(shard{0, 2}).error() == errc::invalid_argument);
  CHECK(schedule::sharded(whole, shard{0, 0}).error() == errc::invalid_argument);
}

TEST_CASE("profile schedule: a pacer releases it on time, shifted to the group's start",
          "[pacing]") {
  const auto ramp = *rate_profile::from_stages({{10s, per_second(100)}});
  const pacer::time_point t0(std::chrono::hours(1000));
  pacer pace(*schedule(profile_schedule(ramp)).shifted(30s), t0);
  const profile_schedule unshifted(ramp);
  CHECK(pace.size() == 500);
  CHECK(pace.next_due() == t0 + 30s);
  CHECK_FALSE(pace.next(t0 + 29s));
  // A fake clock stepped to each due time: every event is released on time, at its offset.
  std::uint64_t released = 0;
  bool on_time = true;
  while (auto due = pace.next_due()) {
    pace.release(*due, [&](const relayload::pacing::due_event& e) {
      on_time = on_time && e.index == released && e.lateness == 0ns &&
                e.intended == t0 + 30s + unshifted.offset(e.index);
      ++released;
    });
  }
  CHECK(released == 500);
  CHECK(on_time);
  CHECK(pace.stats().late == 0);
}
