// relay_core: the Centrifugo-compatible relay as pure logic — connections, channels, streams
// with history and recovery, pings, limits and fault hooks — with no sockets and no clock of
// its own. A server feeds it events (connection opened, frame received, connection closed,
// time advanced) with the current time, and it answers through a relay_sink (send a frame,
// close a connection). embedded_relay glues it to net::ws_server; unit tests drive it with a
// fake clock and a recording sink.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relayload/relay/relay_config.hpp"
#include "relayload/relay/relay_stats.hpp"

namespace relayload::relay {

/// Identifies a connection; the server chooses it (net::ws_server's ids) and never reuses it.
using connection_id = std::uint64_t;

/// Close codes and reasons the relay sends (protocol.md §1.11).
namespace disconnect_code {
inline constexpr std::uint16_t shutdown = 3001;          ///< "shutdown" (clients reconnect)
inline constexpr std::uint16_t force_reconnect = 3011;   ///< "force reconnect"
inline constexpr std::uint16_t slow = 3008;              ///< "slow" (send queue over limit)
inline constexpr std::uint16_t no_pong = 3012;           ///< "no pong"
inline constexpr std::uint16_t invalid_token = 3500;     ///< "invalid token" (terminal)
inline constexpr std::uint16_t bad_request = 3501;       ///< "bad request" (terminal)
inline constexpr std::uint16_t stale = 3502;             ///< "stale" (terminal)
inline constexpr std::uint16_t connection_limit = 3504;  ///< "connection limit" (terminal)
inline constexpr std::uint16_t message_too_big = 1009;   ///< WebSocket "message too big"
}  // namespace disconnect_code

/// Where the core's output goes. Called only from inside relay_core calls, on their thread.
/// Implementations must not call back into the relay_core from send() or close().
class relay_sink {
 public:
  virtual ~relay_sink() = default;
  /// Send one WebSocket text message; the view is valid only during the call.
  virtual void send(connection_id id, std::string_view frame) noexcept = 0;
  /// Close the connection with a close frame carrying `code` and `reason`; code 0 means
  /// drop the TCP connection without a close frame (a crashed server). The core has
  /// already forgotten the connection; a later on_close() for it is ignored.
  virtual void close(connection_id id, std::uint16_t code, std::string_view reason) noexcept = 0;
  /// Bytes queued for `id` and not yet written to its socket. The core closes a connection
  /// whose backlog exceeds relay_config::queue_max_size with 3008 "slow".
  virtual std::size_t buffered_amount(connection_id /*id*/) const noexcept { return 0; }
};

/// Injectable sources of randomness and identity. Empty members get the defaults. They
/// must not throw and must not call back into the core.
struct relay_core_hooks {
  /// A new connection's `client` id. Default: a random UUID v4 (libsodium randombytes).
  std::function<std::string()> client_id;
  /// A new stream's epoch. Default: 8 random ASCII letters [a-zA-Z], as Centrifugo's memory
  /// engine.
  std::function<std::string()> epoch;
  /// Verifies a connect `token` and returns the user id, or nullopt to close the
  /// connection with 3500 "invalid token". Default (empty): HS256 JWT verification with
  /// relay_config::token_hmac_secret_key at wall_clock() (a valid token's `sub` is the
  /// user; an expired one is answered with error 109 "token expired" and the connection
  /// stays open; anything else closes with 3500), and with no secret every token is
  /// refused with 3500. Tokenless connects are governed by
  /// relay_config::allow_anonymous_connect_without_token (3501 when not allowed).
  std::function<std::optional<std::string>(std::string_view token)> verify_token;
  /// The wall clock that token expiry is checked against. Default: system_clock::now.
  std::function<std::chrono::system_clock::time_point()> wall_clock;
  /// Where the core's rare diagnostics go, one line each without a newline (e.g. the
  /// rate-limit queue filling up). Empty (default): nowhere; the core never prints.
  std::function<void(std::string_view line)> log;
};

/// The relay's state machine. See protocol.md §1.15 for the behaviour it implements.
///
/// Output: every reply and push for a connection that is produced while handling one
/// event is sent as ONE WebSocket message (newline-batched) at the end of that event, in
/// production order — so replies to a batched frame come back batched, with the
/// connection's own pushes (e.g. its publication echo, which precedes the publish reply)
/// in between. Other connections get what the event produced for them as their own
/// messages, also at the end of the event.
///
/// Time: every event carries `now` (steady clock); the core keeps one min-heap of
/// deadlines (stale close, ping, pong check, history expiry), never a timer per
/// connection. Call advance(now) when next_deadline() is reached; calling it early or late
/// is harmless (late only delays pings/closes).
///
/// Rate limits (relay_config::max_publish_rate, max_connect_rate; test knobs): a command
/// beyond its token bucket waits in that bucket's FIFO queue, and so do the connection's
/// later commands (except pongs). Queued commands are served by advance() at the times
/// their tokens come — next_deadline() includes the next one — at the bucket's ideal
/// cadence, however late advance() runs. A connection's queued commands are dropped when it
/// closes. Replies to queued commands are produced during advance(), with the same batching
/// as above.
///
/// Thread safety: none; use one thread (embedded_relay uses its io_context's thread).
/// All event functions are noexcept: they do not throw except by terminating on
/// allocation failure.
class relay_core {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;

