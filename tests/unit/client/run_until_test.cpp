// client::run_until: the return value says whether the condition became true; handlers run
// between checks, also those posted from another thread while the loop has nothing to do.
// No sockets: only posted handlers and a steady_timer. Assertions are on results, never on
// elapsed time.
#include <catch2/catch.hpp>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <thread>

#include "relayload/client/run_until.hpp"

using relayload::client::run_until;
using namespace std::chrono_literals;

TEST_CASE("run_until returns true once the predicate holds, running handlers meanwhile",
          "[client][run_until]") {
  asio::io_context io;
  int steps = 0;
  // A chain of handlers: the predicate holds only after the third has run.
  std::function<void()> step = [&] {
    if (++steps < 3) asio::post(io, step);
  };
  asio::post(io, step);
  CHECK(run_until(io, [&] { return steps == 3; }, 10s));
  CHECK(steps == 3);
}

TEST_CASE("run_until returns true at once when the predicate already holds",
          "[client][run_until]") {
  asio::io_context io;
  bool ran = false;
  asio::post(io, [&] { ran = true; });
  CHECK(run_until(io, [] { return true; }, 10s));
  CHECK_FALSE(ran);  // checked before the first handler
}

TEST_CASE("run_until returns false at the timeout, with or without work",
          "[client][run_until]") {
  SECTION("no work at all") {
    asio::io_context io;
    CHECK_FALSE(run_until(io, [] { return false; }, 30ms));
  }
  SECTION("a timer that fires after the timeout") {
    asio::io_context io;
    bool fired = false;
    asio::steady_timer t(io, 1h);
    t.async_wait([&](std::error_code) { fired = true; });
    CHECK_FALSE(run_until(io, [&] { return fired; }, 30ms));
    CHECK_FALSE(fired);
  }
  SECTION("a stopped io_context is restarted") {
    asio::io_context io;
    bool done = false;
    io.stop();
    asio::post(io, [&] { done = true; });
    CHECK(run_until(io, [&] { return done; }, 10s));
  }
}

TEST_CASE("run_until runs a handler posted from another thread while it waits",
          "[client][run_until]") {
  asio::io_context io;  // no work of its own: the guard keeps the loop waiting for the post
  std::atomic<bool> waiting{false};
  bool done = false;  // written only by the posted handler, on this thread
  std::thread other([&] {
    while (!waiting.load()) std::this_thread::yield();
    asio::post(io, [&] { done = true; });
  });
  const bool ok = run_until(
      io,
      [&] {
        waiting = true;
        return done;
      },
      10s);
  other.join();
  CHECK(ok);
  CHECK(done);
}
