// relayload::client::client_callbacks — connection-level events of a centrifuge_client.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>
#include <system_error>

#include "relayload/client/client_error.hpp"
#include "relayload/client/connect_outcome.hpp"
#include "relayload/net/close_info.hpp"
#include "relayload/net/connect_timings.hpp"

namespace relayload::client {

/// A connect reply arrived (initial connect or reconnect).
struct connected_info {
  using clock = std::chrono::steady_clock;
  /// False for the first connection after connect(), true after a drop.
  bool reconnect = false;
  clock::time_point at{};
  /// Reconnects: when the connection was lost (at − lost_at is the time to reconnect).
  clock::time_point lost_at{};
  /// The server's connection id and ping settings.
  std::string_view client_id;
  std::uint32_t ping_seconds = 0;
  bool pong = false;
  /// Phases of this attempt; connect reply time is at − timings.upgraded.
  net::connect_timings timings{};
};

/// An established connection (after its connect reply) was lost. Not called for close().
struct disconnected_info {
  using clock = std::chrono::steady_clock;
  /// Why: the peer's close code (cause.close_code) or a transport error, errc::no_ping,
  /// errc::reply_timeout (a subscribe timed out), errc::malformed_json, ...
  client_error cause;
  /// The close reason text or error reply message; valid during the call.
  std::string_view reason;
  /// Whether the client is going to reconnect (false: terminal code, it stops).
  bool will_reconnect = true;
};

/// Why a client stopped for good (no more events follow).
enum class stop_reason {
  closed,    ///< close() completed
  aborted,   ///< abort()
  terminal,  ///< the server said stop (terminal close code / connect error)
  gave_up,   ///< give_up_after / reconnect_give_up_after elapsed
  invalid,   ///< unusable options (errc::invalid_argument)
};

/// Stable name of a stop_reason ("closed", "gave_up", ...).
const char* to_string(stop_reason r) noexcept;

/// Connection events; empty members are skipped. All run on the context's thread, never
/// from inside a client call. A callback may call the client (e.g. close()), and may destroy
/// it (no event follows).
struct client_callbacks {
  /// Once per connect(): the initial connect's outcome (also when it fails).
  std::function<void(const connect_outcome& outcome)> on_outcome;
  /// Every connect reply (initial and reconnects).
  std::function<void(const connected_info& info)> on_connected;
  /// Every loss of an established connection.
  std::function<void(const disconnected_info& info)> on_disconnected;
  /// Every error of a connection attempt that was not yet established: transport failure,
  /// close before the connect reply, connect error reply, connect reply timeout — also a
  /// terminal one (then on_outcome/on_stopped follow; only errors that were retried count
  /// in connect_outcome::retries). Losses of established connections go to
  /// on_disconnected instead. Event order of a failure: on_error, on_outcome, on_stopped.
  std::function<void(const client_error& error)> on_error;
  /// The same failures as on_error, just before it, with what a diagnosis needs (see
  /// client::diagnose() in probe.hpp): `transport` is how the WebSocket attempt ended when its
  /// end was the cause — HTTP status of a refused upgrade, OpenSSL's verification result,
  /// the peer's close code — and nullptr otherwise (connect error reply, reply timeout,
  /// undecodable reply); valid during the call. `will_retry`: false when the cause is
  /// permanent (client::on_attempt_failure, on_close_code, on_connect_error say stop) and the
  /// client stops at once.
  std::function<void(const client_error& error, const net::close_info* transport,
                     bool will_retry)>
      on_attempt_failed;
  /// The client has stopped for good; the last event of a connect().
  std::function<void(stop_reason reason, const client_error& cause)> on_stopped;
};

}  // namespace relayload::client
