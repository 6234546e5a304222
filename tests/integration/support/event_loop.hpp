// Bounded runs of an io_context that the test drives on its own thread. Asio only, so that
// every integration executable can use it, integration_net included (it links neither the
// relay nor the client).
#pragma once

#include <asio.hpp>
#include <chrono>
#include <functional>

namespace relayload::test {

/// Runs `io` until `done()` or `limit` has passed; returns done(). Every wait on a test's
/// own io_context is bounded by this. Restarted in 5 ms slices so that `done()` is checked
/// even when the loop runs out of work.
inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  return true;
}

/// Runs `io` for a fixed time, to prove that nothing more happens.
inline void run_for(asio::io_context& io, std::chrono::milliseconds d) {
  const auto deadline = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
}

}  // namespace relayload::test
