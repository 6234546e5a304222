// The lean WebSocket client against the websocketpp server (net::ws_server, the embedded
// relay's) and against a hostile raw-TCP server that breaks the protocol in one way per test.
// Every ending is reported exactly once, with its own cause.
#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/lean_ws_client_impl.hpp"
#include "relayload/error.hpp"
#include "relayload/net/lean_ws_client.hpp"
#include "support.hpp"

using namespace net_test;
using relayload::condition;
using relayload::errc;
namespace detail = relayload::net::detail;

namespace {

/// Records a lean client's events; counts closes to prove exactly-once.
struct lean_recorder final : net::lean_ws_handler {
  explicit lean_recorder(net::lean_ws_client_context& ctx)
      : client(std::make_unique<net::lean_ws_client>(ctx)) {
    client->set_handler(this);
  }
  void on_ws_open(const net::connect_timings& t) override {
    ++opens;
    timings = t;
  }
  void on_ws_message(std::string_view text) override {
    messages.emplace_back(text);
    if (destroy_on_message) client.reset();
  }
  void on_ws_close(const net::close_info& info) override {
    ++closes;
    last_close = info;
  }

  std::unique_ptr<net::lean_ws_client> client;
  bool destroy_on_message = false;
  int opens = 0;
  int closes = 0;
  net::connect_timings timings;
  net::close_info last_close;
  std::vector<std::string> messages;
};

/// One frame the client sent, unmasked.
struct client_frame {
  std::uint8_t opcode;
  std::string payload;
};

/// Parses the client's masked frames out of `bytes` (what the server read after the request).
std::vector<client_frame> client_frames(const std::string& bytes) {
  std::vector<client_frame> out;
  std::size_t i = 0;
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  while (i + 2 <= bytes.size()) {
    std::uint64_t len = b[i + 1] & 0x7F;
    std::size_t h = 2;
    if (len == 126) {
      if (i + 4 > bytes.size()) break;
      len = (std::uint64_t{b[i + 2]} << 8) | b[i + 3];
      h = 4;
    } else if (len == 127) {
      if (i + 10 > bytes.size()) break;
      len = 0;
      for (int k = 2; k < 10; ++k) len = (len << 8) | b[i + k];
      h = 10;
    }
    if ((b[i + 1] & 0x80) == 0) break;  // an unmasked client frame: not ours
    if (i + h + 4 + len > bytes.size()) break;
    const unsigned char* mask = b + i + h;
    std::string payload(len, '\0');
    for (std::size_t k = 0; k < len; ++k) payload[k] = static_cast<char>(b[i + h + 4 + k] ^ mask[k & 3]);
    out.push_back({static_cast<std::uint8_t>(b[i] & 0x0F), std::move(payload)});
    i += h + 4 + len;
  }
  return out;
}

std::optional<std::uint16_t> close_code_of(const client_frame& f) {
  if (f.payload.size() < 2) return std::nullopt;
  return static_cast<std::uint16_t>((static_cast<unsigned char>(f.payload[0]) << 8) |
                                    static_cast<unsigned char>(f.payload[1]));
}

std::string server_frame(std::uint8_t opcode, std::string_view payload, bool fin = true,
                         bool masked = false) {
  std::string f;
  f.push_back(static_cast<char>((fin ? 0x80 : 0) | opcode));
  const char m = masked ? static_cast<char>(0x80) : 0;
  if (payload.size() < 126) {
    f.push_back(static_cast<char>(m | static_cast<char>(payload.size())));
  } else {
    f.push_back(static_cast<char>(m | 126));
    f.push_back(static_cast<char>(payload.size() >> 8));
    f.push_back(static_cast<char>(payload.size() & 0xFF));
  }
  if (masked) f.append(std::string("\0\0\0\0", 4));
  f.append(payload.data(), payload.size());
  return f;
}

/// A raw TCP "WebSocket server" that answers the upgrade as told, sends a script, then
/// records what the client sends. It closes TCP when the client's close frame arrives (as a
/// server should), or resets / holds as configured.
struct hostile_server {
  enum class after { hold, close_on_client_close, reset };

