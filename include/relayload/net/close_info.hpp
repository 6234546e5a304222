// relayload::net::close_info — how a WebSocket connection (or a connection attempt) ended.
// Shared by ws_server (per accepted connection) and ws_client (per connection attempt).
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

namespace relayload::net {

/// WebSocket close status codes (RFC 6455 §7.4). Codes are open-ended integers
/// (Centrifugo uses 3000–4999, spec/protocol.md §1.11), hence constants, not an enum.
namespace close_code {
inline constexpr std::uint16_t none = 0;  ///< no code known / none sent
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;  ///< e.g. a binary frame
inline constexpr std::uint16_t no_status = 1005;         ///< close frame without a code
inline constexpr std::uint16_t abnormal = 1006;          ///< TCP ended without a close frame
inline constexpr std::uint16_t invalid_payload = 1007;   ///< e.g. text that is not UTF-8
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t message_too_big = 1009;
inline constexpr std::uint16_t internal_error = 1011;
}  // namespace close_code

/// How far a connection got before it ended. A server connection is always `open`
/// (the server reports only connections it has announced with on_open).
enum class close_phase {
  resolve,        ///< resolving the host name
  tcp_connect,    ///< TCP connect (includes binding the source address)
  tls_handshake,  ///< TLS handshake (wss only)
  ws_upgrade,     ///< HTTP upgrade request sent, waiting for 101
  open,           ///< the WebSocket was open (on_open was called)
};

/// Stable snake_case name of a phase ("tcp_connect").
const char* to_string(close_phase p) noexcept;

/// Everything known about the end of a connection.
///
/// `error` is the cause in a form relayload::classify() understands: an errc
/// (connect_timeout, handshake_rejected, certificate_rejected, source_exhausted, cancelled,
/// frame_too_large, ...)
/// or an Asio/system code passed through unchanged (connection_refused, connection_reset,
/// asio::error::eof, ...). It is empty (success) when the connection ended with a clean
/// close handshake, whichever side started it; then the codes tell why.
struct close_info {
  close_phase phase = close_phase::open;

  /// The code this side sent in its close frame (close_code::no_status for a frame
  /// without a code). close_code::abnormal when the open connection ended without this
  /// side's close frame or ended by an error (then local_reason describes the error);
  /// close_code::none when the connection never opened.
  std::uint16_t local_code = close_code::none;
  std::string local_reason;

  /// The code the peer sent; close_code::no_status for a close frame without a code,
  /// close_code::abnormal when no close frame arrived (the TCP connection just ended),
  /// close_code::none when the connection never opened.
  std::uint16_t remote_code = close_code::none;
  std::string remote_reason;

  /// The cause, translated so that relayload::classify() gives a condition (see above).
  std::error_code error;

  /// The untranslated low-level error (websocketpp, OpenSSL or Asio category), for
  /// diagnostics only; may equal `error`. Never count by it: its categories are not stable.
  std::error_code detail;

  /// For a refused upgrade (error == errc::handshake_rejected in phase ws_upgrade): the HTTP
  /// status the server answered with (e.g. 404, 503); 0 otherwise.
  int http_status = 0;
  /// With http_status: the reason phrase of the status line ("Not Found"), as sent.
  std::string http_reason;

  /// For a certificate this side refused (error == errc::certificate_rejected, phase
  /// tls_handshake): OpenSSL's verification result (an X509_V_ERR_* value, e.g. 18 for a
  /// self-signed certificate) and its text from X509_verify_cert_error_string() ("self-signed
  /// certificate", "certificate has expired", "hostname mismatch"); 0 and empty otherwise.
  long tls_verify_result = 0;
  std::string tls_verify_reason;

  /// True when the connection ended with a clean close handshake.
  bool clean() const noexcept { return !error; }
};

}  // namespace relayload::net
