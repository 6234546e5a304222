// The MWP dApp and wallet clients against the in-memory relay with a manual clock: the
// trusted and untrusted handshakes frame by frame (§5.5, with the golden ids of §5 so the
// M-frames compare byte for byte), OTP handling, early messages, expiry, resume, and the
// deviations from JS that the spec recommends (Q3, Q4, Q6, Q13).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fake_relay.hpp"
#include "golden_mwp.hpp"
#include "relayload/session/dapp_client.hpp"
#include "relayload/session/ecies_key_manager.hpp"
#include "relayload/session/session_pair.hpp"
#include "relayload/session/wallet_client.hpp"
#include "relayload/wire/envelope.hpp"
#include "relayload/wire/json_string.hpp"
#include "relayload/wire/sample_payloads.hpp"

using namespace relayload;
using namespace relayload::session;
using namespace relayload::session::test;

namespace {

/// Everything a party reported.
struct events {
  std::vector<party_connected_info> connected;
  std::vector<party_error> errors;
  std::vector<std::string> messages;
  std::vector<delivery> how;
  std::vector<otp_request> otp_asks;
  std::vector<std::string> otp_shown;
  std::vector<unix_time> otp_deadlines;

  void attach(party& p) {
    auto& cb = p.callbacks();
    cb.on_connected = [this](const party_connected_info& i) { connected.push_back(i); };
    cb.on_error = [this](const party_error& e) { errors.push_back(e); };
    cb.on_message = [this](const received_message& m) {
      messages.emplace_back(m.payload);
      how.push_back(m.how);
    };
    cb.on_otp_required = [this](const otp_request& r) { otp_asks.push_back(r); };
    cb.on_display_otp = [this](std::string_view otp, unix_time deadline) {
      otp_shown.emplace_back(otp);
      otp_deadlines.push_back(deadline);
    };
  }
  bool fatal() const {
    for (const auto& e : errors) {
      if (e.fatal) return true;
    }
    return false;
  }
};

/// `frame` with its trailing `"id":N}` replaced by `id` (the golden M7–M9 frames carry
/// ids from a longer session).
std::string with_id(const std::string& frame, std::uint32_t id) {
  return frame.substr(0, frame.rfind(",\"id\":")) + ",\"id\":" + std::to_string(id) + "}";
}

dapp_connect_options golden_dapp(wire::session_mode mode, std::string initial = {}) {
  dapp_connect_options o;
  o.mode = mode;
  o.session_id = golden::session_id;
  o.initial_payload = std::move(initial);
  return o;
}

wallet_connect_options golden_wallet() {
  wallet_connect_options o;
  o.channel_uuid = golden::channel_uuid;
  o.otp = "123456";
  return o;
}

/// A dApp and a wallet with the golden ids; the wallet starts 5 s after the dApp.
struct flow {
  fake_relay r;
  dapp_client dapp{r.sctx(), golden::dapp_id};
  wallet_client wallet{r.sctx(), golden::wallet_id};
  events d, w;
  wire::session_request request;

  flow() {
    d.attach(dapp);
    w.attach(wallet);
  }

  void start(wire::session_mode mode, std::string initial = {}) {
    auto req = dapp.connect(golden_dapp(mode, std::move(initial)), r.now);
    REQUIRE(req);
    request = *req;
    r.advance(5s);  // the QR scan
    REQUIRE(!wallet.connect(request, r.now, golden_wallet()));
  }
  bool both_connected() const { return !d.connected.empty() && !w.connected.empty(); }
};

}  // namespace

