// session::party_kit, the short way in: a bad URL or bad options are refused with every
// problem named; a good kit carries a dApp and a wallet (ECIES keys, as real clients) through
// a handshake and one message over the embedded relay on 127.0.0.1 port 0. Every wait is
// bounded; assertions are on events, never on elapsed time.
#include <catch2/catch.hpp>

#include <asio.hpp>
#include <chrono>
#include <optional>
#include <cstdint>
#include <string>
#include <vector>

#include "relay_fixture.hpp"
#include "relayload/client/frame_trace.hpp"
#include "relayload/client/run_until.hpp"
#include "relayload/net/ws_url.hpp"
#include "relayload/error.hpp"
#include "relayload/session/dapp_client.hpp"
#include "relayload/session/ecies_key_manager.hpp"
#include "relayload/session/party_kit.hpp"
#include "relayload/session/wallet_client.hpp"

namespace {

using namespace std::chrono_literals;
using namespace relayload;

}  // namespace

TEST_CASE("party_kit refuses a bad URL and bad options, naming each problem",
          "[session][kit]") {
  asio::io_context io;
  std::string why;
  auto kit = session::party_kit::create(io, "http://example.invalid/", {}, &why);
  REQUIRE_FALSE(kit);
  CHECK(kit.error() == errc::invalid_argument);
  CHECK(why == "url: \"http://example.invalid/\" is not a ws:// or wss:// URL "
               "(ws://host[:port][/path])");

  session::party_kit_options o;
  o.client.call_timeout = 0ms;
  o.context.max_frame_size = 0;
  o.session.max_otp_attempts = 0;
  kit = session::party_kit::create(io, "nonsense", o, &why);
  REQUIRE_FALSE(kit);
  CAPTURE(why);
  CHECK(why.rfind("url: ", 0) == 0);
  CHECK(why.find("\nclient: ") != std::string::npos);
  CHECK(why.find("\ncontext: The largest server frame must be above 0 bytes.") !=
        std::string::npos);
  CHECK(why.find("\nsession: ") != std::string::npos);

  // Without `why` the error alone comes back; a good URL clears an old `why`.
  CHECK(session::party_kit::create(io, "nonsense").error() == errc::invalid_argument);
  kit = session::party_kit::create(io, "ws://127.0.0.1:9/connection/websocket", {}, &why);
  REQUIRE(kit);
  CHECK(why.empty());
  CHECK((*kit)->context().transport->client->url.port == 9);
}

TEST_CASE("a dApp and a wallet made from party_kits complete a session over the relay",
          "[session][kit]") {
  auto relay = test::start_relay();
  asio::io_context io;
  std::string why;
  // One kit per side, as two applications would have; ECIES keys (the default).
  auto dapp_kit = session::party_kit::create(io, relay->url(), {}, &why);
  auto wallet_kit = session::party_kit::create(io, relay->url(), {}, &why);
  REQUIRE(dapp_kit);
  REQUIRE(wallet_kit);
  CHECK(dynamic_cast<session::ecies_key_manager*>(&(*dapp_kit)->keys()) != nullptr);

  session::dapp_client dapp((*dapp_kit)->context());
  session::wallet_client wallet((*wallet_kit)->context());
  // The URL each side dials is readable from the client.
  CHECK(dapp.client_options().url.to_string() == relay->url());
  CHECK(wallet.client_options().url.to_string() == relay->url());
  bool dapp_connected = false, wallet_connected = false, failed = false;
  std::optional<std::string> received;
  dapp.callbacks().on_connected = [&](const session::party_connected_info&) {
    dapp_connected = true;
  };
  wallet.callbacks().on_connected = [&](const session::party_connected_info&) {
    wallet_connected = true;
  };
  wallet.callbacks().on_message = [&](const session::received_message& m) {
    received = std::string(m.payload);
  };
  dapp.callbacks().on_error = [&](const session::party_error& e) { failed |= e.fatal; };
  wallet.callbacks().on_error = [&](const session::party_error& e) { failed |= e.fatal; };

  const auto request = dapp.connect({});  // trusted by default
  REQUIRE(request);
  REQUIRE_FALSE(wallet.connect(*request));
  REQUIRE(client::run_until(io, [&] { return (dapp_connected && wallet_connected) || failed; },
                            20s));
  REQUIRE_FALSE(failed);

  dapp.send_message(R"({"id":1,"method":"eth_accounts"})",
                    [&](std::error_code ec, const session::publish_info&) { failed |= !!ec; });
  REQUIRE(client::run_until(io, [&] { return received.has_value() || failed; }, 20s));
  CHECK(*received == R"({"id":1,"method":"eth_accounts"})");

  int closed = 0;
  dapp.disconnect([&](std::error_code) { ++closed; });
  wallet.disconnect([&](std::error_code) { ++closed; });
  CHECK(client::run_until(io, [&] { return closed == 2; }, 10s));
}

