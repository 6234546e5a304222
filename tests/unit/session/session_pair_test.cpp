// session_pair against the in-memory relay with a manual clock: the QR delay on the shard's
// timer, handshake times on both sides, exchanges measured with the wallet's own think time,
// responses matched by id (F4), failures that report instead of crashing (F1), async
// delivery's drop / send / resume, and teardown.
#include <catch2/catch.hpp>

#include <optional>
#include <vector>

#include "fake_relay.hpp"
#include "relayload/session/session_pair.hpp"

using namespace relayload;
using namespace relayload::session;
using namespace relayload::session::test;

namespace {

pair_options fast_options(wire::session_mode mode = wire::session_mode::trusted) {
  pair_options o;
  o.mode = mode;
  o.wallet_connect_delay = 5s;
  o.handshake_timeout = 60s;
  o.message_timeout = 2s;
  return o;
}

/// Creates the pair and runs until the handshake handler ran.
handshake_result create(fake_relay& r, session_pair& p) {
  std::optional<handshake_result> got;
  p.create(r.now, [&](const handshake_result& h) { got = h; });
  REQUIRE(r.run_until([&] { return got.has_value(); }, 200s));
  return *got;
}

}  // namespace

TEST_CASE("pair: the wallet starts after the QR delay, both sides are timed", "[session][pair]") {
  fake_relay r;
  session_pair p(r.sctx(), fast_options());
  std::optional<handshake_result> got;
  const time_point start = r.now;
  p.create(start, [&](const handshake_result& h) { got = h; });
  r.advance(4999ms);
  CHECK(r.conns.size() == 1);  // only the dApp so far
  CHECK_FALSE(got);
  r.advance(1ms);
  CHECK(r.conns.size() == 2);
  REQUIRE(r.run_until([&] { return got.has_value(); }, 1s));
  REQUIRE(got->ok());
  CHECK(got->cause().empty());
  CHECK(got->wallet_started - got->started == 5s);
  CHECK(got->dapp_side() == 5s);  // the manual clock adds no network time
  CHECK(got->wallet_side() == 0s);
  CHECK(got->headline() == 0s);
  CHECK(p.ready());
  CHECK(p.dapp().state() == party_state::connected);
  CHECK(p.wallet().state() == party_state::connected);
}

TEST_CASE("pair: untrusted, the simulated user types the OTP after otp_entry_delay",
          "[session][pair][untrusted]") {
  fake_relay r;
  auto o = fast_options(wire::session_mode::untrusted);
  o.otp_entry_delay = 300ms;
  session_pair p(r.sctx(), o);
  const auto h = create(r, p);
  REQUIRE(h.ok());
  CHECK(h.wallet_side() == 300ms);  // the wallet waits for the ack
  CHECK(h.headline() == 300ms);
  CHECK(h.dapp_side() == 5300ms);
}

TEST_CASE("pair: an exchange excludes the wallet's measured think time and matches by id",
          "[session][pair][exchange]") {
  fake_relay r;
  session_pair p(r.sctx(), fast_options());
  REQUIRE(create(r, p).ok());

  SECTION("on time") {
    std::optional<exchange_result> got;
    const time_point intended = r.now;
    p.exchange(1, intended, 1s, [&](const exchange_result& e) { got = e; });
    REQUIRE(r.run_until([&] { return got.has_value(); }, 5s));
    REQUIRE(got->ok());
    CHECK(got->message_id == 1);
    CHECK(got->think_time() == 1s);
    CHECK(got->latency() == 0s);
    CHECK(got->service_time() == 0s);
    CHECK(p.dapp().stats().delivered == 2);  // the offer and the response
  }
  SECTION("relay delay and a late generator both count, think time does not") {
    std::optional<exchange_result> got;
    const time_point intended = r.now - 50ms;  // the generator was 50 ms late
    r.pushes_paused = true;
    p.exchange(7, intended, 1s, [&](const exchange_result& e) { got = e; });
    r.advance(200ms);
    r.resume_pushes();  // the request is delivered 200 ms late
    REQUIRE(r.run_until([&] { return got.has_value(); }, 5s));
    REQUIRE(got->ok());
    CHECK(got->think_time() == 1s);
    CHECK(got->request_leg() == 200ms);
    CHECK(got->response_leg() == 0s);
    CHECK(got->latency() == 250ms);
    CHECK(got->service_time() == 200ms);
  }
  SECTION("several in flight, each completed by its own response") {
    std::vector<exchange_result> done;
    p.exchange(1, r.now, 1s, [&](const exchange_result& e) { done.push_back(e); });
    r.advance(300ms);
    p.exchange(2, r.now, 1s, [&](const exchange_result& e) { done.push_back(e); });
    CHECK(p.in_flight() == 2);
    REQUIRE(r.run_until([&] { return done.size() == 2; }, 5s));
    CHECK(done[0].message_id == 1);
    CHECK(done[1].message_id == 2);
    CHECK(done[0].ok());
    CHECK(done[1].ok());
    CHECK(done[1].finished - done[0].finished == 300ms);
    CHECK(p.unmatched_responses() == 0);
  }
}

