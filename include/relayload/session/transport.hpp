// relayload::session::transport — MWP's WebSocketTransport (packages/core/src/transport/
// websocket/index.ts) over one centrifuge_client: subscriptions with a history fetch after
// every (re)subscribe, the envelope with per-channel nonces, the receive rules, and the
// outgoing queue with its publish retries (protocol.md §2.2–§2.4).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "relayload/client/centrifuge_client.hpp"
#include "relayload/session/nonce_store.hpp"
#include "relayload/session/scheduler.hpp"
#include "relayload/session/transport_callbacks.hpp"
#include "relayload/session/transport_options.hpp"
#include "relayload/session/transport_stats.hpp"

namespace relayload::session {

/// One MWP party's connection to the relay. On the wire it is the JS transport:
///
/// - subscribe(): `{"subscribe":{"channel":..,"positioned":true,"recoverable":true},"id":n}`,
///   reused across reconnects (the client resubscribes with recover:true); on EVERY
///   successful (re)subscribe a `history` with limit 50 whose publications go, oldest first,
///   through the receive rules, then the outgoing queue is drained;
/// - publish(): FIFO queue drained one message at a time while connected; the nonce is
///   assigned when a message reaches the head of the queue (next_outgoing of the nonce
///   store), the envelope is built once and every retry sends the same bytes; up to 5
///   attempts with 100/200/400/800 ms between them;
/// - receive rules for live pushes, recovered publications and history alike: parse the
///   envelope (else on_parse_failed), drop our own clientId, accept only a nonce above the
///   sender's latest (check-and-set in one step), then on_message;
/// - clear(): unsubscribe and forget the channel's nonces;
/// - disconnect(): queued publishes fail with errc::disconnected, every subscription is
///   unsubscribed while the socket is open, the socket closes without a code.
///
/// Deviations from the JS transport, invisible on the wire: a subscribe that does not
/// succeed within transport_options::subscribe_timeout fails (§6 Q5); dedup is atomic (Q7).
///
/// Thread safety: none; use it on the scheduler's (the shard's) thread.
/// Lifetime: the scheduler (and its client_context) and the nonce store must outlive it.
/// Destroying it drops the connection at once and drops every pending handler and event
/// without calling it; this is allowed from inside its own callbacks and handlers. Handlers
/// are never called from inside the call that started the operation.
class transport {
 public:
  using clock = std::chrono::steady_clock;

  /// `client_id` is the party's transport clientId (a UUID v4, kept across transports);
  /// `seed` fixes the reconnect jitter. `options` must not be null.
  transport(scheduler& timers, nonce_store& nonces, std::string client_id,
            std::shared_ptr<const transport_options> options, std::uint64_t seed = 0);
  ~transport();
  transport(const transport&) = delete;
  transport& operator=(const transport&) = delete;

  transport_callbacks& callbacks() noexcept;

  /// Opens the connection. `done` runs once: success at the first connect reply, else the
  /// cause of the client's failed outcome (errc::connect_timeout after give_up_after,
  /// errc::server_error, errc::cancelled when disconnect() came first, ...).
  /// `intended` is when the schedule wanted it (for the client's connect outcome).
  void connect(clock::time_point intended, done_handler done);

  /// Subscribes (or reuses the subscription). `done`: success at the first successful
  /// subscribe; errc::server_error when the relay refused it permanently,
  /// errc::reply_timeout after subscribe_timeout, errc::disconnected when the client stopped
  /// or disconnect() came first, errc::cancelled when clear() removed it.
  void subscribe(std::string_view channel, done_handler done);

  /// Queues `payload` (the key manager's base64 output) for `channel`; see the class comment.
  void publish(std::string_view channel, std::string payload, publish_handler done);

  /// Unsubscribes (the command is sent when the relay has the subscription and the socket
  /// is open) and forgets the channel's nonce state. No effect for unknown channels except
  /// the nonce reset.
  void clear(std::string_view channel);

  /// Ends the transport (see the class comment). `done` runs once the socket has ended
  /// (at once, from the event loop, when it never opened). Later calls are refused with
  /// errc::disconnected.
  void disconnect(done_handler done = {});

  /// Whether a connect reply holds now.
  bool connected() const noexcept;
  /// Whether disconnect() was called.
  bool disconnecting() const noexcept;
  const std::string& client_id() const noexcept;
  /// Publishes waiting or in flight.
  std::size_t queued() const noexcept;
  const transport_stats& stats() const noexcept;
  /// The Centrifugo client underneath (for inspection: next_command_id(), position(), ...).
  const client::centrifuge_client& client() const noexcept;


 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace relayload::session