TEST_CASE("trusted handshake: SessionRequest M1, the §5.5 command sequences, C7a, M8, M9",
          "[session][party][trusted]") {
  flow f;
  auto req = f.dapp.connect(golden_dapp(wire::session_mode::trusted), f.r.now);
  REQUIRE(req);
  CHECK(wire::encode_session_request(*req) == golden::M1);
  CHECK(f.dapp.state() == party_state::connecting);
  f.r.advance(5s);
  // Before the wallet: connect, subscribe handshake, history handshake.
  CHECK(f.r.conn(1).summary() ==
        std::vector<std::string>{"connect#1", "subscribe handshake#2", "history handshake#3"});
  REQUIRE(!f.wallet.connect(*req, f.r.now, golden_wallet()));
  REQUIRE(f.r.run_until([&] { return f.both_connected(); }, 1s));
  CHECK(f.dapp.state() == party_state::connected);
  CHECK(f.wallet.state() == party_state::connected);
  CHECK(f.d.errors.empty());
  CHECK(f.w.errors.empty());

  const auto& dc = f.r.conn(1);
  const auto& wc = f.r.conn(2);
  CHECK(dc.summary() == std::vector<std::string>{"connect#1", "subscribe handshake#2",
                                                 "history handshake#3", "subscribe session#4",
                                                 "history session#5", "unsubscribe handshake#6"});
  CHECK(wc.summary() == std::vector<std::string>{"connect#1", "subscribe handshake#2",
                                                 "subscribe session#3", "history handshake#4",
                                                 "history session#5", "publish handshake#6",
                                                 "unsubscribe handshake#7"});
  CHECK(wc.commands()[5] == golden::C7a);
  // The dApp's handshake time runs from its connect, the wallet's from its own start.
  CHECK(f.d.connected[0].connected - f.d.connected[0].started == 5s);
  CHECK(f.w.connected[0].connected - f.w.connected[0].started == 0s);
  REQUIRE(f.dapp.session() != nullptr);
  CHECK(f.dapp.session()->channel == golden::session);
  CHECK(f.wallet.session()->channel == golden::session);

  // Messages: the request (M8) and the response (M9), nonce 1 each on the session channel.
  bool sent = false;
  f.dapp.send_message(
      wire::sample_request_payload(1),
      [&](std::error_code ec, const publish_info& i) { sent = !ec && i.nonce == 1; });
  REQUIRE(f.r.run_until([&] { return sent && f.w.messages.size() == 1; }, 1s));
  CHECK(dc.commands().back() == with_id(golden::M8, 7));
  CHECK(f.w.messages[0] == wire::sample_request_payload(1));
  CHECK(f.w.how[0] == delivery::live);
  sent = false;
  f.wallet.send_message(wire::sample_response_payload(1),
                        [&](std::error_code ec, const publish_info&) { sent = !ec; });
  REQUIRE(f.r.run_until([&] { return sent && f.d.messages.size() == 1; }, 1s));
  CHECK(wc.commands().back() == with_id(golden::M9, 8));
  CHECK(f.d.messages[0] == wire::sample_response_payload(1));
  // Each side ignored its own echo.
  CHECK(f.dapp.stats().own_echoes >= 1);
  CHECK(f.wallet.stats().own_echoes >= 2);

  // Disconnect: unsubscribe session + close; the session and its nonces are forgotten.
  bool closed = false;
  f.dapp.disconnect([&](std::error_code) { closed = true; });
  REQUIRE(f.r.run_until([&] { return closed; }, 1s));
  CHECK(dc.summary().back() == "unsubscribe session#8");
  CHECK_FALSE(dc.open);
  CHECK(f.dapp.state() == party_state::disconnected);
  CHECK(f.dapp.session() == nullptr);
  CHECK(f.dapp.nonces().outgoing(golden::session) == 0);
}

TEST_CASE("untrusted handshake: M2, OTP shown and entered, M4 offer, M7 ack, initialMessage",
          "[session][party][untrusted]") {
  flow f;
  f.start(wire::session_mode::untrusted, R"({"method":"eth_requestAccounts"})");
  CHECK(wire::encode_session_request(f.request) == golden::M2);
  REQUIRE(f.r.run_until([&] { return !f.d.otp_asks.empty(); }, 1s));
  REQUIRE(f.w.otp_shown.size() == 1);
  CHECK(f.w.otp_shown[0] == "123456");
  CHECK(f.w.otp_deadlines[0] == unix_time_from_ms(1700000065000));
  CHECK(f.d.otp_asks[0].deadline == relayload::unix_time_from_ms(1700000065000));
  CHECK(f.d.otp_asks[0].attempts_left == 3);
  // The offer carried the OTP and deadline: M4's envelope exactly.
  const std::string m4_frame = R"({"publish":{"channel":")" + golden::handshake + R"(","data":)" +
                               wire::to_json_string(golden::M4_envelope) + R"(},"id":6})";
  CHECK(f.r.conn(2).commands()[5] == m4_frame);
  // Nothing moves until the user types the code.
  f.r.advance(2s);
  CHECK(f.wallet.state() == party_state::connecting);
  CHECK(f.dapp.state() == party_state::connecting);
  REQUIRE(!f.dapp.submit_otp("123456"));
  REQUIRE(f.r.run_until([&] { return f.both_connected(); }, 1s));
  CHECK(f.r.conn(1).summary() ==
        std::vector<std::string>{"connect#1", "subscribe handshake#2", "history handshake#3",
                                 "subscribe session#4", "history session#5", "publish session#6",
                                 "unsubscribe handshake#7"});
  CHECK(f.r.conn(1).commands()[5] == with_id(golden::M7, 6));
  CHECK(f.r.conn(2).summary() ==
        std::vector<std::string>{"connect#1", "subscribe handshake#2", "subscribe session#3",
                                 "history handshake#4", "history session#5", "publish handshake#6",
                                 "unsubscribe handshake#7"});
  // The initialMessage reaches the wallet's own app after CONNECTED.
  REQUIRE(f.r.run_until([&] { return !f.w.messages.empty(); }, 1s));
  CHECK(f.w.messages[0] == R"({"method":"eth_requestAccounts"})");
  CHECK(f.w.how[0] == delivery::initial);
}

