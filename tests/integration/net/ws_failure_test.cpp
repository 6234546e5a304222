// How connection attempts fail, and that each failure is reported exactly once with a
// cause relayload::classify() understands.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "relayload/error.hpp"
#include "support.hpp"

using namespace net_test;
using relayload::condition;
using relayload::errc;

TEST_CASE("connecting to a closed port: one on_close with a transport failure",
          "[net][integration]") {
  asio::io_context io;
  net::ws_client_context ctx(io);
  recording_client c(ctx);
  const auto port = closed_port(io);
  REQUIRE_FALSE(c.client.connect(
      *net::ws_url::parse("ws://127.0.0.1:" + std::to_string(port) + "/connection/websocket")));
  CHECK(c.closes == 0);
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  run_for(io, 100ms);
  CHECK(c.closes == 1);
  CHECK(c.opens == 0);
  CHECK(c.last_close.phase == net::close_phase::tcp_connect);
  CHECK(c.last_close.error == asio::error::connection_refused);
  CHECK(relayload::classify(c.last_close.error) == condition::transport_failure);
  CHECK(c.last_close.local_code == net::close_code::none);
  CHECK(c.client.state() == net::ws_client_state::closed);
}

TEST_CASE("a wrong path is refused with 404: handshake_rejected", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  net::ws_client_context ctx(io);
  recording_client c(ctx);
  REQUIRE_FALSE(c.client.connect(srv.url("/other")));
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  CHECK(c.opens == 0);
  CHECK(c.last_close.phase == net::close_phase::ws_upgrade);
  CHECK(c.last_close.error == errc::handshake_rejected);
  CHECK(c.last_close.http_status == 404);
  CHECK(c.last_close.http_reason == "Not Found");
  CHECK(relayload::classify(c.last_close.error) == condition::remote_rejected);
  CHECK(srv.opened.empty());
  CHECK(srv.closes.empty());

  // The query string does not matter for the path match.
  recording_client q(ctx);
  REQUIRE_FALSE(q.client.connect(srv.url("/connection/websocket?format=json")));
  REQUIRE(run_until(io, [&] { return q.opens == 1; }));
  CHECK(srv.server.request_target(srv.opened.at(0)) == "/connection/websocket?format=json");
}

TEST_CASE("a server that never answers the upgrade: connect_timeout", "[net][integration]") {
  asio::io_context io;
  // Accepts TCP connections and holds them, silent.
  asio::ip::tcp::acceptor acceptor(io,
                                   asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> held;
  std::function<void()> accept = [&] {
    held.push_back(std::make_unique<asio::ip::tcp::socket>(io));
    acceptor.async_accept(*held.back(), [&](const std::error_code& ec) {
      if (!ec) accept();
    });
  };
  accept();

  net::ws_client_context ctx(io);
  recording_client c(ctx);
  net::ws_connect_options o;
  o.connect_timeout = 300ms;
  REQUIRE_FALSE(c.client.connect(
      *net::ws_url::parse("ws://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) +
                          "/connection/websocket"),
      o));
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  CHECK(c.opens == 0);
  CHECK(c.last_close.phase == net::close_phase::ws_upgrade);
  CHECK(c.last_close.error == errc::connect_timeout);
  CHECK(relayload::classify(c.last_close.error) == condition::timed_out);
  run_for(io, 100ms);
  CHECK(c.closes == 1);
  acceptor.close();
}

TEST_CASE("max_connections refuses the upgrade with 503 beyond the limit", "[net][integration]") {
  asio::io_context io;
  net::ws_server_options o;
  o.max_connections = 2;
  echo_server srv(io, o);
  net::ws_client_context ctx(io);
  recording_client a(ctx);
  recording_client b(ctx);
  recording_client third(ctx);
  REQUIRE_FALSE(a.client.connect(srv.url()));
  REQUIRE_FALSE(b.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return a.opens == 1 && b.opens == 1; }));
  REQUIRE_FALSE(third.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return third.closes == 1; }));
  CHECK(third.opens == 0);
  CHECK(third.last_close.error == errc::handshake_rejected);
  CHECK(third.last_close.http_status == 503);
  CHECK(srv.server.connection_count() == 2);
  CHECK(srv.opened.size() == 2);

  // A slot frees up: the next attempt gets in.
  REQUIRE_FALSE(a.client.close());
  REQUIRE(run_until(io, [&] { return a.closes == 1 && srv.server.connection_count() == 1; }));
  REQUIRE_FALSE(third.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return third.opens == 1; }));
  CHECK(srv.server.connection_count() == 2);
  CHECK(third.closes == 1);
}

