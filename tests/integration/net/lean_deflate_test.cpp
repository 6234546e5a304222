// permessage-deflate (RFC 7692) between the lean client and the websocketpp server (the
// embedded relay's, ws_server_options::compression): negotiated both ways when both sides
// want it, uncompressed when either does not, refused when the answer is bad; and a raw
// client showing the server really compresses what it sends and inflates what it gets.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "net/lean_ws_client_impl.hpp"
#include "net/permessage_deflate_impl.hpp"
#include "relayload/error.hpp"
#include "relayload/net/lean_ws_client.hpp"
#include "support.hpp"

using namespace net_test;
using relayload::errc;
namespace detail = relayload::net::detail;

namespace {

struct deflate_recorder final : net::lean_ws_handler {
  explicit deflate_recorder(net::lean_ws_client_context& ctx) : client(ctx) {
    client.set_handler(this);
  }
  void on_ws_open(const net::connect_timings&) override {
    ++opens;
    compressed_at_open = client.compression_active();
  }
  void on_ws_message(std::string_view text) override { messages.emplace_back(text); }
  void on_ws_close(const net::close_info& info) override {
    ++closes;
    last_close = info;
  }
  net::lean_ws_client client;
  int opens = 0;
  int closes = 0;
  bool compressed_at_open = false;
  net::close_info last_close;
  std::vector<std::string> messages;
};

const std::string json =
    R"({"push":{"channel":"mwp:0123456789abcdef","pub":{"data":{"message":"hello"}}}})";

// Connects with `offer`, echoes a few messages (one larger than the read buffer), closes.
// Returns whether the connection used permessage-deflate.
bool echo_round(bool server_compression, bool offer, bool tls = false) {
  asio::io_context io;
  net::ws_server_options so;
  so.max_message_size = 1 << 20;
  so.compression = server_compression;
  temp_dir dir;
  net::ws_client_context_options wo;
  if (tls) {
    so.tls_certificate_file = dir.file("cert.pem");
    so.tls_private_key_file = dir.file("key.pem");
    make_self_signed(so.tls_certificate_file, so.tls_private_key_file, "IP:127.0.0.1");
    wo.ca_file = so.tls_certificate_file;
  }
  echo_server srv(io, so);
  net::lean_ws_client_context ctx(io, wo);
  deflate_recorder c(ctx);
  net::ws_connect_options co;
  co.compression = offer;
  REQUIRE_FALSE(c.client.connect(srv.url(), co));
  REQUIRE(run_until(io, [&] { return c.opens == 1 || c.closes == 1; }));
  REQUIRE(c.opens == 1);

  std::string big;
  while (big.size() < 200000) big += json;
  const std::vector<std::string> sent = {json, json, big, "", "h\xC3\xA9llo", json};
  for (const auto& m : sent) REQUIRE_FALSE(c.client.send(m));
  REQUIRE(run_until(io, [&] { return c.messages.size() == sent.size() || c.closes > 0; }));
  INFO("close: " << c.last_close.error.message() << " " << c.last_close.local_reason);
  CHECK(c.messages == sent);  // inflated by the client
  CHECK(srv.messages == sent);  // inflated by the server
  REQUIRE_FALSE(c.client.close(1000, "done"));
  REQUIRE(run_until(io, [&] { return c.closes == 1 && srv.closes.size() == 1; }));
  CHECK_FALSE(c.last_close.error);
  CHECK_FALSE(c.client.compression_active());  // the zlib state went with the connection
  return c.compressed_at_open;
}

}  // namespace

TEST_CASE("lean deflate: negotiated with a compressing server, messages flow both ways",
          "[net][integration][lean][deflate]") {
  CHECK(echo_round(true, true));
}

TEST_CASE("lean deflate: negotiated over wss:// too", "[net][integration][lean][deflate][tls]") {
  CHECK(echo_round(true, true, true));
}

TEST_CASE("lean deflate: falls back to uncompressed when either side does not want it",
          "[net][integration][lean][deflate]") {
  CHECK_FALSE(echo_round(false, true));   // offered, server without compression
  CHECK_FALSE(echo_round(true, false));   // compressing server, not offered
}

