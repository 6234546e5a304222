// Scenario runs against the embedded relay (relay_fixture.hpp): the run options the
// scenario-level integration tests start from, the built-in scenarios, and a bounded run.
// Apart from relay_fixture.hpp because it needs the scenario layer, which only
// integration_session, integration_scenario and integration_faults link.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <string>
#include <utility>

#include "relay_fixture.hpp"
#include "relayload/metrics/report.hpp"
#include "relayload/scenario/run_options.hpp"
#include "relayload/scenario/runner.hpp"
#include "relayload/scenario/scenario_registry.hpp"

namespace relayload::test {

/// A built-in scenario by name; the test fails when there is none.
inline const scenario::scenario_info& builtin_scenario(const std::string& name) {
  static const scenario::scenario_registry registry = [] {
    scenario::scenario_registry r;
    scenario::register_builtin_scenarios(r);
    return r;
  }();
  const auto* info = registry.find(name);
  REQUIRE(info != nullptr);
  return *info;
}

/// Scenario `name` against `r` with two shards and a 1 s ramp. The seed is the caller's, so
/// that each test keeps its own reproducible run.
inline scenario::run_options run_options_for(const relay::embedded_relay& r,
                                             const std::string& name, std::uint64_t seed) {
  scenario::run_options o;
  o.target = r.url();
  o.scenario = name;
  o.threads = 2;
  o.ramp_up = std::chrono::seconds(1);
  o.seed = seed;
  return o;
}

/// run_options_for() for `pairs` session pairs. The original tool's QR-scan, review and
/// message delays (5 s, 1 s, 5 s) are cut to 50, 50 and 200 ms so that a run takes seconds;
/// the timeouts (10 s, 20 s) stay far above what such a run needs on a busy machine.
inline scenario::run_options session_run_options(const relay::embedded_relay& r,
                                                 const std::string& name, std::uint64_t pairs,
                                                 std::uint64_t seed) {
  scenario::run_options o = run_options_for(r, name, seed);
  o.connection_pairs = pairs;
  o.wallet_connect_delay = std::chrono::milliseconds(50);
  o.response_delay = std::chrono::milliseconds(50);
  o.message_interval = std::chrono::milliseconds(200);
  o.message_timeout = std::chrono::seconds(10);
  o.handshake_timeout = std::chrono::seconds(20);
  o.connect_timeout = std::chrono::seconds(20);
  return o;
}

/// Runs `o` as `info`. `during` runs on this thread while the shards work, so that faults
/// are injected and the run stopped from there. The report must be ready within `limit`.
inline metrics::report run_scenario(const scenario::scenario_info& info,
                                    const scenario::run_options& o, std::chrono::seconds limit,
                                    const std::function<void(scenario::runner&)>& during = {}) {
  scenario::runner r(info, o);
  auto future = r.start();
  if (during) during(r);
  REQUIRE(future.wait_for(limit) == std::future_status::ready);
  auto rep = future.get();
  REQUIRE(rep.has_value());
  return std::move(*rep);
}

}  // namespace relayload::test
