// relayload::client::transport — the WebSocket seam under centrifuge_client: by default a
// net::ws_client; unit tests plug in a scripted fake (no sockets, no clock).
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <system_error>

#include "relayload/net/close_info.hpp"
#include "relayload/net/connect_timings.hpp"
#include "relayload/net/asio_fwd.hpp"
#include "relayload/net/ws_connect_options.hpp"
#include "relayload/net/ws_url.hpp"

namespace relayload::client {

/// Receives a transport's events (one object per transport; a centrifuge_client). A plain
/// interface instead of three std::function members: 8 bytes per connection, not 96.
class transport_handler {
 public:
  /// The WebSocket is open; `timings` has the phases of this attempt.
  virtual void on_transport_open(const net::connect_timings& timings) = 0;
  /// One text message (one or more '\n'-separated server messages); valid during the call.
  virtual void on_transport_message(std::string_view text) = 0;
  /// One text message the transport has validated as UTF-8 before delivering it (both
  /// WebSocket transports do: RFC 6455 §8.1, close 1007 otherwise), so the handler's decoder
  /// may skip its own check (wire::utf8_input::validated). By default the same as
  /// on_transport_message, which keeps the check: a transport that does not validate (a
  /// test fake, a wrapper) calls on_transport_message.
  virtual void on_transport_validated_message(std::string_view text) {
    on_transport_message(text);
  }
  /// The attempt failed or the connection ended: exactly once per successful connect().
  virtual void on_transport_close(const net::close_info& info) = 0;

 protected:
  ~transport_handler() = default;
};

/// One client WebSocket connection at a time, with net::ws_client's contract: after a
/// successful connect() the handler gets on_transport_open (maybe) and then exactly one
/// on_transport_close; events never run inside a transport call; the transport may be
/// destroyed from inside its own events (no event follows).
///
/// Thread safety: none; used on its io_context's thread.
class transport {
 public:
  virtual ~transport() = default;

  /// Where events go; set before connect(). nullptr drops events.
  virtual void set_handler(transport_handler* handler) noexcept = 0;
  /// Starts an attempt. Synchronous errors (no event follows) as net::ws_client::connect.
  virtual std::error_code connect(const net::ws_url& url,
                                  const net::ws_connect_options& options) = 0;
  /// Sends one text message; errc::disconnected unless open.
  virtual std::error_code send(std::string_view text) noexcept = 0;
  /// Close handshake without a status code (as centrifuge-js); on_transport_close follows.
  virtual std::error_code close() noexcept = 0;
  /// Drops the connection or attempt now; on_transport_close follows (errc::cancelled).
  virtual std::error_code abort() noexcept = 0;
  virtual net::ws_client_state state() const noexcept = 0;
};

/// Makes one transport for a client on `io`. The default (empty) factory of a
/// client_context makes net::ws_client transports on the context's ws_client_context.
using transport_factory = std::function<std::unique_ptr<transport>(asio::io_context& io)>;

}  // namespace relayload::client