TEST_CASE("lean deflate: a bad permessage-deflate answer is a refused upgrade with the cause",
          "[net][integration][lean][deflate]") {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket peer(io);
  std::array<char, 4096> buf{};
  std::string request;
  std::string answer;
  std::function<void()> read = [&] {
    peer.async_read_some(asio::buffer(buf), [&](const std::error_code& ec, std::size_t n) {
      if (ec) return;
      request.append(buf.data(), n);
      const auto key_at = request.find("Sec-WebSocket-Key: ");
      if (request.find("\r\n\r\n") == std::string::npos || key_at == std::string::npos) {
        read();
        return;
      }
      const auto accept = detail::websocket_accept(request.substr(key_at + 19, 24));
      answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Accept: " + std::string(accept.data(), accept.size()) +
               "\r\nSec-WebSocket-Extensions: permessage-deflate; "
               "server_max_window_bits=16\r\n\r\n";
      asio::async_write(peer, asio::buffer(answer), [](const std::error_code&, std::size_t) {});
    });
  };
  acceptor.async_accept(peer, [&](const std::error_code& ec) {
    if (!ec) read();
  });
  net::lean_ws_client_context ctx(io);
  deflate_recorder c(ctx);
  net::ws_connect_options co;
  co.compression = true;
  const auto url = *net::ws_url::parse("ws://127.0.0.1:" +
                                       std::to_string(acceptor.local_endpoint().port()) +
                                       "/connection/websocket");
  REQUIRE_FALSE(c.client.connect(url, co));
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  CHECK(c.opens == 0);
  CHECK(request.find("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n") !=
        std::string::npos);
  CHECK(c.last_close.error == errc::handshake_rejected);
  CHECK(c.last_close.phase == net::close_phase::ws_upgrade);
  CHECK(c.last_close.http_status == 101);
  CHECK(c.last_close.local_reason ==
        "permessage-deflate: server_max_window_bits must be 8 to 15");
}

TEST_CASE("lean deflate: the compressing server sends RSV1 frames that inflate",
          "[net][integration][deflate]") {
  asio::io_context io;
  net::ws_server_options so;
  so.compression = true;
  echo_server srv(io, so);
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), srv.server.port()});
  const std::array<char, 24> key = detail::make_websocket_key();
  std::string req = "GET /connection/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    "Sec-WebSocket-Key: " + std::string(key.data(), key.size()) + "\r\n"
                    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";
  asio::write(s, asio::buffer(req));

  std::string in;
  std::array<char, 4096> buf{};
  std::function<void()> read = [&] {
    s.async_read_some(asio::buffer(buf), [&](const std::error_code& ec, std::size_t n) {
      if (ec) return;
      in.append(buf.data(), n);
      read();
    });
  };
  read();
  REQUIRE(run_until(io, [&] { return in.find("\r\n\r\n") != std::string::npos; }));
  const std::size_t head = in.find("\r\n\r\n") + 4;
  const auto accept = detail::websocket_accept(std::string_view(key.data(), key.size()));
  detail::deflate_params params;
  const auto r = detail::parse_upgrade_response(in, std::string_view(accept.data(), accept.size()),
                                                {}, &params);
  REQUIRE(r.result == detail::upgrade_response::status::accepted);
  REQUIRE(r.deflate);
  in.erase(0, head);

  // Two compressed messages from us (the second refers back to the first: context takeover).
  detail::permessage_deflate codec(params);
  for (int i = 0; i < 2; ++i) {
    std::string packed, frame;
    REQUIRE(codec.deflate(json, packed));
    detail::append_client_frame(frame, 0x1, packed, true);
    asio::write(s, asio::buffer(frame));
  }
  // Both echoes come back compressed (RSV1), and inflate to the text.
  std::vector<std::string> echoes;
  const auto parse = [&] {
    while (in.size() >= 2) {
      std::size_t len = static_cast<unsigned char>(in[1]) & 0x7F;
      std::size_t h = 2;
      if (len == 126) {
        if (in.size() < 4) return;
        len = (std::size_t{static_cast<unsigned char>(in[2])} << 8) |
              static_cast<unsigned char>(in[3]);
        h = 4;
      }
      if (in.size() < h + len) return;
      REQUIRE(static_cast<unsigned char>(in[0]) == 0xC1);  // FIN, RSV1, text
      std::string text;
      REQUIRE(codec.inflate(in.substr(h, len), 1 << 20, text) ==
              detail::permessage_deflate::inflate_status::ok);
      echoes.push_back(text);
      in.erase(0, h + len);
    }
  };
  REQUIRE(run_until(io, [&] {
    parse();
    return echoes.size() == 2;
  }));
  CHECK(echoes == std::vector<std::string>{json, json});
  CHECK(srv.messages == std::vector<std::string>{json, json});
  CHECK(codec.allocated_bytes() > 0);
}
