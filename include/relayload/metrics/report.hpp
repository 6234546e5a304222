// relayload::metrics::report — the result of one run (or of many merged shards, processes
// or machines): what the original tool's TestResults document holds, plus the histograms,
// error counts and time series that make reports mergeable exactly.
//
// A report holds measured data only (counts, durations, histograms); every derived figure
// (rates, latency statistics) is computed from it by the member functions below, and the
// renderers (report_json.hpp) only write those figures out.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relayload/metrics/capacity_result.hpp"
#include "relayload/metrics/config_map.hpp"
#include "relayload/metrics/counter_set.hpp"
#include "relayload/metrics/error_tally.hpp"
#include "relayload/metrics/histogram.hpp"
#include "relayload/metrics/slo_objective.hpp"
#include "relayload/metrics/target_metrics.hpp"
#include "relayload/metrics/time_series.hpp"
#include "relayload/result.hpp"

namespace relayload::metrics {

/// Version of the report document. The original tool's documents have no such field
/// (version 1); version 2 adds histograms, errors, time series and the nearest-rank
/// percentile definition of latency_stats.
inline constexpr int report_schema_version = 2;

/// Wall-clock instants in reports (timestamps only, never for measuring), millisecond
/// precision as in the JSON.
using report_time = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

/// Names of the time series (report::series) that scenarios record and renderers draw. Each
/// series' interval comes from series_interval_for(), so the shards of a run merge. Outcomes
/// and latencies of an operation fall in the interval of its intended start (capacity.md
/// "Which window a sample belongs to"), so a slow interval keeps its own stragglers; events
/// that have no intended time (drops, reconnects) fall where they happened.
///
/// - "connections": gauge "active" (open WebSockets: both sides of session pairs), and for
///   connection pools also gauge "down" and counters "connects", "drops", "reconnects",
///   "errors", "failed"; for session pairs counters "opened", "drops", "reconnects".
/// - "handshakes" (session pairs): counters "started", "completed", "failed"; latency: the
///   handshake's headline time (results.handshake.latency), by the pair's intended start.
/// - "messages" (realistic-session; steady-messaging keeps its own in steadyMessaging):
///   counters "completed", "failed", "sent"; latency: message latency, by the exchange's
///   intended send time.
/// - "recovery" (async-delivery: counters "received", "failed"; reconnect-storm: "back",
///   "recoveredStreams", "recoveryFailed"); latency: recovery latency (async-delivery) or
///   time from the storm until the connection is back (reconnect-storm), by the recovery's
///   intended start (async-delivery) or at the outcome (reconnect-storm).
/// - "arrivals" (workload groups): counters "started", "late" (> 1 ms); latency: how late
///   each unit started, by its intended start.
/// - "generator" (workload totals): counter "samples"; latency: event-loop lag.
/// For connection pools, "connections" records connect time and "failed" by intended start.
inline constexpr const char* connections_series = "connections";
inline constexpr const char* handshakes_series = "handshakes";
inline constexpr const char* messages_series = "messages";
inline constexpr const char* recovery_series = "recovery";

/// results.connections. For session-pair scenarios the counts are of pairs (as the original
/// tool's); report::connections_opened counts the WebSockets.
struct connection_counts {
  std::uint64_t attempted = 0;
  std::uint64_t successful = 0;
  std::uint64_t failed = 0;
  std::uint64_t immediate = 0;  ///< connected at the first attempt
  std::uint64_t recovered = 0;  ///< connected after one or more retries

  /// successful / attempted × 100; 0 when nothing was attempted.
  double success_rate() const noexcept;

  friend bool operator==(const connection_counts& a, const connection_counts& b) noexcept {
    return a.attempted == b.attempted && a.successful == b.successful && a.failed == b.failed &&
           a.immediate == b.immediate && a.recovered == b.recovered;
  }
};

/// results.steadyState (steady-state scenario).
struct steady_state_section {
  std::chrono::nanoseconds hold_duration{0};
  std::uint64_t current_disconnects = 0;  ///< disconnected at the end of the hold
  /// Most connections down at once. Merged reports add the shards' peaks, an upper bound
  /// when shards peak at different times; the "connections" time series has exact levels.
  std::uint64_t peak_disconnects = 0;
  std::uint64_t reconnects_during_hold = 0;  ///< successful reconnects during the hold
  std::uint64_t disconnect_events = 0;       ///< every drop during the hold, however short
  /// Distinct connections down at any moment of the hold; connectionStability counts them.
  std::uint64_t dropped_connections = 0;

