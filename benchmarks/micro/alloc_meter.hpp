// Counts heap allocations made by the benchmark thread, so each benchmark can show that its
// timed loop does not allocate (or how often it must), as an `allocs_per_op` counter.
//
// The count comes from replacing the global operator new in this executable
// (alloc_meter.cpp). Under AddressSanitizer the replacement is left out — ASan needs its own
// operator new to check new/delete pairing — and no counter is reported.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

namespace bench_alloc {

/// Whether allocations are being counted in this build.
bool counting() noexcept;

/// operator new calls made by the calling thread so far (0 when not counting).
std::uint64_t allocations() noexcept;

/// Construct just before the timed loop, call report() just after it.
class allocation_meter {
 public:
  allocation_meter() noexcept : start_(allocations()) {}

  /// Adds `allocs_per_op`: allocations in the loop divided by the iterations.
  void report(benchmark::State& state) const {
    if (!counting()) return;
    state.counters["allocs_per_op"] = benchmark::Counter(
        static_cast<double>(allocations() - start_), benchmark::Counter::kAvgIterations);
  }

 private:
  std::uint64_t start_;
};

}  // namespace bench_alloc