  hostile_server(asio::io_context& io, std::function<std::string(const std::string& accept)> s,
                 after then = after::close_on_client_close, bool answer = true)
      : io_(io),
        acceptor_(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        script_(std::move(s)),
        then_(then),
        answer_(answer) {
    accept();
  }

  net::ws_url url() const {
    return *net::ws_url::parse("ws://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) +
                               "/connection/websocket");
  }

  /// Closes the connection (FIN) without a close frame.
  void drop() {
    std::error_code ignored;
    socket_->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_->close(ignored);
  }

  std::string request;   // the upgrade request
  std::string received;  // bytes after it
  bool peer_closed = false;

 private:
  void accept() {
    socket_ = std::make_unique<asio::ip::tcp::socket>(io_);
    acceptor_.async_accept(*socket_, [this](const std::error_code& ec) {
      if (!ec) read();
    });
  }
  void read() {
    socket_->async_read_some(asio::buffer(buf_), [this](const std::error_code& ec, std::size_t n) {
      if (ec == asio::error::operation_aborted) return;  // closed by this side
      if (ec) {
        peer_closed = true;
        return;
      }
      if (!answered_) {
        request.append(buf_.data(), n);
        const auto end = request.find("\r\n\r\n");
        if (end != std::string::npos) {
          received = request.substr(end + 4);
          request.resize(end + 4);
          answered_ = true;
          if (answer_) respond();
        }
      } else {
        received.append(buf_.data(), n);
      }
      if (then_ == after::close_on_client_close) {
        for (const client_frame& f : client_frames(received)) {
          if (f.opcode == 8) {
            std::error_code ignored;
            socket_->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
            socket_->close(ignored);
            return;
          }
        }
      }
      read();
    });
  }
  void respond() {
    const std::string marker = "Sec-WebSocket-Key: ";
    const auto at = request.find(marker);
    const std::string key = request.substr(at + marker.size(), 24);
    const auto accept = detail::websocket_accept(key);
    out_ = script_(std::string(accept.data(), accept.size()));
    asio::async_write(*socket_, asio::buffer(out_), [this](const std::error_code& ec, std::size_t) {
      if (ec || then_ != after::reset) return;
      // RST instead of FIN: SO_LINGER with a zero timeout.
      std::error_code ignored;
      socket_->set_option(asio::socket_base::linger(true, 0), ignored);
      socket_->close(ignored);
    });
  }

  asio::io_context& io_;
  asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<asio::ip::tcp::socket> socket_;
  std::function<std::string(const std::string&)> script_;
  after then_;
  bool answer_;
  bool answered_ = false;
  std::array<char, 4096> buf_{};
  std::string out_;
};

std::string switching(const std::string& accept) {
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: " +
         accept + "\r\nServer: hostile\r\n\r\n";
}

/// Connects one lean client to `srv`, runs until its close (bounded), checks exactly-once.
void run_to_close(asio::io_context& io, lean_recorder& c, const net::ws_url& url,
                  net::ws_connect_options o = {}) {
  REQUIRE_FALSE(c.client->connect(url, o));
  CHECK(c.closes == 0);  // never inside connect()
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  run_for(io, 50ms);
  CHECK(c.closes == 1);
  CHECK(c.client->state() == net::ws_client_state::closed);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// against the websocketpp server

TEST_CASE("lean client: echo through the websocketpp server, close handshake without a code",
          "[net][integration][lean]") {
  asio::io_context io;
  net::ws_server_options so;
  so.max_message_size = 1 << 20;
  echo_server srv(io, so);
  net::lean_ws_client_context ctx(io);
  lean_recorder c(ctx);
  REQUIRE_FALSE(c.client->connect(srv.url()));
  CHECK(c.client->state() == net::ws_client_state::connecting);
  CHECK(c.opens == 0);
  REQUIRE(run_until(io, [&] { return c.opens == 1; }));
  CHECK(c.timings.started <= c.timings.resolved);
  CHECK(c.timings.resolved <= c.timings.tcp_connected);
  CHECK(c.timings.tcp_connected == c.timings.tls_done);
  CHECK(c.timings.tls_done <= c.timings.upgraded);
  CHECK(c.client->state() == net::ws_client_state::open);

  const std::string big(300000, 'b');  // larger than the shared read buffer
  const std::string utf8 = "h\xC3\xA9llo \xF0\x9F\x98\x80";
  REQUIRE_FALSE(c.client->send("hello"));
  REQUIRE_FALSE(c.client->send(big));
  REQUIRE_FALSE(c.client->send(utf8));
  REQUIRE_FALSE(c.client->send(""));
  REQUIRE(run_until(io, [&] { return c.messages.size() == 4 || c.closes > 0; }));
  INFO("closed: " << c.closes << " " << c.last_close.error.message() << " srv " << srv.messages.size());
  REQUIRE(c.messages.size() == 4);
  CHECK(c.messages[0] == "hello");
  CHECK(c.messages[1] == big);
  CHECK(c.messages[2] == utf8);
  CHECK(c.messages[3].empty());
  CHECK(srv.messages.size() == 4);

  REQUIRE_FALSE(c.client->close());
  CHECK(c.closes == 0);
  CHECK(c.client->state() == net::ws_client_state::closing);
  CHECK(c.client->send("late") == errc::disconnected);
  REQUIRE(run_until(io, [&] { return c.closes == 1 && srv.closes.size() == 1; }));
  run_for(io, 50ms);
  CHECK(c.closes == 1);
  CHECK(c.last_close.clean());
  CHECK(c.last_close.phase == net::close_phase::open);
  CHECK(c.last_close.local_code == net::close_code::no_status);
  CHECK(c.last_close.remote_code == net::close_code::normal);  // websocketpp answers 1000
  CHECK(srv.closes.at(0).info.remote_code == net::close_code::no_status);
  CHECK(srv.closes.at(0).info.clean());

  // Reconnect on the same client.
  REQUIRE_FALSE(c.client->connect(srv.url()));
  REQUIRE(run_until(io, [&] { return c.opens == 2; }));
  REQUIRE_FALSE(c.client->close(4001, "done"));
  REQUIRE(run_until(io, [&] { return c.closes == 2; }));
  CHECK(c.last_close.local_code == 4001);
  CHECK(c.last_close.local_reason == "done");
  CHECK(c.last_close.remote_code == 4001);
}

TEST_CASE("lean client: a server-initiated close with code and reason is clean",
          "[net][integration][lean]") {
  asio::io_context io;
  echo_server srv(io);
  net::lean_ws_client_context ctx(io);
  lean_recorder c(ctx);
  REQUIRE_FALSE(c.client->connect(srv.url()));
  REQUIRE(run_until(io, [&] { return srv.opened.size() == 1 && c.opens == 1; }));
  REQUIRE_FALSE(srv.server.close(srv.opened[0], 3501, "go away"));
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  CHECK(c.last_close.clean());
  CHECK(c.last_close.remote_code == 3501);
  CHECK(c.last_close.remote_reason == "go away");
  CHECK(c.last_close.local_code == 3501);
}

TEST_CASE("lean client: a 404 is handshake_rejected with the status", "[net][integration][lean]") {
  asio::io_context io;
  echo_server srv(io);
  net::lean_ws_client_context ctx(io);
  lean_recorder c(ctx);
  run_to_close(io, c, srv.url("/other"));
  CHECK(c.opens == 0);
  CHECK(c.last_close.phase == net::close_phase::ws_upgrade);
  CHECK(c.last_close.error == errc::handshake_rejected);
  CHECK(c.last_close.http_status == 404);
  CHECK(c.last_close.http_reason == "Not Found");
  CHECK(relayload::classify(c.last_close.error) == condition::remote_rejected);
}

TEST_CASE("lean client: abort, closed port, wss closed port, destroy from an event",
          "[net][integration][lean]") {
  asio::io_context io;
  echo_server srv(io);
  net::lean_ws_client_context ctx(io);

  SECTION("abort while open: cancelled, once, after the call") {
    lean_recorder c(ctx);
    REQUIRE_FALSE(c.client->connect(srv.url()));
    REQUIRE(run_until(io, [&] { return c.opens == 1; }));
    REQUIRE_FALSE(c.client->abort());
    CHECK(c.closes == 0);
    REQUIRE(run_until(io, [&] { return c.closes == 1; }));
    run_for(io, 50ms);
    CHECK(c.closes == 1);
    CHECK(c.last_close.error == errc::cancelled);
    CHECK(c.last_close.local_code == net::close_code::abnormal);
    CHECK(c.client->abort() == errc::disconnected);
  }
  SECTION("abort while connecting") {
    lean_recorder c(ctx);
    REQUIRE_FALSE(c.client->connect(srv.url()));
    REQUIRE_FALSE(c.client->abort());
    REQUIRE(run_until(io, [&] { return c.closes == 1; }));
    run_for(io, 50ms);
    CHECK(c.closes == 1);
    CHECK(c.opens == 0);
    CHECK(c.last_close.error == errc::cancelled);
  }
  SECTION("a closed port: connection_refused in tcp_connect") {
    lean_recorder c(ctx);
    run_to_close(io, c,
                 *net::ws_url::parse("ws://127.0.0.1:" + std::to_string(closed_port(io)) + "/"));
    CHECK(c.last_close.phase == net::close_phase::tcp_connect);
    CHECK(c.last_close.error == asio::error::connection_refused);
  }
  SECTION("wss:// is accepted (TLS, see lean_tls_test.cpp): a closed port is refused later") {
    lean_recorder c(ctx);
    run_to_close(io, c,
                 *net::ws_url::parse("wss://127.0.0.1:" + std::to_string(closed_port(io)) + "/"));
    CHECK(c.last_close.phase == net::close_phase::tcp_connect);
    CHECK(c.last_close.error == asio::error::connection_refused);
  }
  SECTION("a host name is resolved") {
    lean_recorder c(ctx);
    REQUIRE_FALSE(c.client->connect(
        *net::ws_url::parse("ws://localhost:" + std::to_string(srv.server.port()) +
                            "/connection/websocket")));
    REQUIRE(run_until(io, [&] { return c.opens == 1 || c.closes == 1; }));
    // localhost may resolve to ::1 first, where nobody listens: then 127.0.0.1 is tried.
    CHECK(c.opens == 1);
  }
  SECTION("destroying the client from inside on_message") {
    lean_recorder c(ctx);
    c.destroy_on_message = true;
    REQUIRE_FALSE(c.client->connect(srv.url()));
    REQUIRE(run_until(io, [&] { return c.opens == 1; }));
    REQUIRE_FALSE(c.client->send("one"));
    REQUIRE_FALSE(c.client->send("two"));
    REQUIRE(run_until(io, [&] { return !c.client; }));
    REQUIRE(run_until(io, [&] { return srv.closes.size() == 1; }));
    CHECK(c.messages.size() == 1);
    CHECK(c.closes == 0);
  }
}

TEST_CASE("lean client: 200 connections share one read buffer", "[net][integration][lean]") {
  asio::io_context io;
  echo_server srv(io);
  net::lean_ws_client_context ctx(io);
  std::vector<std::unique_ptr<lean_recorder>> clients;
  for (int i = 0; i < 200; ++i) {
    clients.push_back(std::make_unique<lean_recorder>(ctx));
    REQUIRE_FALSE(clients.back()->client->connect(srv.url()));
  }
  REQUIRE(run_until(io, [&] {
    for (auto& c : clients) {
      if (c->opens != 1) return false;
    }
    return true;
  }, 10s));
  for (std::size_t i = 0; i < clients.size(); ++i) {
    REQUIRE_FALSE(clients[i]->client->send("m" + std::to_string(i)));
  }
  REQUIRE(run_until(io, [&] {
    for (auto& c : clients) {
      if (c->messages.size() != 1) return false;
    }
    return true;
  }, 10s));
  for (std::size_t i = 0; i < clients.size(); ++i) {
    CHECK(clients[i]->messages[0] == "m" + std::to_string(i));
  }
}

// ---------------------------------------------------------------------------------------
// against a hostile server

TEST_CASE("lean client vs hostile server: fragmented replies", "[net][integration][lean]") {
  asio::io_context io;
  hostile_server srv(io, [](const std::string& accept) {
    return switching(accept) + server_frame(1, "frag", false) + server_frame(0, "men", false) +
           server_frame(0, "ted") + server_frame(8, "\x03\xE8" "bye");
  });
  net::lean_ws_client_context ctx(io);
  lean_recorder c(ctx);
  run_to_close(io, c, srv.url());
  CHECK(c.opens == 1);
  CHECK(c.messages == std::vector<std::string>{"fragmented"});
  CHECK(c.last_close.clean());
  CHECK(c.last_close.remote_code == 1000);
  CHECK(c.last_close.remote_reason == "bye");
  CHECK(c.last_close.local_code == 1000);
  const auto frames = client_frames(srv.received);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].opcode == 8);
  CHECK(close_code_of(frames[0]) == 1000);
  // The request: a GET with a 24-character key and version 13.
  CHECK(srv.request.rfind("GET /connection/websocket HTTP/1.1\r\n", 0) == 0);
  CHECK(srv.request.find("Sec-WebSocket-Version: 13\r\n") != std::string::npos);
  CHECK(srv.request.find("Host: 127.0.0.1:") != std::string::npos);
}

TEST_CASE("lean client vs hostile server: a ping inside a fragmented message is answered",
          "[net][integration][lean]") {
  asio::io_context io;
  hostile_server srv(io, [](const std::string& accept) {
    return switching(accept) + server_frame(1, "ab", false) + server_frame(9, "pp") +
           server_frame(0, "cd") + server_frame(8, "");
  });
  net::lean_ws_client_context ctx(io);
  lean_recorder c(ctx);
  run_to_close(io, c, srv.url());
  CHECK(c.messages == std::vector<std::string>{"abcd"});
  const auto frames = client_frames(srv.received);
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].opcode == 0xA);
  CHECK(frames[0].payload == "pp");
  // A close frame without a code is echoed without a code: 1005 both ways, and clean.
  CHECK(frames[1].opcode == 8);
  CHECK(frames[1].payload.empty());
  CHECK(c.last_close.clean());
  CHECK(c.last_close.remote_code == net::close_code::no_status);
  CHECK(c.last_close.local_code == net::close_code::no_status);
}

