// Asio's implementation, compiled once for the whole library and every program that links
// it: Asio::asio carries ASIO_SEPARATE_COMPILATION (cmake/FindAsio.cmake), so no other
// translation unit compiles Asio's inline implementation files again.
//
// GCC 12 at -O2 warns (-Wnull-dereference) in scheduler::compensating_work_started(), which
// epoll_reactor's perform_io cleanup calls: it cannot see that the reactor runs that cleanup
// only on a thread inside the scheduler's run(), where the thread's call-stack entry exists.
// A false positive in Asio's own code; this file is the only place that compiles that code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif
#include <asio/impl/src.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
