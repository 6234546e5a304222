// Replacement of the global operator new / delete that counts allocations per thread (see
// alloc_meter.hpp). Benchmarks are single-threaded, so a thread_local plain counter is
// enough and costs one increment. Only the unaligned forms are replaced: libstdc++'s
// nothrow and array forms forward to them, and nothing measured here over-aligns.
#include "alloc_meter.hpp"

#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define BENCH_ALLOC_COUNTING 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BENCH_ALLOC_COUNTING 0
#endif
#endif
#ifndef BENCH_ALLOC_COUNTING
#define BENCH_ALLOC_COUNTING 1
#endif

namespace {
thread_local std::uint64_t allocation_count = 0;
}  // namespace

namespace bench_alloc {

bool counting() noexcept { return BENCH_ALLOC_COUNTING != 0; }
std::uint64_t allocations() noexcept { return allocation_count; }

}  // namespace bench_alloc

#if BENCH_ALLOC_COUNTING

namespace {
void* counted_alloc(std::size_t n) {
  ++allocation_count;
  for (;;) {
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

#endif
