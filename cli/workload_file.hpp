// Workload files (`run --workload FILE`, `capacity --workload FILE`): YAML (and so JSON) read
// into a scenario::workload, every problem named with file:line and its key.
//
//   target: wss://relay.example/connection/websocket   # optional: else an embedded relay
//   duration: 600                                      # seconds
//   threads: 2                                         # any run flag of run_flag_table()
//   slo: ["groups.new-sessions.handshake.latency.p99<=1500ms"]
//   groups:
//     - {name: idle-wallets, scenario: steady-state, count: 20000, ramp-up: 120}
//     - {name: new-sessions, scenario: realistic-session, rate: 20/s, arrivals: poisson}
//     - {name: peak, scenario: realistic-session, start-after: 60,
//        stages: [{duration: 60, rate: 50/s}, {duration: 60, rate: 0/s}]}
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "relayload/metrics/slo_objective.hpp"
#include "relayload/pacing/rate.hpp"
#include "relayload/scenario/scenario_registry.hpp"
#include "relayload/scenario/workload.hpp"

namespace relayload::cli {

/// A run flag given on the command line next to the file: its name without dashes (a name of
/// run_flag_table(), or "duration") and its text ("true" for a switch).
using flag_override = std::pair<std::string, std::string>;

/// Reads the workload file at `path`. The top-level run flags become workload.defaults, the
/// `cli_overrides` replace the file's top-level values (an override named "duration" sets
/// workload.duration), and each group's options are the defaults with the group's own keys
/// applied. Every problem found is appended to `problems` as one sentence: syntax, unknown
/// keys, bad values, unknown scenarios, SLO expressions, then workload::validate()'s; each
/// names the file, the line and the key ("mix.yaml:7: groups[2] 'chatty-pairs':
/// message-interval: 'abc' is not a number of seconds (e.g. 10 or 2.5)"), except those of an
/// override, which name the flag ("--threads must be at most 1024"), as parsing the command
/// line does. Returns the workload only when there was no problem.
std::optional<scenario::workload> load_workload(const std::string& path,
                                                const scenario::scenario_registry& registry,
                                                const std::vector<flag_override>& cli_overrides,
                                                std::vector<std::string>& problems);

/// An arrival rate: "20/s", "20" (per second), "1200/min", "0.5/s", "72000/h". Returns an
/// error sentence starting with `label`, or nothing.
std::optional<std::string> parse_rate(const std::string& label, const std::string& text,
                                      pacing::rate& out);

/// An SLO expression of a workload: metrics::parse_slo(), where the field may be prefixed
/// "groups.<name>." to judge one group, <name> being a group of `w`. The objective keeps the
/// whole expression, and its field keeps the prefix ("groups.new-sessions.handshake.latency
/// .p99"). On error, `why` is a sentence naming the expression.
std::optional<metrics::slo_objective> parse_workload_slo(const std::string& text,
                                                         const scenario::workload& w,
                                                         std::string& why);

}  // namespace relayload::cli
