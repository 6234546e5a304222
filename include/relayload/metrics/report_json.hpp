// JSON rendering and parsing of relayload::metrics::report.
//
// The document keeps the original tool's keys, nesting, units and order
// (original-tool.md §4.1, §7.3): scenario, timestamp, target, config, results{connections,
// timing, connectTime, retries, steadyState, handshake, messages, recovery, steadyMessaging}
// with LatencyStats objects in whole milliseconds and null when there is no data. It adds,
// as new keys only: per-section latencyDetail (microseconds, more percentiles, count) and
// latencyHistogram (histogram::encode()), connectTimeDetail / connectTimeHistogram,
// steadyMessaging.latencyOverTimeSeries, results.histograms, results.counters,
// results.errors, results.timeSeries (the series of report.hpp: connections, handshakes,
// messages, recovery), results.connections.opened (report::connections_opened; absent when
// unknown), and top-level schemaVersion, partial, parts and startTime; top-level
// configUnused, the keys of config the run did not use (absent when none); and top-level slo,
// [{expression, actual, value, pass}], the verdicts of report::slos when the report carries
// objectives (only the expressions are read back); and top-level ranks, [{rank, shardCount, host,
// ok, error}], when the report covers ranks of a distributed run (report::ranks; absent otherwise).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "relayload/metrics/report.hpp"
#include "relayload/result.hpp"

namespace relayload::metrics {

/// Pretty-printed JSON with 2-space indents, like the original tool's output. Numbers that
/// are whole are written without a fraction (100, not 100.0), as JavaScript does, except
/// config values of floating-point type, which keep theirs so they parse back as doubles.
/// Durations are written in milliseconds with nanosecond digits (exact below ~13 days).
std::string to_json(const report& r);

/// Limits for parse_report(); the defaults suit reports of long, busy runs.
struct report_parse_options {
  /// Total buckets of all histograms the report may decode into (2^26 = 512 MiB), so a
  /// small hostile document cannot make the parser allocate without bound.
  std::size_t max_total_buckets = std::size_t{1} << 26;
};

/// Parses a document written by to_json() back into the report it came from
/// (to_json(parse_report(to_json(r))) == to_json(r), and the reports compare equal).
/// Everything is validated; any problem gives errc::corrupt_data, and when
/// `error_message` is given it receives where and what ("results.messages.sent: expected a
/// non-negative integer"). Documents without schemaVersion 2 (such as the original tool's,
/// which carry no histograms) are refused. Derived figures (rates, LatencyStats, details)
/// are not read back; they are recomputed from the data.
result<report> parse_report(std::string_view json, std::string* error_message = nullptr,
                            const report_parse_options& options = {});

}  // namespace relayload::metrics
