// Rendering a comparison of runs (compare.hpp): the terminal table, the JSON document that
// `relayload-cli compare --output` writes, and the HTML page of `--report`.
#pragma once

#include <string>
#include <vector>

#include "relayload/metrics/compare.hpp"
#include "relayload/metrics/report.hpp"
#include "relayload/metrics/slo.hpp"

namespace relayload::metrics {

/// Everything a rendered comparison shows.
struct comparison_document {
  std::vector<run_figures> base;       ///< one or more runs
  std::vector<run_figures> candidate;  ///< one or more runs
  compare_options options;
  comparison result;
  /// comparison_differences() of the first base and each candidate, when the comparison was
  /// forced past them; empty otherwise.
  std::vector<std::string> differences;
  std::vector<slo_verdict> gates;  ///< evaluate_gates(), in the order given
};

struct comparison_text_options {
  bool color = false;  ///< ANSI colours: worse red, better green
  /// Every row; otherwise the rows of named histograms and counters are shown only when
  /// they got worse, better or changed (a closing line counts the rows left out).
  bool all = false;
};

/// The table (base, candidate, change, noise, verdict per figure), the notes, the gate
/// verdicts as PASS/FAIL lines, and a closing count of worse and better figures.
std::string render_comparison(const comparison_document& d,
                              const comparison_text_options& options = {});

/// The JSON document (comparisonVersion 1; durations in milliseconds; see the README).
std::string to_json(const comparison_document& d);

/// One self-contained HTML page: the runs, the gate verdicts, the table, and charts with
/// every run on the same axes:
///   compare-percentiles-<section>  latency by percentile of each headline latency
///                                  (connectTime, handshake.latency, messages.latency,
///                                  recovery.latency), the runs' curves overlaid; an
///                                  original-tool run as its carried points
///                                  (min, p50, p95, p99, max)
///   compare-series-<series>        p99 per interval of each series with latencies, the
///                                  runs side by side on one time axis (from each run's t0)
/// `base_reports` and `candidate_reports` parallel d.base and d.candidate; nullptr for a run
/// that has no report (an original-tool document), whose curves are drawn from its figures
/// and whose series are left out, saying why.
std::string render_comparison_html(const comparison_document& d,
                                   const std::vector<const report*>& base_reports,
                                   const std::vector<const report*>& candidate_reports);

}  // namespace relayload::metrics