TEST_CASE("untrusted: a wrong OTP asks again, the third wrong one fails the handshake",
          "[session][party][untrusted]") {
  flow f;
  f.start(wire::session_mode::untrusted);
  REQUIRE(f.r.run_until([&] { return !f.d.otp_asks.empty(); }, 1s));
  CHECK(f.dapp.submit_otp("000000") == std::error_code{});
  CHECK(f.dapp.submit_otp("123456") == make_error_code(errc::invalid_argument));  // not asked now
  f.r.pump();
  REQUIRE(f.d.otp_asks.size() == 2);
  CHECK(f.d.otp_asks[1].attempts_left == 2);
  REQUIRE(f.d.errors.size() == 1);
  CHECK(f.d.errors[0].error == make_error_code(errc::otp_mismatch));
  CHECK_FALSE(f.d.errors[0].fatal);

  SECTION("then the right one connects") {
    REQUIRE(!f.dapp.submit_otp("123456"));
    REQUIRE(f.r.run_until([&] { return f.both_connected(); }, 1s));
  }
  SECTION("three wrong ones fail") {
    REQUIRE(!f.dapp.submit_otp("12345"));  // a prefix is wrong too
    f.r.pump();
    REQUIRE(!f.dapp.submit_otp("654321"));
    f.r.pump();
    REQUIRE(f.d.errors.size() == 3);
    CHECK(f.d.errors[2].error == make_error_code(errc::otp_mismatch));
    CHECK(f.d.errors[2].fatal);
    CHECK(f.d.errors[2].stage == party_stage::otp);
    CHECK(f.dapp.state() == party_state::failed);
    f.r.advance(100ms);
    CHECK_FALSE(f.r.conn(1).open);  // the failed dApp closed its transport
    // The wallet gives up at its deadline, 60 s after its offer.
    REQUIRE(f.r.run_until([&] { return f.w.fatal(); }, 61s));
    CHECK(f.w.errors.back().error == make_error_code(errc::handshake_timeout));
    CHECK(f.w.errors.back().stage == party_stage::ack);
  }
  SECTION("cancel fails the handshake") {
    f.r.pump();
    f.dapp.cancel_otp();
    f.r.pump();
    REQUIRE(f.d.fatal());
    CHECK(f.d.errors.back().error == make_error_code(errc::cancelled));
  }
}

TEST_CASE("untrusted: a correct OTP typed after the deadline is refused (Q4)",
          "[session][party][untrusted]") {
  flow f;
  f.start(wire::session_mode::untrusted);
  REQUIRE(f.r.run_until([&] { return !f.d.otp_asks.empty(); }, 1s));
  f.r.advance(59s);
  f.wallet.callbacks().on_error = nullptr;  // the wallet gives up too; not the subject here
  f.r.advance(2s);
  REQUIRE(!f.dapp.submit_otp("123456"));
  f.r.pump();
  REQUIRE(f.d.fatal());
  CHECK(f.d.errors.back().error == make_error_code(errc::handshake_timeout));
  CHECK(f.dapp.state() == party_state::failed);
}