TEST_CASE("restart listening on the same port", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  const auto port = srv.server.port();
  net::ws_client_context ctx(io);
  recording_client first(ctx);
  REQUIRE_FALSE(first.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return first.opens == 1; }));

  srv.server.stop_listening();
  CHECK_FALSE(srv.server.listening());
  CHECK(srv.server.port() == port);
  recording_client refused(ctx);
  REQUIRE_FALSE(refused.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return refused.closes == 1; }));
  CHECK(refused.last_close.error == asio::error::connection_refused);

  // Existing connections are unaffected by stop_listening.
  REQUIRE_FALSE(first.client.send("still open"));
  REQUIRE(run_until(io, [&] { return first.messages.size() == 1; }));

  REQUIRE(srv.server.listen());
  CHECK(srv.server.port() == port);
  CHECK(srv.server.listen().error() == errc::invalid_argument);  // already listening
  recording_client second(ctx);
  REQUIRE_FALSE(second.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return second.opens == 1; }));
  CHECK(srv.server.connection_count() == 2);
  // Ids are never reused across listen cycles.
  REQUIRE(srv.opened.size() == 2);
  CHECK(srv.opened[1] > srv.opened[0]);
}

TEST_CASE("listen on a port in use fails with the system error", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  net::ws_server_options o;
  o.port = srv.server.port();
  net::ws_server second(io, o);
  const auto r = second.listen();
  REQUIRE_FALSE(r);
  CHECK(r.error() == asio::error::address_in_use);
  CHECK(relayload::classify(r.error()) == condition::local_resource);
  CHECK_FALSE(second.listening());
}

TEST_CASE("reuse_port lets two servers share a port", "[net][integration]") {
  asio::io_context io;
  net::ws_server_options o;
  o.reuse_port = true;
  echo_server a(io, o);
  o.port = a.server.port();
  echo_server b(io, o);
  CHECK(b.server.port() == a.server.port());
  net::ws_client_context ctx(io);
  std::vector<std::unique_ptr<recording_client>> clients;
  for (int i = 0; i < 20; ++i) {
    clients.push_back(std::make_unique<recording_client>(ctx));
    REQUIRE_FALSE(clients.back()->client.connect(a.url()));
  }
  REQUIRE(run_until(io, [&] { return a.opened.size() + b.opened.size() == 20; }));
}

TEST_CASE("clients that vanish or send garbage before the upgrade do not disturb the server",
          "[net][integration]") {
  asio::io_context io;
  net::ws_server_options o;
  o.handshake_timeout = 300ms;
  echo_server srv(io, o);
  const asio::ip::tcp::endpoint where(asio::ip::make_address("127.0.0.1"), srv.server.port());

  // 1. Connects and vanishes at once.
  {
    asio::ip::tcp::socket s(io);
    s.connect(where);
  }
  // 2. Sends half an upgrade request, then vanishes.
  {
    asio::ip::tcp::socket s(io);
    s.connect(where);
    asio::write(s, asio::buffer(std::string("GET /connection/websocket HTTP/1.1\r\nHost: x\r\n")));
  }
  // 3. Sends garbage and waits for the answer.
  asio::ip::tcp::socket garbage(io);
  garbage.connect(where);
  asio::write(garbage, asio::buffer(std::string("\x16\x03\x01 not http at all\r\n\r\n")));
  const std::string answer = read_until(io, garbage, "\r\n\r\n");
  CHECK(answer.rfind("HTTP/1.1 4", 0) == 0);
  // 4. A plain HTTP GET (no upgrade) gets 426 on the path and 404 elsewhere.
  for (const auto& [path, status] :
       {std::pair<std::string, std::string>{"/connection/websocket", "426"},
        {"/elsewhere", "404"}}) {
    asio::ip::tcp::socket s(io);
    s.connect(where);
    asio::write(s, asio::buffer("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    const std::string r = read_until(io, s, "\r\n\r\n");
    CHECK(r.rfind("HTTP/1.1 " + status, 0) == 0);
  }
  // 5. Connects and stays silent: dropped after handshake_timeout.
  asio::ip::tcp::socket silent(io);
  silent.connect(where);
  const std::string nothing = read_until(io, silent, "never", 3s);
  CHECK(nothing.empty());  // closed by the server without a byte

  // A real client still works, and none of the above produced a callback.
  net::ws_client_context ctx(io);
  recording_client c(ctx);
  REQUIRE_FALSE(c.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return c.opens == 1; }));
  CHECK(srv.opened.size() == 1);
  CHECK(srv.closes.empty());
  CHECK(srv.server.connection_count() == 1);
}

