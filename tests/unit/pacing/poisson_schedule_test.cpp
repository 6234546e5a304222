#include "relayload/pacing/poisson_schedule.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

#include "relayload/error.hpp"
#include "relayload/pacing/rate.hpp"
#include "relayload/pacing/schedule.hpp"
#include "relayload/pacing/shard.hpp"

using namespace std::chrono_literals;
using relayload::errc;
using relayload::pacing::poisson_schedule;
using relayload::pacing::rate;
using relayload::pacing::schedule;
using relayload::pacing::shard;
using ns = std::chrono::nanoseconds;

namespace {

std::vector<ns> offsets(poisson_schedule p) {
  std::vector<ns> out;
  for (; !p.done(); p.advance()) out.push_back(p.offset());
  return out;
}

}  // namespace

TEST_CASE("poisson: the same seed gives the same arrivals and another seed others", "[pacing]") {
  const auto a = offsets(*poisson_schedule::for_count(rate::per_second(500), 10'000, 42));
  const auto b = offsets(*poisson_schedule::for_count(rate::per_second(500), 10'000, 42));
  const auto c = offsets(*poisson_schedule::for_count(rate::per_second(500), 10'000, 43));
  REQUIRE(a.size() == 10'000);
  CHECK(a == b);
  CHECK(a != c);

  // A copy continues the same sequence independently.
  auto p = *poisson_schedule::for_count(rate::per_second(500), 100, 7);
  for (int i = 0; i < 10; ++i) p.advance();
  auto q = p;
  CHECK(p == q);
  p.advance();
  q.advance();
  CHECK(p.offset() == q.offset());
  CHECK(p.index() == 11);
  CHECK(p.position() == 11);
}

TEST_CASE("poisson: a large sample has the asked mean rate and exponential gaps", "[pacing]") {
  // One million arrivals at 1000/s with a fixed seed. The last arrival is the sum of 1e6
  // exponential gaps: mean 1000 s, standard deviation 1 s, so ±1 % is ten sigma.
  const std::uint64_t n = 1'000'000;
  auto p = poisson_schedule::for_count(rate::per_second(1000), n, 20240601);
  REQUIRE(p);
  CHECK(p->size() == n);
  double sum = 0;
  double sum_sq = 0;
  std::uint64_t count = 0;
  ns previous(0);
  bool ordered = true;
  std::uint64_t below_mean = 0;
  for (; !p->done(); p->advance()) {
    const ns o = p->offset();
    const double gap = static_cast<double>((o - previous).count());
    ordered = ordered && o >= previous;
    sum += gap;
    sum_sq += gap * gap;
    below_mean += gap < 1e6 ? 1 : 0;
    previous = o;
    ++count;
  }
  REQUIRE(count == n);
  CHECK(ordered);
  const double mean = sum / static_cast<double>(n);
  const double stddev = std::sqrt(sum_sq / static_cast<double>(n) - mean * mean);
  CHECK(mean == Approx(1e6).epsilon(0.01));  // 1 ms
  CHECK(static_cast<double>(previous.count()) == Approx(1e12).epsilon(0.01));
  CHECK(stddev / mean == Approx(1.0).epsilon(0.02));  // exponential: CV = 1
  // P(gap < mean) = 1 − 1/e ≈ 0.632.
  CHECK(static_cast<double>(below_mean) / static_cast<double>(n) == Approx(0.632).epsilon(0.01));
}

TEST_CASE("poisson: a duration limit keeps the arrivals before D", "[pacing]") {
  auto p = poisson_schedule::for_duration(rate::per_second(2000), 10s, 99);
  REQUIRE(p);
  CHECK_FALSE(p->size());
  const auto all = offsets(*p);
  CHECK(all.back() < 10s);
  // 20,000 expected, standard deviation about 141.
  CHECK(static_cast<double>(all.size()) == Approx(20'000).epsilon(0.05));
}

TEST_CASE("poisson: shards run independent processes whose rates sum exactly", "[pacing]") {
  const auto whole = *poisson_schedule::for_count(rate::per_second(1001), 100'003, 5);
  std::vector<int> seen(100'003, 0);
  std::uint64_t total_micro_hz = 0;
  std::vector<std::vector<ns>> streams;
  for (std::uint32_t k = 0; k < 4; ++k) {
    auto part = whole.for_shard(shard{k, 4});
    REQUIRE(part);
    total_micro_hz += part->event_rate().micro_hz();
    CHECK(part->size() == shard{k, 4}.size_of(100'003));
    auto cursor = *schedule::sharded(whole, shard{k, 4});
    CHECK(cursor.size() == part->size());
    while (auto e = cursor.next()) ++seen[e->index];
    streams.push_back(offsets(*part));
    // Each shard runs at a quarter of the rate: ~25,000 events over ~100 s.
    CHECK(static_cast<double>(streams.back().back().count()) == Approx(1e11).epsilon(0.05));
  }
  CHECK(total_micro_hz == rate::per_second(1001).micro_hz());
  CHECK(std::count(seen.begin(), seen.end(), 1) == 100'003);
  CHECK(streams[0] != streams[1]);  // differently seeded
  // Shard {0, 1} is the schedule itself, restarted.
  CHECK(offsets(*whole.for_shard(shard{0, 1})) == offsets(whole));
}

TEST_CASE("poisson: unusable arguments are rejected", "[pacing]") {
  CHECK(poisson_schedule::for_count(rate{}, 5, 1).error() == errc::invalid_argument);
  CHECK(poisson_schedule::for_duration(rate::per_second(1), -1s, 1).error() ==
        errc::invalid_argument);
  const auto p = *poisson_schedule::for_count(rate::per_second(10), 10, 1);
  CHECK(p.for_shard(shard{4, 4}).error() == errc::invalid_argument);
  // A shard of a shard would change what the whole load means.
  CHECK(p.for_shard(shard{0, 2})->for_shard(shard{0, 2}).error() == errc::invalid_argument);
  // 3 µHz over 4 shards leaves one shard no rate but events to run.
  CHECK(poisson_schedule::for_count(rate::from_micro_hz(3), 8, 1)->for_shard(shard{3, 4}).error() ==
        errc::invalid_argument);
}

TEST_CASE("poisson: zero events or zero rate or the default schedule are empty", "[pacing]") {
  CHECK(poisson_schedule::for_count(rate::per_second(10), 0, 1)->done());
  CHECK(poisson_schedule::for_duration(rate{}, 10s, 1)->done());
  CHECK(poisson_schedule().done());
  CHECK(schedule(poisson_schedule()).done());
}
