#include "relayload/client/run_until.hpp"

#include <algorithm>
#include <asio/executor_work_guard.hpp>

namespace relayload::client {

bool run_until(asio::io_context& io, const std::function<bool()>& done,
               std::chrono::steady_clock::duration timeout) {
  using clock = std::chrono::steady_clock;
  // Re-check `done` at least this often: another thread may make it true without posting.
  constexpr clock::duration slice = std::chrono::milliseconds(10);
  const clock::time_point deadline = clock::now() + timeout;
  // Without work, run_one_for() would return at once and the loop would spin.
  auto guard = asio::make_work_guard(io);
  while (!done()) {
    const clock::time_point now = clock::now();
    if (now >= deadline) return false;
    if (io.stopped()) io.restart();
    io.run_one_for(std::min(slice, deadline - now));
  }
  return true;
}

}  // namespace relayload::client
