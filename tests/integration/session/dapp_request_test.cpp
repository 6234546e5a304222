// dapp_client::request(), the JSON-RPC-style call, over the embedded relay on 127.0.0.1 port 0:
// responses answered out of order reach the request with the same id; a request the wallet
// does not answer times out and its late response is counted and dropped; disconnect()
// fails what still waits. The wallet side is a plain wallet_client answering by hand. Every
// wait is bounded; assertions are on events and counters, never on elapsed time.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>
#include <asio.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "relay_fixture.hpp"
#include "relayload/client/run_until.hpp"
#include "relayload/error.hpp"
#include "relayload/session/dapp_client.hpp"
#include "relayload/session/party_kit.hpp"
#include "relayload/session/wallet_client.hpp"

namespace {

using namespace std::chrono_literals;
using namespace relayload;
using relayload::client::run_until;

/// What one request() ended with.
struct outcome {
  std::error_code ec;
  std::string id;
  std::string payload;
  int calls = 0;
};

/// The `id` member of a JSON object as JSON text (`7`, `"abc"`), as the wallet reads it.
std::string id_text_of(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  REQUIRE_FALSE(d.HasParseError());
  REQUIRE(d.IsObject());
  REQUIRE(d.HasMember("id"));
  const auto& id = d["id"];
  if (id.IsString()) return std::string("\"") + id.GetString() + "\"";
  REQUIRE(id.IsUint64());
  return std::to_string(id.GetUint64());
}

/// A dApp and a wallet (mock keys, one kit each) connected through the relay; the wallet
/// keeps every application message it gets, the dApp those that reach on_message.
struct connected_pair {
  asio::io_context io;
  std::unique_ptr<session::party_kit> dapp_kit, wallet_kit;
  std::unique_ptr<session::dapp_client> dapp;
  std::unique_ptr<session::wallet_client> wallet;
  std::vector<std::string> at_wallet, at_dapp;
  bool failed = false;
  bool dapp_connected = false, wallet_connected = false;

  explicit connected_pair(const std::string& url) {
    session::party_kit_options o;
    o.keys = session::key_kind::mock;  // the plaintexts can be compared byte for byte
    auto d = session::party_kit::create(io, url, o);
    auto w = session::party_kit::create(io, url, o);
    REQUIRE(d);
    REQUIRE(w);
    dapp_kit = std::move(*d);
    wallet_kit = std::move(*w);
    dapp = std::make_unique<session::dapp_client>(dapp_kit->context());
    wallet = std::make_unique<session::wallet_client>(wallet_kit->context());
    dapp->callbacks().on_connected = [this](const session::party_connected_info&) {
      dapp_connected = true;
    };
    wallet->callbacks().on_connected = [this](const session::party_connected_info&) {
      wallet_connected = true;
    };
    dapp->callbacks().on_error = [this](const session::party_error& e) { failed |= e.fatal; };
    wallet->callbacks().on_error = [this](const session::party_error& e) { failed |= e.fatal; };
    wallet->callbacks().on_message = [this](const session::received_message& m) {
      at_wallet.emplace_back(m.payload);
    };
    dapp->callbacks().on_message = [this](const session::received_message& m) {
      at_dapp.emplace_back(m.payload);
    };
    const auto request = dapp->connect({});
    REQUIRE(request);
    REQUIRE_FALSE(wallet->connect(*request));
    REQUIRE(run_until(
        io, [&] { return (dapp_connected && wallet_connected) || failed; }, 20s));
    REQUIRE_FALSE(failed);
  }

  /// The wallet sends `payload` to the dApp; waits for the relay's acknowledgement.
  void wallet_says(const std::string& payload) {
    bool acked = false;
    wallet->send_message(payload, [&](std::error_code ec, const session::publish_info&) {
      CHECK_FALSE(ec);
      acked = true;
    });
    REQUIRE(run_until(
        io, [&] { return acked; }, 10s));
  }

  session::response_handler into(outcome& o) {
    return [&o](std::error_code ec, const session::request_outcome& r) {
      ++o.calls;
      o.ec = ec;
      o.id.assign(r.id);
      o.payload.assign(r.payload);
    };
  }

  ~connected_pair() {
    // Both sides leave; bounded, and a failure here is not this test's subject.
    int closed = 0;
    if (dapp) dapp->disconnect([&](std::error_code) { ++closed; });
    if (wallet) wallet->disconnect([&](std::error_code) { ++closed; });
    run_until(
        io, [&] { return closed == (dapp ? 1 : 0) + (wallet ? 1 : 0); }, 10s);
  }
};

}  // namespace