  friend bool operator==(const steady_state_section& a, const steady_state_section& b) noexcept {
    return a.hold_duration == b.hold_duration && a.current_disconnects == b.current_disconnects &&
           a.peak_disconnects == b.peak_disconnects &&
           a.reconnects_during_hold == b.reconnects_during_hold &&
           a.disconnect_events == b.disconnect_events &&
           a.dropped_connections == b.dropped_connections;
  }
};

/// results.handshake (realistic-session).
struct handshake_section {
  std::uint64_t attempted = 0;
  std::uint64_t successful = 0;
  std::uint64_t failed = 0;
  histogram latency;

  /// successful / attempted × 100; 0 when nothing was attempted.
  double success_rate() const noexcept;

  friend bool operator==(const handshake_section& a, const handshake_section& b) noexcept {
    return a.attempted == b.attempted && a.successful == b.successful && a.failed == b.failed &&
           a.latency == b.latency;
  }
};

/// results.messages (realistic-session, steady-messaging).
struct messages_section {
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::uint64_t failed = 0;
  histogram latency;

  /// received / sent × 100; 0 when nothing was sent.
  double delivery_rate() const noexcept;

  friend bool operator==(const messages_section& a, const messages_section& b) noexcept {
    return a.sent == b.sent && a.received == b.received && a.failed == b.failed &&
           a.latency == b.latency;
  }
};

/// results.recovery (async-delivery).
struct recovery_section {
  std::uint64_t attempted = 0;
  std::uint64_t received = 0;
  std::uint64_t failed = 0;
  histogram latency;

  /// received / attempted × 100; 0 when nothing was attempted.
  double delivery_rate() const noexcept;

  friend bool operator==(const recovery_section& a, const recovery_section& b) noexcept {
    return a.attempted == b.attempted && a.received == b.received && a.failed == b.failed &&
           a.latency == b.latency;
  }
};

/// One element of results.steadyMessaging.latencyOverTime, in the original's units.
struct latency_point {
  std::int64_t timestamp_ms = 0;  ///< end of the interval, from the scenario's start
  double p50 = 0.0;               ///< milliseconds, unrounded
  double p99 = 0.0;               ///< milliseconds, unrounded
  /// Exchanges intended in the interval (by send time) that completed. (The original counted a sliding window of the
  /// last 1,000 samples instead; schemaVersion 2 marks the change.)
  std::uint64_t exchanges = 0;
};

/// The latencyOverTime points of a series: one per interval that recorded latencies.
std::vector<latency_point> latency_over_time(const time_series& series);

/// results.steadyMessaging (steady-messaging).
struct steady_messaging_section {
  /// Written in seconds (durationSeconds, messageIntervalSeconds): whole numbers as integers
  /// like the original, fractions (0.2) as decimals instead of being truncated to 0.
  std::chrono::milliseconds duration{0};
  std::chrono::milliseconds message_interval{0};
  std::uint64_t disconnects = 0;
  /// Message latency per interval; rendered as latencyOverTime (see latency_over_time()).
  time_series latency_over_time;

  friend bool operator==(const steady_messaging_section& a, const steady_messaging_section& b) {
    return a.duration == b.duration && a.message_interval == b.message_interval &&
           a.disconnects == b.disconnects && a.latency_over_time == b.latency_over_time;
  }
};

/// One process of a distributed run: an MPI rank, or one `--shard=I/N` run. A merged report
/// lists every rank, so a rank that failed (could not reach the relay, could not start) is
/// named rather than silently missing.
struct rank_info {
  std::uint32_t rank = 0;         ///< the shard index I
  std::uint32_t shard_count = 1;  ///< N: how many ranks the run has
  std::string host;               ///< where the rank ran (may be empty when unknown)
  bool ok = true;                 ///< false when the rank's part did not run or reached nothing
  std::string error;              ///< why not ok; empty when ok

