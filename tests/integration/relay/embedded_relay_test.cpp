// embedded_relay over real sockets on 127.0.0.1 port 0, driven by net::ws_client.
// Every wait is bounded (run_until); no assertion depends on how fast anything is.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "event_loop.hpp"
#include "relayload/error.hpp"
#include "relayload/net/ws_client.hpp"
#include "relayload/relay/embedded_relay.hpp"

namespace {

using namespace std::chrono_literals;
namespace net = relayload::net;
using relayload::relay::embedded_relay;
using relayload::relay::embedded_relay_options;
using relayload::relay::relay_config;
using relayload::relay::restart_options;
using relayload::test::run_until;

constexpr const char* hs = "handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f";
constexpr const char* ss = "session:7c9e6679-7425-40de-944b-e07fc1f90ae7";

/// Deterministic ids and epochs; the hooks run on the relay's thread.
embedded_relay_options test_options(relay_config config = relay_config::mwp_default()) {
  embedded_relay_options o;
  o.config = std::move(config);
  o.close_timeout = 300ms;  // stop() does not wait long for clients the test is not pumping
  auto clients = std::make_shared<std::atomic<int>>(0);
  auto epochs = std::make_shared<std::atomic<int>>(0);
  o.hooks.client_id = [clients] { return "client-" + std::to_string(++*clients); };
  o.hooks.epoch = [epochs] { return "epoch" + std::to_string(++*epochs); };
  return o;
}

/// One WebSocket client on the test thread's io_context, recording what it gets.
class client {
 public:
  client(net::ws_client_context& ctx, const std::string& url) : io_(ctx.io_context()), ws_(ctx) {
    ws_.callbacks().on_open = [this](const net::connect_timings&) { open_ = true; };
    ws_.callbacks().on_message = [this](std::string_view m) { messages_.emplace_back(m); };
    ws_.callbacks().on_close = [this](const net::close_info& info) { closed_ = info; };
    const auto u = net::ws_url::parse(url);
    REQUIRE(u.has_value());
    REQUIRE_FALSE(ws_.connect(*u));
    REQUIRE(run_until(io_, [this] { return open_ || closed_.has_value(); }));
    if (closed_) {
      INFO("connect failed: phase "
           << net::to_string(closed_->phase) << ", " << closed_->error.message() << " / "
           << closed_->detail.message() << ", http " << closed_->http_status);
      CHECK_FALSE(closed_.has_value());
    }
  }

  bool is_open() const { return open_ && !closed_; }

  void send(const std::string& frame) { REQUIRE_FALSE(ws_.send(frame)); }

  /// The next frame received (waits for it).
  std::string next() {
    REQUIRE(run_until(io_, [this] { return !messages_.empty() || closed_.has_value(); }));
    REQUIRE_FALSE(messages_.empty());
    auto m = messages_.front();
    messages_.pop_front();
    return m;
  }

  std::string call(const std::string& frame) {
    send(frame);
    return next();
  }

  /// Connects (Centrifugo connect) and returns the reply.
  std::string handshake() { return call(R"({"connect":{"name":"js"},"id":1})"); }

  /// Waits for the relay to close the connection; returns the close info.
  net::close_info wait_closed() {
    REQUIRE(run_until(io_, [this] { return closed_.has_value(); }));
    return *closed_;
  }

  std::size_t pending() const { return messages_.size(); }

 private:
  asio::io_context& io_;
  net::ws_client ws_;
  bool open_ = false;
  std::deque<std::string> messages_;
  std::optional<net::close_info> closed_;
};

std::string subscribe_cmd(const std::string& ch, int id) {
  return R"({"subscribe":{"channel":")" + ch + R"(","positioned":true,"recoverable":true},"id":)" +
         std::to_string(id) + "}";
}
std::string publish_cmd(const std::string& ch, const std::string& data, int id) {
  return R"({"publish":{"channel":")" + ch + R"(","data":)" + data + R"(},"id":)" +
         std::to_string(id) + "}";
}
std::string history_cmd(const std::string& ch, int id) {
  return R"({"history":{"channel":")" + ch + R"(","limit":50},"id":)" + std::to_string(id) + "}";
}

struct fixture {
  explicit fixture(embedded_relay_options o = test_options()) : relay(std::move(o)) {
    relay.start();
  }
  std::unique_ptr<client> connect() { return std::make_unique<client>(ctx, relay.url()); }

