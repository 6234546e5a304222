// relayload::scenario::workload_runner — runs a workload (workload.hpp): every group's shards
// on the same threads, from one t0, with one report per group and the totals over them.
//
//   scenario::scenario_registry registry;
//   scenario::register_builtin_scenarios(registry);
//   scenario::workload w;                       // or the CLI's YAML reader
//   w.defaults.target = "wss://relay.example/connection/websocket";
//   w.duration = std::chrono::seconds(60);
//   scenario::workload_group idle{"idle-wallets", "steady-state"};
//   idle.arrivals.count = 1000;  idle.arrivals.ramp_up = std::chrono::seconds(10);
//   w.groups.push_back(idle);
//   scenario::workload_runner runner(w, registry);
//   metrics::report r = runner.start().get().value();   // r.groups[0].result, totals in r
//
// See examples/workload_mix.cpp.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <optional>

#include "relayload/metrics/report.hpp"
#include "relayload/result.hpp"
#include "relayload/scenario/scenario_registry.hpp"
#include "relayload/scenario/workload.hpp"

namespace relayload::scenario {

struct workload_runner_options {
  /// Interval of every time series; unset: metrics::series_interval_for(planned_duration(w)).
  /// The capacity search sets one that divides its steps and warm-ups, so that each step's
  /// window is a whole number of intervals.
  std::optional<std::chrono::nanoseconds> series_interval;
};

/// Thread safety and lifetime as scenario::runner: stop() and abort() may be called from
/// another thread; the destructor stops and joins the threads.
///
/// The report (scenario "workload") holds one group_report per group, in the workload's
/// order, each a complete report of its scenario (its usual sections, plus an "arrivals"
/// series — units started and late per interval, by intended start — and the
/// "generator.lateness" histogram), and on top the totals over the groups
/// (metrics::workload_totals) with the generator's event-loop lag ("generator" series,
/// "generator.loopLag" histogram). Samples are placed in the interval of their intended start.
class workload_runner {
 public:
  /// Scenarios are looked up in `registry` here (and copied). A workload that fails
  /// validate() or names an unknown scenario is refused by start() (errc::invalid_argument).
  workload_runner(const workload& w, const scenario_registry& registry,
                  workload_runner_options options = {});
  ~workload_runner();
  workload_runner(const workload_runner&) = delete;
  workload_runner& operator=(const workload_runner&) = delete;

  /// Starts every group; the future yields the report once every group's shards are done.
  std::future<result<metrics::report>> start();
  /// A merged copy of what has been measured so far (marked partial), as runner::progress.
  metrics::report progress(std::chrono::milliseconds wait = std::chrono::milliseconds(500));
  /// The same with only the time series of every group and of the totals (no sections, no
  /// histograms): what the capacity search judges steps from, at a fraction of a full
  /// snapshot's cost on the shard threads.
  metrics::report progress_series(std::chrono::milliseconds wait = std::chrono::milliseconds(500));
  void stop() noexcept;
  /// Ends the load gracefully as part of the plan (as the capacity search does once it has
  /// its answer): units whose time has not come are not started and not counted, and the
  /// report is not marked partial for it.
  void end_load() noexcept;
  void abort() noexcept;
  unsigned shard_count() const noexcept;
  /// CPU time used so far by the runner's own threads (an embedded relay in the same process
  /// is not counted): for the generator self-check.
  std::chrono::nanoseconds cpu_time() const noexcept;
  /// The run's t0 (steady clock); after start(), waits until it is fixed. Group windows
  /// count from it.
  std::chrono::steady_clock::time_point t0() const noexcept;


 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

/// How long a workload is planned to take: its duration, or the latest group window end if
/// later, plus the slack of its longest unit lifecycle (a session's QR delay and exchanges,
/// async-delivery's offline delay) and one second.
std::chrono::milliseconds planned_duration(const workload& w);

}  // namespace relayload::scenario
