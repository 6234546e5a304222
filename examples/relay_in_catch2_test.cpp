// relay_in_catch2_test — the embedded relay inside a Catch2 test of your own: test your
// client, proxy or harness against a Centrifugo-compatible relay with no server to install.
//
// Link Catch2::Catch2 (find_package(Catch2 2 CONFIG)) and relayload::relayload. Every relay
// binds 127.0.0.1 port 0 and reads its port back, so tests never collide with each other or
// with anything else on the machine. The relay runs on its own thread; the client runs on
// this thread's io_context, which the test drives with bounded waits (never a bare sleep).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <asio.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "relayload/client/centrifuge_client.hpp"
#include "relayload/relay/embedded_relay.hpp"

namespace rl = relayload;
using namespace std::chrono_literals;

namespace {

constexpr const char* channel = "session:3f1c2b6a-9d4e-4c1a-8b7e-2a5d6c7e8f90";

// Runs the loop until `done()` or the limit; returns done(). Bounds every wait of a test.
bool run_until(asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(5ms);
  }
  return done();
}

rl::client::client_options options_for(const rl::relay::embedded_relay& relay) {
  auto o = rl::client::client_options::raw_scenario();
  o.url = rl::net::ws_url::parse(relay.url()).value();
  return o;
}

}  // namespace

TEST_CASE("a publication reaches the subscriber through the embedded relay") {
  rl::relay::embedded_relay relay;  // port 0: a free port, see relay.port()
  relay.start();
  REQUIRE(relay.port() != 0);

  asio::io_context io;
  rl::client::client_context context(io);
  rl::client::centrifuge_client subscriber(context, options_for(relay));
  rl::client::centrifuge_client publisher(context, options_for(relay));
  REQUIRE_FALSE(subscriber.connect());
  REQUIRE_FALSE(publisher.connect());

  std::vector<std::string> received;  // publication data is raw JSON, copied out
  bool subscribed = false;
  rl::client::subscription_callbacks events;
  events.on_publication = [&](const rl::wire::publication& p) { received.emplace_back(p.data); };
  subscriber.subscribe(channel, events, [&](std::error_code ec, const rl::client::call_reply&) {
    CHECK_FALSE(ec);
    subscribed = true;
  });
  REQUIRE(run_until(io, [&] { return subscribed && publisher.connected(); }));

  publisher.publish(channel, "\"hello\"", [](std::error_code ec, const rl::client::call_reply&) {
    CHECK_FALSE(ec);
  });
  REQUIRE(run_until(io, [&] { return !received.empty(); }));
  CHECK(received == std::vector<std::string>{"\"hello\""});
  CHECK(relay.stats().publishes == 1);  // the relay counts what it saw, for assertions
}

TEST_CASE("after the relay drops every connection the client reconnects and resubscribes") {
  rl::relay::embedded_relay relay;
  relay.start();
  asio::io_context io;
  rl::client::client_context context(io);
  auto options = options_for(relay);
  options.reconnect = {100ms, 500ms};  // a quick backoff keeps the test short
  rl::client::centrifuge_client client(context, options, /*seed=*/1);

  int connects = 0, drops = 0, subscribes = 0;
  client.callbacks().on_connected = [&](const rl::client::connected_info&) { ++connects; };
  client.callbacks().on_disconnected = [&](const rl::client::disconnected_info& d) {
    ++drops;
    CHECK(d.will_reconnect);  // 3001 "shutdown" is not terminal
  };
  std::vector<std::string> received;
  rl::client::subscription_callbacks events;
  events.on_subscribed = [&](const rl::client::subscribed_info&) { ++subscribes; };
  events.on_publication = [&](const rl::wire::publication& p) { received.emplace_back(p.data); };
  client.subscribe(channel, events, {});
  REQUIRE_FALSE(client.connect());
  REQUIRE(run_until(io, [&] { return subscribes == 1; }));

  // The fault hook: the relay closes every connection with 3001 "shutdown", as a restarting
  // Centrifugo does. (Also: drop_fraction, pause_delivery, restart with downtime.)
  CHECK(relay.disconnect_all() == 1);
  REQUIRE(run_until(io, [&] { return drops == 1 && connects == 2 && subscribes == 2; }));
  CHECK(client.connected());

  // The recovered subscription still delivers.
  client.publish(channel, "\"after\"", [](std::error_code ec, const rl::client::call_reply&) {
    CHECK_FALSE(ec);
  });
  REQUIRE(run_until(io, [&] { return !received.empty(); }));
  CHECK(received.back() == "\"after\"");
}
