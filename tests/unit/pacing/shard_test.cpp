#include "relayload/pacing/shard.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <numeric>
#include <vector>

#include "relayload/error.hpp"
#include "relayload/pacing/constant_rate_schedule.hpp"
#include "relayload/pacing/poisson_profile_schedule.hpp"
#include "relayload/pacing/poisson_schedule.hpp"
#include "relayload/pacing/profile_schedule.hpp"
#include "relayload/pacing/rate_profile.hpp"
#include "relayload/pacing/schedule.hpp"
#include "relayload/pacing/staircase_schedule.hpp"

using namespace std::chrono_literals;
using relayload::errc;
using relayload::pacing::constant_rate_schedule;
using relayload::pacing::poisson_profile_schedule;
using relayload::pacing::poisson_schedule;
using relayload::pacing::profile_schedule;
using relayload::pacing::rate;
using relayload::pacing::rate_profile;
using relayload::pacing::schedule;
using relayload::pacing::scheduled_event;
using relayload::pacing::shard;
using relayload::pacing::split_evenly;
using relayload::pacing::staircase_schedule;
using ns = std::chrono::nanoseconds;

namespace {

// Every global index in [0, total) is owned by exactly one shard, under both divisions.
void check_exact_cover(std::uint64_t total, std::uint32_t shards) {
  std::vector<int> round_robin(total, 0);
  std::vector<int> blocks(total, 0);
  std::uint64_t sum = 0;
  std::uint64_t smallest = UINT64_MAX;
  std::uint64_t largest = 0;
  std::uint64_t next_block = 0;
  for (std::uint32_t k = 0; k < shards; ++k) {
    const shard part{k, shards};
    const std::uint64_t size = part.size_of(total);
    sum += size;
    smallest = std::min(smallest, size);
    largest = std::max(largest, size);
    for (std::uint64_t j = 0; j < size; ++j) {
      const std::uint64_t g = part.global_index(j);
      REQUIRE(g < total);
      ++round_robin[g];
      REQUIRE(part.owns(g));
      REQUIRE(part.local_index(g) == j);
    }
    CHECK(part.block_begin(total) == next_block);  // blocks are consecutive
    for (std::uint64_t g = part.block_begin(total); g < part.block_end(total); ++g) ++blocks[g];
    next_block = part.block_end(total);
  }
  CHECK(sum == total);
  CHECK(largest - smallest <= 1);
  CHECK(next_block == total);
  CHECK(std::count(round_robin.begin(), round_robin.end(), 1) ==
        static_cast<std::ptrdiff_t>(total));
  CHECK(std::count(blocks.begin(), blocks.end(), 1) == static_cast<std::ptrdiff_t>(total));
}

std::vector<scheduled_event> drain(schedule s) {
  std::vector<scheduled_event> out;
  while (auto e = s.next()) out.push_back(*e);
  return out;
}

}  // namespace

TEST_CASE("shard: 7 events over 3 shards are 3 2 2 with nothing dropped", "[pacing]") {
  CHECK(split_evenly(7, 3) == std::vector<std::uint64_t>{3, 2, 2});
  check_exact_cover(7, 3);
  CHECK(shard{0, 3}.global_index(2) == 6);
  CHECK(shard{1, 3}.block_begin(7) == 3);
  CHECK(shard{2, 3}.block_begin(7) == 5);
}

