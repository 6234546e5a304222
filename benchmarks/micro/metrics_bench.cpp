// Histogram micro-benchmarks: record (the per-operation cost on every shard's hot path),
// value_at_percentile, merge (shards → run, ranks → report) and the serialised form that
// reports carry.
//
// Values come from a fixed-seed log-uniform distribution over 1 µs – 10 s, generated before
// timing so the generator's cost is not measured. Log-uniform rather than uniform because
// latencies spread over orders of magnitude: it touches buckets across the whole range, as
// a run with slow outliers does, instead of piling into the top few power-of-two ranges.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "alloc_meter.hpp"
#include "relayload/metrics/histogram.hpp"
#include "relayload/metrics/histogram_layout.hpp"

namespace {

namespace metrics = relayload::metrics;

constexpr std::int64_t lowest_ns = 1'000;                   // 1 µs
constexpr std::int64_t highest_ns = 10'000'000'000;         // 10 s
constexpr std::size_t sample_count = std::size_t{1} << 16;  // power of two: index by mask
constexpr std::size_t fill_count = 1'000'000;               // values in a "filled" histogram

// `n` values, log-uniform over [1 µs, 10 s]. Built from mt19937_64's raw output (which the
// standard fixes) rather than a std:: distribution, whose algorithm varies between standard
// libraries, so the inputs are the same everywhere for a given seed.
std::vector<std::int64_t> make_samples(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const double lo = std::log(static_cast<double>(lowest_ns));
  const double hi = std::log(static_cast<double>(highest_ns));
  std::vector<std::int64_t> out(n);
  for (auto& v : out) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0, 1)
    v = static_cast<std::int64_t>(std::exp(lo + u * (hi - lo)));
  }
  return out;
}

metrics::histogram filled(const metrics::histogram_layout& layout, std::uint64_t seed) {
  metrics::histogram h(layout);
  const std::vector<std::int64_t> samples = make_samples(fill_count, seed);
  for (const std::int64_t v : samples) h.record(v);
  return h;
}

void BM_histogram_record(benchmark::State& state) {
  const std::vector<std::int64_t> samples = make_samples(sample_count, 1);
  metrics::histogram h;
  std::size_t i = 0;
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    h.record(samples[i]);
    i = (i + 1) & (sample_count - 1);
    benchmark::ClobberMemory();  // the count must reach memory on every iteration
  }
  allocs.report(state);
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_histogram_record);

// The scan walks the buckets from the lowest up to the rank, so the cost grows with the
// percentile; p50, p99 and p99.9 are what reports print.
void BM_histogram_value_at_percentile(benchmark::State& state, double p) {
  const metrics::histogram h = filled(metrics::histogram_layout{}, 2);
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    std::int64_t v = h.value_at_percentile(p);
    benchmark::DoNotOptimize(v);
  }
  allocs.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_histogram_value_at_percentile, p50, 50.0);
BENCHMARK_CAPTURE(BM_histogram_value_at_percentile, p99, 99.0);
BENCHMARK_CAPTURE(BM_histogram_value_at_percentile, p99_9, 99.9);

// Merging one filled histogram into another, both with `layout`. The destination keeps
// growing across iterations; merge adds every bucket whatever the counts, so that does not
// change the cost. Bytes processed = the source's bucket array.
void BM_histogram_merge(benchmark::State& state, metrics::histogram_layout layout) {
  metrics::histogram into = filled(layout, 3);
  const metrics::histogram from = filled(layout, 4);
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    auto r = into.merge(from);
    benchmark::DoNotOptimize(r);
    benchmark::ClobberMemory();
  }
  allocs.report(state);
  if (!into.merge(from)) state.SkipWithError("merge failed");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(layout.bucket_count() * sizeof(std::uint64_t)));
  state.counters["buckets"] = static_cast<double>(layout.bucket_count());
}
BENCHMARK_CAPTURE(BM_histogram_merge, default_layout, metrics::histogram_layout{});
BENCHMARK_CAPTURE(BM_histogram_merge, interval_layout, metrics::histogram_layout::for_intervals());

// Serialisation of a filled default-layout histogram, each direction and the round trip.
// encode() returns a new string and decode() a new histogram: allocation is part of the API.
void BM_histogram_encode(benchmark::State& state) {
  const metrics::histogram h = filled(metrics::histogram_layout{}, 5);
  std::size_t size = 0;
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    std::string text = h.encode();
    size = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  allocs.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(size));
  state.counters["encoded_bytes"] = static_cast<double>(size);
}
BENCHMARK(BM_histogram_encode);

void BM_histogram_decode(benchmark::State& state) {
  const metrics::histogram h = filled(metrics::histogram_layout{}, 5);
  const std::string text = h.encode();
  {
    const auto check = metrics::histogram::decode(text);
    if (!check || *check != h) {
      state.SkipWithError("decode(encode(h)) != h");
      return;
    }
  }
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    auto decoded = metrics::histogram::decode(text);
    benchmark::DoNotOptimize(decoded);
  }
  allocs.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
  state.counters["encoded_bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_histogram_decode);

void BM_histogram_encode_decode_round_trip(benchmark::State& state) {
  const metrics::histogram h = filled(metrics::histogram_layout{}, 5);
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    auto decoded = metrics::histogram::decode(h.encode());
    benchmark::DoNotOptimize(decoded);
  }
  allocs.report(state);
  const auto check = metrics::histogram::decode(h.encode());
  if (!check || *check != h) state.SkipWithError("decode(encode(h)) != h");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_histogram_encode_decode_round_trip);

}  // namespace
