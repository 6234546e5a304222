// The "config" object of a report: the original tool's keys (connections, durationSec,
// rampUpSec, then the scenario's own) followed by relayload's additions.
#pragma once

#include "relayload/metrics/config_map.hpp"
#include "relayload/scenario/run_options.hpp"
#include "relayload/scenario/scenario.hpp"

namespace relayload::scenario {

metrics::config_map report_config(const run_options& options, const scenario_info& info);

}  // namespace relayload::scenario
