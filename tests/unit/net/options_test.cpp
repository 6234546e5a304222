#include <catch2/catch.hpp>

#include <asio.hpp>
#include <chrono>
#include <string>

#include "relayload/error.hpp"
#include "relayload/net/connect_timings.hpp"
#include "relayload/net/ws_client.hpp"
#include "relayload/net/ws_client_context.hpp"
#include "relayload/net/ws_server.hpp"

using namespace std::chrono_literals;
using relayload::errc;
namespace net = relayload::net;

TEST_CASE("default options are valid", "[net][options]") {
  CHECK(net::ws_server_options{}.validate().empty());
  CHECK(net::ws_client_context_options{}.validate().empty());
  CHECK(net::ws_connect_options{}.validate().empty());
  const net::ws_server_options s;
  CHECK(s.host == "127.0.0.1");
  CHECK(s.port == 0);
  CHECK(s.path == "/connection/websocket");
  CHECK(s.max_message_size == 65536);  // Centrifugo's websocket.message_size_limit
  CHECK_FALSE(s.tls());
}

TEST_CASE("ws_server_options::validate lists every problem at once", "[net][options]") {
  net::ws_server_options o;
  o.host = "localhost";  // must be an IP literal
  o.path = "connection";
  o.tls_certificate_file = "cert.pem";  // key missing
  o.max_message_size = 0;
  o.listen_backlog = 0;
  o.handshake_timeout = 0ms;
  o.close_timeout = -1ms;
  o.subprotocols = {"centrifuge-json", "bad token"};
  CHECK(o.validate().size() == 8);
}

TEST_CASE("ws_client options validate what would break a request", "[net][options]") {
  net::ws_client_context_options c;
  c.max_message_size = 0;
  c.close_timeout = 0ms;
  c.user_agent = "x\r\nInjected: 1";
  c.insecure = true;
  c.ca_file = "ca.pem";
  CHECK(c.validate().size() == 4);

  net::ws_connect_options o;
  o.connect_timeout = 0ms;
  o.origin = "http://a\r\n";
  o.source_address = asio::ip::make_address("0.0.0.0");
  o.subprotocols = {""};
  CHECK(o.validate().size() == 4);
}

TEST_CASE("connect_timings durations follow the phases", "[net][timings]") {
  net::connect_timings t;
  t.started = net::connect_timings::clock::time_point(1000ns);
  t.resolved = t.started + 5ns;
  t.tcp_connected = t.resolved + 10ns;
  t.tls_done = t.tcp_connected + 20ns;
  t.upgraded = t.tls_done + 40ns;
  CHECK(t.resolve() == 5ns);
  CHECK(t.tcp_connect() == 10ns);
  CHECK(t.tls_handshake() == 20ns);
  CHECK(t.ws_upgrade() == 40ns);
  CHECK(t.total() == 75ns);
}

TEST_CASE("close_info is clean exactly when it carries no error", "[net][close]") {
  net::close_info info;
  CHECK(info.clean());
  CHECK(info.phase == net::close_phase::open);
  info.error = errc::connect_timeout;
  CHECK_FALSE(info.clean());
  CHECK(std::string(net::to_string(net::close_phase::tls_handshake)) == "tls_handshake");
  CHECK(std::string(net::to_string(net::close_phase::ws_upgrade)) == "ws_upgrade");
}

// The following use an io_context that is never run with sockets: ws_client refuses
// synchronously, and nothing may be queued for a refused call.

TEST_CASE("ws_client refuses operations in the wrong state without callbacks", "[net][client]") {
  asio::io_context io;
  net::ws_client_context ctx(io);
  net::ws_client client(ctx);
  int calls = 0;
  client.callbacks().on_close = [&](const net::close_info&) { ++calls; };
  CHECK(client.state() == net::ws_client_state::idle);
  CHECK(client.send("x") == errc::disconnected);
  CHECK(client.close() == errc::disconnected);
  CHECK(client.close(1000, "bye") == errc::disconnected);
  CHECK(client.abort() == errc::disconnected);
  CHECK(client.buffered_amount() == 0);
  CHECK(client.close(net::close_code::no_status, "") == errc::invalid_argument);
  CHECK(io.poll() == 0);
  CHECK(calls == 0);
}

TEST_CASE("ws_client::connect rejects invalid options synchronously", "[net][client]") {
  asio::io_context io;
  net::ws_client_context ctx(io);
  net::ws_client client(ctx);
  int calls = 0;
  client.callbacks().on_close = [&](const net::close_info&) { ++calls; };
  const auto url = *net::ws_url::parse("ws://127.0.0.1:9/connection/websocket");

  net::ws_connect_options bad;
  bad.connect_timeout = 0ms;
  CHECK(client.connect(url, bad) == errc::invalid_argument);

  net::ws_url no_host = url;
  no_host.host.clear();
  CHECK(client.connect(no_host) == errc::invalid_argument);

  CHECK(client.state() == net::ws_client_state::idle);
  CHECK(io.poll() == 0);
  CHECK(calls == 0);
}

TEST_CASE("a context with invalid options refuses every connect", "[net][client]") {
  asio::io_context io;
  net::ws_client_context_options o;
  o.max_message_size = 0;
  net::ws_client_context ctx(io, o);
  net::ws_client client(ctx);
  CHECK(client.connect(*net::ws_url::parse("ws://127.0.0.1:9/")) == errc::invalid_argument);
  CHECK(io.poll() == 0);
}

TEST_CASE("an unreadable ca_file makes wss connects fail synchronously", "[net][client]") {
  asio::io_context io;
  net::ws_client_context_options o;
  o.ca_file = "/nonexistent/relayload-ca.pem";
  net::ws_client_context ctx(io, o);
  net::ws_client client(ctx);
  CHECK(client.connect(*net::ws_url::parse("wss://127.0.0.1:9/")) == errc::invalid_argument);
  CHECK(client.state() == net::ws_client_state::idle);
  CHECK(io.poll() == 0);
}

TEST_CASE("ws_server::listen refuses invalid options without binding", "[net][server]") {
  asio::io_context io;
  net::ws_server_options o;
  o.path = "no-slash";
  net::ws_server server(io, o);
  const auto r = server.listen();
  CHECK_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);
  CHECK_FALSE(server.listening());
  CHECK(server.port() == 0);
}

TEST_CASE("ws_server operations on unknown ids fail cleanly", "[net][server]") {
  asio::io_context io;
  net::ws_server server(io);
  CHECK(server.send(1, "x") == errc::disconnected);
  CHECK(server.close(1, 1000, "bye") == errc::disconnected);
  CHECK(server.abort(7) == errc::disconnected);
  CHECK(server.connection_count() == 0);
  CHECK(server.buffered_amount(1) == 0);
  CHECK(server.request_target(1).empty());
  CHECK(server.remote_endpoint(1) == asio::ip::tcp::endpoint{});
  server.close_all(1001, "x");  // nothing to close: a no-op
  server.stop();
  CHECK(io.poll() == 0);
}

TEST_CASE("ws_server with missing TLS files refuses to listen", "[net][server]") {
  asio::io_context io;
  net::ws_server_options o;
  o.tls_certificate_file = "/nonexistent/cert.pem";
  o.tls_private_key_file = "/nonexistent/key.pem";
  net::ws_server server(io, o);
  const auto r = server.listen();
  CHECK(r.error() == errc::invalid_argument);
  CHECK_FALSE(server.listening());
}
