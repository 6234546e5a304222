// Private: client::transport over net::lean_ws_client.
#pragma once

#include "relayload/client/transport.hpp"
#include "relayload/net/lean_ws_client.hpp"

namespace relayload::client {

/// The lean client reports through a plain interface; this forwards each event to the
/// transport's handler. Nothing here touches a member after forwarding: the handler may
/// destroy this transport from inside an event (lean_ws_client allows it).
class lean_transport final : public transport, private net::lean_ws_handler {
 public:
  explicit lean_transport(net::lean_ws_client_context& context) : client_(context) {
    client_.set_handler(this);
  }

  void set_handler(transport_handler* handler) noexcept override { handler_ = handler; }
  std::error_code connect(const net::ws_url& url, const net::ws_connect_options& options) override {
    return client_.connect(url, options);
  }
  std::error_code send(std::string_view text) noexcept override { return client_.send(text); }
  std::error_code close() noexcept override { return client_.close(); }
  std::error_code abort() noexcept override { return client_.abort(); }
  net::ws_client_state state() const noexcept override { return client_.state(); }

 private:
  void on_ws_open(const net::connect_timings& t) override {
    if (handler_ != nullptr) handler_->on_transport_open(t);
  }
  // lean_ws_client delivers only text messages it has validated as UTF-8 (else close 1007).
  void on_ws_message(std::string_view text) override {
    if (handler_ != nullptr) handler_->on_transport_validated_message(text);
  }
  void on_ws_close(const net::close_info& info) override {
    if (handler_ != nullptr) handler_->on_transport_close(info);
  }

  net::lean_ws_client client_;
  transport_handler* handler_ = nullptr;
};

}  // namespace relayload::client