TEST_CASE("lean client vs hostile server: a masked server frame fails with 1002",
          "[net][integration][lean]") {
  asio::io_context io;
  hostile_server srv(io, [](const std::string& accept) {
    return switching(accept) + server_frame(1, "masked", true, true);
  });
  net::lean_ws_client_context ctx(io);
  lean_recorder c(ctx);
  run_to_close(io, c, srv.url());
  CHECK(c.opens == 1);
  CHECK(c.messages.empty());
  CHECK(c.last_close.phase == net::close_phase::open);
  CHECK(c.last_close.error == errc::malformed_frame);
  CHECK(relayload::classify(c.last_close.error) == condition::protocol_violation);
  CHECK(c.last_close.local_code == net::close_code::protocol_error);
  CHECK(c.last_close.remote_code == net::close_code::abnormal);
  REQUIRE(run_until(io, [&] { return !client_frames(srv.received).empty(); }));
  CHECK(close_code_of(client_frames(srv.received).at(0)) == 1002);
}

TEST_CASE("lean client vs hostile server: invalid UTF-8 fails with 1007",
          "[net][integration][lean]") {
  asio::io_context io;
  hostile_server srv(io, [](const std::string& accept) {
    return switching(accept) + server_frame(1, "ok") + server_frame(1, "bad \xC0\xAF");
  });
  net::lean_ws_client_context ctx(io);
  lean_recorder c(ctx);
  run_to_close(io, c, srv.url());
  CHECK(c.messages == std::vector<std::string>{"ok"});
  CHECK(c.last_close.error == errc::invalid_utf8);
  CHECK(c.last_close.local_code == net::close_code::invalid_payload);
  REQUIRE(run_until(io, [&] { return !client_frames(srv.received).empty(); }));
  CHECK(close_code_of(client_frames(srv.received).at(0)) == 1007);
}