  embedded_relay relay;
  asio::io_context io;
  net::ws_client_context ctx{io};
};

}  // namespace

TEST_CASE("embedded relay: url, connect, subscribe, publish, push and history",
          "[relay][integration]") {
  fixture f;
  REQUIRE(f.relay.running());
  REQUIRE(f.relay.port() != 0);
  CHECK(f.relay.url() ==
        "ws://127.0.0.1:" + std::to_string(f.relay.port()) + "/connection/websocket");

  auto a = f.connect();
  auto b = f.connect();
  CHECK(a->handshake() ==
        R"({"id":1,"connect":{"client":"client-1","version":"6.9.1 OSS","ping":25,"pong":true}})");
  CHECK(b->handshake().find(R"("client":"client-2")") != std::string::npos);
  CHECK(a->call(subscribe_cmd(hs, 2)) ==
        R"({"id":2,"subscribe":{"recoverable":true,"epoch":"epoch1","positioned":true}})");
  CHECK(b->call(subscribe_cmd(hs, 2)) ==
        R"({"id":2,"subscribe":{"recoverable":true,"epoch":"epoch1","positioned":true}})");

  const std::string data = R"("{\"clientId\":\"e1\",\"nonce\":1,\"payload\":\"eA==\"}")";
  const std::string push = R"({"push":{"channel":")" + std::string(hs) + R"(","pub":{"data":)" +
                           data + R"(,"info":{"user":"","client":"client-2"},"offset":1}}})";
  CHECK(b->call(publish_cmd(hs, data, 3)) == push + "\n" + R"({"id":3,"publish":{}})");
  CHECK(a->next() == push);
  CHECK(
      a->call(history_cmd(hs, 3)) ==
      R"({"id":3,"history":{"publications":[{"data":)" + data +
          R"(,"info":{"user":"","client":"client-2"},"offset":1}],"epoch":"epoch1","offset":1}})");

  const auto s = f.relay.stats();
  CHECK(s.connections_current == 2);
  CHECK(s.connections_connected == 2);
  CHECK(s.publishes == 1);
  CHECK(s.pushes == 2);
}

TEST_CASE("embedded relay: protocol violations close with 3501 and others are unaffected",
          "[relay][integration]") {
  fixture f;
  auto a = f.connect();
  auto b = f.connect();
  b->handshake();
  a->send(R"({"subscribe":{"channel":"x:y"},"id":1})");  // before connect
  const auto info = a->wait_closed();
  CHECK(info.remote_code == 3501);
  CHECK(info.remote_reason == "bad request");
  CHECK(b->call(history_cmd(ss, 2)).find(R"("history")") != std::string::npos);
  CHECK(f.relay.stats().disconnects_of(3501) == 1);
}

TEST_CASE("embedded relay: limits (message size 1009, channels 106, connections 3504)",
          "[relay][integration]") {
  relay_config c = relay_config::mwp_default();
  c.message_size_limit = 1024;
  c.channel_limit = 1;
  c.connection_limit = 2;
  fixture f(test_options(c));
  auto a = f.connect();
  auto b = f.connect();
  auto extra = f.connect();
  a->handshake();
  b->handshake();
  extra->send(R"({"connect":{"name":"js"},"id":1})");
  CHECK(extra->wait_closed().remote_code == 3504);

  b->call(subscribe_cmd(hs, 2));
  CHECK(b->call(subscribe_cmd(ss, 3)) ==
        R"({"id":3,"error":{"code":106,"message":"limit exceeded"}})");

  a->send(publish_cmd(ss, "\"" + std::string(2000, 'x') + "\"", 2));
  CHECK(a->wait_closed().remote_code == 1009);
  CHECK(b->call(history_cmd(hs, 4)).find(R"("history")") != std::string::npos);
}