TEST_CASE("untrusted: the wallet's ack wait is armed before its offer goes out (Q3)",
          "[session][party][untrusted]") {
  flow f;
  f.r.hold_publish_replies_for.insert(2);  // the wallet's connection
  f.start(wire::session_mode::untrusted);
  REQUIRE(f.r.run_until([&] { return !f.d.otp_asks.empty(); }, 1s));
  REQUIRE(!f.dapp.submit_otp("123456"));
  REQUIRE(f.r.run_until([&] { return !f.d.connected.empty(); }, 1s));
  f.r.advance(100ms);
  // The ack reached the wallet before its own publish reply.
  CHECK(f.wallet.state() == party_state::connecting);
  f.r.release_publish_replies();
  REQUIRE(f.r.run_until([&] { return !f.w.connected.empty(); }, 1s));
  CHECK(f.r.conn(2).summary().back() == "unsubscribe handshake#7");
}

TEST_CASE("dApp: a message that arrives while CONNECTING is delivered once CONNECTED (Q6)",
          "[session][party][untrusted]") {
  flow f;
  f.start(wire::session_mode::untrusted);
  REQUIRE(f.r.run_until([&] { return !f.d.otp_asks.empty(); }, 1s));
  // A peer message lands on the session channel before the dApp even subscribed to it.
  std::string payload =
      mock_key_manager().encrypt(R"({"type":"message","payload":{"early":1}})", {}).value();
  std::string data;
  wire::append_envelope_data(data, golden::wallet_id, 1, payload);
  f.r.inject(golden::session, data, "conn-2");
  REQUIRE(!f.dapp.submit_otp("123456"));
  REQUIRE(f.r.run_until([&] { return !f.d.messages.empty(); }, 1s));
  CHECK(f.d.messages[0] == R"({"early":1})");
  CHECK(f.d.how[0] == delivery::buffered);
  REQUIRE(!f.d.connected.empty());
}

TEST_CASE("expiry: request TTL, offer wait, session lifetime", "[session][party][expiry]") {
  SECTION("the wallet refuses a SessionRequest past expiresAt") {
    flow f;
    auto req = f.dapp.connect(golden_dapp(wire::session_mode::trusted), f.r.now);
    REQUIRE(req);
    f.r.advance(60001ms);
    CHECK(f.wallet.connect(*req, f.r.now) == make_error_code(errc::session_expired));
    CHECK(f.wallet.state() == party_state::idle);
  }
  SECTION("a trusted dApp waits for the offer until expiresAt + 60 s") {
    flow f;
    const time_point start = f.r.now;
    REQUIRE(f.dapp.connect(golden_dapp(wire::session_mode::trusted), f.r.now));
    REQUIRE(f.r.run_until([&] { return f.d.fatal(); }, 200s));
    CHECK(f.r.now - start == 120s);
    CHECK(f.d.errors[0].error == make_error_code(errc::handshake_timeout));
    CHECK(f.d.errors[0].stage == party_stage::offer);
  }
  SECTION("an untrusted dApp waits until expiresAt") {
    flow f;
    const time_point start = f.r.now;
    REQUIRE(f.dapp.connect(golden_dapp(wire::session_mode::untrusted), f.r.now));
    REQUIRE(f.r.run_until([&] { return f.d.fatal(); }, 200s));
    CHECK(f.r.now - start == 60s);
  }
  SECTION("an expired session refuses to send and fails") {
    flow f;
    f.r.options->session_ttl = std::chrono::seconds(30);
    f.start(wire::session_mode::trusted);
    REQUIRE(f.r.run_until([&] { return f.both_connected(); }, 1s));
    f.r.advance(31s);
    std::error_code ec;
    f.dapp.send_message("{}", [&](std::error_code e, const publish_info&) { ec = e; });
    f.r.pump();
    CHECK(ec == make_error_code(errc::session_expired));
    REQUIRE(f.d.fatal());
    CHECK(f.d.errors.back().stage == party_stage::session);
    CHECK(f.dapp.state() == party_state::failed);
  }
}

