// relayload::scenario::capacity_search — how much of one group's load a relay holds before its
// SLOs break, in one continuous run (capacity.md "A capacity step").
//
// The scaled group's rate (or count) rises step by step — from, from + step, … up to max —
// while the workload's other groups run as written. Each step is judged on its own window
// (after its warm-up) from the per-interval data of the time series, in which every sample
// sits in the interval of its operation's intended start: exact per-step histograms, never
// differences of cumulative figures. The search stops after the first failing step, waits
// for that step's stragglers, then stops the load gracefully.
//
// Per step the generator checks itself: CPU of the runner's threads, event-loop lag p99 and
// pacing lateness p99. A failing step on which the generator was saturated is reported as the
// generator's limit, not the relay's.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "relayload/metrics/report.hpp"
#include "relayload/metrics/slo_objective.hpp"
#include "relayload/result.hpp"
#include "relayload/scenario/scenario_registry.hpp"
#include "relayload/scenario/workload.hpp"

namespace relayload::scenario {

enum class capacity_parameter { rate, count };

struct capacity_plan {
  workload mix;
  std::string group;  ///< the scaled group; its own rate or count is replaced by the steps
  capacity_parameter parameter = capacity_parameter::rate;
  double from = 0;  ///< first step's value (units/s for rate, units for count)
  double step = 0;  ///< added at every step
  /// Last step's value; unset: steps go on until an SLO breaks, at most max_unbounded_steps.
  std::optional<double> max;
  std::chrono::milliseconds step_duration{30'000};
  /// Excluded from each step's verdict (still recorded and drawn); for counts, the step's new
  /// units arrive spread over it. Unset: 20 % of the step, at least 2 s.
  std::optional<std::chrono::milliseconds> warmup;
  /// Judged on every step: fields of the totals or of a group (groups.<name>.…); the
  /// per-step data holds connections.*, connectTime.*, handshake.*, messages.* and
  /// recovery.* (supported_step_field()).
  std::vector<metrics::slo_objective> slos;
};

/// Steps run without --max at most.
inline constexpr std::size_t max_unbounded_steps = 100;

/// The warm-up a plan uses: plan.warmup, or 20 % of the step, at least 2 s (and less than
/// the step).
std::chrono::milliseconds effective_warmup(const capacity_plan& plan) noexcept;

/// Every problem with a plan, in words naming the flag (--scale, --step, --warmup, --slo…);
/// empty when it can run. Checks the workload too (workload::validate) and that the scaled
/// group exists with the right arrival model (rate: a `rate:` group; count: a `count:` group).
std::vector<std::string> validate(const capacity_plan& plan, const scenario_registry& registry);

/// Whether an SLO field (without a groups.<name>. prefix) can be judged per step.
bool supported_step_field(const std::string& field) noexcept;

/// What the search tells its caller while it runs (on the caller's thread of run()).
struct capacity_events {
  /// A step's verdict is final.
  std::function<void(const metrics::capacity_step&)> on_step;
  /// About once a second: a series-only look at the run (workload_runner::progress_series)
  /// and the index of the running step.
  std::function<void(const metrics::report& live, std::size_t step)> on_progress;
  /// Every `full_look_every` (when positive): a full look at the run (workload_runner::
  /// progress: counters and histograms too, which costs the shards a copy of every
  /// histogram, so not every second) and the index of the running step.
  /// `capacity --metrics-listen` looks every 5 s.
  std::function<void(const metrics::report& live, std::size_t step)> on_full_look;
  std::chrono::milliseconds full_look_every{0};
};

class capacity_search {
 public:
  /// The plan must have passed validate().
  capacity_search(capacity_plan plan, const scenario_registry& registry);
  ~capacity_search();
  capacity_search(const capacity_search&) = delete;
  capacity_search& operator=(const capacity_search&) = delete;

  /// Runs the search to its answer; blocks. The report is the workload's report with
  /// report::capacity filled in. errc::invalid_argument when the plan cannot run.
  result<metrics::report> run(const capacity_events& events = {});

  /// From another thread (a signal): stop the load gracefully; run() returns what was judged
  /// so far, marked partial.
  void stop() noexcept;
  /// From another thread (a second signal): stop at once.
  void abort() noexcept;


 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace relayload::scenario
