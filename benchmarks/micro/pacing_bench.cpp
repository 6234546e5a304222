// Pacing micro-benchmarks: the per-event cost of computing intended start times and of the
// pacer handing events out. Cheap next to a send, but paid for every operation of a run.
//
// Schedules are made long enough (10^12 events) that no benchmark runs out of events.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "alloc_meter.hpp"
#include "relayload/pacing/constant_rate_schedule.hpp"
#include "relayload/pacing/pacer.hpp"
#include "relayload/pacing/poisson_schedule.hpp"
#include "relayload/pacing/rate.hpp"
#include "relayload/pacing/schedule.hpp"
#include "relayload/pacing/shard.hpp"
#include "relayload/pacing/staircase_schedule.hpp"

namespace {

namespace pacing = relayload::pacing;
using namespace std::chrono_literals;

constexpr std::uint64_t endless = 1'000'000'000'000;

// offset(i) of a constant-rate schedule: one 128-bit multiply-divide per event.
void BM_constant_rate_offset(benchmark::State& state) {
  const auto s = pacing::constant_rate_schedule::for_count(pacing::rate::per_second(1000), endless);
  if (!s) {
    state.SkipWithError("for_count failed");
    return;
  }
  std::uint64_t i = 0;
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    std::chrono::nanoseconds offset = s->offset(i++);
    benchmark::DoNotOptimize(offset);
  }
  allocs.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_constant_rate_offset);

// offset(i) of a 100-step rate staircase (100/s to 10,000/s, 10 s per step): a binary search
// over the steps, then the step's own offset.
void BM_staircase_offset(benchmark::State& state) {
  const auto s = pacing::staircase_schedule::linear(pacing::rate::per_second(100),
                                                    pacing::rate::per_second(100), 10s,
                                                    pacing::rate::per_second(10'000));
  if (!s || s->step_count() != 100) {
    state.SkipWithError("staircase_schedule::linear failed");
    return;
  }
  const std::uint64_t size = s->size();
  std::uint64_t i = 0;
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    std::chrono::nanoseconds offset = s->offset(i);
    benchmark::DoNotOptimize(offset);
    if (++i == size) i = 0;
  }
  allocs.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_staircase_offset);

// One Poisson arrival: a mt19937_64 draw and a log1p.
void BM_poisson_advance(benchmark::State& state) {
  const auto made =
      pacing::poisson_schedule::for_count(pacing::rate::per_second(1000), endless, 42);
  if (!made) {
    state.SkipWithError("poisson_schedule::for_count failed");
    return;
  }
  pacing::poisson_schedule s = made.value();
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    s.advance();
    std::chrono::nanoseconds offset = s.offset();
    benchmark::DoNotOptimize(offset);
  }
  allocs.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_poisson_advance);

// The cursor a shard walks: shard 1 of 4 of a constant-rate schedule.
void BM_schedule_next_sharded(benchmark::State& state) {
  const auto base =
      pacing::constant_rate_schedule::for_count(pacing::rate::per_second(1000), endless);
  if (!base) {
    state.SkipWithError("for_count failed");
    return;
  }
  auto s = pacing::schedule::sharded(*base, pacing::shard{1, 4});
  if (!s) {
    state.SkipWithError("schedule::sharded failed");
    return;
  }
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    std::optional<pacing::scheduled_event> e = s->next();
    benchmark::DoNotOptimize(e);
  }
  allocs.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_schedule_next_sharded);

// pacer::next on time: a 1,000,000/s schedule and a fake clock advanced by one period per
// call, so every call hands out exactly one event (the steady state of a shard's timer).
void BM_pacer_next_on_time(benchmark::State& state) {
  const auto base =
      pacing::constant_rate_schedule::for_count(pacing::rate::per_second(1'000'000), endless);
  if (!base) {
    state.SkipWithError("for_count failed");
    return;
  }
  const pacing::pacer::time_point t0{};
  pacing::pacer p(pacing::schedule(*base), t0);
  pacing::pacer::time_point now = t0;
  std::uint64_t missed = 0;
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    std::optional<pacing::due_event> e = p.next(now);
    missed += e ? 0 : 1;
    benchmark::DoNotOptimize(e);
    now += 1us;
  }
  allocs.report(state);
  if (missed != 0) state.SkipWithError("the pacer did not hand out one event per call");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_pacer_next_on_time);

// pacer::release working off a backlog of max_burst (1024) late events per call, with the
// lateness accounting; items = events handed out.
void BM_pacer_release_backlog(benchmark::State& state) {
  const auto base =
      pacing::constant_rate_schedule::for_count(pacing::rate::per_second(1'000'000), endless);
  if (!base) {
    state.SkipWithError("for_count failed");
    return;
  }
  const pacing::pacer::time_point t0{};
  pacing::pacer p(pacing::schedule(*base), t0);
  // Two seconds behind and staying there: every event is late (and beyond the 1 s clamp).
  pacing::pacer::time_point now = t0 + 2s;
  std::uint64_t handed_out = 0;
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    const std::size_t n = p.release(
        now, [](const pacing::due_event& e) noexcept { benchmark::DoNotOptimize(e.intended); });
    handed_out += n;
    now += 1024us;
  }
  allocs.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(handed_out));
  if (handed_out != static_cast<std::uint64_t>(state.iterations()) * 1024) {
    state.SkipWithError("release() did not hand out a full burst per call");
  }
}
BENCHMARK(BM_pacer_release_backlog);

}  // namespace