TEST_CASE("a kit's frame trace shows each connection's frames, opens and closes",
          "[session][kit][trace]") {
  auto relay = test::start_relay();
  asio::io_context io;
  struct seen {
    client::frame_event_kind kind;
    std::uint64_t connection;
    std::string text;
    std::uint16_t local_code;
  };
  std::vector<seen> trace;
  session::party_kit_options o;
  o.keys = session::key_kind::mock;
  o.context.frame_trace = [&](const client::frame_event& e) {
    trace.push_back({e.kind, e.connection, std::string(e.text),
                     e.close != nullptr ? e.close->local_code : std::uint16_t{0}});
  };
  auto kit = session::party_kit::create(io, relay->url(), o);
  REQUIRE(kit);
  session::dapp_client dapp((*kit)->context());
  session::wallet_client wallet((*kit)->context());
  bool connected = false, failed = false;
  wallet.callbacks().on_connected = [&](const session::party_connected_info&) {
    connected = true;
  };
  dapp.callbacks().on_error = [&](const session::party_error& e) { failed |= e.fatal; };
  wallet.callbacks().on_error = [&](const session::party_error& e) { failed |= e.fatal; };
  const auto request = dapp.connect({});
  REQUIRE(request);
  REQUIRE_FALSE(wallet.connect(*request));
  REQUIRE(client::run_until(io, [&] { return connected || failed; }, 20s));
  REQUIRE_FALSE(failed);
  int closed = 0;
  dapp.disconnect([&](std::error_code) { ++closed; });
  wallet.disconnect([&](std::error_code) { ++closed; });
  REQUIRE(client::run_until(io, [&] { return closed == 2; }, 10s));

  // Two connections (the dApp first), each: opened with the URL, a connect command first,
  // its reply, ..., closed last.
  for (std::uint64_t c : {std::uint64_t{1}, std::uint64_t{2}}) {
    CAPTURE(c);
    std::vector<seen> mine;
    for (const auto& e : trace)
      if (e.connection == c) mine.push_back(e);
    REQUIRE(mine.size() >= 4);
    CHECK(mine.front().kind == client::frame_event_kind::opened);
    CHECK(mine.front().text == net::ws_url::parse(relay->url())->to_string());
    CHECK(mine[1].kind == client::frame_event_kind::sent);
    CHECK(mine[1].text.find("\"connect\"") != std::string::npos);
    CHECK(mine[2].kind == client::frame_event_kind::received);
    CHECK(mine[2].text.find("\"connect\"") != std::string::npos);
    CHECK(mine.back().kind == client::frame_event_kind::closed);
    CHECK(mine.back().text.empty());
  }
  // The dApp's SessionRequest channel shows up in its subscribe; the wallet publishes its
  // offer on it.
  const std::string handshake = "handshake:" + request->id;
  bool dapp_subscribed = false, wallet_published = false;
  for (const auto& e : trace) {
    if (e.kind != client::frame_event_kind::sent || e.text.find(handshake) == std::string::npos)
      continue;
    dapp_subscribed |= e.connection == 1 && e.text.find("\"subscribe\"") != std::string::npos;
    wallet_published |= e.connection == 2 && e.text.find("\"publish\"") != std::string::npos;
  }
  CHECK(dapp_subscribed);
  CHECK(wallet_published);
  CHECK(std::string(client::to_string(client::frame_event_kind::received)) == "received");
}