TEST_CASE("lean client vs hostile server: an oversize message fails with 1009",
          "[net][integration][lean]") {
  asio::io_context io;
  hostile_server srv(io, [](const std::string& accept) {
    return switching(accept) + server_frame(1, std::string(2000, 'o'));
  });
  net::ws_client_context_options o;
  o.max_message_size = 1000;
  net::lean_ws_client_context ctx(io, o);
  lean_recorder c(ctx);
  run_to_close(io, c, srv.url());
  CHECK(c.messages.empty());
  CHECK(c.last_close.error == errc::frame_too_large);
  CHECK(c.last_close.local_code == net::close_code::message_too_big);
  REQUIRE(run_until(io, [&] { return !client_frames(srv.received).empty(); }));
  CHECK(close_code_of(client_frames(srv.received).at(0)) == 1009);
}

TEST_CASE("lean client vs hostile server: a wrong accept key is refused",
          "[net][integration][lean]") {
  asio::io_context io;
  hostile_server srv(io, [](const std::string&) {
    return switching("AAAAAAAAAAAAAAAAAAAAAAAAAAA=") + server_frame(1, "never seen");
  });
  net::lean_ws_client_context ctx(io);
  lean_recorder c(ctx);
  run_to_close(io, c, srv.url());
  CHECK(c.opens == 0);
  CHECK(c.messages.empty());
  CHECK(c.last_close.phase == net::close_phase::ws_upgrade);
  CHECK(c.last_close.error == errc::handshake_rejected);
  CHECK(c.last_close.http_status == 101);
  CHECK(c.last_close.local_code == net::close_code::none);
}

