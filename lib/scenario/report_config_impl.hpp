// The "config" object of a report: the original tool's keys (connections, durationSec,
// rampUpSec, then the scenario's own) followed by relayload's additions; and which of them
// the run did not use (report::config_unused).
#pragma once

#include <string>
#include <vector>

#include "relayload/metrics/config_map.hpp"
#include "relayload/scenario/run_options.hpp"
#include "relayload/scenario/scenario.hpp"

namespace relayload::scenario {

metrics::config_map report_config(const run_options& options, const scenario_info& info);

/// Keys of report_config(options, info) that the run does not use: options the scenario
/// ignores (durationSec where nothing is held for a duration, walletDelaySec in
/// async-delivery, commandTimeoutSec for session pairs) and sourceIps when none were given.
/// Scenarios the library does not know are taken to use every option.
std::vector<std::string> report_config_unused(const run_options& options,
                                              const scenario_info& info);

}  // namespace relayload::scenario
