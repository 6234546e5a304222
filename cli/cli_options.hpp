// Command-line parsing for relayload-cli: CLI11 for the syntax (--flag=value and
// --flag value, -h, -V), our own strict conversion for the values, so that every bad value
// is named with its flag instead of being silently read as 0 or NaN.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "listen_address.hpp"
#include "terminal.hpp"
#include "relayload/metrics/compare.hpp"
#include "relayload/metrics/slo_objective.hpp"
#include "relayload/net/http_get.hpp"
#include "relayload/pacing/rate.hpp"
#include "relayload/scenario/run_options.hpp"
#include "relayload/scenario/scenario_registry.hpp"
#include "relayload/scenario/workload.hpp"

namespace relayload::cli {

enum class command_kind { run, relay, aggregate, report, capacity, compare };

/// `relayload-cli relay` options.
struct relay_command {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  std::string config_file;
  unsigned workers = 1;
  std::string tls_cert;
  std::string tls_key;
  std::optional<std::uint32_t> ping_interval_ms;
  /// --max-publish-rate / --max-connect-rate: per second and per worker; 0 = unlimited.
  /// Test knobs that give the relay a known capacity (relay_config::max_publish_rate).
  double max_publish_rate = 0;
  double max_connect_rate = 0;
  /// --metrics-listen HOST:PORT: the relay's Prometheus endpoint (listen_address.hpp, live_metrics.hpp).
  std::optional<listen_address> metrics_listen;
  /// --compression: accept permessage-deflate (ws_server_options::compression).
  bool compression = false;
};

/// `relayload-cli aggregate` options.
struct aggregate_command {
  std::string input;
  std::string output;
  color_choice color = color_choice::automatic;  ///< --color
};

/// Files rendered from a report besides the JSON: --report (HTML), --csv (time series),
/// --hdr (a folder of HdrHistogram percentile-distribution files).
struct report_exports {
  std::string html;
  std::string csv;
  std::string hdr_dir;
};

/// `relayload-cli report RESULTS.json` options.
struct report_command {
  std::string input;
  report_exports exports;  ///< -o/--output is exports.html
  std::vector<metrics::slo_objective> slos;  ///< --slo, parsed
  bool fail_on_slo = false;
  color_choice color = color_choice::automatic;  ///< --color
};

/// `relayload-cli compare [BASE.json] NEW.json [MORE.json...]` options.
struct compare_command {
  std::vector<std::string> base;        ///< --base files, or the first positional file
  std::vector<std::string> candidate;   ///< the other positional files
  std::vector<metrics::gate> gates;     ///< --gate, parsed
  std::string output;                   ///< --output: the comparison as JSON
  std::string html;                     ///< --report: the comparison as HTML
  bool force = false;                   ///< --force: compare despite differing options
  bool all = false;                     ///< --all: every row of the table
  bool ignore_noise = false;            ///< --ignore-noise
  color_choice color = color_choice::automatic;  ///< --color
};

/// What `capacity --scale GROUP.PARAMETER` steps.
enum class capacity_parameter {
  rate,   ///< GROUP.rate: a group with `rate:` (a constant arrival rate)
  count,  ///< GROUP.count: a group with `count:` (a closed model)
};

/// `relayload-cli capacity` options: the workload (parsed_command::workload, with the scaled
/// group's rate or count set to --from) is run in steps of --step-duration, the scaled value
/// growing by --step, until an SLO fails or --max is passed.
struct capacity_command {
  std::string group;  ///< the GROUP of --scale
  capacity_parameter parameter = capacity_parameter::rate;
  /// --from, --step, --max for GROUP.rate.
  pacing::rate from_rate, step_rate;
  std::optional<pacing::rate> max_rate;
  /// --from, --step, --max for GROUP.count.
  std::uint64_t from_count = 0, step_count = 0;
  std::optional<std::uint64_t> max_count;
  std::chrono::milliseconds step_duration{0};
  /// The start of each step that is not judged: --warmup, by default 20 % of the step, at
  /// least 2 s, and always shorter than the step.
  std::chrono::milliseconds warmup{0};
  /// --refine N: bisections between the last passing and the first failing step (0: none).
  unsigned refine = 0;
  /// --slo, or else the workload file's slo:; never empty.
  std::vector<metrics::slo_objective> slos;
  std::string output;       ///< --output: the JSON result
  std::string report_html;  ///< --report
  bool progress = true;     ///< --no-progress turns the live line off
  bool probe = true;        ///< --no-probe skips the pre-flight probe of the target
  color_choice color = color_choice::automatic;  ///< --color
  /// --metrics-listen: the run's live series (a full look every 5 s) and the search's
  /// position (relayload_capacity_step, _value, _last_passing, _first_failing).
  std::optional<listen_address> metrics_listen;
};

struct parsed_command {
  command_kind kind = command_kind::run;
  color_choice color = color_choice::automatic;  ///< --color (run)
  scenario::run_options run;
  std::string output;          ///< --output (run)
  bool fail_on_slo = false;    ///< --fail-on-slo (run)
  /// --slo (run), parsed; when given they replace the default objectives and a breach
  /// exits 3 as with --fail-on-slo.
  std::vector<metrics::slo_objective> slos;
  report_exports exports;      ///< --report, --csv, --hdr (run)
  report_command report;
  bool progress = true;        ///< --no-progress turns the live line off
  bool probe = true;           ///< --no-probe skips the pre-flight probe of the target
  std::string output_dir;      ///< --output-dir (run): each shard's own report, too
  /// --metrics-listen HOST:PORT (run): a live Prometheus endpoint (listen_address.hpp, live_metrics.hpp).
  std::optional<listen_address> metrics_listen;
  /// --target-metrics URL (run): the target relay's Prometheus endpoint, scraped during the
  /// run (target_scrape.hpp); `target_metrics_url` is the URL as given.
  std::optional<net::http_url> target_metrics;
  std::string target_metrics_url;
  /// --storm-trigger (reconnect-storm): "relay", "client" or "" (relay without --target).
  std::string storm_trigger;
  relay_command relay;
  aggregate_command aggregate;
  /// --workload (run, capacity): the file as given, and what it describes, with the run
  /// flags given on the command line replacing its top-level values. Set, `run` is `defaults`
  /// of the workload; --slo replaces the file's slo: (both parsed into `slos`, or into
  /// capacity.slos), and the fields of group objectives keep their "groups.<name>." prefix.
  std::string workload_file;
  std::optional<scenario::workload> workload;
  capacity_command capacity;
  compare_command compare;
};

/// The result of parsing: a command to execute, or an exit code to return at once (help and
/// version print and give 0; errors print to stderr and give 1).
struct parse_outcome {
  std::optional<parsed_command> command;
  int exit_code = 0;
};

parse_outcome parse_command_line(int argc, char** argv,
                                 const scenario::scenario_registry& registry);

/// Strict value conversions (exposed for tests). Each returns an error sentence naming the
/// flag, or the value.
std::optional<std::string> parse_whole(const std::string& flag, const std::string& text,
                                       std::uint64_t& out);
std::optional<std::string> parse_seconds(const std::string& flag, const std::string& text,
                                         std::chrono::milliseconds& out);
/// "I/N" (--shard): shard I of N; ranges are left to run_options::validate.
std::optional<std::string> parse_shard(const std::string& text, std::uint32_t& index,
                                       std::uint32_t& count);
/// "127.0.0.2-127.0.0.17" (an IPv4 range), "10.0.0.1,10.0.0.2" (a list), or a mix.
std::optional<std::string> parse_source_ips(const std::string& text,
                                            std::vector<std::string>& out);

}  // namespace relayload::cli
