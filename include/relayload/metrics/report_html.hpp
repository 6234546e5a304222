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
//
// A workload report (report::groups not empty) gets a page of its own: a groups table
// (id "groups": scenario, arrivals, window, attempted/successful, the scenario's key latency,
// handshake latency, arrivals late and their lateness), the totals, the SLO verdicts (groups.*
// objectives included), then charts with every group on one time axis, one colour per group,
// the group names in the legends:
//   chart-group-connections        open WebSockets per group, and of all groups (dashed)
//   chart-group-arrivals           units started per second per group
//   chart-group-handshake-latency  handshake latency p99 per group (when a group has handshakes)
//   chart-group-message-latency    message latency p99 per group (when a group exchanges messages)
//   chart-group-recovery-latency   recovery latency p99 per group (async-delivery, reconnect-storm)
//   chart-generator                the generator's event-loop lag p50/p99 and start lateness p99
//   chart-errors                   errors by cause over all groups, when some were counted
// and then each group in a collapsed <details id="group-NAME"> with its scenario's usual charts
// (ids "group-NAME-chart-…", on the same time axis). Latencies per group are p99 over bins of
// whole intervals (histograms merged, at most 60 bins); a bin without samples is a gap.
//
// A capacity search (report::capacity set) adds, first, a banner with the verdict sentence
// (id "capacity-verdict", class "found", "failed" when the first step failed, or "bound" when
// the generator was the limit), and:
//   chart-capacity-knee    per step (x: the scaled value) p50 and p99 of each latency an
//                          objective is on (the percentile it names from the steps' verdicts,
//                          the others from the time series over the step's judged window), on a
//                          log scale, the thresholds as dashed lines, the last passing step, the
//                          first failing one and generator-bound ones marked; the achieved rate
//                          against the requested one instead when no objective is on a latency
//   chart-capacity-errors  100 % minus each rate an objective is on, with its threshold
// and the per-step table (id "capacity-steps"); the steps' windows are shaded on the charts
// over time. A report that has neither groups nor a capacity result renders as before.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "relayload/metrics/report.hpp"

namespace relayload::metrics {

/// The whole page. Pure: renders only what the report holds (SLO verdicts are evaluated
/// from report::slos).
std::string render_html(const report& r);

/// The ids of the charts render_html() puts on the page for `r`, in page order (for a workload,
/// the groups' own charts last, as "group-NAME-chart-…").
std::vector<std::string> html_charts(const report& r);

/// `text` with & < > " ' replaced by character references, safe in HTML text and in quoted
/// attribute values (also inside SVG).
std::string html_escape(std::string_view text);

}  // namespace relayload::metrics
