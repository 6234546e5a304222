#include "ws_transport_impl.hpp"

namespace relayload::client {

ws_transport::ws_transport(net::ws_client_context& context) : client_(context) {
  // The lambdas capture only `this`: the handler may destroy this transport from inside
  // an event (net::ws_client allows it), so nothing here touches members afterwards.
  auto& cb = client_.callbacks();
  cb.on_open = [this](const net::connect_timings& t) {
    if (handler_ != nullptr) handler_->on_transport_open(t);
  };
  // websocketpp's hybi13 processor validates every text message as UTF-8 (close 1007),
  // and ws_client delivers only text messages.
  cb.on_message = [this](std::string_view text) {
    if (handler_ != nullptr) handler_->on_transport_validated_message(text);
  };
  cb.on_close = [this](const net::close_info& info) {
    if (handler_ != nullptr) handler_->on_transport_close(info);
  };
}

}  // namespace relayload::client