  /// Throws std::system_error(errc::invalid_argument) when config.validate() finds problems
  /// (the message lists them). `sink` must outlive the core.
  relay_core(relay_config config, relay_sink& sink, relay_core_hooks hooks = {});
  ~relay_core();
  relay_core(const relay_core&) = delete;
  relay_core& operator=(const relay_core&) = delete;

  // ---- events ----
  /// A WebSocket connection opened; it must send `connect` within stale_close_delay.
  void on_open(connection_id id, time_point now) noexcept;
  /// A text message arrived on `id` (one or more '\n'-separated commands).
  void on_frame(connection_id id, std::string_view frame, time_point now) noexcept;
  /// The connection ended (closed by the client or the transport). Unknown ids (e.g. ones
  /// the core itself closed) are ignored.
  void on_close(connection_id id, time_point now) noexcept;
  /// Runs everything due at or before `now`: pings, pong checks (3012), stale closes
  /// (3502), history TTL and stream metadata expiry, rate-limited commands whose tokens
  /// have come.
  void advance(time_point now) noexcept;
  /// The earliest pending deadline, if any (may be a cancelled one: advancing then is a
  /// harmless no-op).
  std::optional<time_point> next_deadline() const noexcept;

  // ---- fault hooks (for tests and scenarios) ----
  /// Closes one connection with `code` and `reason`. False if `id` is unknown.
  bool disconnect(connection_id id, std::uint16_t code, std::string_view reason) noexcept;
  /// Closes every connection (default: 3001 "shutdown", which clients answer by
  /// reconnecting; code 0: without a close frame). Returns how many were closed.
  std::size_t disconnect_all(std::uint16_t code = disconnect_code::shutdown,
                             std::string_view reason = "shutdown") noexcept;
  /// Closes round(fraction × open connections) connections chosen by a seeded shuffle of
  /// the open ids in ascending order (same seed and same ids → same choice), with a
  /// reconnect-advising code by default. Returns the closed ids, ascending.
  /// `fraction` is clamped to [0, 1].
  std::vector<connection_id> drop_fraction(double fraction, std::uint64_t seed,
                                           std::uint16_t code = disconnect_code::force_reconnect,
                                           std::string_view reason = "force reconnect");
  /// While paused, publications are accepted, stored in history and answered as usual,
  /// but their pub pushes are HELD per connection (replies, pings and everything else
  /// still flow). resume_delivery() sends the held pushes, in order, each connection's as
  /// one message. Held pushes for a channel are discarded when the connection
  /// unsubscribes from it or closes (it re-syncs through subscribe/history, as after a
  /// real outage).
  void pause_delivery() noexcept;
  void resume_delivery() noexcept;
  bool delivery_paused() const noexcept;
  /// Forgets every stream (history, top offsets and epochs): the next use of a channel
  /// starts a new epoch at offset 0, as after a relay restart without persistence.
  /// Subscriptions stay; a subscriber's next recovery attempt fails (epoch changed).
  void reset_streams() noexcept;

  // ---- inspection ----
  relay_stats stats() const;
  const relay_config& config() const noexcept;
  /// The Centrifugo `client` id given to connection `id` by its connect, or "" (unknown
  /// or not connected yet).
  std::string client_id_of(connection_id id) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace relayload::relay
