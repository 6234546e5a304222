// relayload::metrics — the original tool's result documents (original_document, compare.hpp)
// rendered on their own: `relayload-cli report ORIGINAL.json` prints the summary the original
// printed and writes an HTML page, so that archives of the original's results stay readable.
//
// Such a document carries whole-millisecond latency figures (min, avg, p50, p95, p99, max)
// and counts; no histograms, no error breakdown and no time series (only steady-messaging's
// latencyOverTime snapshots). What cannot be drawn from it is left out, and the page says so.
// Objectives are judged from the figures it carries; a field it does not carry has no data
// and fails, as it does for reports.
#pragma once

#include <string>
#include <vector>

#include "relayload/metrics/compare.hpp"
#include "relayload/metrics/report_text.hpp"
#include "relayload/metrics/slo.hpp"
#include "relayload/metrics/slo_objective.hpp"

namespace relayload::metrics {

/// The original tool's objectives that apply to the document: message latency p99 ≤ 400 ms
/// when it has a messages section, 100 % recovery when it has a recovery section.
std::vector<slo_objective> default_slos(const original_document& doc);

/// Judges the document by `objectives`, in order, from its figures. A field it does not
/// carry (p90, p999, errors.*, counters.*, histograms.*, anything of a section it lacks) is
/// "no data" and fails.
std::vector<slo_verdict> evaluate_slos(const original_document& doc,
                                       const std::vector<slo_objective>& objectives);

/// The summary block, in the original's sections (connections, timing, connect time, steady
/// state, handshake, messages, recovery, sustained messaging) with its latency lines
/// (min/avg/p50/p95/p99/max in ms) and colours, a line saying that the document has no
/// histograms, errors or time series, then one PASS/FAIL line per verdict. Ends with a
/// newline. With no verdicts the original's own SLO lines (message p99 ≤ 400 ms, 100 %
/// recovery) are printed in their sections, as render_summary() does for reports.
std::string render_original_summary(const original_document& doc, const text_options& options = {},
                                    const std::vector<slo_verdict>& verdicts = {});

/// One self-contained HTML page in the style of render_html(): a banner saying what the
/// document is, the summary, the latency figures it carries (table "latencies"), the verdicts
/// (table "slo-verdicts"), the charts it supports and the configuration. Charts:
///   chart-latency-distribution  each carried latency by percentile (min, p50, p95, p99, max)
///   chart-message-latency       steady-messaging's latencyOverTime snapshots (p50, p99), when
///                               the document has some
/// and a note (id "charts-left-out") naming the charts a relayload report would have that
/// this document cannot support, and why. Every string from the document is escaped.
std::string render_original_html(const original_document& doc,
                                 const std::vector<slo_verdict>& verdicts);

}  // namespace relayload::metrics
