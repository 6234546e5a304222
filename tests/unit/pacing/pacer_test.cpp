#include "relayload/pacing/pacer.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <vector>

#include "relayload/pacing/constant_rate_schedule.hpp"
#include "relayload/pacing/pacer_stats.hpp"
#include "relayload/pacing/poisson_schedule.hpp"
#include "relayload/pacing/rate.hpp"
#include "relayload/pacing/schedule.hpp"

using namespace std::chrono_literals;
using relayload::pacing::constant_rate_schedule;
using relayload::pacing::due_event;
using relayload::pacing::pacer;
using relayload::pacing::pacer_options;
using relayload::pacing::pacer_stats;
using relayload::pacing::poisson_schedule;
using relayload::pacing::rate;
using relayload::pacing::schedule;
using ns = std::chrono::nanoseconds;

namespace {

// The injected clock: tests move it by hand, so nothing here depends on real time.
struct fake_clock {
  pacer::time_point now = pacer::time_point(std::chrono::hours(1000));
  void advance(ns d) { now += d; }
};

schedule every_ms(std::uint64_t count) {
  return schedule(*constant_rate_schedule::for_count(rate::per_second(1000), count));
}

}  // namespace

TEST_CASE("pacer: on time each event is due exactly at t0 + offset", "[pacing]") {
  fake_clock clock;
  const auto t0 = clock.now;
  pacer p(every_ms(5), t0);

  REQUIRE(p.next_due() == t0);
  CHECK(p.next_index() == 0u);
  CHECK(p.size() == 5u);
  CHECK(p.wait_time(clock.now) == 0ns);
  auto first = p.next(clock.now);
  REQUIRE(first);
  CHECK(first->index == 0);
  CHECK(first->intended == t0);
  CHECK(first->lateness == 0ns);

  // Not yet due: nothing is handed out, and the pacer says how long to wait.
  clock.advance(400us);
  CHECK_FALSE(p.next(clock.now));
  CHECK(p.next_due() == t0 + 1ms);
  CHECK(p.next_index() == 1u);
  CHECK(p.wait_time(clock.now) == 600us);
  CHECK(p.lag(clock.now) == 0ns);

  // The caller's single timer fires exactly at next_due() each time.
  for (std::uint64_t i = 1; i < 5; ++i) {
    clock.now = *p.next_due();
    auto e = p.next(clock.now);
    REQUIRE(e);
    CHECK(e->index == i);
    CHECK(e->intended == t0 + ns(std::chrono::milliseconds(i)));
    CHECK(e->lateness == 0ns);
    CHECK_FALSE(p.next(clock.now));
  }
  CHECK(p.done());
  CHECK_FALSE(p.next_due());
  CHECK_FALSE(p.next_index());
  CHECK(p.lag(clock.now + 1s) == 0ns);
  CHECK(p.wait_time(clock.now) == ns::max());
  CHECK(p.stats().started == 5);
  CHECK(p.stats().late == 0);
  CHECK(p.stats().max_lateness == 0ns);
}