TEST_CASE("shard: 1000003 events over 16 threads each exactly once", "[pacing]") {
  const auto sizes = split_evenly(1'000'003, 16);
  REQUIRE(sizes.size() == 16);
  CHECK(std::accumulate(sizes.begin(), sizes.end(), std::uint64_t{0}) == 1'000'003);
  CHECK(sizes.front() == 62'501);  // 1,000,003 = 16 · 62,500 + 3
  CHECK(sizes[2] == 62'501);
  CHECK(sizes[3] == 62'500);
  check_exact_cover(1'000'003, 16);
}

TEST_CASE("shard: fewer events than shards and the degenerate splits", "[pacing]") {
  check_exact_cover(5, 8);
  CHECK(split_evenly(5, 8) == std::vector<std::uint64_t>{1, 1, 1, 1, 1, 0, 0, 0});
  CHECK(split_evenly(0, 4) == std::vector<std::uint64_t>{0, 0, 0, 0});
  CHECK(split_evenly(9, 0).empty());
  CHECK(shard{}.valid());
  CHECK_FALSE((shard{3, 3}.valid()));
  CHECK_FALSE((shard{0, 0}.valid()));
}

TEST_CASE("sharded schedule: the shards together are exactly the whole schedule", "[pacing]") {
  const std::uint64_t n = 1'000'003;
  const std::uint32_t k_shards = 16;
  auto whole = constant_rate_schedule::spread(n, 10s);
  REQUIRE(whole);
  std::vector<int> seen(n, 0);
  std::uint64_t total = 0;
  bool offsets_match = true;
  for (std::uint32_t k = 0; k < k_shards; ++k) {
    auto part = schedule::sharded(*whole, shard{k, k_shards});
    REQUIRE(part);
    REQUIRE(part->size() == shard{k, k_shards}.size_of(n));
    const auto events = drain(*part);
    REQUIRE(events.size() == *part->size());
    for (const auto& e : events) {
      ++seen[e.index];
      offsets_match = offsets_match && e.offset == whole->offset(e.index);
    }
    total += events.size();
  }
  CHECK(offsets_match);
  CHECK(total == n);
  CHECK(std::count(seen.begin(), seen.end(), 1) == static_cast<std::ptrdiff_t>(n));
}

TEST_CASE("sharded schedule: round-robin keeps each shard's own pace even", "[pacing]") {
  // 1000/s over 4 shards: each shard starts every 4 ms, from its own first slot.
  auto whole = constant_rate_schedule::for_count(relayload::pacing::rate::per_second(1000), 400);
  REQUIRE(whole);
  for (std::uint32_t k = 0; k < 4; ++k) {
    const auto events = drain(*schedule::sharded(*whole, shard{k, 4}));
    REQUIRE(events.size() == 100);
    CHECK(events.front().offset == ns(std::chrono::milliseconds(k)));
    for (std::size_t j = 1; j < events.size(); ++j) {
      REQUIRE(events[j].offset - events[j - 1].offset == 4ms);
    }
  }
}

TEST_CASE("sharded schedule: a staircase shards the same way", "[pacing]") {
  auto stairs = staircase_schedule::increments(10, 7, 1s, 30);
  REQUIRE(stairs);
  std::vector<int> seen(30, 0);
  for (std::uint32_t k = 0; k < 3; ++k) {
    for (const auto& e : drain(*schedule::sharded(*stairs, shard{k, 3}))) {
      ++seen[e.index];
      CHECK(e.offset == stairs->offset(e.index));
    }
  }
  CHECK(std::count(seen.begin(), seen.end(), 1) == 30);
}

TEST_CASE("sharded schedule: an invalid shard is an invalid argument", "[pacing]") {
  auto whole = constant_rate_schedule::spread(10, 1s);
  REQUIRE(whole);
  CHECK(schedule::sharded(*whole, shard{2, 2}).error() == errc::invalid_argument);
  CHECK(schedule::sharded(*whole, shard{0, 0}).error() == errc::invalid_argument);
}

TEST_CASE("schedule: a cursor peeks without consuming and stops at the end", "[pacing]") {
  auto whole = constant_rate_schedule::spread(3, 3s);
  REQUIRE(whole);
  schedule s(*whole);
  CHECK(s.size() == 3);
  CHECK(s.peek() == scheduled_event{0, 0s});
  CHECK(s.peek() == scheduled_event{0, 0s});
  CHECK(s.next() == scheduled_event{0, 0s});
  CHECK(s.next() == scheduled_event{1, 1s});
  schedule copy = s;  // an independent cursor at the same position
  CHECK(s.next() == scheduled_event{2, 2s});
  CHECK(s.done());
  CHECK_FALSE(s.next());
  s.advance();  // harmless when done
  CHECK(s.position() == 3);
  CHECK(copy.position() == 2);
  CHECK(copy.next() == scheduled_event{2, 2s});

  schedule nothing;
  CHECK(nothing.done());
  CHECK_FALSE(nothing.peek());
  CHECK(nothing.size() == 0);
}

TEST_CASE("schedule: shifted moves every kind of schedule later by the same amount", "[pacing]") {
  const auto profile = *rate_profile::from_stages({{2s, rate::per_second(500)}});
  const std::vector<schedule> kinds = {
      schedule(),
      schedule(*constant_rate_schedule::for_duration(rate::per_second(100), 2s)),
      schedule(*staircase_schedule::increments(10, 7, 1s, 30)),
      schedule(*poisson_schedule::for_duration(rate::per_second(300), 2s, 11)),
      schedule(profile_schedule(profile)),
      schedule(poisson_profile_schedule(profile, 11)),
      *schedule::sharded(profile_schedule(profile), shard{1, 3}),
      *schedule::sharded(poisson_profile_schedule(profile, 11), shard{2, 3}),
  };
  for (const auto& original : kinds) {
    const auto events = drain(original);
    auto later = original.shifted(90s);
    REQUIRE(later);
    CHECK(later->shift() == 90s);
    CHECK(later->size() == original.size());
    const auto moved = drain(*later);
    REQUIRE(moved.size() == events.size());
    bool shifted_alike = true;
    for (std::size_t i = 0; i < events.size(); ++i) {
      shifted_alike = shifted_alike && moved[i].index == events[i].index &&
                      moved[i].offset == events[i].offset + 90s;
    }
    CHECK(shifted_alike);
    // Shifts add up, and shifting by zero changes nothing.
    CHECK(drain(*later->shifted(10s)) == drain(*original.shifted(100s)));
    CHECK(drain(*original.shifted(0s)) == events);
  }
  CHECK(drain(*schedule().shifted(5s)).empty());
}

TEST_CASE("schedule: shifted continues a partly consumed cursor and saturates", "[pacing]") {
  schedule s(*constant_rate_schedule::spread(4, 4s));
  s.advance();
  auto later = std::move(s).shifted(1s);
  REQUIRE(later);
  CHECK(later->position() == 1);
  CHECK(later->next() == scheduled_event{1, 2s});
  // An offset that would pass the largest representable time stays there.
  auto far = later->shifted(ns::max() - 1s);
  REQUIRE(far);
  CHECK(far->next() == scheduled_event{2, ns::max()});
  CHECK(schedule().shifted(-1ns).error() == errc::invalid_argument);
}
