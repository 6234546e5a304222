// HTML rendering of a report: one self-contained page (inline CSS and SVG, no script, no
// network) with the run's figures, its SLO verdicts, charts and configuration.
//
// Charts, each an <svg class="chart" id="chart-…"> whose data are <path class="series">
// lines or <rect class="bar"> bars, with labelled axes:
//   chart-active-connections    active connections over time (the "connections" series)
//   chart-connect-latency       connect-time percentiles (p50 … max)
//   chart-message-latency       message latency p50 and p99 per interval (steady-messaging)
//   chart-latency-distribution  latency by percentile, HdrHistogram-style, of every
//                               headline histogram in the report
//   chart-errors                errors by cause
// A chart without data is a <div class="chart no-data" id="chart-…"> that says why, so it
// never silently vanishes. Every string taken from the report is escaped.
#pragma once

#include <string>
#include <string_view>

#include "relayload/metrics/report.hpp"

namespace relayload::metrics {

/// The whole page. Pure: renders only what the report holds (SLO verdicts are evaluated
/// from report::slos).
std::string render_html(const report& r);

/// `text` with & < > " ' replaced by character references, safe in HTML text and in quoted
/// attribute values (also inside SVG).
std::string html_escape(std::string_view text);

}  // namespace relayload::metrics