TEST_CASE("request() refuses unusable payloads and arguments at once, calling nothing",
          "[session][request]") {
  auto relay = test::start_relay();
  connected_pair p(relay->url());
  outcome o;
  const auto refused = [&](std::string_view payload, std::chrono::milliseconds timeout = 5s) {
    const auto r = p.dapp->request(payload, timeout, p.into(o));
    return !r && r.error() == errc::invalid_argument;
  };
  CHECK(refused(""));
  CHECK(refused("{\"id\":1"));                      // not JSON
  CHECK(refused("[1,2]"));                          // not an object
  CHECK(refused("{\"id\":1} x"));                   // trailing text
  CHECK(refused("{\"id\":1.5,\"method\":\"m\"}"));  // neither integer nor string
  CHECK(refused("{\"id\":null}"));
  CHECK(refused("{\"id\":true}"));
  CHECK(refused("{\"id\":{}}"));
  CHECK(refused("{\"id\":1}", 0ms));
  CHECK(refused("{\"id\":1}", -1ms));
  const auto no_handler = p.dapp->request("{\"id\":1}", 5s, {});
  REQUIRE_FALSE(no_handler);
  CHECK(no_handler.error() == errc::invalid_argument);

  // A pending id cannot be used twice; the same number as a string is another id.
  outcome first, second;
  const auto a = p.dapp->request("{\"id\":7}", 20s, p.into(first));
  REQUIRE(a);
  CHECK(*a == "7");
  CHECK(refused("{\"method\":\"again\",\"id\":7}"));
  const auto b = p.dapp->request("{\"id\":\"7\"}", 20s, p.into(second));
  REQUIRE(b);
  CHECK(*b == "\"7\"");
  CHECK(o.calls == 0);
  CHECK(first.calls == 0);  // never from inside request()
  const session::request_stats s = p.dapp->requests();
  CHECK(s.sent == 2);
  CHECK(s.pending == 2);
  CHECK(s.failed == 0);

  // Both reach the wallet as given, byte for byte.
  REQUIRE(run_until(
      p.io, [&] { return p.at_wallet.size() == 2 || p.failed; }, 10s));
  CHECK(p.at_wallet == std::vector<std::string>{"{\"id\":7}", "{\"id\":\"7\"}"});
}

TEST_CASE("request() hands each response to the request with its id, answered out of order",
          "[session][request]") {
  auto relay = test::start_relay();
  connected_pair p(relay->url());

  // Three in flight: a numeric id, a string id, and none (the client appends "id":1).
  outcome numeric, text, assigned;
  const auto id_numeric = p.dapp->request(
      R"({"jsonrpc":"2.0","id":10,"method":"eth_accounts","params":[]})", 20s, p.into(numeric));
  const auto id_text =
      p.dapp->request(R"({"jsonrpc":"2.0","id":"abc","method":"eth_chainId"})", 20s, p.into(text));
  const auto id_assigned =
      p.dapp->request(R"({"method":"personal_sign","params":["0x01"]})", 20s, p.into(assigned));
  REQUIRE(id_numeric);
  REQUIRE(id_text);
  REQUIRE(id_assigned);
  CHECK(*id_numeric == "10");
  CHECK(*id_text == "\"abc\"");
  CHECK(*id_assigned == "1");

  REQUIRE(run_until(
      p.io, [&] { return p.at_wallet.size() == 3 || p.failed; }, 10s));
  REQUIRE_FALSE(p.failed);
  CHECK(p.at_wallet[0] == R"({"jsonrpc":"2.0","id":10,"method":"eth_accounts","params":[]})");
  CHECK(p.at_wallet[1] == R"({"jsonrpc":"2.0","id":"abc","method":"eth_chainId"})");
  CHECK(p.at_wallet[2] == R"({"method":"personal_sign","params":["0x01"],"id":1})");

  // A message with an id nobody waits for is an ordinary message; then the answers, last
  // request first.
  p.wallet_says(R"({"id":99,"method":"wallet_notification"})");
  for (auto it = p.at_wallet.rbegin(); it != p.at_wallet.rend(); ++it) {
    const std::string id = id_text_of(*it);
    p.wallet_says(R"({"jsonrpc":"2.0","id":)" + id + R"(,"result":"r-)" +
                  (id[0] == '"' ? id.substr(1, id.size() - 2) : id) + "\"}");
  }
  REQUIRE(run_until(
      p.io, [&] { return (numeric.calls && text.calls && assigned.calls) || p.failed; }, 10s));
  REQUIRE_FALSE(p.failed);

  CHECK(numeric.calls == 1);
  CHECK_FALSE(numeric.ec);
  CHECK(numeric.id == "10");
  CHECK(numeric.payload == R"({"jsonrpc":"2.0","id":10,"result":"r-10"})");
  CHECK(text.calls == 1);
  CHECK_FALSE(text.ec);
  CHECK(text.id == "\"abc\"");
  CHECK(text.payload == R"({"jsonrpc":"2.0","id":"abc","result":"r-abc"})");
  CHECK(assigned.calls == 1);
  CHECK_FALSE(assigned.ec);
  CHECK(assigned.id == "1");
  CHECK(assigned.payload == R"({"jsonrpc":"2.0","id":1,"result":"r-1"})");
  // Responses went to their requests only; the stray message to on_message.
  CHECK(p.at_dapp == std::vector<std::string>{R"({"id":99,"method":"wallet_notification"})"});

  session::request_stats want;
  want.sent = 3;
  want.answered = 3;
  CHECK(p.dapp->requests() == want);

  // Assigned ids keep counting and skip ids that pending requests use.
  outcome three, two, four;
  REQUIRE(p.dapp->request(R"({"id":3})", 20s, p.into(three)));
  const auto id_two = p.dapp->request("{}", 20s, p.into(two));
  const auto id_four = p.dapp->request(R"({"x":{"id":0}})", 20s, p.into(four));
  REQUIRE(id_two);
  REQUIRE(id_four);
  CHECK(*id_two == "2");
  CHECK(*id_four == "4");
  REQUIRE(run_until(
      p.io, [&] { return p.at_wallet.size() == 6 || p.failed; }, 10s));
  CHECK(p.at_wallet[4] == R"({"id":2})");
  CHECK(p.at_wallet[5] == R"({"x":{"id":0},"id":4})");
}

