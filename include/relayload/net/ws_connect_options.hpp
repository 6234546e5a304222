// relayload::net::ws_connect_options and ws_client_state — what a connect attempt of a
// WebSocket client is asked to do and where a client stands; apart from ws_client.hpp so
// that the client layer's public headers need only <asio/ip/address.hpp>, not <asio.hpp>.
#pragma once

#include <asio/ip/address.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace relayload::net {

struct ws_connect_options {
  /// Limit for the whole attempt: resolve + TCP + TLS + upgrade. When it expires the
  /// attempt ends with errc::connect_timeout (phase = where it was stuck).
  std::chrono::milliseconds connect_timeout{10000};

  /// Local address to connect from (e.g. one of 127.0.0.x, to get more than ~28K ports
  /// towards one destination). Bound with IP_BIND_ADDRESS_NO_PORT, so the kernel picks
  /// the port at connect time and many source addresses share the ephemeral range.
  /// Failure to get a local address/port ends the attempt with errc::source_exhausted.
  std::optional<asio::ip::address> source_address;

  /// Origin header; empty sends none (Node's `ws`, used by the load tests, sends none).
  std::string origin;

  /// Sec-WebSocket-Protocol values to request; empty requests none (centrifuge-js JSON).
  std::vector<std::string> subprotocols;

  /// Offer permessage-deflate (RFC 7692) as browsers do (`permessage-deflate;
  /// client_max_window_bits`); when the server accepts, messages are compressed both ways
  /// (zlib; ~185 KB per connection once it has sent and received). Lean client only:
  /// ws_client (websocketpp) does not offer it and ignores the flag (scenario::run_options
  /// refuses --compression with --transport=websocketpp).
  bool compression = false;

  /// Every problem at once, as readable sentences; empty when the options are usable.
  std::vector<std::string> validate() const;
};

enum class ws_client_state {
  idle,        ///< never connected
  connecting,  ///< connect() accepted, on_open not yet called
  open,        ///< on_open called; send() works
  closing,     ///< close() called or a close frame received; waiting for the end
  closed,      ///< on_close called (or about to be, when ended by this side)
};

}  // namespace relayload::net
