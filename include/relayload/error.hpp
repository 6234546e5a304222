// relayload::errc — the library's error codes, and relayload::condition, the coarser
// classes metrics count failures by. Both plug into std::error_code / std::error_condition
// (the pattern of Boost.Beast's websocket/error.hpp). Asio and websocketpp codes pass
// through unchanged; condition equivalence maps them onto the same classes.
#pragma once

#include <string>
#include <system_error>

namespace relayload {

/// Specific errors produced by relayload itself. Values are stable (they appear in reports).
enum class errc {
  // wire: decoding what a peer sent
  malformed_json = 1,     ///< not parseable JSON (truncated, syntax error)
  malformed_frame,        ///< JSON, but not a valid protocol message (shape, empty line)
  missing_field,          ///< a required field is absent
  wrong_type,             ///< a field has the wrong JSON type or is out of range
  unknown_message,        ///< no known method / result / push kind
  empty_frame,            ///< a frame with no message in it
  frame_too_large,        ///< a frame above the configured size limit
  nesting_too_deep,       ///< JSON nested deeper than the decoder allows
  invalid_utf8,           ///< text that is not valid UTF-8
  invalid_base64,         ///< payload that is not base64

  // protocol: what the relay or peer answered
  server_error = 100,     ///< the relay answered a command with an error reply
  reply_timeout,          ///< no reply within the per-call timeout
  unexpected_reply,       ///< a reply with an id nobody waits for, or of the wrong kind
  handshake_rejected,     ///< the WebSocket upgrade was refused
  handshake_timeout,      ///< an MWP handshake did not complete in time
  disconnected,           ///< the connection closed while an operation was pending
  no_ping,                ///< no server ping within the watchdog interval
  decryption_failed,      ///< ciphertext did not authenticate
  invalid_key,            ///< a peer public key that is not a valid point
  otp_mismatch,           ///< the OTP entered does not match the offer's
  session_expired,        ///< an MWP session or request past its expiry
  tls_handshake_failed,   ///< TLS failed for another reason than the certificate (no common
                          ///< protocol or cipher, the peer broke the handshake off)
  certificate_rejected,   ///< this side refused the peer's certificate: not trusted (self-
                          ///< signed, unknown CA), expired, or for another host name

  // local resources and usage
  source_exhausted = 200, ///< no local address/port left to connect from
  too_many_open_files,    ///< the process hit its open-file limit
  connect_timeout,        ///< TCP/TLS/WebSocket connect did not finish in time
  cancelled,              ///< the operation was cancelled by the caller (stop, shutdown)
  invalid_argument,       ///< an option or argument the caller gave is not acceptable
  layout_mismatch,        ///< histograms with different bucket layouts cannot merge
  corrupt_data,           ///< serialised data (report, histogram) failed to decode
};

/// Coarse classes of failure, used to count errors by cause in reports.
enum class condition {
  transport_failure = 1,  ///< the network or the socket failed (reset, refused, closed)
  protocol_violation,     ///< a peer sent something the protocol does not allow
  local_resource,         ///< this machine ran out of something (ports, files, memory)
  remote_rejected,        ///< the relay or peer understood and said no
  timed_out,              ///< something did not happen in time
  invalid_input,          ///< the caller passed something unusable
  tls_verification,       ///< this side refused the peer's certificate (trust store, expiry,
                          ///< host name): fixed by configuration, not by retrying
};

const std::error_category& error_category() noexcept;
const std::error_category& condition_category() noexcept;

std::error_code make_error_code(errc e) noexcept;
std::error_condition make_error_condition(condition c) noexcept;

/// The condition an error code belongs to (also for Asio/system codes), or a
/// default-constructed condition when it fits none.
std::error_condition classify(const std::error_code& ec) noexcept;

/// Stable snake_case name of an errc ("reply_timeout"), or "unknown".
const char* to_string(errc e) noexcept;
/// Stable snake_case name of a condition ("transport_failure"), or "unknown".
const char* to_string(condition c) noexcept;

/// Stable name of any error code, the one reports count causes by: an errc's to_string(errc)
/// ("reply_timeout"); the socket errors a load test meets every day by name
/// ("connection_refused", "connection_reset", "timed_out", "eof", ...); resolver errors as
/// "dns_<value>"; anything else "<category>:<value>" ("websocketpp.transport:2"). Never
/// empty; the empty code is "system:0".
std::string to_string(const std::error_code& ec);

}  // namespace relayload

namespace std {
template <>
struct is_error_code_enum<relayload::errc> : true_type {};
template <>
struct is_error_condition_enum<relayload::condition> : true_type {};
}  // namespace std