  friend bool operator==(const rank_info& a, const rank_info& b) {
    return a.rank == b.rank && a.shard_count == b.shard_count && a.host == b.host &&
           a.ok == b.ok && a.error == b.error;
  }
  friend bool operator!=(const rank_info& a, const rank_info& b) { return !(a == b); }
};

struct group_report;

/// The whole result document.
struct report {
  std::string scenario;      ///< scenario name as given ("steady-state")
  std::string target;        ///< --target, verbatim
  report_time start_time{};  ///< when the run started (new; the original had none)
  report_time end_time{};    ///< written as "timestamp", as the original did
  config_map config;
  /// Keys of `config` that this run did not use (configUnused): options its scenario ignores
  /// (the original tool wrote durationSec for every scenario, and so does config) and
  /// relayload options left unset (sourceIps 0). The HTML leaves them out.
  std::vector<std::string> config_unused;
  connection_counts connections;
  /// results.connections.opened: WebSocket connections that got a connect reply, each
  /// connection once (reconnects after a drop are counted apart). For session pairs both
  /// sides (2 per pair; 3 in async-delivery, whose wallet comes back on a new connection).
  /// std::nullopt when unknown (reports written before it existed).
  std::optional<std::uint64_t> connections_opened;
  std::chrono::nanoseconds total_time{0};  ///< results.timing.totalTimeMs
  /// Successful connect times; std::nullopt where connect time does not apply (the
  /// session-pair scenarios always write null).
  std::optional<histogram> connect_time;
  std::uint64_t total_retries = 0;
  std::optional<steady_state_section> steady_state;
  std::optional<handshake_section> handshake;
  std::optional<messages_section> messages;
  std::optional<recovery_section> recovery;
  std::optional<steady_messaging_section> steady_messaging;
  /// More distributions by name, e.g. "messages.serviceTime" or
  /// "messages.latencyIncludingFailures".
  std::map<std::string, histogram, std::less<>> histograms;
  counter_set counters;
  error_tally errors;
  /// Time series by name, e.g. "connections" (gauge "active", counters "connects", …).
  std::map<std::string, time_series, std::less<>> series;
  /// True when the run did not complete (interrupted, target died); the data is what was
  /// measured until then.
  bool partial = false;
  /// How many shard reports were merged into this one.
  std::uint64_t parts = 1;
  /// The ranks (processes) of a distributed run this report covers, in rank order; empty
  /// for a run that was not sharded across processes.
  std::vector<rank_info> ranks;
  /// The service-level objectives this report is judged by (see slo.hpp); the verdicts are
  /// computed from the data, never stored. Merging keeps every objective of either side.
  std::vector<slo_objective> slos;
  /// Workload runs (scenario "workload"): each group's own report, in the workload's order.
  /// The sections of this report are then the totals over the groups (workload_totals()).
  /// Empty for a single-scenario run.
  std::vector<group_report> groups;
  /// Capacity searches: the answer and every step; std::nullopt otherwise.
  std::optional<capacity_result> capacity;
  /// The target relay's own metrics (--target-metrics): server-side series on this run's
  /// time axis and the failed scrapes; std::nullopt when not asked for. Merging keeps this
  /// side's, else takes the other's (one process of a run scrapes).
  std::optional<target_metrics> target_series;

  /// The group of that name, or nullptr.
  const group_report* group(std::string_view name) const noexcept;

  /// attempted / total time, per second; 0 when no time elapsed.
  double connections_per_sec() const noexcept;
  /// total_retries / attempted; 0 when nothing was attempted.
  double avg_retries_per_connection() const noexcept;
  /// Percentage of successful connections that stayed connected through the whole hold:
  /// (connections.successful − steady_state.dropped_connections) / successful × 100, so a
  /// connection that dropped at any moment counts against it even if it came back (the
  /// original counted only those still down at the end). 0 without a steady-state section
  /// or without successful connections.
  double connection_stability() const noexcept;

  /// Whether the counts of `connections` are of session pairs (the report has a handshake
  /// section), not of single connections.
  bool counts_pairs() const noexcept { return handshake.has_value(); }

  /// Merges another shard's report of the same run into this one: counts and histograms
  /// add exactly, durations and the end time take the maximum, the start time the minimum
  /// (a start time at the epoch counts as unknown and is not taken); connections_opened
  /// adds (unknown when either is unknown), config_unused is the union.
  /// Ranks are joined in rank order. Workload reports also merge group by group (the same group
  /// names in the same order on both sides; the totals, being sums, merge like any section);
  /// capacity results are not merged (refused when both sides carry one). Refused with errc::invalid_argument when scenario,
  /// target, config or the set of sections differ, or when the ranks do not fit together
  /// (a sharded and an unsharded report, different shard counts, the same rank twice), and
  /// errc::layout_mismatch when histogram or series layouts differ; on error this report is
  /// unchanged.
  result<void> merge(const report& other);

  friend bool operator==(const report& a, const report& b);
  friend bool operator!=(const report& a, const report& b) { return !(a == b); }
};

/// One group of a workload run.
struct group_report {
  std::string name;  ///< the group's name ([a-z0-9-]+)
  report result;     ///< its report: scenario, config and sections as a run of its own

  friend bool operator==(const group_report& a, const group_report& b) {
    return a.name == b.name && a.result == b.result;
  }
};

/// The scenario name of a workload report.
inline constexpr const char* workload_scenario = "workload";

/// The totals over a workload's groups: counts, sections and histograms added exactly; the
/// steady-state and steady-messaging sections (whose figures belong to one scenario) and
/// time series whose layouts differ between groups are left out; partial when any group is.
/// Identity fields (scenario, target, config, times, ranks, slos) are left empty: the caller
/// sets them.
report workload_totals(const std::vector<group_report>& groups);

}  // namespace relayload::metrics
