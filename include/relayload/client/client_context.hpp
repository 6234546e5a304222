// relayload::client::client_context — what every centrifuge_client and connection_pool of one
// shard shares: the io_context, the WebSocket context, ONE timer for all their deadlines
// (watchdogs, call timeouts, backoff, pacing), one frame decoder, one encode buffer, and the
// clock (real, or manual in tests).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relayload/client/frame_trace.hpp"
#include "relayload/client/transport.hpp"
#include "relayload/client/transport_kind.hpp"
#include "relayload/net/ws_client_context.hpp"

namespace relayload::client {

struct client_context_options {
  /// Options of the shared net::ws_client_context (TLS trust, message size limit, ...).
  net::ws_client_context_options ws;

  /// Largest server message (one WebSocket frame) the decoder accepts, in bytes; a larger
  /// one is a protocol error (the client reconnects). Centrifugo's writer may batch many
  /// replies and pushes into one frame, so this is generous.
  std::size_t max_frame_size = 16 * 1024 * 1024;

  /// Replaces the WebSocket transport (unit tests use a scripted fake). Empty: the one
  /// `transport` names.
  transport_factory make_transport;

  /// Which WebSocket client the default factory makes: net::lean_ws_client (relayload's
  /// own, the default) or net::ws_client (websocketpp); both speak ws:// and wss://.
  transport_kind transport = transport_kind::lean;

  /// Sees every message the context's clients send and receive and every connection they
  /// open and close (see frame_trace.hpp); also with a replaced transport. Empty: none.
  frame_tracer frame_trace;

  /// A manual clock for deterministic tests. When set, the context never arms a real timer:
  /// the owner moves its clock and calls run_due(). Empty: std::chrono::steady_clock and one
  /// asio::steady_timer.
  std::function<std::chrono::steady_clock::time_point()> clock;

  /// Every problem, one sentence each; empty when usable.
  std::vector<std::string> validate() const;
};

/// One per shard (io_context thread). Holds the shard's single deadline timer: clients and
/// pools register deadlines in one min-heap and the context keeps ONE asio::steady_timer
/// armed at the earliest, so 19K connections with watchdogs cost one timer and about 16
/// bytes per pending deadline, not one asio timer each.
///
/// Thread safety: none; create, use and destroy it on the io_context's thread.
/// Lifetime: the io_context must outlive it; it must outlive every client and pool made on
/// it.
class client_context {
 public:
  using clock = std::chrono::steady_clock;

  /// Errors in `options` are reported by the clients' connect attempts, never thrown here
  /// (as net::ws_client_context does), except std::bad_alloc.
  explicit client_context(asio::io_context& io, client_context_options options = {});
  ~client_context();
  client_context(const client_context&) = delete;
  client_context& operator=(const client_context&) = delete;

  asio::io_context& io_context() const noexcept;
  const client_context_options& options() const noexcept;

  /// The shard's notion of now (the manual clock when one is set).
  clock::time_point now() const noexcept;

  /// Runs every deadline due at now(); returns how many fired. With the real clock the timer
  /// does this by itself; with a manual clock tests call it after moving the clock.
  std::size_t run_due();

  /// The earliest registered deadline (may be one that turns out to be stale), if any.
  std::optional<clock::time_point> next_deadline() const noexcept;

  /// Deadlines currently registered (live and stale), for memory accounting in tests.
  std::size_t pending_deadlines() const noexcept;

 private:
  // The clients and pools of the context share its timer heap and buffers through it.
  friend class centrifuge_client;
  friend class connection_pool;
  class impl;
  impl& get_impl() noexcept { return *impl_; }
  std::shared_ptr<impl> impl_;
};

}  // namespace relayload::client