TEST_CASE("lean client vs hostile server: garbage instead of HTTP is malformed",
          "[net][integration][lean]") {
  asio::io_context io;
  hostile_server srv(io, [](const std::string&) { return std::string("SSH-2.0-OpenSSH\r\n\r\n"); });
  net::lean_ws_client_context ctx(io);
  lean_recorder c(ctx);
  run_to_close(io, c, srv.url());
  CHECK(c.last_close.phase == net::close_phase::ws_upgrade);
  CHECK(c.last_close.error == errc::malformed_frame);
  CHECK(c.last_close.http_status == 0);
}

TEST_CASE("lean client vs hostile server: a TCP reset mid-frame", "[net][integration][lean]") {
  asio::io_context io;
  hostile_server srv(
      io,
      [](const std::string& accept) {
        return switching(accept) + server_frame(1, std::string(100, 'r')).substr(0, 30);
      },
      hostile_server::after::reset);
  net::lean_ws_client_context ctx(io);
  lean_recorder c(ctx);
  run_to_close(io, c, srv.url());
  CHECK(c.opens == 1);
  CHECK(c.messages.empty());
  CHECK(c.last_close.phase == net::close_phase::open);
  CHECK(c.last_close.error == asio::error::connection_reset);
  CHECK(relayload::classify(c.last_close.error) == condition::transport_failure);
  CHECK(c.last_close.local_code == net::close_code::abnormal);
  CHECK(c.last_close.remote_code == net::close_code::abnormal);
}

