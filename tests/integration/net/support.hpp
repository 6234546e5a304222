// Helpers for the net integration tests: an echo server, a self-signed certificate, raw TCP
// peers. Net layer only (integration_net links no relay), so the relay fixture is not
// here; the bounded event-loop runs come from the layer-neutral event_loop.hpp.
#pragma once

#include <unistd.h>

#include <array>
#include <asio.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "event_loop.hpp"
#include "tls_files.hpp"
#include "relayload/net/ws_client.hpp"
#include "relayload/net/ws_server.hpp"

namespace net_test {

using namespace std::chrono_literals;
namespace net = relayload::net;

using relayload::test::run_for;
using relayload::test::run_until;

/// A server that echoes every text message and records its events.
struct echo_server {
  struct closed {
    net::connection_id id;
    net::close_info info;
  };

  explicit echo_server(asio::io_context& io, net::ws_server_options o = {}) : server(io, o) {
    server.callbacks().on_open = [this](net::connection_id id) { opened.push_back(id); };
    server.callbacks().on_message = [this](net::connection_id id, std::string_view text) {
      messages.emplace_back(text);
      if (echo) server.send(id, text);
    };
    server.callbacks().on_close = [this](net::connection_id id, const net::close_info& info) {
      closes.push_back({id, info});
    };
    const auto r = server.listen();
    if (!r) throw std::system_error(r.error());
  }

  net::ws_url url(const std::string& path = "/connection/websocket") const {
    std::string scheme = server.options().tls() ? "wss" : "ws";
    return *net::ws_url::parse(scheme + "://127.0.0.1:" + std::to_string(server.port()) + path);
  }

  net::ws_server server;
  bool echo = true;
  std::vector<net::connection_id> opened;
  std::vector<std::string> messages;
  std::vector<closed> closes;
};

/// A client that records its events; each close is counted, to prove exactly-once.
struct recording_client {
  explicit recording_client(net::ws_client_context& ctx) : client(ctx) {
    client.callbacks().on_open = [this](const net::connect_timings& t) {
      ++opens;
      timings = t;
    };
    client.callbacks().on_message = [this](std::string_view text) { messages.emplace_back(text); };
    client.callbacks().on_close = [this](const net::close_info& info) {
      ++closes;
      last_close = info;
    };
  }

  net::ws_client client;
  int opens = 0;
  int closes = 0;
  net::connect_timings timings;
  net::close_info last_close;
  std::vector<std::string> messages;
};

/// A port nobody listens on: bound once to get it, then released.
inline std::uint16_t closed_port(asio::io_context& io) {
  asio::ip::tcp::acceptor a(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t port = a.local_endpoint().port();
  a.close();
  return port;
}

using relayload::test::make_self_signed;
using relayload::test::temp_dir;

/// Two self-signed certificates in a temporary folder: one for 127.0.0.1 and localhost,
/// one for relay.test only; server_options() serves one of them (messages up to 1 MiB).
struct tls_certs {
  tls_certs() {
    cert = dir.file("cert.pem");
    key = dir.file("key.pem");
    make_self_signed(cert, key, "IP:127.0.0.1,DNS:localhost");
    other_cert = dir.file("other.pem");
    other_key = dir.file("other-key.pem");
    make_self_signed(other_cert, other_key, "DNS:relay.test");
  }
  net::ws_server_options server_options(bool other = false) const {
    net::ws_server_options o;
    o.tls_certificate_file = other ? other_cert : cert;
    o.tls_private_key_file = other ? other_key : key;
    o.max_message_size = 1 << 20;
    return o;
  }
  temp_dir dir;
  std::string cert, key, other_cert, other_key;
};

/// Reads from a raw socket until `marker` appears or `limit` passes; returns the data.
inline std::string read_until(asio::io_context& io, asio::ip::tcp::socket& s,
                              const std::string& marker, std::chrono::milliseconds limit = 5s) {
  std::string data;
  bool done = false;
  auto buf = std::make_shared<std::array<char, 4096>>();
  std::function<void()> next = [&] {
    s.async_read_some(asio::buffer(*buf), [&, buf](const std::error_code& ec, std::size_t n) {
      data.append(buf->data(), n);
      if (ec || data.find(marker) != std::string::npos) {
        done = true;
        return;
      }
      next();
    });
  };
  next();
  run_until(
      io, [&] { return done; }, limit);
  if (!done) {
    std::error_code ignored;
    s.cancel(ignored);
    run_until(
        io, [&] { return done; }, 1s);
  }
  return data;
}

}  // namespace net_test
