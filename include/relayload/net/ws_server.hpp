// relayload::net::ws_server — a WebSocket server (ws:// and wss://) on one io_context.
// websocketpp (asio and asio_tls transports) stays behind the pimpl.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "relayload/net/close_info.hpp"
#include "relayload/result.hpp"

namespace relayload::net {

/// Identifies one accepted WebSocket connection. Assigned in accept order starting at 1
/// and never reused during a ws_server's lifetime (also not across stop/listen cycles);
/// 0 is never a valid id.
using connection_id = std::uint64_t;

struct ws_server_options {
  /// Address to bind (an IP literal; no name resolution).
  std::string host = "127.0.0.1";
  /// Port to bind; 0 picks an ephemeral port, readable from ws_server::port() after listen().
  std::uint16_t port = 0;
  /// The only path that is upgraded; any other request target gets HTTP 404. The query
  /// string is ignored for the comparison ("/connection/websocket?format=json" matches).
  std::string path = "/connection/websocket";

  /// PEM certificate chain and private key; both empty = plain ws, both set = wss.
  std::string tls_certificate_file;
  std::string tls_private_key_file;

  /// SO_REUSEPORT, so several processes (relay workers) can listen on the same port and
  /// the kernel spreads connections over them. SO_REUSEADDR is always set.
  bool reuse_port = false;

  /// Largest incoming message, in bytes. A bigger message closes that connection with
  /// close_code::message_too_big (1009); other connections are unaffected.
  std::size_t max_message_size = 65536;

  /// Most connections at once (open, plus accepted upgrades about to open); 0 = unlimited.
  /// Beyond it the upgrade is refused with HTTP 503 and the TCP connection closed; no
  /// callback runs for the refused client.
  std::size_t max_connections = 0;

  /// listen(2) backlog (the kernel caps it at net.core.somaxconn).
  int listen_backlog = 65535;

  /// Time a client has from TCP accept to a complete upgrade (TLS included); then the
  /// socket is dropped without a callback.
  std::chrono::milliseconds handshake_timeout{10000};

  /// After a close frame is sent, how long to wait for the peer's before dropping TCP.
  std::chrono::milliseconds close_timeout{2000};

  /// Subprotocols the server may select: the first protocol the client requests that is
  /// in this list is echoed in Sec-WebSocket-Protocol. Empty: never select one (clients
  /// that request none, like centrifuge-js with JSON, are always accepted).
  std::vector<std::string> subprotocols;

  /// Accept permessage-deflate (RFC 7692) from clients that offer it: their messages arrive
  /// compressed and the server compresses what it sends them (websocketpp's zlib extension:
  /// ~200 KB of zlib state allocated per connection that negotiated it, ~40 KB of it resident
  /// with small messages). Off: the extension is never negotiated and clients fall back to
  /// uncompressed frames.
  bool compression = false;

  /// Every problem at once, as readable sentences; empty when the options are usable.
  std::vector<std::string> validate() const;

  bool tls() const noexcept { return !tls_certificate_file.empty(); }
};

/// Events of a ws_server. Assign the members you need before listen(); empty members
/// are skipped. All run on the io_context's thread, never from inside a ws_server call.
struct ws_server_callbacks {
  /// A client completed the upgrade. `id` is valid for send/close from now on.
  std::function<void(connection_id id)> on_open;

  /// A complete text message arrived. The view is valid only during the call.
  std::function<void(connection_id id, std::string_view text)> on_message;

  /// A connection announced by on_open ended, for whatever reason (close handshake from
  /// either side, oversize or binary message, TCP reset, close_all(), ...). Called exactly
  /// once per on_open; after it the id is gone. Not called for connections destroyed
  /// with the ws_server itself.
  std::function<void(connection_id id, const close_info& info)> on_close;
};

/// A WebSocket server bound to one address, serving any number of connections on the
/// caller's io_context.
///
/// Thread safety: none. Create, use and destroy it on the thread that runs the
/// io_context (or while the io_context is not running). One io_context per thread; no
/// strands, no locks.
///
/// Lifetime: the io_context must outlive the ws_server. Destroying the ws_server closes
/// the listening socket and drops every connection at once (TCP close, no close frame)
/// without calling any callback. Do not destroy it from inside one of its callbacks;
/// post the destruction instead.
///
/// Protocol notes: text frames only; a binary message closes that connection with
/// close_code::unsupported_data (1003). Invalid UTF-8 in a text message closes with
/// 1007, protocol errors with 1002 (websocketpp's checks). Clients that vanish or send
/// garbage before completing the upgrade are dropped silently (no callback).
class ws_server {
 public:
  explicit ws_server(asio::io_context& io, ws_server_options options = {});
  ~ws_server();
  ws_server(const ws_server&) = delete;
  ws_server& operator=(const ws_server&) = delete;

  /// The events; assign members before listen() (assigning later is allowed, but not
  /// from inside the callback being replaced).
  ws_server_callbacks& callbacks() noexcept;

  const ws_server_options& options() const noexcept;

  /// Validates the options, loads the TLS certificate (wss), binds, listens and starts
  /// accepting. Errors: errc::invalid_argument (options or TLS files unusable; nothing
  /// bound), an Asio/system code such as address_in_use (bind/listen failed), or
  /// errc::invalid_argument when already listening. After stop_listening(), listen()
  /// binds the same port again (the port chosen the first time when options.port is 0),
  /// so clients can reconnect to an unchanged URL.
  result<void> listen();

  /// The bound port, or 0 before the first successful listen(). Stays valid after
  /// stop_listening() (it is the port listen() will bind again).
  std::uint16_t port() const noexcept;

  /// "ws://127.0.0.1:<port><path>" (or wss://): the URL clients use.
  std::string url() const;

  bool listening() const noexcept;

  /// Stops accepting and closes the listening socket. Open connections stay open.
  void stop_listening() noexcept;

  /// Sends a text message. Errors: errc::disconnected when `id` is not an open
  /// connection (never was, closed, or closing).
  std::error_code send(connection_id id, std::string_view text) noexcept;

  /// Starts the close handshake with `code` (1000–4999; 0 or close_code::no_status send
  /// a close frame without a code) and a reason of at most 123 bytes (longer is
  /// truncated). on_close follows. Errors: errc::disconnected (no such open connection),
  /// errc::invalid_argument (a code that may not be sent, like 1006).
  std::error_code close(connection_id id, std::uint16_t code, std::string_view reason) noexcept;

  /// Drops the TCP connection without a close frame (a server that dies). on_close
  /// follows with error errc::cancelled. Errors: errc::disconnected.
  std::error_code abort(connection_id id) noexcept;

  /// Closes every open connection with `code` and `reason` (like close()); each gets
  /// its on_close. Does not stop listening.
  void close_all(std::uint16_t code, std::string_view reason) noexcept;

  /// stop_listening() and close_all().
  void stop(std::uint16_t code = close_code::going_away,
            std::string_view reason = "shutdown") noexcept;

  /// Connections announced by on_open and not yet closed.
  std::size_t connection_count() const noexcept;

  /// Bytes queued for sending on `id` and not yet written to the socket; 0 if unknown.
  std::size_t buffered_amount(connection_id id) const noexcept;

  /// The client's address of connection `id` (default endpoint if unknown).
  asio::ip::tcp::endpoint remote_endpoint(connection_id id) const noexcept;

  /// The request target of the upgrade (path and query) of connection `id`; empty if
  /// unknown. Valid until the connection's on_close returns.
  std::string_view request_target(connection_id id) const noexcept;

  class impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace relayload::net
