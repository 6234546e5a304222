// relayload::session::party — what the MWP dApp and wallet clients have in common (the JS
// BaseClient, packages/core/src/base-client.ts): an MWP session, its nonce state, a transport,
// encrypted application messages, expiry, and the life-cycle calls suspend / resume /
// disconnect.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "relayload/session/nonce_store.hpp"
#include "relayload/session/party_callbacks.hpp"
#include "relayload/session/session_context.hpp"
#include "relayload/session/session_info.hpp"
#include "relayload/session/transport.hpp"
#include "relayload/session/transport_stats.hpp"

namespace relayload::session {

namespace detail {
class party_core;  // the implementation (lib/session), shared by dapp_client and wallet_client
}  // namespace detail

/// Base of dapp_client and wallet_client; not created on its own.
///
/// Thread safety: none; use a party on its session_context's (the shard's) thread.
/// Lifetime: the session_context and what it refers to must outlive the party. Destroying a
/// party drops its connection at once and drops every pending handler and event without
/// calling it; this is allowed from inside its own callbacks and handlers. Handlers and
/// events never run inside the call that caused them.
class party {
 public:
  using clock = std::chrono::steady_clock;

  virtual ~party();
  party(const party&) = delete;
  party& operator=(const party&) = delete;

  party_callbacks& callbacks() noexcept;

  /// Sends `{"type":"message","payload":<raw_payload>}` encrypted to the peer on the session
  /// channel (BaseClient.sendMessage). `raw_payload` must be JSON text. Errors in `done`:
  /// errc::disconnected when not CONNECTED (the JS "not connected"), errc::session_expired
  /// (the party then fails), the key manager's errors, or the transport's publish errors.
  void send_message(std::string_view raw_payload, publish_handler done);

  /// Closes the transport but keeps the session, the transport clientId and the nonces
  /// (async-delivery's wallet going away). CONNECTED → offline; `done` once the socket has
  /// ended. errc::invalid_argument (in `done`) in any other state.
  void suspend(done_handler done = {});

  /// The JS resume(sessionId) after suspend(): checks expiry and the stored peer key, opens
  /// a NEW transport with the same clientId and nonce state, plain-subscribes to the session
  /// channel (history fetch included) → CONNECTED with party_connected_info::resumed.
  /// Messages published meanwhile arrive from the history reply. Synchronous errors (no
  /// event follows): errc::invalid_argument unless offline, errc::session_expired,
  /// errc::invalid_key. Later failures arrive as a fatal on_error.
  std::error_code resume(clock::time_point intended);
  std::error_code resume() { return resume(clock::now()); }

  /// BaseClient.disconnect(): pending publishes fail, the session channel is unsubscribed,
  /// the socket closes without a code, the session channel's nonces and the session are
  /// forgotten. Nothing is sent to the peer (MWP has no goodbye). `done` once the socket has
  /// ended (from the event loop also when there was none).
  void disconnect(done_handler done = {});

  party_state state() const noexcept;
  /// The session, or nullptr (none yet, or forgotten by disconnect()).
  const session_info* session() const noexcept;
  /// The transport clientId (kept across transports).
  const std::string& client_id() const noexcept;
  /// Counters over every transport this party used.
  transport_stats stats() const noexcept;
  /// The live transport, or nullptr.
  const transport* current_transport() const noexcept;
  const nonce_store& nonces() const noexcept;
  /// The Centrifugo client options every transport of this party uses (from its
  /// session_context): the relay URL (`client_options().url`), timeouts, backoff.
  const client::client_options& client_options() const noexcept;

 protected:
  using impl = detail::party_core;
  explicit party(std::shared_ptr<impl> p) noexcept;
  std::shared_ptr<impl> impl_;
};

}  // namespace relayload::session