TEST_CASE("wallet validation: peer key, request shape, initialMessage only of type message (Q13)",
          "[session][party]") {
  SECTION("the ECIES manager rejects the mock key") {
    fake_relay r;
    r.use_keys(std::make_unique<ecies_key_manager>());
    wallet_client w(r.sctx());
    wire::session_request req;
    req.id = golden::session_id;
    req.mode = wire::session_mode::trusted;
    req.channel = golden::handshake;
    req.public_key_b64 = "Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND";
    req.expires_at = r.wall_now() + std::chrono::milliseconds(60000);
    CHECK(w.connect(req, r.now) == make_error_code(errc::invalid_key));
    req.public_key_b64 = "not base64!";
    CHECK(w.connect(req, r.now) == make_error_code(errc::invalid_base64));
    req.id.clear();
    CHECK(w.connect(req, r.now) == make_error_code(errc::invalid_argument));
    CHECK(r.conns.empty());  // nothing went on the wire
  }
  SECTION("an initialMessage that is an ack is neither delivered nor taken as the ack") {
    flow f;
    auto req = f.dapp.connect(golden_dapp(wire::session_mode::untrusted), f.r.now);
    REQUIRE(req);
    wire::session_request forged = *req;
    forged.initial_message = R"({"type":"handshake-ack"})";
    REQUIRE(!f.wallet.connect(forged, f.r.now, golden_wallet()));
    f.r.advance(2s);
    CHECK(f.wallet.state() == party_state::connecting);
    REQUIRE(!f.dapp.submit_otp("123456"));
    REQUIRE(f.r.run_until([&] { return f.both_connected(); }, 1s));
    f.r.advance(10ms);
    CHECK(f.w.messages.empty());
  }
  SECTION("a dApp refuses an initial payload that is not JSON") {
    fake_relay r;
    dapp_client d(r.sctx());
    dapp_connect_options o;
    o.initial_payload = "{not json";
    CHECK(d.connect(o, r.now).error() == make_error_code(errc::invalid_argument));
    CHECK(d.state() == party_state::idle);
  }
}

TEST_CASE("resume: a suspended wallet gets what was sent meanwhile from history",
          "[session][party][resume]") {
  flow f;
  f.start(wire::session_mode::trusted);
  REQUIRE(f.r.run_until([&] { return f.both_connected(); }, 1s));
  bool suspended = false;
  f.wallet.suspend([&](std::error_code ec) { suspended = !ec; });
  REQUIRE(f.r.run_until([&] { return suspended; }, 1s));
  CHECK(f.wallet.state() == party_state::offline);
  CHECK(f.r.conn(2).summary().back() == "unsubscribe session#8");
  bool sent = false;
  f.dapp.send_message(wire::sample_request_payload(1),
                      [&](std::error_code ec, const publish_info&) { sent = !ec; });
  REQUIRE(f.r.run_until([&] { return sent; }, 1s));
  f.r.advance(30s);
  CHECK(f.w.messages.empty());

  REQUIRE(!f.wallet.resume(f.r.now));
  REQUIRE(f.r.run_until([&] { return f.w.messages.size() == 1; }, 1s));
  CHECK(f.w.messages[0] == wire::sample_request_payload(1));
  CHECK(f.w.how[0] == delivery::history);
  REQUIRE(f.w.connected.size() == 2);
  CHECK(f.w.connected[1].resumed);
  // A new connection with the same clientId: connect#1, PLAIN subscribe#2, history#3.
  REQUIRE(f.r.conns.size() == 3);
  const auto cmds = f.r.conn(3).commands();
  REQUIRE(cmds.size() == 3);
  CHECK(
      cmds[1] ==
      R"({"subscribe":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","positioned":true,"recoverable":true},"id":2})");
  CHECK(f.r.conn(3).summary() ==
        std::vector<std::string>{"connect#1", "subscribe session#2", "history session#3"});
  CHECK(f.wallet.client_id() == golden::wallet_id);
  // resume() is refused unless offline.
  CHECK(f.wallet.resume(f.r.now) == make_error_code(errc::invalid_argument));
}

