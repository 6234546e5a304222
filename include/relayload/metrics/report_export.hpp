// Exports of a report for other tools: its time series as CSV, its histograms in
// HdrHistogram's percentile-distribution text format (what HdrHistogram's
// outputPercentileDistribution() prints, which HistogramLogAnalyzer and the HdrHistogram
// plotter read). Pure: each returns text; the caller writes files.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relayload/metrics/histogram.hpp"
#include "relayload/metrics/report.hpp"

namespace relayload::metrics {

/// Every time series of the report as one CSV table (RFC 4180, "\n" line ends), one row per
/// (series, interval):
///
///   series,interval,start_s,end_s,latency_count,latency_min_ms,latency_mean_ms,
///   latency_p50_ms,latency_p90_ms,latency_p99_ms,latency_max_ms,<name>...
///
/// where <name>... are the counters (events in the interval) and gauges (level at its end)
/// of all series, in order of first appearance; a cell is empty where a series has no such
/// column or an interval recorded no latency. The steady-messaging latency series is named
/// "steadyMessaging.latencyOverTime", the others by their key in results.timeSeries. Cells
/// that hold names are quoted when needed, and a name starting with = + - or @ is prefixed
/// with ' so that spreadsheets do not run it as a formula.
std::string to_csv(const report& r);

struct hdr_text_options {
  /// Percentile steps per halving of the distance to 100 % (HdrHistogram's default 5).
  int ticks_per_half_distance = 5;
  /// Divisor from recorded values (nanoseconds) to printed values; 1e6 prints milliseconds.
  double value_scale = 1e6;
};

/// The histogram in HdrHistogram's classic percentile-distribution format: a header line
/// "Value Percentile TotalCount 1/(1-Percentile)", one line per percentile step (HdrHistogram's
/// percentile iteration, same steps and column widths, values printed with as many decimals
/// as the layout has significant digits), a last line at percentile 1 without the inverse
/// column, and the footer with Mean, StdDeviation, Max, Total count, Buckets and SubBuckets.
/// Differences, on purpose: each value is the top of its bucket clamped to the exact min and
/// max (HdrHistogram prints the unclamped top); Mean and Max are exact; StdDeviation uses the
/// bucket midpoints around the exact mean.
std::string to_hdr_percentiles(const histogram& h, const hdr_text_options& options = {});

/// The report's histograms by name, in a fixed order: "connectTime", "handshake.latency",
/// "messages.latency", "recovery.latency" (those present), then every results.histograms
/// entry by its name. Pointers into `r`.
std::vector<std::pair<std::string, const histogram*>> report_histograms(const report& r);

/// A safe file name for a histogram name: letters, digits, '.', '-' and '_' are kept,
/// everything else becomes '_', a leading '.' becomes '_', and ".hgrm" is appended
/// ("messages.latency" → "messages.latency.hgrm", "../x" → "_._x.hgrm").
std::string hdr_file_name(std::string_view histogram_name);

}  // namespace relayload::metrics