TEST_CASE("pair: a timed-out exchange fails, its late response cannot complete the next (F4)",
          "[session][pair][exchange]") {
  fake_relay r;
  session_pair p(r.sctx(), fast_options());
  REQUIRE(create(r, p).ok());
  std::optional<exchange_result> first;
  r.pushes_paused = true;
  const time_point intended = r.now;
  p.exchange(1, intended, 100ms, [&](const exchange_result& e) { first = e; });
  REQUIRE(r.run_until([&] { return first.has_value(); }, 5s));
  CHECK(first->error == make_error_code(errc::reply_timeout));
  CHECK(first->stage == exchange_stage::request);
  CHECK(first->cause() == "request.reply_timeout");
  CHECK(first->latency() == 2s);  // failures are recorded at their timeout
  CHECK(p.in_flight() == 0);

  std::optional<exchange_result> second;
  p.exchange(2, r.now, 100ms, [&](const exchange_result& e) { second = e; });
  r.resume_pushes();  // request 1 and 2 arrive now; 1's answer is late
  REQUIRE(r.run_until([&] { return second.has_value(); }, 5s));
  REQUIRE(second->ok());
  CHECK(second->message_id == 2);
  r.advance(500ms);
  CHECK(p.unmatched_responses() == 1);
}

TEST_CASE("pair: exchanges fail cleanly when the pair is not ready or is torn down (F1)",
          "[session][pair][exchange]") {
  fake_relay r;
  session_pair p(r.sctx(), fast_options());
  std::optional<exchange_result> early;
  p.exchange(1, r.now, 1s, [&](const exchange_result& e) { early = e; });
  CHECK_FALSE(early);  // never inside the call
  r.pump();
  REQUIRE(early);
  CHECK(early->error == make_error_code(errc::disconnected));
  CHECK(early->stage == exchange_stage::send);

  REQUIRE(create(r, p).ok());
  std::optional<exchange_result> cut;
  p.exchange(2, r.now, 10s, [&](const exchange_result& e) { cut = e; });
  r.advance(100ms);  // the wallet is "thinking"
  bool closed = false;
  p.disconnect([&](std::error_code) { closed = true; });
  REQUIRE(r.run_until([&] { return closed && cut.has_value(); }, 2s));
  CHECK(cut->error == make_error_code(errc::cancelled));
  CHECK(cut->stage == exchange_stage::cancelled);
  CHECK_FALSE(p.ready());
  CHECK(r.conn(1).summary().back() == "unsubscribe session#8");  // after publish#7
  CHECK(r.conn(2).summary().back() == "unsubscribe session#8");
  r.advance(20s);  // the wallet's think timer is gone: nothing is sent after the close
  CHECK(r.conn(2).summary().back() == "unsubscribe session#8");
}