namespace {

// A hand-made WebSocket client, to send what ws_client never sends.
std::string upgrade_raw(asio::io_context& io, asio::ip::tcp::socket& s, std::uint16_t port,
                        const std::string& extra_headers = "") {
  s.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(s, asio::buffer("GET /connection/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                              "Sec-WebSocket-Version: 13\r\n" +
                              extra_headers + "\r\n"));
  return read_until(io, s, "\r\n\r\n");
}

std::string masked_frame(std::uint8_t opcode, const std::string& payload) {
  std::string f;
  f.push_back(static_cast<char>(0x80 | opcode));
  f.push_back(static_cast<char>(0x80 | payload.size()));  // payload < 126 bytes
  const char mask[4] = {0x11, 0x22, 0x33, 0x44};
  f.append(mask, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) f.push_back(payload[i] ^ mask[i % 4]);
  return f;
}

}  // namespace

TEST_CASE("a binary message closes that connection with 1003", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  asio::ip::tcp::socket s(io);
  const std::string response = upgrade_raw(io, s, srv.server.port());
  REQUIRE(response.rfind("HTTP/1.1 101", 0) == 0);
  REQUIRE(run_until(io, [&] { return srv.opened.size() == 1; }));
  asio::write(s, asio::buffer(masked_frame(0x2, "binary!")));
  // Server close frame: FIN+close opcode, then the 2-byte code 1003 = 0x03EB.
  const std::string close_frame = read_until(io, s, "\x03\xeb");
  REQUIRE(close_frame.size() >= 4);
  CHECK(static_cast<unsigned char>(close_frame[0]) == 0x88);
  CHECK(close_frame.substr(2, 2) == "\x03\xeb");
  // Acknowledge, as a client would; the server reports the close.
  asio::write(s, asio::buffer(masked_frame(0x8, "\x03\xeb")));
  REQUIRE(run_until(io, [&] { return srv.closes.size() == 1; }));
  CHECK(srv.closes[0].info.local_code == net::close_code::unsupported_data);
  CHECK(srv.messages.empty());
}

TEST_CASE("invalid UTF-8 in a text message closes with 1007", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  asio::ip::tcp::socket s(io);
  REQUIRE(upgrade_raw(io, s, srv.server.port()).rfind("HTTP/1.1 101", 0) == 0);
  asio::write(s, asio::buffer(masked_frame(0x1, "bad \xff\xfe utf8")));
  const std::string close_frame = read_until(io, s, "\x03\xef");
  REQUIRE(close_frame.size() >= 4);
  CHECK(close_frame.substr(2, 2) == "\x03\xef");
  REQUIRE(run_until(io, [&] { return srv.closes.size() == 1; }));
  CHECK(srv.messages.empty());
}