TEST_CASE("embedded relay: stale connections are closed with 3502", "[relay][integration]") {
  relay_config c = relay_config::mwp_default();
  c.stale_close_delay = 200ms;
  fixture f(test_options(c));
  auto a = f.connect();
  const auto info = a->wait_closed();
  CHECK(info.remote_code == 3502);
  CHECK(info.remote_reason == "stale");
}

TEST_CASE("embedded relay: pings every interval, a missing pong closes with 3012",
          "[relay][integration]") {
  relay_config c = relay_config::mwp_default();
  c.ping_interval = 400ms;  // announced as 1 s: never later than announced
  c.pong_timeout = 200ms;
  fixture f(test_options(c));
  auto a = f.connect();
  CHECK(a->handshake().find(R"("ping":1,"pong":true)") != std::string::npos);
  for (int i = 0; i < 2; ++i) {
    CHECK(a->next() == "{}");
    a->send("{}");
  }
  CHECK(a->next() == "{}");  // not answered
  const auto info = a->wait_closed();
  CHECK(info.remote_code == 3012);
  CHECK(info.remote_reason == "no pong");
}

TEST_CASE("embedded relay: disconnect_all and drop_fraction close with reconnect codes",
          "[relay][integration][faults]") {
  fixture f;
  std::vector<std::unique_ptr<client>> clients;
  for (int i = 0; i < 10; ++i) {
    clients.push_back(f.connect());
    clients.back()->handshake();
  }
  const auto dropped = f.relay.drop_fraction(0.2, 99);
  CHECK(dropped.size() == 2);
  std::size_t closed = 0;
  // Exactly the two dropped connections see 3011.
  REQUIRE(run_until(f.io, [&] {
    closed = 0;
    for (auto& c : clients) closed += c->is_open() ? 0 : 1;
    return closed == 2;
  }));
  for (auto& c : clients) {
    if (!c->is_open()) CHECK(c->wait_closed().remote_code == 3011);
  }
  CHECK(f.relay.disconnect_all() == 8);
  for (auto& c : clients) {
    const auto code = c->wait_closed().remote_code;
    CHECK((code == 3011 || code == 3001));
  }
  const auto s = f.relay.stats();
  CHECK(s.disconnects_of(3011) == 2);
  CHECK(s.disconnects_of(3001) == 8);
}

TEST_CASE("embedded relay: pause holds pushes until resume", "[relay][integration][faults]") {
  fixture f;
  auto a = f.connect();
  auto b = f.connect();
  a->handshake();
  b->handshake();
  a->call(subscribe_cmd(ss, 2));
  b->call(subscribe_cmd(ss, 2));
  f.relay.pause_delivery();
  CHECK(b->call(publish_cmd(ss, "1", 3)) == R"({"id":3,"publish":{}})");
  CHECK(f.relay.stats().pushes_held == 2);
  CHECK(a->pending() == 0);
  f.relay.resume_delivery();
  CHECK(a->next().find(R"("pub":{"data":1,)") != std::string::npos);
  CHECK(b->next().find(R"("pub":{"data":1,)") != std::string::npos);
}