TEST_CASE("pair: handshake failures name their side, stage and error", "[session][pair]") {
  SECTION("no offer ever: the pair's own timeout") {
    fake_relay r;
    auto o = fast_options();
    o.handshake_timeout = 3s;
    session_pair p(r.sctx(), o);
    r.pushes_paused = true;  // the dApp never sees the offer live ...
    r.history_size = 0;      // ... nor in history
    const auto h = create(r, p);
    CHECK(h.error == make_error_code(errc::handshake_timeout));
    CHECK(h.side == pair_side::pair);
    CHECK(h.cause() == "pair.connect.handshake_timeout");
    CHECK(h.time_to_failure() == 3s);
    r.advance(100ms);
    CHECK_FALSE(r.conn(1).open);  // both sides were disconnected
    CHECK_FALSE(r.conn(2).open);
  }
  SECTION("the wallet's subscribe is refused") {
    fake_relay r;
    session_pair p(r.sctx(), fast_options());
    std::optional<handshake_result> got;
    p.create(r.now, [&](const handshake_result& h) { got = h; });
    r.pump();
    // The dApp subscribed to the handshake channel already; refuse it for the wallet.
    r.deny_subscribe.insert(p.dapp().request().channel);
    REQUIRE(r.run_until([&] { return got.has_value(); }, 10s));
    CHECK(got->error == make_error_code(errc::server_error));
    CHECK(got->side == pair_side::wallet);
    CHECK(got->stage == party_stage::subscribe);
    CHECK(got->cause() == "wallet.subscribe.server_error");
  }
}

TEST_CASE("pair: async delivery — drop the wallet, send, resume from history",
          "[session][pair][async]") {
  fake_relay r;
  auto o = fast_options();
  o.wallet_connect_delay = 0ms;  // async-delivery connects both at once
  session_pair p(r.sctx(), o);
  REQUIRE(create(r, p).ok());
  bool dropped = false;
  p.drop_wallet([&](std::error_code ec) { dropped = !ec; });
  REQUIRE(r.run_until([&] { return dropped; }, 1s));
  bool sent = false;
  p.send_request(1, [&](std::error_code ec, const publish_info&) { sent = !ec; });
  REQUIRE(r.run_until([&] { return sent; }, 1s));
  r.advance(10s);
  std::optional<recovery_result> got;
  const time_point intended = r.now;
  p.resume_wallet(intended, [&](const recovery_result& rr) { got = rr; });
  REQUIRE(r.run_until([&] { return got.has_value(); }, 5s));
  REQUIRE(got->ok());
  CHECK(got->message_id == 1);
  CHECK(got->how == delivery::history);
  CHECK(got->latency() == 0s);
  CHECK(got->offline_time() >= 10s);
  CHECK(r.conn(3).summary() ==
        std::vector<std::string>{"connect#1", "subscribe session#2", "history session#3"});

  SECTION("a second resume is refused") {
    std::optional<recovery_result> again;
    p.resume_wallet(r.now, [&](const recovery_result& rr) { again = rr; });
    r.pump();
    REQUIRE(again);
    CHECK(again->error == make_error_code(errc::invalid_argument));
  }
}

TEST_CASE("pair: a recovery with nothing in history times out", "[session][pair][async]") {
  fake_relay r;
  auto o = fast_options();
  o.wallet_connect_delay = 0ms;
  session_pair p(r.sctx(), o);
  REQUIRE(create(r, p).ok());
  bool dropped = false;
  p.drop_wallet([&](std::error_code) { dropped = true; });
  REQUIRE(r.run_until([&] { return dropped; }, 1s));
  std::optional<recovery_result> got;
  p.resume_wallet(r.now, [&](const recovery_result& rr) { got = rr; });
  REQUIRE(r.run_until([&] { return got.has_value(); }, 5s));
  CHECK(got->error == make_error_code(errc::reply_timeout));
  CHECK(got->cause() == "receive.reply_timeout");
  CHECK(got->latency() == 2s);
}

TEST_CASE("pair: destroying it with work pending drops its handlers", "[session][pair]") {
  fake_relay r;
  auto p = std::make_unique<session_pair>(r.sctx(), fast_options());
  int calls = 0;
  p->create(r.now, [&](const handshake_result&) { ++calls; });
  r.advance(4s);
  p.reset();
  r.advance(100s);
  CHECK(calls == 0);
  for (const auto& c : r.conns) CHECK_FALSE(c->open);
}
