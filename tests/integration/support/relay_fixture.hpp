// The embedded relay as the integration tests start it (127.0.0.1, port 0, its own thread)
// and the client options that reach it. For the executables that link the relay and the
// client layers: integration_client and the scenario-level ones (session, scenario,
// faults). integration_net links neither, so the net tests share only event_loop.hpp;
// integration_relay links no client and keeps its own fixture (deterministic ids and a raw
// WebSocket client).
#pragma once

#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <utility>

#include "relayload/client/client_options.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "relayload/relay/relay_config.hpp"

namespace relayload::test {

/// Both ends of every connection live in this process, so a test with thousands of
/// connections needs twice as many descriptors as the default soft limit may allow.
inline void raise_open_file_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

/// A started relay on its own thread, so that the test thread may block on a run while
/// the relay serves. Held by pointer because embedded_relay cannot move, and so that a
/// test can destroy it mid-run (a relay gone for good).
inline std::unique_ptr<relay::embedded_relay> start_relay(
    relay::relay_config config = relay::relay_config::mwp_default()) {
  relay::embedded_relay_options o;
  o.config = std::move(config);
  auto r = std::make_unique<relay::embedded_relay>(std::move(o));
  r->start();
  return r;
}

/// The raw scenario client (client_options::raw_scenario()) pointed at `r`.
inline client::client_options client_options_for(const relay::embedded_relay& r) {
  client::client_options o = client::client_options::raw_scenario();
  o.url = *net::ws_url::parse(r.url());
  return o;
}

/// Waits (blocking this thread) until `n` connections to `r` are connected or `limit` has
/// passed; for tests that inject a fault only once a run's ramp is complete.
inline bool wait_for_connections(const relay::embedded_relay& r, std::uint64_t n,
                                 std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (r.stats().connections_connected < n) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace relayload::test