TEST_CASE("each attempt of a mixed crowd ends in exactly one on_close", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  const auto dead = closed_port(io);
  net::ws_client_context ctx(io);
  std::vector<std::unique_ptr<recording_client>> good, wrong_path, refused, aborted;
  for (int i = 0; i < 40; ++i) {
    good.push_back(std::make_unique<recording_client>(ctx));
    wrong_path.push_back(std::make_unique<recording_client>(ctx));
    refused.push_back(std::make_unique<recording_client>(ctx));
    aborted.push_back(std::make_unique<recording_client>(ctx));
    REQUIRE_FALSE(good.back()->client.connect(srv.url()));
    REQUIRE_FALSE(wrong_path.back()->client.connect(srv.url("/nope")));
    REQUIRE_FALSE(refused.back()->client.connect(
        *net::ws_url::parse("ws://127.0.0.1:" + std::to_string(dead) + "/")));
    REQUIRE_FALSE(aborted.back()->client.connect(srv.url()));
  }
  // Abort half of the last group right away, the rest once the loop has run a little.
  for (std::size_t i = 0; i < aborted.size(); i += 2) REQUIRE_FALSE(aborted[i]->client.abort());
  io.restart();
  io.poll();
  for (std::size_t i = 1; i < aborted.size(); i += 2) aborted[i]->client.abort();

  REQUIRE(run_until(io, [&] {
    for (auto& c : good)
      if (c->opens != 1) return false;
    for (auto* group : {&wrong_path, &refused, &aborted})
      for (auto& c : *group)
        if (c->closes != 1) return false;
    return true;
  }));
  for (auto& c : good) REQUIRE_FALSE(c->client.close(1000, ""));
  REQUIRE(run_until(io, [&] {
    for (auto& c : good)
      if (c->closes != 1) return false;
    return srv.server.connection_count() == 0;
  }));
  run_for(io, 100ms);
  for (auto* group : {&good, &wrong_path, &refused, &aborted}) {
    for (auto& c : *group) CHECK(c->closes == 1);
  }
  for (auto& c : wrong_path) CHECK(c->last_close.http_status == 404);
  for (auto& c : refused) CHECK(c->last_close.error == asio::error::connection_refused);
  for (auto& c : aborted) {
    // An abort can lose the race against the connection opening, never against on_close.
    CHECK(c->opens <= 1);
    CHECK(c->last_close.error == errc::cancelled);
  }
  CHECK(srv.opened.size() == srv.closes.size());
}

TEST_CASE("connect() while connecting or open is refused without a callback",
          "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  net::ws_client_context ctx(io);
  recording_client c(ctx);
  REQUIRE_FALSE(c.client.connect(srv.url()));
  CHECK(c.client.connect(srv.url()) == errc::invalid_argument);
  REQUIRE(run_until(io, [&] { return c.opens == 1; }));
  CHECK(c.client.connect(srv.url()) == errc::invalid_argument);
  run_for(io, 50ms);
  CHECK(c.opens == 1);
  CHECK(c.closes == 0);
  CHECK(srv.opened.size() == 1);
}

TEST_CASE("the server selects the first requested subprotocol it offers", "[net][integration]") {
  asio::io_context io;
  net::ws_server_options o;
  o.subprotocols = {"centrifuge-json"};
  echo_server srv(io, o);
  asio::ip::tcp::socket s(io);
  const std::string response = upgrade_raw(
      io, s, srv.server.port(), "Sec-WebSocket-Protocol: centrifuge-protobuf, centrifuge-json\r\n");
  CHECK(response.rfind("HTTP/1.1 101", 0) == 0);
  CHECK(response.find("Sec-WebSocket-Protocol: centrifuge-json\r\n") != std::string::npos);

  // No subprotocol requested (centrifuge-js with JSON): accepted, none echoed.
  asio::ip::tcp::socket plain(io);
  const std::string r2 = upgrade_raw(io, plain, srv.server.port());
  CHECK(r2.rfind("HTTP/1.1 101", 0) == 0);
  CHECK(r2.find("Sec-WebSocket-Protocol") == std::string::npos);

  // ws_client asking for it opens too.
  net::ws_client_context ctx(io);
  recording_client c(ctx);
  net::ws_connect_options co;
  co.subprotocols = {"centrifuge-json"};
  co.origin = "https://dapp.example";
  REQUIRE_FALSE(c.client.connect(srv.url(), co));
  REQUIRE(run_until(io, [&] { return c.opens == 1; }));
  CHECK(srv.server.connection_count() == 3);
}
