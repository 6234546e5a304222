// The engine behind runner and workload_runner: runs one or more groups (each a scenario with
// its options and, for workloads, an arrival schedule) over several threads and merges the
// reports exactly, group by group.
//
// Each thread owns an io_context and a client_context shared by the groups' shards on that
// thread; nothing is shared between threads while they run. Every shard of every thread is
// built first, then released together through a barrier with one common t0, and the reports
// are merged once every shard called done (or after stop()/abort()).
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relayload/metrics/report.hpp"
#include "relayload/pacing/schedule.hpp"
#include "relayload/result.hpp"
#include "relayload/scenario/run_options.hpp"
#include "relayload/scenario/scenario.hpp"

namespace relayload::scenario::detail {

/// One group as the engine runs it.
struct group_plan {
  std::string name;  ///< empty in a single-scenario run
  scenario_info info;
  run_options options;
  /// Thread `part`'s share of the group's arrivals (sharded and shifted by start-after);
  /// `seed` is the group's seed. Empty: the scenario spreads its own units over --ramp-up.
  std::function<result<pacing::schedule>(pacing::shard part, std::uint64_t seed)> arrivals;
  /// The group's window end, from t0; unset: the scenario's own end.
  std::optional<std::chrono::nanoseconds> window_end;
  /// The report's "config" for the group (a single run: report_config(options, info)).
  metrics::config_map config;
  std::vector<std::string> config_unused;
  /// How many units the group starts in this process, when known (thread count cap).
  std::optional<std::uint64_t> units;
};

struct engine_options {
  /// The run's process-wide options: target, seed, threads, shard, start_at, TLS, log.
  run_options process;
  std::chrono::nanoseconds series_interval{std::chrono::seconds(1)};
  /// A workload: the report wraps the groups (scenario "workload", totals on top), each
  /// group counts its arrivals and their lateness ("arrivals" series,
  /// "generator.lateness" histogram) and every thread samples its event-loop lag
  /// ("generator" series, "generator.loopLag" histogram, in the totals).
  bool workload = false;
  /// Workloads: the report's config object.
  metrics::config_map config;
};

/// The names the engine adds to workload reports.
inline constexpr const char* arrivals_series = "arrivals";
inline constexpr const char* generator_series = "generator";
inline constexpr const char* lateness_histogram = "generator.lateness";
inline constexpr const char* loop_lag_histogram = "generator.loopLag";
/// How long each of the runner's own snapshots took on a shard thread (progress lines, the
/// capacity search's looks, a group's final report): the observer's cost, which the loop lag
/// leaves out.
inline constexpr const char* snapshot_histogram_name = "generator.snapshotTime";
/// How often each thread samples its event-loop lag.
inline constexpr std::chrono::milliseconds loop_lag_period{10};
/// Lateness above this counts as "late" in the arrivals series (pacer_options' default).
inline constexpr std::chrono::milliseconds late_threshold{1};

class engine {
 public:
  engine(std::vector<group_plan> groups, engine_options options);
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  std::future<result<metrics::report>> start();
  metrics::report progress(std::chrono::milliseconds wait);
  /// progress() with only the time series (scenario_shard::series_snapshot): a cheap look.
  metrics::report progress_series(std::chrono::milliseconds wait);
  void stop() noexcept;
  /// stop() that is part of the plan (the capacity search ending its load after its answer):
  /// the report is not marked partial for it.
  void end_load() noexcept;
  void abort() noexcept;
  unsigned shard_count() const noexcept;
  /// CPU time used so far by the engine's own threads (not by anything else in the process,
  /// such as an embedded relay): the generator self-check.
  std::chrono::nanoseconds cpu_time() const noexcept;
  /// t0 of the run (steady clock); after start(), waits until it is fixed (a --start-at may
  /// lie ahead).
  std::chrono::steady_clock::time_point t0() const noexcept;

  class impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace relayload::scenario::detail