TEST_CASE("embedded relay: restart on the same port keeping or losing history",
          "[relay][integration][faults]") {
  fixture f;
  const auto port = f.relay.port();
  auto a = f.connect();
  a->handshake();
  a->call(subscribe_cmd(ss, 2));
  a->call(publish_cmd(ss, "1", 3));

  restart_options keep;
  keep.downtime = 50ms;
  f.relay.restart(keep);
  CHECK(a->wait_closed().remote_code == 3001);
  CHECK(f.relay.port() == port);
  auto b = f.connect();
  REQUIRE(b->is_open());
  b->handshake();
  // Same epoch, same top: a client can recover.
  CHECK(
      b->call(R"({"subscribe":{"channel":")" + std::string(ss) +
              R"(","recoverable":true,"recover":true,"offset":1,"epoch":"epoch1"},"id":2})") ==
      R"({"id":2,"subscribe":{"recoverable":true,"epoch":"epoch1","recovered":true,"offset":1,"positioned":true,"was_recovering":true}})");

  restart_options lose;
  lose.keep_history = false;
  lose.abort_connections = true;  // like a crash: no close frame
  f.relay.restart(lose);
  CHECK(b->wait_closed().remote_code == net::close_code::abnormal);
  auto c = f.connect();
  c->handshake();
  CHECK(c->call(subscribe_cmd(ss, 2)) ==
        R"({"id":2,"subscribe":{"recoverable":true,"epoch":"epoch2","positioned":true}})");
  CHECK(c->call(history_cmd(ss, 3)) ==
        R"({"id":3,"history":{"publications":[],"epoch":"epoch2","offset":0}})");
}

TEST_CASE("embedded relay: stop and start again serve the same URL with history",
          "[relay][integration]") {
  fixture f;
  const auto url = f.relay.url();
  {
    auto a = f.connect();
    a->handshake();
    a->call(publish_cmd(ss, "1", 2));
    f.relay.stop();
    CHECK_FALSE(f.relay.running());
    CHECK(a->wait_closed().remote_code == 3001);
    f.relay.stop();  // idempotent
  }
  f.relay.start();
  CHECK(f.relay.url() == url);
  auto b = f.connect();
  b->handshake();
  CHECK(b->call(history_cmd(ss, 2)).find(R"("offset":1}],"epoch":"epoch1")") != std::string::npos);
  std::error_code ec;
  f.relay.start(ec);
  CHECK(ec == relayload::errc::invalid_argument);  // already running
}

TEST_CASE("embedded relay on the caller's io_context", "[relay][integration]") {
  asio::io_context io;
  embedded_relay relay(io, test_options());
  relay.start();
  net::ws_client_context ctx(io);
  client a(ctx, relay.url());
  CHECK(a.handshake().find(R"("client":"client-1")") != std::string::npos);
  CHECK(relay.stats().connections_connected == 1);  // runs directly on this thread
  relay.stop();
  CHECK(a.wait_closed().remote_code == 3001);
}

TEST_CASE("embedded relay: config file is loaded, a bad one is refused with a diagnostic",
          "[relay][integration][config]") {
  const std::string path = "embedded_relay_test_" + std::to_string(::getpid()) + ".json";
  {
    std::ofstream out(path);
    out << R"({"channel":{"namespaces":[{"name":"chat","allow_subscribe_for_client":true,
             "allow_subscribe_for_anonymous":true}]}})";
  }
  embedded_relay_options o = test_options();
  o.config_file = path;
  {
    fixture f(o);
    auto a = f.connect();
    a->handshake();
    CHECK(a->call(subscribe_cmd("chat:x", 2)) == R"({"id":2,"subscribe":{}})");
    CHECK(a->call(subscribe_cmd(ss, 3)) ==
          R"({"id":3,"error":{"code":102,"message":"unknown channel"}})");
  }
  {
    std::ofstream out(path);
    out << R"({"client":{"ping_interval":"soon"}})";
  }
  try {
    embedded_relay r(o);
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(std::string(e.what()).find("client.ping_interval") != std::string::npos);
  }
  std::remove(path.c_str());
  o.config_file = path + ".missing";
  CHECK_THROWS_AS(embedded_relay(o), std::system_error);
}

TEST_CASE("embedded relay: a taken port is reported by start()", "[relay][integration]") {
  fixture f;
  embedded_relay_options o = test_options();
  o.port = f.relay.port();
  embedded_relay second(o);
  std::error_code ec;
  second.start(ec);
  CHECK(ec);
  CHECK_FALSE(second.running());
}
