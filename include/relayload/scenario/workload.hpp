// relayload::scenario::workload — a production-like mix: several groups, each a scenario with
// its own parameters and arrival model, run at the same time in the same threads
// (capacity.md "Arrival models").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "relayload/pacing/rate.hpp"
#include "relayload/scenario/run_options.hpp"

namespace relayload::scenario {

/// One stage of a ramping arrival rate (k6's ramping-arrival-rate): over `duration` the rate
/// moves linearly from the previous stage's target (0 before the first stage) to `target`.
struct rate_stage {
  std::chrono::milliseconds duration{0};
  pacing::rate target;

  friend bool operator==(const rate_stage& a, const rate_stage& b) noexcept {
    return a.duration == b.duration && a.target == b.target;
  }
};

/// How a group's units (connections or session pairs) arrive.
enum class arrival_kind {
  closed,    ///< `count` units spread evenly over `ramp_up` (unit i at i·R/N), then held
  constant,  ///< open model: `rate` units per second for the group's whole window
  ramping,   ///< open model: the rate follows `stages`, linear between them
};
/// Uniform gaps (the exact schedule) or exponential ones (a seeded Poisson process with the
/// current rate as intensity).
enum class arrival_process { uniform, poisson };

struct arrival_model {
  arrival_kind kind = arrival_kind::closed;
  std::uint64_t count = 0;                  ///< closed
  std::chrono::milliseconds ramp_up{0};     ///< closed
  pacing::rate rate;                        ///< constant
  std::vector<rate_stage> stages;           ///< ramping
  arrival_process process = arrival_process::uniform;
  /// When set, what describe() says instead (the capacity search names its steps so).
  std::string label;

  /// "count 500 over 60 s", "20/s poisson", "stages 60 s→50/s, 120 s→50/s"; or the label.
  std::string describe() const;
};

/// One group of a workload.
struct workload_group {
  /// Unique within the workload, [a-z0-9-]+; it names the group's section of the report
  /// (groups.<name>) and addresses it in SLO expressions.
  std::string name;
  /// Any registered scenario.
  std::string scenario;
  /// The scenario's parameters (message_interval, messages_per_session, delay, …): the
  /// workload's defaults with the group's own values applied. connections/connection_pairs
  /// and ramp_up are ignored: the arrival model says how many units start and when.
  run_options options;
  arrival_model arrivals;
  /// When the group's window opens, from the workload's start.
  std::chrono::milliseconds start_after{0};
  /// How long the window stays open (units arrive, steady-state holds, steady-messaging
  /// exchanges); unset: until the workload's duration ends. A ramping group's window is at
  /// least its stages.
  std::optional<std::chrono::milliseconds> duration;
};

/// A mix of groups run together.
struct workload {
  /// Options that apply to the whole run and to every group unless the group sets its own:
  /// target, seed, threads, shard, start_at, TLS, tokens, timeouts.
  run_options defaults;
  /// The length of the run: every group's window ends by then unless it says otherwise.
  std::chrono::milliseconds duration{60'000};
  /// SLO expressions as written (`slo:`), checked and parsed by the caller (metrics::parse_slo).
  std::vector<std::string> slo;
  std::vector<workload_group> groups;

  /// Every problem at once, one sentence each naming the group and the key ("group
  /// 'new-sessions': rate must be positive"); empty when the workload can run. Does not check
  /// that the scenarios exist (the registry does).
  std::vector<std::string> validate() const;

  /// The group's window end (start_after + duration, or the workload's duration), from the
  /// workload's start.
  std::chrono::milliseconds window_end(const workload_group& g) const noexcept;
};

/// Whether `name` is a valid group name: non-empty, at most 64 characters of [a-z0-9-].
bool valid_group_name(const std::string& name) noexcept;

}  // namespace relayload::scenario