TEST_CASE("pacer: one million events driven by a fake clock end exactly on schedule", "[pacing]") {
  // 3000/s does not divide a second evenly; a timer re-armed from relative delays would
  // drift, absolute due times do not.
  fake_clock clock;
  const auto t0 = clock.now;
  pacer p(schedule(*constant_rate_schedule::for_count(rate::per_second(3000), 1'000'000)), t0);
  due_event last;
  std::uint64_t handed_out = 0;
  while (auto due = p.next_due()) {
    clock.now = *due;
    handed_out += p.release(clock.now, [&](const due_event& e) { last = e; });
  }
  CHECK(handed_out == 1'000'000);
  CHECK(last.index == 999'999);
  CHECK(last.intended == t0 + ns(333'333'000'000));
  CHECK(p.stats().started == 1'000'000);
  CHECK(p.stats().late == 0);
}

TEST_CASE("pacer: when late the backlog is released in order and counted with nothing dropped",
          "[pacing]") {
  fake_clock clock;
  const auto t0 = clock.now;
  pacer_options options;
  options.late_threshold = 1ms;
  options.max_lag = 1s;
  pacer p(every_ms(100), t0, options);

  // The generator stalls for 50 ms: events 0…50 are due at once.
  clock.advance(50ms);
  CHECK(p.lag(clock.now) == 50ms);
  CHECK_FALSE(p.overloaded(clock.now));
  std::vector<due_event> started;
  const auto n = p.release(clock.now, [&](const due_event& e) { started.push_back(e); });
  REQUIRE(n == 51);
  for (std::uint64_t i = 0; i < started.size(); ++i) {
    // Intended times stay the schedule's; latency will be measured from them.
    CHECK(started[i].index == i);
    CHECK(started[i].intended == t0 + ns(std::chrono::milliseconds(i)));
    CHECK(started[i].lateness == 50ms - ns(std::chrono::milliseconds(i)));
  }
  CHECK(p.lag(clock.now) == 0ns);
  CHECK(p.next_due() == t0 + 51ms);

  const pacer_stats& s = p.stats();
  CHECK(s.started == 51);
  CHECK(s.late == 49);  // lateness 50 … 2 ms; 1 ms and 0 ms are within the threshold
  CHECK(s.beyond_clamp == 0);
  CHECK(s.max_lateness == 50ms);
  CHECK(s.total_lateness == ns(std::chrono::milliseconds(50 * 51 / 2)));
  CHECK(s.mean_lateness() == 25ms);

  // Back on time for the rest: every remaining event still comes out exactly once.
  std::uint64_t rest = 0;
  while (auto due = p.next_due()) {
    clock.now = *due;
    rest += p.release(clock.now, [](const due_event&) {});
  }
  CHECK(rest == 49);
  CHECK(p.stats().started == 100);
  CHECK(p.stats().late == 49);
}

TEST_CASE("pacer: beyond the clamp the generator is overloaded yet nothing is skipped",
          "[pacing]") {
  fake_clock clock;
  const auto t0 = clock.now;
  pacer_options options;
  options.late_threshold = 0ns;
  options.max_lag = 10ms;
  pacer p(every_ms(1000), t0, options);

  clock.advance(100ms);  // far beyond the 10 ms clamp
  CHECK(p.overloaded(clock.now));
  CHECK(p.lag(clock.now) == 100ms);
  std::vector<std::uint64_t> indices;
  p.release(clock.now, [&](const due_event& e) { indices.push_back(e.index); });
  REQUIRE(indices.size() == 101);  // events at 0 … 100 ms, none skipped
  for (std::uint64_t i = 0; i < indices.size(); ++i) CHECK(indices[i] == i);
  CHECK_FALSE(p.overloaded(clock.now));
  CHECK(p.stats().beyond_clamp == 90);  // lateness 100 … 11 ms
  CHECK(p.stats().late == 100);         // every one but the event due exactly now
  CHECK(p.stats().overload_episodes == 1);
  CHECK(p.stats().max_lateness == 100ms);

  // A second stall is a second episode.
  clock.advance(200ms);
  p.release(clock.now, [](const due_event&) {});
  CHECK(p.stats().overload_episodes == 2);
  CHECK(p.stats().started == 301);
  CHECK(p.stats().max_lateness == 199ms);
}

TEST_CASE("pacer: a backlog is worked off in bursts of at most max_burst", "[pacing]") {
  fake_clock clock;
  const auto t0 = clock.now;
  pacer_options options;
  options.max_burst = 16;
  pacer p(every_ms(100), t0, options);

  clock.advance(99ms);  // all 100 events are due
  std::uint64_t total = 0;
  std::uint64_t calls = 0;
  std::uint64_t expected_index = 0;
  bool in_order = true;
  while (!p.done()) {
    // Between bursts next_due() is already past, so the caller's timer fires at once.
    REQUIRE(*p.next_due() <= clock.now);
    const auto n = p.release(
        clock.now, [&](const due_event& e) { in_order = in_order && e.index == expected_index++; });
    CHECK(n <= 16);
    total += n;
    ++calls;
  }
  CHECK(in_order);
  CHECK(total == 100);
  CHECK(calls == 7);  // 6 · 16 + 4
}

TEST_CASE("pacer: a zero ramp releases everything at t0", "[pacing]") {
  fake_clock clock;
  pacer_options options;
  options.max_burst = 1'000'000;
  pacer p(schedule(*constant_rate_schedule::spread(10'000, 0s)), clock.now, options);
  CHECK(p.release(clock.now, [](const due_event&) {}) == 10'000);
  CHECK(p.done());
  CHECK(p.stats().late == 0);
}

TEST_CASE("pacer: nothing is due before t0", "[pacing]") {
  fake_clock clock;
  const auto t0 = clock.now + 5s;  // shards released together at a common future t0
  pacer p(every_ms(3), t0);
  CHECK(p.start_time() == t0);
  CHECK_FALSE(p.next(clock.now));
  CHECK(p.wait_time(clock.now) == 5s);
  clock.now = t0;
  CHECK(p.next(clock.now));
}

TEST_CASE("pacer: works the same over a Poisson schedule", "[pacing]") {
  fake_clock clock;
  const auto t0 = clock.now;
  const auto arrivals = *poisson_schedule::for_count(rate::per_second(100), 1000, 3);
  pacer p(schedule(arrivals), t0);
  auto expected = arrivals;
  std::uint64_t n = 0;
  bool exact = true;
  while (auto due = p.next_due()) {
    clock.now = *due;
    p.release(clock.now, [&](const due_event& e) {
      exact = exact && e.index == expected.index() && e.intended == t0 + expected.offset();
      expected.advance();
      ++n;
    });
  }
  CHECK(exact);
  CHECK(n == 1000);
}

TEST_CASE("pacer_options: validate lists every problem at once", "[pacing]") {
  CHECK(pacer_options{}.validate().empty());
  pacer_options bad;
  bad.late_threshold = -1ms;
  bad.max_lag = -2ms;
  bad.max_burst = 0;
  CHECK(bad.validate().size() == 4);

  // A pacer given such options still behaves: they are brought into range.
  fake_clock clock;
  pacer p(every_ms(3), clock.now, bad);
  CHECK(p.options().validate().empty());
  CHECK(p.options().max_burst == 1);
  CHECK(p.release(clock.now + 1s, [](const due_event&) {}) == 1);
}

TEST_CASE("pacer_stats: shards merge exactly", "[pacing]") {
  pacer_stats a;
  a.started = 10;
  a.late = 2;
  a.beyond_clamp = 1;
  a.overload_episodes = 1;
  a.max_lateness = 30ms;
  a.total_lateness = 40ms;
  pacer_stats b;
  b.started = 30;
  b.late = 5;
  b.max_lateness = 50ms;
  b.total_lateness = 60ms;
  a.merge(b);
  CHECK(a.started == 40);
  CHECK(a.late == 7);
  CHECK(a.beyond_clamp == 1);
  CHECK(a.overload_episodes == 1);
  CHECK(a.max_lateness == 50ms);
  CHECK(a.total_lateness == 100ms);
  CHECK(a.mean_lateness() == 2500us);
  CHECK(pacer_stats{}.mean_lateness() == 0ns);

  pacer_stats huge;
  huge.total_lateness = ns::max() - 1ns;
  huge.merge(b);
  CHECK(huge.total_lateness == ns::max());  // saturates, never wraps
}

TEST_CASE("pacer: shard pacers hand out global indices and together the whole schedule",
          "[pacing]") {
  fake_clock clock;
  const auto t0 = clock.now;
  const auto whole = *constant_rate_schedule::spread(7, 7ms);
  std::vector<int> seen(7, 0);
  for (std::uint32_t k = 0; k < 3; ++k) {
    pacer p(*schedule::sharded(whole, relayload::pacing::shard{k, 3}), t0);
    CHECK(p.size() == relayload::pacing::shard{k, 3}.size_of(7));
    while (auto due = p.next_due()) {
      clock.now = *due;
      p.release(clock.now, [&](const due_event& e) {
        ++seen[e.index];
        CHECK(e.intended == t0 + whole.offset(e.index));
      });
    }
  }
  CHECK(seen == std::vector<int>(7, 1));
}