TEST_CASE(
    "a request the wallet does not answer times out and its late response is counted, "
    "not delivered",
    "[session][request]") {
  auto relay = test::start_relay();
  connected_pair p(relay->url());

  outcome quiet, answered;
  REQUIRE(p.dapp->request(R"({"id":1,"method":"eth_sign"})", 300ms, p.into(quiet)));
  REQUIRE(p.dapp->request(R"({"id":2,"method":"eth_accounts"})", 20s, p.into(answered)));
  REQUIRE(run_until(
      p.io, [&] { return p.at_wallet.size() == 2 || p.failed; }, 10s));
  // The wallet answers 2 at once and sits on 1.
  p.wallet_says(R"({"id":2,"result":["0xabc"]})");
  REQUIRE(run_until(
      p.io, [&] { return (quiet.calls && answered.calls) || p.failed; }, 10s));
  REQUIRE_FALSE(p.failed);
  CHECK(quiet.ec == errc::reply_timeout);
  CHECK(quiet.ec == condition::timed_out);
  CHECK(quiet.id == "1");
  CHECK(quiet.payload.empty());
  CHECK(answered.calls == 1);
  CHECK(answered.payload == R"({"id":2,"result":["0xabc"]})");

  // Now the late answer, then a marker: messages on one channel arrive in order, so once the
  // marker is here the late answer has been seen.
  p.wallet_says(R"({"id":1,"result":"0xsig"})");
  p.wallet_says(R"({"marker":true})");
  REQUIRE(run_until(
      p.io, [&] { return !p.at_dapp.empty() || p.failed; }, 10s));
  CHECK(p.at_dapp == std::vector<std::string>{R"({"marker":true})"});
  CHECK(quiet.calls == 1);  // not delivered twice

  session::request_stats want;
  want.sent = 2;
  want.answered = 1;
  want.timed_out = 1;
  want.late = 1;
  CHECK(p.dapp->requests() == want);

  // Counted once: a second copy of the late answer is an ordinary message.
  p.wallet_says(R"({"id":1,"result":"0xsig"})");
  REQUIRE(run_until(
      p.io, [&] { return p.at_dapp.size() == 2 || p.failed; }, 10s));
  CHECK(p.at_dapp[1] == R"({"id":1,"result":"0xsig"})");
  CHECK(p.dapp->requests().late == 1);
}

TEST_CASE("disconnect() fails the requests still waiting, and later ones fail at once",
          "[session][request]") {
  auto relay = test::start_relay();
  connected_pair p(relay->url());

  outcome one, two, after;
  REQUIRE(p.dapp->request(R"({"id":1})", 30s, p.into(one)));
  REQUIRE(p.dapp->request(R"({"id":2})", 30s, p.into(two)));
  REQUIRE(run_until(
      p.io, [&] { return p.at_wallet.size() == 2 || p.failed; }, 10s));
  bool closed = false;
  p.dapp->disconnect([&](std::error_code) { closed = true; });
  CHECK(one.calls == 0);  // never from inside disconnect()
  REQUIRE(run_until(
      p.io, [&] { return (one.calls && two.calls && closed) || p.failed; }, 10s));
  CHECK(one.ec == errc::disconnected);
  CHECK(two.ec == errc::disconnected);
  CHECK(one.id == "1");
  CHECK(two.id == "2");

  REQUIRE(p.dapp->request(R"({"id":3})", 30s, p.into(after)));
  CHECK(after.calls == 0);
  REQUIRE(run_until(
      p.io, [&] { return after.calls > 0; }, 10s));
  CHECK(after.ec == errc::disconnected);
  CHECK(one.calls == 1);
  CHECK(two.calls == 1);

  session::request_stats want;
  want.sent = 3;
  want.failed = 3;
  CHECK(p.dapp->requests() == want);
}

TEST_CASE("a dApp destroyed with requests waiting drops their handlers uncalled",
          "[session][request]") {
  auto relay = test::start_relay();
  connected_pair p(relay->url());
  outcome o;
  REQUIRE(p.dapp->request(R"({"id":1})", 30s, p.into(o)));
  REQUIRE(run_until(
      p.io, [&] { return p.at_wallet.size() == 1 || p.failed; }, 10s));
  p.dapp.reset();
  p.io.restart();
  p.io.poll();  // whatever was posted runs now; a dropped handler never does
  CHECK(o.calls == 0);
}
