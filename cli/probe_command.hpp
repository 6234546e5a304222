// The pre-flight probe of `relayload-cli run`: one connection to the target (WebSocket upgrade
// + Centrifugo connect) with the run's own connecting options, before any load starts, so
// that a misconfigured target or run fails in seconds with a diagnosis instead of a storm.
#pragma once

#include <string>

#include "relayload/client/probe.hpp"
#include "relayload/scenario/run_options.hpp"

namespace relayload::cli {

/// The whole probe, all attempts included, takes at most this long (or --connect-timeout
/// when that is shorter).
inline constexpr std::chrono::milliseconds probe_time_limit{5000};

/// The probe options of a run: options.target (must be set), --ca-file/--insecure,
/// --token or --token-hmac-secret/--user/--token-ttl (a token for connection index 0), the
/// first --source-ips address, and --connect-timeout capped at probe_time_limit for each
/// attempt and for the whole probe. Throws std::system_error for options that
/// run_options::validate() refuses (validated before in the CLI).
client::probe_options probe_options_for(const scenario::run_options& options);

/// Probes options.target. Connected: prints one line to stdout and returns exit_code::ok.
/// Failed: prints to stderr
///   relayload-cli: probe failed (<cause>): <diagnosis>
///     hint: <hint>      (when there is one)
///     --no-probe starts the load anyway; ...
/// and returns exit_code::preflight. Callable from any command that is about to load a
/// target (run_scenario; the MPI launcher, e.g. on rank 0 before the start barrier).
/// With `failure`, the one-line reason of a failed probe ("probe failed (<cause>):
/// <diagnosis>") is also stored there; with print = false nothing is printed (MPI ranks
/// other than 0 report through the merged report instead).
int probe_target(const scenario::run_options& options, std::string* failure = nullptr,
                 bool print = true);

}  // namespace relayload::cli