TEST_CASE("lean client vs hostile server: TCP closed without a close frame is eof",
          "[net][integration][lean]") {
  asio::io_context io;
  hostile_server srv(io, [](const std::string& accept) {
    return switching(accept) + server_frame(1, "x");
  }, hostile_server::after::hold);
  net::lean_ws_client_context ctx(io);
  lean_recorder c(ctx);
  REQUIRE_FALSE(c.client->connect(srv.url()));
  REQUIRE(run_until(io, [&] { return c.messages.size() == 1; }));
  srv.drop();  // FIN, no close frame
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  CHECK(c.last_close.error == asio::error::eof);
  CHECK(c.last_close.remote_code == net::close_code::abnormal);
}

TEST_CASE("lean client vs hostile server: an upgrade never answered times out",
          "[net][integration][lean]") {
  asio::io_context io;
  hostile_server srv(io, [](const std::string&) { return std::string(); },
                     hostile_server::after::hold, false);
  net::lean_ws_client_context ctx(io);
  lean_recorder c(ctx);
  net::ws_connect_options o;
  o.connect_timeout = 300ms;
  run_to_close(io, c, srv.url(), o);
  CHECK(c.opens == 0);
  CHECK(c.last_close.phase == net::close_phase::ws_upgrade);
  CHECK(c.last_close.error == errc::connect_timeout);
  CHECK(relayload::classify(c.last_close.error) == condition::timed_out);
  CHECK(srv.request.find("Upgrade: websocket") != std::string::npos);
}

TEST_CASE("lean client vs hostile server: no close reply after close() is a reply_timeout",
          "[net][integration][lean]") {
  asio::io_context io;
  hostile_server srv(io, [](const std::string& accept) { return switching(accept); },
                     hostile_server::after::hold);
  net::ws_client_context_options o;
  o.close_timeout = 200ms;
  net::lean_ws_client_context ctx(io, o);
  lean_recorder c(ctx);
  REQUIRE_FALSE(c.client->connect(srv.url()));
  REQUIRE(run_until(io, [&] { return c.opens == 1; }));
  REQUIRE_FALSE(c.client->close(1000, "bye"));
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  CHECK(c.last_close.error == errc::reply_timeout);
  CHECK(c.last_close.local_code == 1000);
  CHECK(c.last_close.remote_code == net::close_code::abnormal);
  REQUIRE(run_until(io, [&] { return !client_frames(srv.received).empty(); }));
  CHECK(close_code_of(client_frames(srv.received).at(0)) == 1000);
  CHECK(client_frames(srv.received).at(0).payload.substr(2) == "bye");
}
