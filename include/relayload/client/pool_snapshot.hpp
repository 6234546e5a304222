// relayload::client::pool_snapshot — a copy of everything a connection_pool has counted:
// cheap to take, copyable, and mergeable across shards exactly (counters add, histograms
// merge bucket by bucket, the peak of simultaneous disconnections is recomputed from the
// merged event log).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "relayload/metrics/error_tally.hpp"
#include "relayload/metrics/histogram.hpp"
#include "relayload/metrics/histogram_layout.hpp"
#include "relayload/metrics/time_series.hpp"
#include "relayload/pacing/pacer_stats.hpp"
#include "relayload/result.hpp"

namespace relayload::client {

/// Event counts. Every drop and reconnect is counted when it happens (never sampled).
struct pool_counters {
  /// Connections in the schedule (0 when unknown in advance, e.g. open-ended Poisson).
  std::uint64_t planned = 0;
  /// Connections started (connect() called), and those never started because close_all()
  /// or stop() came first.
  std::uint64_t started = 0;
  std::uint64_t not_started = 0;
  /// Outcomes of the started connections; started == immediate + recovered + failed +
  /// pending().
  std::uint64_t immediate = 0;
  std::uint64_t recovered = 0;
  std::uint64_t failed = 0;
  /// Sum of every outcome's retries (errors before it).
  std::uint64_t retries = 0;
  /// WebSocket attempts of all clients, reconnects included.
  std::uint64_t attempts = 0;
  /// Errors of attempts (client_callbacks::on_error).
  std::uint64_t errors = 0;

  /// Established now; established once and not now (dropped, not yet back — or stopped by
  /// the server); the most at any moment.
  std::uint64_t connected_now = 0;
  std::uint64_t down_now = 0;
  std::uint64_t peak_down = 0;
  /// Losses of established connections, and successful reconnects after them.
  std::uint64_t drops = 0;
  std::uint64_t reconnects = 0;
  /// Clients that stopped for good before close_all() (terminal close code, gave up).
  std::uint64_t stopped_early = 0;

  /// The hold phase (begin_hold() … end_hold()): drops and reconnects inside it, the down
  /// level at its start and end, and its peak.
  std::uint64_t hold_drops = 0;
  std::uint64_t hold_reconnects = 0;
  std::uint64_t down_at_hold_start = 0;
  std::uint64_t down_at_hold_end = 0;
  std::uint64_t hold_peak_down = 0;
  /// Distinct connections that were down at any moment of the hold (down when it began, or
  /// dropped during it, however briefly): what "stability" counts.
  std::uint64_t hold_dropped_connections = 0;

  /// close_all(): clients that ended with a close handshake, that had to be aborted after
  /// close_timeout, and that were already stopped.
  std::uint64_t closed = 0;
  std::uint64_t aborted = 0;

  std::uint64_t outcomes() const noexcept { return immediate + recovered + failed; }
  std::uint64_t pending() const noexcept { return started - outcomes(); }

  /// Adds every count (peaks add too: an upper bound; pool_snapshot::merge recomputes them).
  void merge(const pool_counters& other) noexcept;

  friend bool operator==(const pool_counters& a, const pool_counters& b) noexcept;
  friend bool operator!=(const pool_counters& a, const pool_counters& b) noexcept {
    return !(a == b);
  }
};

/// The activity series of a pool: counters "connects", "drops", "reconnects", "errors",
/// "failed"; gauges "active", "down".
metrics::time_series_options pool_series_options(
    std::chrono::nanoseconds interval = std::chrono::seconds(1));

struct pool_snapshot {
  pool_counters counters;

  /// Initial connects that succeeded: from the intended start (headline), from the actual
  /// start, and the phases of the successful attempt.
  metrics::histogram connect_time;
  metrics::histogram service_time;
  metrics::histogram resolve;
  metrics::histogram tcp_connect;
  metrics::histogram tls_handshake;
  metrics::histogram ws_upgrade;
  metrics::histogram connect_reply;
  /// Failed initial connects: time from the intended start to the failure (failures are
  /// data, not dropped from the statistics).
  metrics::histogram time_to_failure;
  /// Drop → reconnected.
  metrics::histogram time_to_reconnect;

  /// Causes (client_error::cause()): attempt errors, drops, and failed outcomes.
  metrics::error_tally errors;
  metrics::error_tally disconnects;
  metrics::error_tally failures;

  /// Per interval from t0: counters "connects", "drops", "reconnects", "errors", "failed";
  /// gauges "active" (connected_now) and "down" (down_now); latencies are connect times.
  metrics::time_series activity;

  /// The generator's own lateness (pacer).
  pacing::pacer_stats generator;

  /// Every change of the down level in event order: (nanoseconds since t0) · 2 + 1 for a
  /// drop, · 2 + 0 for a reconnect. Complete unless pool_options::down_log_limit was hit.
  std::vector<std::int64_t> down_log;
  bool down_log_complete = true;
  /// The hold phase in nanoseconds since t0; -1 when not begun / not ended.
  std::int64_t hold_begin_ns = -1;
  std::int64_t hold_end_ns = -1;

  /// Shards merged into this snapshot (1 for a pool's own).
  std::uint32_t shards = 1;

  /// An empty snapshot with the default histogram layout and pool_series_options().
  pool_snapshot();
  /// An empty snapshot whose histograms and series use these layouts.
  pool_snapshot(const metrics::histogram_layout& layout, metrics::time_series_options series);

  /// Adds another shard's snapshot (same t0). Counters add, histograms and tallies merge
  /// exactly, series merge by interval, and the peaks (overall and during the hold) are
  /// recomputed from the merged down logs when both are complete (else summed, an upper
  /// bound). errc::layout_mismatch when layouts or series options differ; on error this
  /// snapshot is unchanged.
  result<void> merge(const pool_snapshot& other);

  /// The peak of a down log (optionally only within [begin, end) with the level at
  /// `begin` counted), for tests and merging.
  static std::uint64_t peak_of(const std::vector<std::int64_t>& log, std::int64_t begin = -1,
                               std::int64_t end = -1) noexcept;
};

}  // namespace relayload::client
