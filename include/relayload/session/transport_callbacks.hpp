// relayload::session::transport_callbacks — what an MWP transport reports: envelopes that
// passed the receive rules, receive problems, and the connection events of the Centrifugo
// client under it; plus the handler types of its calls.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

#include "relayload/client/client_callbacks.hpp"

namespace relayload::session {

/// How a publication reached the transport.
enum class message_source {
  live,       ///< a pub push
  recovered,  ///< carried by a subscribe reply with recover:true (§1.12)
  history,    ///< the history fetch after a (re)subscribe (§2.4)
};

/// "live", "recovered", "history".
const char* to_string(message_source s) noexcept;

/// An envelope from another party that passed the receive rules of protocol.md §2.2 (parsed,
/// not our own clientId, nonce above the sender's latest). Views are valid during the call.
struct incoming_message {
  using clock = std::chrono::steady_clock;
  std::string_view channel;
  std::string_view sender;  ///< the sender's transport clientId
  std::uint64_t nonce = 0;
  std::string_view payload;  ///< base64 (ciphertext, or plaintext with the mock key manager)
  message_source source = message_source::live;
  clock::time_point received_at{};
};

/// The fate of one publish (all attempts).
struct publish_info {
  using clock = std::chrono::steady_clock;
  std::uint64_t nonce = 0;        ///< 0 when it never got one (dropped while queued)
  std::uint32_t attempts = 0;     ///< publish commands sent for it
  std::uint32_t server_code = 0;  ///< the last error reply's code, if any
  clock::time_point requested{};  ///< publish() was called
  clock::time_point sent{};       ///< its first publish command was written (default if never)
  clock::time_point done{};       ///< acknowledged, or given up
};

/// Completion of transport::publish(): `ec` empty when the relay acknowledged it; else the
/// last attempt's error (errc::server_error, errc::reply_timeout, errc::disconnected) after
/// the last attempt, or errc::disconnected when disconnect() dropped it from the queue.
using publish_handler = std::function<void(std::error_code ec, const publish_info& info)>;

/// Completion of connect(), subscribe() and disconnect().
using done_handler = std::function<void(std::error_code ec)>;

/// One failed connect attempt of a transport's Centrifugo client (the first connect or a
/// reconnect), named with the taxonomy of the CLI's pre-flight probe (client::diagnose()).
struct connect_failure {
  /// 1-based: the attempts of this connect effort so far, this one included (counted from
  /// connect(), and again from 1 after the loss of an established connection).
  std::uint64_t attempt = 0;
  /// The cause: a system code (connection refused, reset), errc::handshake_rejected (the
  /// upgrade was refused: see http_status), errc::certificate_rejected,
  /// errc::tls_handshake_failed, errc::server_error (a connect error reply:
  /// client.server_code), errc::disconnected (a close code: client.close_code),
  /// errc::connect_timeout, errc::reply_timeout, ...
  std::error_code error;
  /// Its stable name, as reports count it: "connection_refused", "handshake_rejected",
  /// "certificate_rejected", "server_error_3501", "close_3500", ...
  std::string cause;
  /// One line with the detail that names it: "WebSocket upgrade of ws://h:1/x refused: HTTP
  /// 404 Not Found", "TLS certificate of h:443 rejected: self-signed certificate",
  /// "connection refused by 127.0.0.1:9 (2 attempts in 0.3 s)".
  std::string detail;
  /// What to change (in relayload-cli's flag names, which the option fields share); may be
  /// empty.
  std::string hint;
  /// The HTTP status of a refused upgrade (404, 503, ...); else 0.
  int http_status = 0;
  /// No retry can fix it (HTTP 4xx other than 408/429 on the upgrade, a certificate this
  /// side refused, a permanent Centrifugo connect error or close code, unusable options):
  /// the client does not redial, and a party that was connecting fails at once with `error`
  /// (on_error, stage connect). False: the client redials with backoff.
  bool permanent = false;
  /// Everything the client saw (close code, server code and its temporary flag, time).
  client::client_error client;
};

/// Transport events; empty members are skipped. All run on the shard's thread, never from
/// inside a transport call. A callback may call the transport and may destroy it.
struct transport_callbacks {
  /// An accepted envelope, in stream order per channel.
  std::function<void(const incoming_message& m)> on_message;
  /// A publication whose data is not a valid envelope (JS TRANSPORT_PARSE_FAILED); dropped.
  std::function<void(std::string_view channel, std::error_code ec)> on_parse_failed;
  /// A history fetch failed (JS TRANSPORT_HISTORY_FAILED; not fatal). Not reported when the
  /// connection dropped under it (the next subscribe fetches again).
  std::function<void(std::string_view channel, std::error_code ec)> on_history_failed;
  /// Every connect reply (first and reconnects).
  std::function<void(const client::connected_info& info)> on_connected;
  /// Every loss of an established connection (real WebSocket drops, counted apart from
  /// protocol failures: the original tool's F9).
  std::function<void(const client::disconnected_info& info)> on_disconnected;
  /// Every failed connect attempt, with its cause (before on_stopped when it is permanent).
  std::function<void(const connect_failure& failure)> on_connect_failed;
  /// The client under the transport stopped for good (terminal code, gave up, closed).
  std::function<void(client::stop_reason reason, const client::client_error& cause)> on_stopped;
};

}  // namespace relayload::session
