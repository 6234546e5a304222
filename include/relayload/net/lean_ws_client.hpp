// relayload::net::lean_ws_client — a client WebSocket connection of our own on standalone Asio
// (RFC 6455, ws:// and wss:// through asio::ssl), for holding many connections cheaply: an idle
// open ws:// connection keeps its socket and a few flags, no buffers; the read buffer is shared
// by every connection of one lean_ws_client_context, and a message is copied only while it is
// partial. A wss:// connection carries its TLS session (OpenSSL's SSL and asio::ssl's record
// buffers) besides; a ws:// one carries none of it.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <system_error>

#include "relayload/net/asio_fwd.hpp"
#include "relayload/net/close_info.hpp"
#include "relayload/net/connect_timings.hpp"
#include "relayload/net/ws_client_context.hpp"
#include "relayload/net/ws_connect_options.hpp"
#include "relayload/net/ws_url.hpp"

namespace relayload::net {

/// Receives one lean_ws_client's events: a plain interface (8 bytes per connection, not the
/// 96 of three std::function members). Events run on the io_context's thread, never from
/// inside a lean_ws_client call.
class lean_ws_handler {
 public:
  /// The upgrade succeeded; `timings` has the phases of this attempt.
  virtual void on_ws_open(const connect_timings& timings) = 0;
  /// One complete text message, already validated as UTF-8; valid during the call only.
  virtual void on_ws_message(std::string_view text) = 0;
  /// Exactly once per successful connect(), with the same meaning as ws_client's on_close.
  virtual void on_ws_close(const close_info& info) = 0;

 protected:
  ~lean_ws_handler() = default;
};

/// What the lean clients of one io_context share: the options, the read buffer, a DNS
/// cache, one timer for every attempt's deadline and, once a wss:// connect needs it, the
/// TLS context (the CA store loaded once).
///
/// Thread safety: none; use it on the io_context's thread only.
/// Lifetime: the io_context must outlive it; clients keep the shared state alive.
class lean_ws_client_context {
 public:
  /// Invalid options are reported by every connect() as errc::invalid_argument; so is an
  /// unreadable ca_file, by every wss:// connect(). wss:// verifies the server certificate
  /// against ca_file (else the system store) and the URL's host name or IP address, unless
  /// insecure, as ws_client_context does.
  explicit lean_ws_client_context(asio::io_context& io, ws_client_context_options options = {});
  ~lean_ws_client_context();
  lean_ws_client_context(const lean_ws_client_context&) = delete;
  lean_ws_client_context& operator=(const lean_ws_client_context&) = delete;

  asio::io_context& io_context() const noexcept;
  const ws_client_context_options& options() const noexcept;

  class impl;

 private:
  friend class lean_ws_client;
  std::shared_ptr<impl> impl_;
};

/// One client WebSocket connection at a time, with ws_client's contract: after a successful
/// connect() the handler gets on_ws_open (maybe) and then exactly one on_ws_close; events
/// never run inside a call; the client may be destroyed, or any member called, from inside
/// its own events (destroying it drops the connection without an event).
///
/// Failures end the connection with their own cause in close_info::error: a masked server
/// frame or another framing violation errc::malformed_frame (close 1002; a binary message
/// 1003), text that is not UTF-8 errc::invalid_utf8 (1007), a message above
/// ws_client_context_options::max_message_size errc::frame_too_large (1009), a wrong
/// Sec-WebSocket-Accept or another bad 101 errc::handshake_rejected with http_status 101,
/// an unparseable answer errc::malformed_frame in phase ws_upgrade, no answer in time
/// errc::connect_timeout (the deadline covers resolve, TCP, the TLS handshake and the
/// upgrade). wss:// as ws_client: a certificate this side refused is
/// errc::certificate_rejected with close_info::tls_verify_result and tls_verify_reason; any
/// other failed TLS handshake errc::tls_handshake_failed, both in phase tls_handshake. With
/// ws_connect_options::compression, a permessage-deflate answer we cannot accept is
/// errc::handshake_rejected with http_status 101 and the problem in close_info::local_reason;
/// compressed data that does not inflate ends the connection with errc::malformed_frame
/// (1007), a message that inflates above max_message_size with errc::frame_too_large (1009).
///
/// Thread safety: none; use it on the context's io_context thread.
class lean_ws_client {
 public:
  explicit lean_ws_client(lean_ws_client_context& context);
  ~lean_ws_client();
  lean_ws_client(const lean_ws_client&) = delete;
  lean_ws_client& operator=(const lean_ws_client&) = delete;

  /// Where events go; nullptr drops them.
  void set_handler(lean_ws_handler* handler) noexcept;

  /// Starts an attempt. Synchronous errors (no event follows): errc::invalid_argument for
  /// invalid options or URL, an unusable ca_file (wss://) or a call while
  /// connecting/open/closing.
  std::error_code connect(const ws_url& url, const ws_connect_options& options = {});

  /// Sends a text message. errc::disconnected unless open.
  std::error_code send(std::string_view text) noexcept;
  /// Close handshake without a status code (the server sees 1005).
  std::error_code close() noexcept;
  /// Close handshake with `code` (1000–4999 and sendable) and a reason (cut to 123 bytes).
  std::error_code close(std::uint16_t code, std::string_view reason) noexcept;
  /// Drops the connection or attempt now; on_ws_close follows with errc::cancelled.
  std::error_code abort() noexcept;

  ws_client_state state() const noexcept;
  /// True while the connection uses permessage-deflate (ws_connect_options::compression was
  /// set and the server accepted it at the upgrade); known from on_ws_open on.
  bool compression_active() const noexcept;
  /// Bytes accepted by send() and not yet written to the socket.
  std::size_t buffered_amount() const noexcept;

  class impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace relayload::net
