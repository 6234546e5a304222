// relayload::client::connection_pool — one shard's connections: opened on a pacing schedule
// with ONE timer, spread over source addresses, held and observed event by event, closed
// gracefully with a bound.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <system_error>

#include "relayload/client/centrifuge_client.hpp"
#include "relayload/client/client_context.hpp"
#include "relayload/client/connect_outcome.hpp"
#include "relayload/client/pool_options.hpp"
#include "relayload/client/pool_snapshot.hpp"
#include "relayload/pacing/pacer.hpp"
#include "relayload/pacing/schedule.hpp"

namespace relayload::client {

/// Events of a pool; empty members are skipped. Run on the context's thread, never from
/// inside a pool call.
struct pool_callbacks {
  /// Once: the schedule is exhausted and every started connection has an outcome
  /// (connected or failed) — the end of a connection storm.
  std::function<void()> on_settled;
  /// Each connection's outcome, with its index in the schedule.
  std::function<void(std::uint64_t index, const connect_outcome& outcome)> on_outcome;
  /// Each connection as the pacer hands it out, before its client is made (for arrival and
  /// lateness counts).
  std::function<void(const pacing::due_event& event)> on_started;
};

/// Opens a schedule's connections (one centrifuge_client each), counts everything that
/// happens to them as events (connects, errors, drops, reconnects, with exact peaks of
/// simultaneous disconnections), and closes them.
///
/// Thread safety: none; one pool per shard, used on its io_context's thread. Other threads
/// ask for snapshot() by posting to that io_context and copying the result out.
///
/// Lifetime: the client_context must outlive the pool. Destroying the pool drops every
/// connection at once (no close frames) and calls nothing.
class connection_pool {
 public:
  using clock = std::chrono::steady_clock;

  /// Options are checked by start().
  connection_pool(client_context& context, pool_options options);
  ~connection_pool();
  connection_pool(const connection_pool&) = delete;
  connection_pool& operator=(const connection_pool&) = delete;

  pool_callbacks& callbacks() noexcept;

  /// Starts opening the schedule's connections at t0 + each event's offset; the connect
  /// time of each is measured from that intended time. errc::invalid_argument when the
  /// options are not usable or the pool was already started.
  std::error_code start(pacing::schedule schedule, clock::time_point t0);

  /// Marks the hold phase (now): drops and reconnects between the two calls are also counted
  /// as hold_drops / hold_reconnects, with the hold's own peak.
  void begin_hold();
  void end_hold();

  /// Everything counted so far (a copy). The activity series is extended to now.
  pool_snapshot snapshot() const;
  /// The activity series alone (pool_snapshot::activity), extended to now: a cheap look for
  /// callers that need only the series (the capacity search).
  metrics::time_series activity() const;
  /// Only the counters: no histogram copies, for a live progress line.
  pool_counters counters() const;
  /// Whether on_settled has happened (or would now).
  bool settled() const noexcept;

  /// Stops starting connections, closes every client like centrifuge-js disconnect() (close
  /// frame without a code), waits up to close_timeout for the close handshakes, aborts the
  /// rest, then calls `done` with the final snapshot (posted, once). Connections whose
  /// initial connect was still under way count as failed (errc::cancelled).
  void close_all(std::function<void(const pool_snapshot&)> done);

  /// Aborts every connection now (no close handshake) and stops the schedule; no further
  /// pool callback runs.
  void stop() noexcept;

  /// Clients created so far (in start order), and access to one (for scenarios and tests).
  std::size_t size() const noexcept;
  centrifuge_client& client(std::size_t i);


 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace relayload::client
