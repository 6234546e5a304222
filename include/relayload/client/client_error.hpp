// relayload::client::client_error — one failure a client saw (a failed connect attempt, a
// dropped connection), with its stable cause name for counting.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>

#include "relayload/error.hpp"

namespace relayload::client {

/// What went wrong, in a form that names a stable cause (cause()) and a coarse
/// relayload::condition (condition_of()).
struct client_error {
  /// The error: errc::server_error (see server_code), errc::reply_timeout (connect or call
  /// reply), errc::no_ping, errc::connect_timeout, errc::disconnected (closed by the peer
  /// with a close code, see close_code), errc::malformed_json and friends (the server
  /// sent something undecodable), or a transport code passed up from net (refused, reset,
  /// handshake_rejected, source_exhausted, ...).
  std::error_code error;
  /// The peer's WebSocket close code when the connection ended with one (1000–4999 but
  /// not 1005/1006), or a server `disconnect` push's code; else 0.
  std::uint16_t close_code = 0;
  /// The error reply's code with errc::server_error; else 0.
  std::uint32_t server_code = 0;
  /// The error reply's `temporary` flag.
  bool temporary = false;
  /// When the client saw it.
  std::chrono::steady_clock::time_point at{};

  /// Stable cause name for reports: "server_error_<code>" for error replies, "close_<code>"
  /// for peer close codes, else relayload::to_string(error) ("no_ping", "reply_timeout",
  /// "connection_refused", "<category>:<value>").
  std::string cause() const;
  /// The coarse class: remote_rejected for error replies and terminal close codes,
  /// transport_failure for other close codes, else relayload::classify(error).
  condition condition_of() const noexcept;

  friend bool operator==(const client_error& a, const client_error& b) noexcept {
    return a.error == b.error && a.close_code == b.close_code && a.server_code == b.server_code &&
           a.temporary == b.temporary && a.at == b.at;
  }
  friend bool operator!=(const client_error& a, const client_error& b) noexcept {
    return !(a == b);
  }
};

}  // namespace relayload::client