TEST_CASE("real ECIES: an untrusted handshake and a message in both directions",
          "[session][party][ecies]") {
  fake_relay r;
  r.use_keys(std::make_unique<ecies_key_manager>());
  dapp_client dapp(r.sctx());
  wallet_client wallet(r.sctx());
  events d, w;
  d.attach(dapp);
  w.attach(wallet);
  dapp_connect_options o;
  o.mode = wire::session_mode::untrusted;
  auto req = dapp.connect(o, r.now);
  REQUIRE(req);
  CHECK(req->public_key_b64.size() == 44);  // 33-byte compressed key
  REQUIRE(!wallet.connect(*req, r.now));
  REQUIRE(r.run_until([&] { return !d.otp_asks.empty(); }, 1s));
  REQUIRE(wallet.otp().size() == 6);
  REQUIRE(!dapp.submit_otp(wallet.otp()));
  REQUIRE(r.run_until([&] { return !d.connected.empty() && !w.connected.empty(); }, 1s));
  dapp.send_message(R"({"method":"eth_accounts"})", {});
  wallet.send_message(R"({"result":["0x1"]})", {});
  REQUIRE(r.run_until([&] { return d.messages.size() == 1 && w.messages.size() == 1; }, 1s));
  CHECK(w.messages[0] == R"({"method":"eth_accounts"})");
  CHECK(d.messages[0] == R"({"result":["0x1"]})");
  CHECK(d.errors.empty());
  CHECK(w.errors.empty());
}

TEST_CASE("a message the dApp cannot decrypt is reported and dropped, not fatal",
          "[session][party]") {
  flow f;
  f.start(wire::session_mode::trusted);
  REQUIRE(f.r.run_until([&] { return f.both_connected(); }, 1s));
  std::string data;
  wire::append_envelope_data(data, golden::wallet_id, 5, "!!!not-base64!!!");
  f.r.inject(golden::session, data, "conn-2");
  f.r.advance(10ms);
  REQUIRE(f.d.errors.size() == 1);
  CHECK_FALSE(f.d.errors[0].fatal);
  CHECK(f.d.errors[0].stage == party_stage::receive);
  CHECK(f.dapp.state() == party_state::connected);
}

TEST_CASE("sending before CONNECTED fails in the handler, never by crashing (F1)",
          "[session][party]") {
  fake_relay r;
  dapp_client d(r.sctx());
  std::error_code ec;
  d.send_message("{}", [&](std::error_code e, const publish_info&) { ec = e; });
  CHECK(!ec);  // not inside the call
  r.pump();
  CHECK(ec == make_error_code(errc::disconnected));
}

TEST_CASE("reconnect: an established party resubscribes with recovery in the connect frame",
          "[session][party][reconnect]") {
  flow f;
  int lost = 0;
  int restored = 0;
  f.dapp.callbacks().on_link_lost = [&](const client::disconnected_info&) { ++lost; };
  f.dapp.callbacks().on_link_restored = [&](const client::connected_info&) { ++restored; };
  f.start(wire::session_mode::trusted);
  REQUIRE(f.r.run_until([&] { return f.both_connected(); }, 1s));
  // The wallet answers while the dApp is away; the dApp gets it back by recovery.
  f.r.disconnect_all(3001);
  f.r.pump();
  CHECK(lost == 1);
  bool sent = false;
  REQUIRE(f.r.run_until([&] { return f.wallet.current_transport()->connected(); }, 5s));
  f.wallet.send_message(wire::sample_response_payload(1),
                        [&](std::error_code ec, const publish_info&) { sent = !ec; });
  REQUIRE(f.r.run_until([&] { return sent && f.d.messages.size() == 1 && restored == 1; }, 5s));
  CHECK(f.d.messages[0] == wire::sample_response_payload(1));
  CHECK(f.dapp.state() == party_state::connected);
  // The dApp's new connection: connect#7 and subscribe#8 (recover and epoch; offset 0 is
  // omitted) in ONE frame, then history#9 (C8a).
  const relay_conn* dapp_conn = nullptr;
  for (const auto& c : f.r.conns) {
    if (c->number > 2 && !c->frames.empty() &&
        c->frames[0].rfind("{\"connect\":{\"name\":\"js\"},\"id\":7}\n", 0) == 0) {
      dapp_conn = c.get();
    }
  }
  REQUIRE(dapp_conn != nullptr);
  CHECK(
      dapp_conn->frames[0] ==
      "{\"connect\":{\"name\":\"js\"},\"id\":7}\n"
      R"({"subscribe":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","positioned":true,"recoverable":true,"recover":true,"epoch":"AbCdEfGh"},"id":8})");
  CHECK(dapp_conn->summary()[2] == "history session#9");
}

TEST_CASE("a dApp connect defaults to trusted mode, as a session pair does",
          "[session][party]") {
  // Both entry points agree; untrusted (the JS dApp's default) is asked for explicitly.
  CHECK(dapp_connect_options{}.mode == wire::session_mode::trusted);
  CHECK(pair_options{}.mode == wire::session_mode::trusted);
}
