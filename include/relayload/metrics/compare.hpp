// relayload::metrics — comparing runs: is the candidate worse than the baseline?
//
// A run is reduced to its figures (run_figures): every field with data, by the same paths
// the SLOs use ("messages.latency.p99", "groups.sessions.errors.total"), each with the
// run-to-run noise that can be estimated for it. compare_runs() aligns the figures of one or
// more baseline runs with those of one or more candidate runs; gates ("p99 did not regress
// by more than 10 %") judge the changes with the same verdict type as SLOs.
//
// Noise. A latency statistic of one run (not its min or max: single samples have no honest
// estimate) has a standard error estimated two ways, the larger
// kept: from the run's own time series by batch means (the intervals with data are split
// into up to 10 consecutive batches, the statistic is computed per batch, and its spread
// over √batches is the error), and from the order statistics of the whole histogram (the
// distribution-free confidence interval of a percentile). Several runs on one side (repeats)
// add the spread between runs, which every figure then has. A change is "within noise" when
// it is no larger than z (2) standard errors of the difference. Counts and rates of a
// single run have no noise estimate: their changes are judged as they are. An error cause or
// a counter that a relayload report does not list is 0 there.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relayload/metrics/config_map.hpp"
#include "relayload/metrics/report.hpp"
#include "relayload/metrics/slo.hpp"
#include "relayload/metrics/slo_objective.hpp"
#include "relayload/result.hpp"

namespace relayload::metrics {

/// Which direction of change makes a figure worse.
enum class worse_direction {
  higher,  ///< latencies, failures, errors
  lower,   ///< success and delivery rates, throughput
  none,    ///< counts set by the run's options, counters of unknown meaning
};

/// "higher", "lower", "none".
const char* to_string(worse_direction d) noexcept;

/// The direction that is worse for a field path (see field_kind()).
worse_direction worse_direction_of(std::string_view field);

/// One figure of a run.
struct run_figure {
  std::string field;  ///< "messages.latency.p99"
  slo_field_kind kind = slo_field_kind::number;
  double value = 0.0;  ///< in the field's unit (nanoseconds for durations)
  /// Estimated standard error of `value` in the same unit; std::nullopt when unknown.
  std::optional<double> error;
};

/// Where a run's figures come from.
enum class run_origin {
  relayload,      ///< a relayload report (schemaVersion 2)
  original_tool,  ///< a TestResults document of the original Node tool
};

/// A run reduced to what a comparison needs.
struct run_figures {
  std::string label;  ///< e.g. the file name
  run_origin origin = run_origin::relayload;
  std::string scenario;
  std::string target;
  report_time end_time{};
  config_map config;
  /// Config keys that do not change what the results mean (configUnused and the like).
  std::vector<std::string> config_unused;
  bool partial = false;
  std::vector<run_figure> figures;  ///< in fields_with_data() order

  const run_figure* find(std::string_view field) const noexcept;
};

/// The figures of a relayload report, with noise estimates for latency statistics.
run_figures figures_of(const report& r, std::string label = {});

/// The original tool's TestResults document (original-tool.md §4.1), parsed. Its latency
/// objects carry whole milliseconds (min, max, avg, p50, p95, p99) and no histograms; each
/// such figure gets the rounding (±0.5 ms, standard error 0.29 ms) as its error.
struct original_document {
  std::string scenario;
  std::string target;
  report_time end_time{};
  config_map config;
  run_figures figures;
  /// steadyMessaging.latencyOverTime, when present: {timestampMs, p50 ms, p99 ms, exchanges}.
  std::vector<latency_point> latency_over_time;
};

/// Whether `json` looks like an original-tool document (no schemaVersion, a results object
/// with a connections object).
bool is_original_document(std::string_view json);

/// Parses an original-tool document. errc::invalid_argument with `error_message` naming the
/// field and the problem (e.g. "results.connections.attempted: null (the original tool
/// writes NaN as null)").
result<original_document> parse_original_document(std::string_view json,
                                                  std::string* error_message = nullptr);

/// What a change amounts to.
enum class change_verdict {
  same,          ///< no change at all
  within_noise,  ///< a change no larger than the noise
  better,
  worse,
  /// Beyond the noise for a figure with no worse direction (a counter), or any change of a
  /// time or rate whose noise is unknown (a min or max: one sample; a throughput of one run).
  changed,
  only_base,    ///< the candidate has no data for it
  only_candidate,
};

/// "same", "within noise", "better", "worse", "changed", "only in base", "only in candidate".
const char* to_string(change_verdict v) noexcept;

struct compared_figure {
  std::string field;
  slo_field_kind kind = slo_field_kind::number;
  worse_direction worse = worse_direction::none;
  std::optional<double> base;       ///< mean over the base runs that have it
  std::optional<double> candidate;  ///< mean over the candidate runs that have it
  std::optional<double> change;     ///< candidate − base
  std::optional<double> relative;   ///< change / base × 100; none when base is 0
  /// z standard errors of the change: a change within ± this is noise. std::nullopt when
  /// neither side has a noise estimate.
  std::optional<double> noise;
  change_verdict verdict = change_verdict::same;
};

struct compare_options {
  /// Standard errors of the difference within which a change counts as noise.
  double z = 2.0;
  /// Judge every change as it is, ignoring the noise estimates.
  bool ignore_noise = false;
};

struct comparison {
  std::vector<compared_figure> figures;  ///< the base's order, then fields only the candidate has
  /// Things the reader must know: definitions that differ from the original tool's, partial
  /// runs, different targets.
  std::vector<std::string> notes;

  const compared_figure* find(std::string_view field) const noexcept;
};

/// Why two runs cannot be compared as the same experiment: a different scenario, or a
/// result-changing option with different values, one sentence each ("messagesPerSession is
/// 3 in the base but 5 in the candidate"). Keys only one side records are not differences
/// when that side is an original-tool document (it records fewer); the seed and unused keys
/// never are. Empty when they compare.
std::vector<std::string> comparison_differences(const run_figures& base,
                                                const run_figures& candidate);

/// Aligns the base runs' figures with the candidate runs'. Several runs on a side are
/// repeats of one experiment: each figure is their mean, and their spread joins its noise.
/// Both lists must be non-empty.
comparison compare_runs(const std::vector<run_figures>& base,
                        const std::vector<run_figures>& candidate,
                        const compare_options& options = {});

/// A regression gate: a bound on a figure's change from base to candidate.
struct gate {
  std::string expression;  ///< as written: "messages.latency.p99<=+10%"
  std::string field;
  slo_field_kind kind = slo_field_kind::number;
  slo_op op = slo_op::less_equal;
  double threshold = 0.0;  ///< signed; percent when relative, else the field's unit
  bool relative = false;   ///< the threshold is a percentage of the base value
};

/// Parses "<field><op><signed number>[unit]": the number is the allowed change, "+10%" of the
/// base value (relative) or an absolute change in the field's unit (ms or s for durations,
/// no unit meaning ms; "pp" or no unit for percentage points of a rate; no unit for counts
/// and other figures). Examples: messages.latency.p99<=+10%, connections.successRate>=-0.1,
/// errors.total<=+0. errc::invalid_argument with a sentence in `error_message` otherwise.
result<gate> parse_gate(std::string_view text, std::string* error_message = nullptr);

/// Judges the comparison by the gates, in order. A gate fails when the change breaks its
/// bound by more than the noise (unless the comparison ignored noise), and when either
/// side has no data for its field.
std::vector<slo_verdict> evaluate_gates(const comparison& c, const std::vector<gate>& gates);

}  // namespace relayload::metrics
