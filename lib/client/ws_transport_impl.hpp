// Private: client::transport over net::ws_client.
#pragma once

#include "relayload/client/transport.hpp"
#include "relayload/net/ws_client.hpp"
#include "relayload/net/ws_client_context.hpp"

namespace relayload::client {

class ws_transport final : public transport {
 public:
  explicit ws_transport(net::ws_client_context& context);

  void set_handler(transport_handler* handler) noexcept override { handler_ = handler; }
  std::error_code connect(const net::ws_url& url, const net::ws_connect_options& options) override {
    return client_.connect(url, options);
  }
  std::error_code send(std::string_view text) noexcept override { return client_.send(text); }
  std::error_code close() noexcept override { return client_.close(); }
  std::error_code abort() noexcept override { return client_.abort(); }
  net::ws_client_state state() const noexcept override { return client_.state(); }

 private:
  net::ws_client client_;
  transport_handler* handler_ = nullptr;
};

}  // namespace relayload::client
