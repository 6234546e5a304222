// relayload::client::centrifuge_client — one simulated Centrifugo connection whose frames,
// their order and its timers are those of centrifuge-js 5.4.0 (protocol.md §1.16).
#pragma once

#include <asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "relayload/client/call_reply.hpp"
#include "relayload/client/client_callbacks.hpp"
#include "relayload/client/client_context.hpp"
#include "relayload/client/client_options.hpp"
#include "relayload/client/history_options.hpp"
#include "relayload/client/subscription_callbacks.hpp"

namespace relayload::client {

/// Where a client is in its life.
enum class client_state {
  idle,        ///< never connected
  connecting,  ///< a WebSocket attempt or its connect reply is under way
  connected,   ///< the connect reply arrived; calls are sent at once
  waiting,     ///< lost or failed; waiting for the backoff delay before the next attempt
  closing,     ///< close()/abort() called; waiting for the WebSocket to end
  stopped,     ///< stopped for good (closed, terminal, gave up); connect() may start again
};

/// Stable name of a client_state ("connecting").
const char* to_string(client_state s) noexcept;

/// Position of a subscription in its channel's stream, for recovery (protocol.md §1.12).
struct stream_position_info {
  bool recover = false;
  std::uint64_t offset = 0;
  std::string epoch;
};

/// The Centrifugo client of the load tests and MWP parties, wire-identical to centrifuge-js:
///
/// - sends `{"connect":{"name":"js"},"id":1}` first; ids start at 1 and are never reset,
///   also across reconnects; method object first, then "id";
/// - on every (re)connect sends connect plus the subscribe command of every subscription
///   waiting to be (re)subscribed in ONE frame, with recover/offset/epoch once a subscribe
///   reply made the subscription recoverable (C8a);
/// - answers each server ping `{}` with exactly one `{}`, only when the connect reply had
///   pong:true; drops and re-establishes the connection when no frame arrives for the
///   announced ping interval + max_server_ping_delay (35 s by default);
/// - bounds the WebSocket open, the connect reply and every call by call_timeout; a
///   connect-reply, subscribe or unsubscribe timeout drops the connection and reconnects;
/// - reconnects with full-jitter backoff (backoff.hpp), seeded per client; close codes
///   3500–3999, 4500–4999 and 1009, permanent connect errors and attempts that failed for
///   a cause no retry fixes (a refused certificate, an upgrade answered 4xx:
///   on_attempt_failure) stop it;
/// - measures the initial connect from the caller's intended start (connect_outcome).
///
/// Thread safety: none. Create, use and destroy it on the context's io_context thread.
///
/// Lifetime: the client_context must outlive it. Destroying the client drops its
/// connection at once (no close frame) and drops every pending handler and event without
/// calling it; this is allowed from inside the client's own callbacks and handlers.
///
/// Events and handlers (client_callbacks, subscription_callbacks, call_handler) run on the
/// context's thread, never from inside the client call that caused them. Assign the
/// callbacks before connect(); do not reassign a member from inside that same callback.
class centrifuge_client {
 public:
  using clock = std::chrono::steady_clock;

  /// `options` is shared so that many clients hold one copy. `seed` fixes the backoff jitter.
  centrifuge_client(client_context& context, std::shared_ptr<const client_options> options,
                    std::uint64_t seed = 0);
  centrifuge_client(client_context& context, client_options options, std::uint64_t seed = 0);
  ~centrifuge_client();
  centrifuge_client(const centrifuge_client&) = delete;
  centrifuge_client& operator=(const centrifuge_client&) = delete;

  client_callbacks& callbacks() noexcept;

  /// The index passed to client_options::token_provider (default 0). Set it before connect().
  void set_connection_index(std::uint64_t index) noexcept;

  /// Starts the initial connect; its outcome arrives as exactly one
  /// client_callbacks::on_outcome. `intended` is when the schedule wanted this connection to
  /// start (connect time is measured from it); `source` is the local address to connect from.
  /// Synchronous errors (no event follows): errc::invalid_argument when the options are not
  /// usable (client_options::validate) or the state is not idle or stopped.
  std::error_code connect(clock::time_point intended,
                          std::optional<asio::ip::address> source = std::nullopt);
  /// connect() intended now.
  std::error_code connect();

  /// Disconnects like centrifuge-js disconnect(): close frame without a code, no
  /// reconnect. Pending calls fail with errc::disconnected, subscriptions end, a pending
  /// initial connect fails with errc::cancelled. client_callbacks::on_stopped(closed) follows
  /// once the WebSocket has ended. No effect when idle, closing or stopped.
  void close() noexcept;
  /// Like close() but drops the TCP connection without a close handshake; on_stopped(aborted)
  /// follows promptly.
  void abort() noexcept;
  /// Loses an established connection on purpose, as a network failure would (for fault
  /// tests against a remote relay): the WebSocket is closed, on_disconnected follows with
  /// cause errc::cancelled ("cancelled"), and the client reconnects with backoff and
  /// resubscribes with recovery. No effect unless connected.
  void drop() noexcept;

  /// Subscribes to `channel` (kept across reconnects, resubscribed with recovery). `done`
  /// reports the first subscribe command's fate: success, errc::server_error (permanent
  /// errors also end the subscription; temporary ones resubscribe with backoff),
  /// errc::reply_timeout (the client reconnects and resubscribes), errc::disconnected.
  /// Later (re)subscriptions are reported by `callbacks.on_subscribed`. A subscription made
  /// while not connected is sent with the next connect, in the same frame.
  void subscribe(std::string_view channel, subscription_callbacks callbacks, call_handler done,
                 subscribe_options options = {});
  /// Removes the subscription; sends `unsubscribe` when the server has it (else `done`
  /// succeeds with no reply). An error reply or timeout makes the client reconnect (as
  /// centrifuge-js). errc::invalid_argument when there is no such subscription.
  void unsubscribe(std::string_view channel, call_handler done);
  /// `publish` with `raw_data` inserted verbatim (MWP: a JSON string, so pass the quoted,
  /// escaped text). While connecting the call waits for the connection (bounded by
  /// call_timeout); while stopped it fails with errc::disconnected.
  void publish(std::string_view channel, std::string_view raw_data, call_handler done);
  /// `history`; same waiting rules as publish().
  void history(std::string_view channel, const history_options& options, call_handler done);

  client_state state() const noexcept;
  bool connected() const noexcept { return state() == client_state::connected; }
  /// The id the next command will carry.
  std::uint32_t next_command_id() const noexcept;
  /// The server's connection id from the last connect reply ("" before one).
  std::string_view server_client_id() const noexcept;
  /// Ping interval and pong flag of the last connect reply.
  std::uint32_t server_ping_seconds() const noexcept;
  bool pong_enabled() const noexcept;
  /// Calls waiting for a reply or for the connection.
  std::size_t pending_calls() const noexcept;
  /// Live subscriptions.
  std::size_t subscription_count() const noexcept;
  /// Recovery position of a subscription; nullopt when there is none for `channel`.
  std::optional<stream_position_info> position(std::string_view channel) const;
  /// WebSocket attempts started over the client's life.
  std::uint64_t attempts() const noexcept;
  const client_options& options() const noexcept;


 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace relayload::client
