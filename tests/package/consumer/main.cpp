// The smallest program a user of the installed package writes: start an embedded relay on
// 127.0.0.1 (a free port), connect one Centrifugo client to it, and exit 0 when the connect
// reply arrived. Everything comes from find_package(relayload): headers, the static library
// and its dependencies (Asio, OpenSSL, libsodium, fmt, threads).
#include <asio.hpp>
#include <chrono>
#include <cstdio>
#include <optional>

#include "relayload/client/centrifuge_client.hpp"
#include "relayload/relay/embedded_relay.hpp"

// The package must hand its users the library's Asio definitions along with its headers.
#if !defined(ASIO_DISABLE_STD_ALIGNED_ALLOC)
#error "find_package(relayload) did not propagate Asio::asio's compile definitions"
#endif

int main() {
  using namespace std::chrono_literals;
  namespace rl = relayload;

  rl::relay::embedded_relay relay;  // runs on its own thread
  relay.start();

  asio::io_context io;  // the client's thread is this one
  rl::client::client_context context(io);
  auto options = rl::client::client_options::raw_scenario();
  options.url = rl::net::ws_url::parse(relay.url()).value();
  rl::client::centrifuge_client client(context, options);

  std::optional<rl::client::connect_outcome> outcome;
  client.callbacks().on_outcome = [&](const rl::client::connect_outcome& o) {
    outcome = o;
    client.close();
  };
  std::optional<rl::client::stop_reason> stopped;
  client.callbacks().on_stopped = [&](rl::client::stop_reason r, const rl::client::client_error&) {
    stopped = r;
  };
  if (auto ec = client.connect()) {
    std::fprintf(stderr, "connect: %s\n", ec.message().c_str());
    return 1;
  }
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!stopped && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(10ms);
  }
  const bool ok = outcome && outcome->connected() && stopped;
  std::printf("relayload consumer: %s to %s\n", ok ? "connected" : "did NOT connect",
              relay.url().c_str());
  return ok ? 0 : 1;
}
