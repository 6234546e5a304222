// relayload::client::transport_kind — which WebSocket client implementation a
// client_context makes its transports with (--transport on the command line).
#pragma once

namespace relayload::client {

enum class transport_kind {
  websocketpp,  ///< net::ws_client (websocketpp): ws:// and wss://
  lean,         ///< net::lean_ws_client (our own RFC 6455 client on Asio, the default): ws:// and wss://
};

/// "websocketpp" or "lean".
constexpr const char* to_string(transport_kind k) noexcept {
  return k == transport_kind::lean ? "lean" : "websocketpp";
}

}  // namespace relayload::client
