// Command-line parsing for relayload-cli: CLI11 for the syntax (--flag=value and
// --flag value, -h, -V), our own strict conversion for the values, so that every bad value
// is named with its flag instead of being silently read as 0 or NaN.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "terminal.hpp"
#include "relayload/metrics/slo_objective.hpp"
#include "relayload/scenario/run_options.hpp"
#include "relayload/scenario/scenario_registry.hpp"

namespace relayload::cli {

enum class command_kind { run, relay, aggregate, report };

/// `relayload-cli relay` options.
struct relay_command {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  std::string config_file;
  unsigned workers = 1;
  std::string tls_cert;
  std::string tls_key;
  std::optional<std::uint32_t> ping_interval_ms;
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
  /// --storm-trigger (reconnect-storm): "relay", "client" or "" (relay without --target).
  std::string storm_trigger;
  relay_command relay;
  aggregate_command aggregate;
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
