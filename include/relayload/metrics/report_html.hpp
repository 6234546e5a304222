// HTML rendering of a report: one self-contained page (inline CSS and SVG, no script, no
// network) with the run's figures, its SLO verdicts, charts and configuration.
//
// Charts, each an <svg class="chart" id="chart-…"> whose data are <path class="series">
// lines or <rect class="bar …"> bars, with labelled axes; in page order:
//   chart-active-connections    open connections over time (the "connections" series; for
//                               session pairs both sides of every pair)
//   chart-connect-latency       connect-time percentiles (p50 … max)
//   chart-handshake-rate        handshakes started, completed and failed per second
//   chart-handshake-latency     handshake latency p50 and p99 per interval
//   chart-session-phases        p50 and p99 of each phase of a session (dApp side, wallet
//                               side, handshake, request leg, think time, response leg,
//                               recovery), side by side on a log scale
//   chart-message-latency       message latency p50 and p99 per interval
//   chart-recovery              recovery outcomes per second (async-delivery, reconnect-storm)
//   chart-recovery-latency      recovery latency p50 and p99 per interval
//   chart-latency-distribution  latency by percentile, HdrHistogram-style, of every
//                               headline histogram in the report
//   chart-errors                errors by cause
// Only the charts that apply to the report are on the page (html_charts()): connect latency
// where connect time applies, handshakes and session phases for session pairs, messages where
// messages are exchanged, recovery for async-delivery and reconnect-storm, errors when some
// were counted (else a line says there were none). A chart that applies but has no data is a
// <div class="chart no-data" id="chart-…"> that says why, so it never silently vanishes.
// The configuration table leaves out report::config_unused. Every string taken from the
// report is escaped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "relayload/metrics/report.hpp"

namespace relayload::metrics {

/// The whole page. Pure: renders only what the report holds (SLO verdicts are evaluated
/// from report::slos).
std::string render_html(const report& r);

/// The ids of the charts render_html() puts on the page for `r`, in page order.
std::vector<std::string> html_charts(const report& r);

/// `text` with & < > " ' replaced by character references, safe in HTML text and in quoted
/// attribute values (also inside SVG).
std::string html_escape(std::string_view text);

}  // namespace relayload::metrics
