// The embedded relay with compression (embedded_relay_options::compression, `relay
// --compression`) and lean clients that offer permessage-deflate: connect, subscribe,
// publish and push flow compressed; a relay without it serves the same clients uncompressed.
#include <catch2/catch.hpp>

#include <asio.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "event_loop.hpp"
#include "relayload/net/lean_ws_client.hpp"
#include "relayload/relay/embedded_relay.hpp"

namespace {

using namespace std::chrono_literals;
namespace net = relayload::net;
using relayload::relay::embedded_relay;
using relayload::relay::embedded_relay_options;
using relayload::test::run_until;

constexpr const char* channel = "handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f";

struct lean_peer final : net::lean_ws_handler {
  lean_peer(net::lean_ws_client_context& ctx, asio::io_context& io) : client(ctx), io_(io) {
    client.set_handler(this);
  }
  void on_ws_open(const net::connect_timings&) override { open = true; }
  void on_ws_message(std::string_view m) override { messages.emplace_back(m); }
  void on_ws_close(const net::close_info& info) override {
    closed = true;
    last_close = info;
  }
  std::string next() {
    REQUIRE(run_until(io_, [this] { return !messages.empty() || closed; }));
    INFO("closed: " << last_close.error.message() << " " << last_close.remote_code << " "
                     << last_close.remote_reason << " " << last_close.local_reason);
    REQUIRE_FALSE(messages.empty());
    std::string m = messages.front();
    messages.erase(messages.begin());
    return m;
  }
  std::string call(const std::string& frame) {
    REQUIRE_FALSE(client.send(frame));
    return next();
  }

  net::lean_ws_client client;
  asio::io_context& io_;
  bool open = false;
  bool closed = false;
  net::close_info last_close;
  std::vector<std::string> messages;
};

// Two lean clients offering permessage-deflate against a relay with or without it; returns
// whether the connections were compressed. The exchange is the same either way.
bool session(bool relay_compression) {
  embedded_relay_options o;
  o.compression = relay_compression;
  o.close_timeout = 300ms;
  embedded_relay relay(std::move(o));
  relay.start();
  asio::io_context io;
  net::lean_ws_client_context ctx(io);
  net::ws_connect_options co;
  co.compression = true;
  const auto url = *net::ws_url::parse(relay.url());
  lean_peer a(ctx, io), b(ctx, io);
  REQUIRE_FALSE(a.client.connect(url, co));
  REQUIRE_FALSE(b.client.connect(url, co));
  REQUIRE(run_until(io, [&] { return (a.open || a.closed) && (b.open || b.closed); }));
  REQUIRE(a.open);
  REQUIRE(b.open);
  CHECK(a.client.compression_active() == b.client.compression_active());

  CHECK(a.call(R"({"connect":{"name":"js"},"id":1})").find(R"("connect":{"client":)") !=
        std::string::npos);
  CHECK(b.call(R"({"connect":{"name":"js"},"id":1})").find(R"("connect":{"client":)") !=
        std::string::npos);
  const std::string sub = R"({"subscribe":{"channel":")" + std::string(channel) + R"("},"id":2})";
  CHECK(a.call(sub).find(R"("id":2,"subscribe")") != std::string::npos);
  // A payload that compresses well (within the relay's 64 KB message limit).
  std::string payload;
  while (payload.size() < 30000) payload += "eyJjbGllbnRJZCI6ImUxIiwibm9uY2UiOjF9";
  const std::string data = R"("{\"payload\":\")" + payload + R"(\"}")";
  const std::string pub = R"({"publish":{"channel":")" + std::string(channel) +
                          R"(","data":)" + data + R"(},"id":3})";
  CHECK(b.call(pub).find(R"({"id":3,"publish":{}})") != std::string::npos);
  const std::string push = a.next();
  CHECK(push.find(R"({"push":{"channel":")" + std::string(channel)) == 0);
  CHECK(push.find(payload) != std::string::npos);
  CHECK(relay.stats().publishes == 1);

  const bool compressed = a.client.compression_active();
  REQUIRE_FALSE(a.client.close(1000, ""));
  REQUIRE_FALSE(b.client.close(1000, ""));
  REQUIRE(run_until(io, [&] { return a.closed && b.closed; }));
  CHECK_FALSE(a.last_close.error);
  relay.stop();
  return compressed;
}

}  // namespace

TEST_CASE("embedded relay with compression: lean clients negotiate permessage-deflate",
          "[relay][integration][deflate]") {
  CHECK(session(true));
}

TEST_CASE("embedded relay without compression: lean clients that offer it fall back",
          "[relay][integration][deflate]") {
  CHECK_FALSE(session(false));
}
