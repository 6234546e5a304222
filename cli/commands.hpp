// The commands of relayload-cli. Each returns the process exit code:
// 0 completed, 1 usage or configuration error, 2 pre-flight failure, 3 SLO breach
// (only with --fail-on-slo).
#pragma once

#include "cli_options.hpp"
#include "relayload/scenario/scenario_registry.hpp"

namespace relayload::cli {

namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int usage = 1;
inline constexpr int preflight = 2;
inline constexpr int slo_breach = 3;
}  // namespace exit_code

int run_scenario(const parsed_command& command, const scenario::scenario_registry& registry);
int run_relay(const relay_command& command);
int run_aggregate(const aggregate_command& command);

}  // namespace relayload::cli
