// relayload::net::ws_client — one client WebSocket connection (ws:// or wss://), light
// enough for ~19K per process: the heavy parts live in a shared ws_client_context.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "relayload/net/close_info.hpp"
#include "relayload/net/connect_timings.hpp"
#include "relayload/net/ws_client_context.hpp"
#include "relayload/net/ws_connect_options.hpp"
#include "relayload/net/ws_url.hpp"

namespace relayload::net {

/// Events of a ws_client. Empty members are skipped. All run on the io_context's thread,
/// never from inside a ws_client call.
struct ws_client_callbacks {
  /// The upgrade succeeded; the socket is open. Timings of each phase.
  std::function<void(const connect_timings& timings)> on_open;

  /// A complete text message arrived. The view is valid only during the call.
  std::function<void(std::string_view text)> on_message;

  /// The attempt failed or the open connection ended. Exactly once per successful
  /// connect() call, whatever happens (refused, reset, timeout, TLS failure, refused
  /// upgrade with its HTTP status, close by either side, close(), abort()); the one
  /// exception is destroying the ws_client first. info.phase says how far it got
  /// (phase == open: on_open was called before). After it, state() == closed and the
  /// client may connect() again.
  std::function<void(const close_info& info)> on_close;
};

/// One WebSocket client connection at a time (reconnect by calling connect() again
/// after on_close).
///
/// Thread safety: none; create, use and destroy it on the context's io_context thread.
///
/// Lifetime: keeps its ws_client_context's shared state alive. Destroying a ws_client
/// drops its connection at once (no close frame) without calling any callback. It is
/// safe to destroy it, or call any member, from inside its own callbacks (a pool
/// typically erases the client in on_close).
///
/// Messages are text frames; a binary message from the server closes the connection
/// with close_code::unsupported_data.
class ws_client {
 public:
  explicit ws_client(ws_client_context& context);
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  /// The events; assign members before connect(). on_open and on_close may reassign
  /// any member (they run from a copy); on_message must not reassign on_message.
  ws_client_callbacks& callbacks() noexcept;

  /// Starts a connection attempt; the outcome arrives as on_open (maybe) and then
  /// exactly one on_close. Synchronous errors (no callback follows):
  /// errc::invalid_argument for invalid options, an unusable context (bad ca_file) or a
  /// call in state connecting/open/closing.
  std::error_code connect(const ws_url& url, const ws_connect_options& options = {});

  /// Sends a text message. Errors: errc::disconnected unless state() == open;
  /// std::errc::not_enough_memory if the copy could not be allocated.
  std::error_code send(std::string_view text) noexcept;

  /// Starts the close handshake without a status code (like centrifuge-js; the server
  /// sees 1005). on_close follows. Errors: errc::disconnected unless state() == open.
  std::error_code close() noexcept;

  /// Starts the close handshake with `code` (1000–4999) and a reason of at most 123
  /// bytes (longer is truncated). Errors: errc::disconnected unless open,
  /// errc::invalid_argument for a code that may not be sent (e.g. 1005, 1006).
  std::error_code close(std::uint16_t code, std::string_view reason) noexcept;

  /// Ends the connection or attempt now, without a close frame (a client that vanishes).
  /// on_close follows with error errc::cancelled. Errors: errc::disconnected when
  /// there is nothing to abort (idle or closed).
  std::error_code abort() noexcept;

  ws_client_state state() const noexcept;

  /// Bytes queued for sending and not yet written to the socket.
  std::size_t buffered_amount() const noexcept;

  /// The local address of the TCP connection (after tcp_connected), else default.
  asio::ip::tcp::endpoint local_endpoint() const noexcept;

  class impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace relayload::net
