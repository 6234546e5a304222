// The commands of relayload-cli. Each returns the process exit code:
// 0 completed, 1 usage or configuration error, 2 pre-flight failure, 3 SLO breach
// (only with --fail-on-slo or --slo).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "cli_options.hpp"
#include "live_metrics.hpp"
#include "relayload/metrics/report.hpp"
#include "relayload/scenario/runner.hpp"
#include "signals.hpp"
#include "target_scrape.hpp"
#include "relayload/scenario/scenario_registry.hpp"

namespace relayload::cli {

namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int usage = 1;
inline constexpr int preflight = 2;
inline constexpr int slo_breach = 3;
}  // namespace exit_code

int run_scenario(const parsed_command& command, const scenario::scenario_registry& registry);
/// Opens --metrics-listen when it is given (under mpirun a non-zero port plus `rank`) and
/// prints its URL; exit_code::ok (also when not given), or usage after naming the problem.
int open_metrics(const std::optional<listen_address>& listen,
                 std::unique_ptr<metrics_endpoint>& out, std::optional<std::uint32_t> rank = {});
/// The labels of a run's series: rank and scenario.
metrics::metric_labels run_labels(std::uint32_t rank, const std::string& scenario);
/// Checks before a run that --output, --report, --csv, --hdr and --output-dir can be written
/// (output_file.hpp); exit_code::ok, or usage after naming the flag, the path and the reason.
int check_outputs(const parsed_command& command);

// Steps of `run` that the MPI launcher (mpi_launcher.cpp) shares with run_scenario.
void print_configuration(const scenario::run_options& o, const scenario::scenario_info& info,
                         const std::string& output, unsigned shards);
/// What drive() does with the live progress. The default: this process's own line, every
/// 0.5 s on a terminal and every 5 s otherwise.
struct progress_plan {
  /// Draw the line (false: no line; `line` is still called at each tick when set).
  bool show = true;
  /// Takes each snapshot and returns the line to draw (under MPI: rank 0 adds the other
  /// ranks' counters, the other ranks send theirs). Unset: metrics::render_progress.
  std::function<std::string(const metrics::report& live, std::chrono::nanoseconds elapsed)> line;
  /// Time between snapshots; zero: the default cadence above.
  std::chrono::milliseconds every{0};
  /// --metrics-listen: each progress snapshot (taken at the cadence above, also when no line
  /// is drawn) is published to the endpoint, whose scrapes only render it; after the run the
  /// final report is served.
  metrics_endpoint* metrics = nullptr;
  /// The labels of every series (rank, scenario).
  metrics::metric_labels metric_labels;
  /// Polled on every turn of the loop (on the calling thread): true asks for the graceful
  /// stop that a first SIGINT/SIGTERM asks for. Under mpirun, rank 0 passes its stop on to
  /// the other ranks this way (mpi_launcher.cpp).
  std::function<bool()> stop_requested;
};
/// Starts the runner and waits for its report, drawing progress and turning SIGINT/SIGTERM
/// into stop (first) and abort (second).
metrics::report drive(scenario::runner& runner, signal_watch& signals, const progress_plan& plan);
/// drive() for anything that runs like a runner (a workload_runner).
struct run_control {
  std::function<std::future<result<metrics::report>>()> start;
  std::function<metrics::report(std::chrono::milliseconds)> progress;
  std::function<void()> stop;
  std::function<void()> abort;
};
metrics::report drive(const run_control& run, signal_watch& signals, const progress_plan& plan);

/// --target-metrics around drive(): start() before it (nothing without the flag), then
/// finish() right after it, before the embedded relay stops, which puts the relay's series
/// into the report.
class target_scrape_session {
 public:
  target_scrape_session(const parsed_command& command, const progress_plan& plan);
  ~target_scrape_session();
  void finish(metrics::report& report);

 private:
  std::unique_ptr<target_scraper> scraper_;
  metrics::report_time started_;
};
/// The run_control of a runner or workload_runner that the control keeps alive.
template <class Runner>
run_control control_of(std::shared_ptr<Runner> runner) {
  run_control c;
  c.start = [runner] { return runner->start(); };
  c.progress = [runner](std::chrono::milliseconds wait) { return runner->progress(wait); };
  c.stop = [runner] { runner->stop(); };
  c.abort = [runner] { runner->abort(); };
  return c;
}
/// `run --workload FILE`: the groups of parsed_command::workload together.
int run_workload(const parsed_command& command, const scenario::scenario_registry& registry);
/// `capacity --workload FILE --scale GROUP.rate|GROUP.count …`: 0 capacity found, 3 the first
/// step already breaches, 2 generator-bound or pre-flight, 1 usage.
int run_capacity(const parsed_command& command, const scenario::scenario_registry& registry);
/// Marks the report's ranks failed when the run attempted connections and none succeeded
/// (the relay could not be reached), naming the most frequent error.
void judge_shard(metrics::report& report);
/// "shard-I-of-N.json": the name of a shard's own report in --output-dir.
std::string shard_file_name(std::uint32_t index, std::uint32_t count);
/// Writes the report to dir/shard_file_name(); exit_code::ok, or usage after naming the problem.
int write_shard_file(const std::string& dir, const metrics::report& report, std::uint32_t index,
                     std::uint32_t count);
/// Prints the summary, writes --output, applies --fail-on-slo; returns the exit code
/// (`code` unless that is ok and something fails here).
int conclude_run(const metrics::report& report, const parsed_command& command, int code);
int run_relay(const relay_command& command);
int run_aggregate(const aggregate_command& command);
/// The first option whose value differs between two reports' configs, in words
/// ("messagesPerSession is 5 here but 3 in the first report"); for refusing a merge.
std::string config_difference(const metrics::config_map& first, const metrics::config_map& other);
int run_report(const report_command& command);
/// `compare`: 0 compared (gates passed), 3 a gate failed, 1 usage, unreadable files or runs
/// that differ (without --force).
int run_compare(const compare_command& command);
/// Writes --report/-o (HTML), --csv and --hdr files of `report`, each atomically, printing
/// what was written; exit_code::ok, or usage after naming what could not be written.
int write_report_exports(const metrics::report& report, const report_exports& exports);

}  // namespace relayload::cli
