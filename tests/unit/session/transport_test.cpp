// The MWP transport (protocol.md §2.2–§2.4) over the real centrifuge_client and an in-memory
// relay with a manual clock: frames, nonces, the receive rules, the queue and its retries,
// subscribe failures, clear and disconnect.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fake_relay.hpp"
#include "golden_mwp.hpp"
#include "relayload/session/nonce_store.hpp"
#include "relayload/session/transport.hpp"
#include "relayload/wire/envelope.hpp"

using namespace relayload;
using namespace relayload::session;
using namespace relayload::session::test;

namespace {

const std::string& handshake = golden::handshake;
const std::string& session_ch = golden::session;
const std::string& wallet_id = golden::wallet_id;
const std::string& dapp_id = golden::dapp_id;

std::string envelope_data(const std::string& client, std::uint64_t nonce,
                          const std::string& payload) {
  std::string out;
  wire::append_envelope_data(out, client, nonce, payload);
  return out;
}

struct received {
  std::vector<std::string> payloads;
  std::vector<message_source> sources;
  std::vector<std::uint64_t> nonces;
  int parse_failures = 0;
  void attach(transport& t) {
    t.callbacks().on_message = [this](const incoming_message& m) {
      payloads.emplace_back(m.payload);
      sources.push_back(m.source);
      nonces.push_back(m.nonce);
    };
    t.callbacks().on_parse_failed = [this](std::string_view, std::error_code) { ++parse_failures; };
  }
};

/// Connects `t` and subscribes `channels`; returns when all subscribes succeeded.
void bring_up(fake_relay& r, transport& t, const std::vector<std::string>& channels) {
  std::error_code connect_ec = make_error_code(errc::cancelled);
  t.connect(r.now, [&](std::error_code ec) { connect_ec = ec; });
  REQUIRE(r.run_until([&] { return !connect_ec || connect_ec != make_error_code(errc::cancelled); },
                      1s));
  REQUIRE(!connect_ec);
  int ok = 0;
  for (const auto& ch : channels) {
    t.subscribe(ch, [&](std::error_code ec) {
      REQUIRE(!ec);
      ++ok;
    });
  }
  REQUIRE(r.run_until([&] { return ok == static_cast<int>(channels.size()); }, 1s));
}

}  // namespace

TEST_CASE("nonce_store: counters start at 1, dedup is per sender and channel, clear resets",
          "[session][nonce]") {
  nonce_store s;
  CHECK(s.outgoing(session_ch) == 0);
  CHECK(s.next_outgoing(session_ch) == 1);
  CHECK(s.next_outgoing(session_ch) == 2);
  CHECK(s.next_outgoing(handshake) == 1);
  CHECK(s.outgoing(session_ch) == 2);

  CHECK(s.accept(session_ch, wallet_id, 1));
  CHECK_FALSE(s.accept(session_ch, wallet_id, 1));  // the same publication twice
  CHECK_FALSE(s.accept(session_ch, wallet_id, 0));
  CHECK(s.accept(session_ch, wallet_id, 3));
  CHECK_FALSE(s.accept(session_ch, wallet_id, 2));  // out of order: dropped
  CHECK(s.accept(session_ch, dapp_id, 1));          // another sender has its own counter
  CHECK(s.accept(handshake, wallet_id, 1));         // and another channel too
  CHECK(s.latest(session_ch, wallet_id) == 3);

  s.clear(session_ch);
  CHECK(s.latest(session_ch, wallet_id) == 0);
  CHECK(s.next_outgoing(session_ch) == 1);
  CHECK(s.latest(handshake, wallet_id) == 1);
}

TEST_CASE("scheduler: absolute deadlines in order, cancel, nothing runs inside at()",
          "[session][scheduler]") {
  fake_relay r;
  std::vector<int> ran;
  const auto t0 = r.now;
  r.timers.at(t0 + 30ms, [&] { ran.push_back(3); });
  const task_id b = r.timers.at(t0 + 20ms, [&] { ran.push_back(2); });
  r.timers.at(t0 + 10ms, [&] { ran.push_back(1); });
  r.timers.at(t0 + 10ms, [&] { ran.push_back(11); });  // same time: scheduling order
  r.timers.at(t0 - 5ms, [&] { ran.push_back(0); });    // already due: not run inside at()
  CHECK(ran.empty());
  CHECK(r.timers.pending(b));
  r.timers.cancel(b);
  CHECK_FALSE(r.timers.pending(b));
  r.advance(15ms);
  CHECK(ran == std::vector<int>{0, 1, 11});
  r.advance(100ms);
  CHECK(ran == std::vector<int>{0, 1, 11, 3});
  CHECK(r.timers.size() == 0);

  timer t(r.timers);
  int fired = 0;
  t.arm_after(10ms, [&] { ++fired; });
  t.arm_after(20ms, [&] { fired += 10; });  // re-arming cancels the first
  CHECK(t.armed());
  r.advance(50ms);
  CHECK(fired == 10);
  CHECK_FALSE(t.armed());
}

TEST_CASE("transport: subscribe is positioned+recoverable and every subscribe fetches history",
          "[session][transport]") {
  fake_relay r;
  nonce_store nonces;
  transport t(r.timers, nonces, dapp_id, r.topts);
  bring_up(r, t, {handshake});
  REQUIRE(r.conns.size() == 1);
  const auto cmds = r.conn(1).commands();
  REQUIRE(cmds.size() == 3);
  CHECK(cmds[0] == R"({"connect":{"name":"js"},"id":1})");
  CHECK(
      cmds[1] ==
      R"({"subscribe":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","positioned":true,"recoverable":true},"id":2})");
  CHECK(
      cmds[2] ==
      R"({"history":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","limit":50},"id":3})");
  CHECK(t.stats().history_fetches == 1);

  // A second subscribe() of the same channel reuses the subscription.
  bool again = false;
  t.subscribe(handshake, [&](std::error_code ec) { again = !ec; });
  r.pump();
  CHECK(again);
  CHECK(r.conn(1).commands().size() == 3);
}

TEST_CASE("transport: envelope nonces per channel from 1, one publish in flight at a time",
          "[session][transport]") {
  fake_relay r;
  nonce_store nonces;
  transport w(r.timers, nonces, wallet_id, r.topts);
  bring_up(r, w, {handshake, session_ch});
  r.hold_publish_replies_for.insert(1);
  std::vector<std::uint64_t> acked;
  w.publish(handshake, golden::M3_payload, [&](std::error_code ec, const publish_info& i) {
    CHECK(!ec);
    acked.push_back(i.nonce);
  });
  w.publish(session_ch, "AAAA", [&](std::error_code ec, const publish_info& i) {
    CHECK(!ec);
    acked.push_back(i.nonce);
  });
  w.publish(session_ch, "BBBB", [&](std::error_code ec, const publish_info& i) {
    CHECK(!ec);
    acked.push_back(i.nonce);
  });
  CHECK(w.queued() == 3);
  r.advance(10ms);
  // Only the head went out (the ids follow connect, 2 subscribes, 2 histories): C7a exactly.
  auto cmds = r.conn(1).commands();
  REQUIRE(cmds.size() == 6);
  CHECK(cmds[5] == golden::C7a);
  CHECK(acked.empty());
  r.release_publish_replies();
  r.advance(10ms);
  r.release_publish_replies();
  r.advance(10ms);
  r.release_publish_replies();
  r.advance(10ms);
  CHECK(acked == std::vector<std::uint64_t>{1, 1, 2});
  cmds = r.conn(1).commands();
  REQUIRE(cmds.size() == 8);
  CHECK(cmds[6].find(R"(\"nonce\":1,\"payload\":\"AAAA\")") != std::string::npos);
  CHECK(cmds[7].find(R"(\"nonce\":2,\"payload\":\"BBBB\")") != std::string::npos);
  CHECK(nonces.outgoing(session_ch) == 2);
  CHECK(w.stats().own_echoes == 3);  // the relay's echo of our own publications
  CHECK(w.stats().delivered == 0);
}

TEST_CASE("transport: a publish is retried with 100/200/400/800 ms backoff and the same bytes",
          "[session][transport]") {
  fake_relay r;
  nonce_store nonces;
  transport w(r.timers, nonces, wallet_id, r.topts);
  bring_up(r, w, {session_ch});

  SECTION("succeeds at the third attempt") {
    r.fail_publishes = 2;
    std::error_code result = make_error_code(errc::cancelled);
    publish_info info;
    w.publish(session_ch, "AAAA", [&](std::error_code ec, const publish_info& i) {
      result = ec;
      info = i;
    });
    r.pump();
    const time_point first = r.now;
    REQUIRE(r.conn(1).commands().size() == 4);  // connect, subscribe, history, publish
    r.advance(99ms);
    CHECK(r.conn(1).commands().size() == 4);  // not before 100 ms
    r.advance(1ms);
    CHECK(r.conn(1).commands().size() == 5);
    r.advance(199ms);
    CHECK(r.conn(1).commands().size() == 5);
    r.advance(1ms);
    REQUIRE(r.conn(1).commands().size() == 6);
    CHECK(!result);
    CHECK(info.attempts == 3);
    CHECK(info.nonce == 1);
    CHECK(r.now - first == 300ms);
    // Every attempt carried the same envelope (same nonce): only the command id differs.
    const auto cmds = r.conn(1).commands();
    auto strip = [](std::string s) { return s.substr(0, s.rfind(",\"id\":")); };
    CHECK(strip(cmds[3]) == strip(cmds[4]));
    CHECK(strip(cmds[4]) == strip(cmds[5]));
    CHECK(w.stats().publish_retries == 2);
  }
  SECTION("fails after the fifth attempt with the last error") {
    r.fail_publishes = 100;
    std::error_code result;
    publish_info info;
    bool done = false;
    w.publish(session_ch, "AAAA", [&](std::error_code ec, const publish_info& i) {
      result = ec;
      info = i;
      done = true;
    });
    const time_point start = r.now;
    REQUIRE(r.run_until([&] { return done; }, 10s));
    CHECK(result == make_error_code(errc::server_error));
    CHECK(info.attempts == 5);
    CHECK(info.server_code == 100);
    CHECK(r.now - start >= 1500ms);  // 100 + 200 + 400 + 800
    CHECK(r.now - start < 1600ms);
    CHECK(w.stats().publish_failures == 1);
    // The next message still goes (the queue is not stuck) with the next nonce.
    r.fail_publishes = 0;
    bool second = false;
    w.publish(session_ch, "BBBB",
              [&](std::error_code ec, const publish_info& i) { second = !ec && i.nonce == 2; });
    REQUIRE(r.run_until([&] { return second; }, 1s));
  }
}

TEST_CASE("transport: receive rules drop own echoes, duplicates, old nonces and non-envelopes",
          "[session][transport]") {
  fake_relay r;
  nonce_store nonces;
  transport d(r.timers, nonces, dapp_id, r.topts);
  received got;
  got.attach(d);
  bring_up(r, d, {session_ch});
  r.duplicate_pushes = true;  // every push arrives twice
  r.inject(session_ch, envelope_data(wallet_id, 1, "b25l"), "w");
  r.inject(session_ch, envelope_data(dapp_id, 1, "b3du"), "d");  // our own clientId
  r.inject(session_ch, envelope_data(wallet_id, 3, "dGhyZWU="), "w");
  r.inject(session_ch, envelope_data(wallet_id, 2, "dHdv"), "w");  // older than 3: dropped
  r.inject(session_ch, R"("not an envelope")", "x");
  r.inject(session_ch, R"({"object":"instead of a string"})", "x");
  r.advance(10ms);
  CHECK(got.payloads == std::vector<std::string>{"b25l", "dGhyZWU="});
  CHECK(got.nonces == std::vector<std::uint64_t>{1, 3});
  CHECK(got.parse_failures == 4);  // two bad ones, each twice
  CHECK(d.stats().duplicates == 4);
  CHECK(d.stats().own_echoes == 2);
}

TEST_CASE("transport: what was published before the subscribe comes from history, once",
          "[session][transport]") {
  fake_relay r;
  nonce_store nonces;
  r.inject(session_ch, envelope_data(wallet_id, 1, "b25l"), "w");
  r.inject(session_ch, envelope_data(wallet_id, 2, "dHdv"), "w");
  transport d(r.timers, nonces, dapp_id, r.topts);
  received got;
  got.attach(d);
  bring_up(r, d, {session_ch});
  r.advance(10ms);
  CHECK(got.payloads == std::vector<std::string>{"b25l", "dHdv"});
  CHECK(got.sources ==
        std::vector<message_source>{message_source::history, message_source::history});
  CHECK(d.stats().from_history == 2);

  // After a drop the client reconnects, resubscribes with recover:true in the connect frame,
  // and fetches history again; nothing is delivered twice.
  r.inject(session_ch, envelope_data(wallet_id, 3, "dGhyZWU="), "w");
  r.advance(1ms);
  r.disconnect_all(3001);
  r.inject(session_ch, envelope_data(wallet_id, 4, "Zm91cg=="), "w");
  REQUIRE(r.run_until([&] { return got.payloads.size() == 4; }, 5s));
  r.advance(50ms);
  CHECK(got.payloads.size() == 4);
  CHECK(got.sources[3] == message_source::recovered);
  REQUIRE(r.conns.size() == 2);
  const auto re = r.conn(2).commands();
  REQUIRE(re.size() >= 3);
  CHECK(re[0] == R"({"connect":{"name":"js"},"id":4})");
  CHECK(
      re[1] ==
      R"({"subscribe":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","positioned":true,"recoverable":true,"recover":true,"offset":3,"epoch":"AbCdEfGh"},"id":5})");
  CHECK(
      re[2] ==
      R"({"history":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","limit":50},"id":6})");
  CHECK(r.conn(2).frames[0] == re[0] + "\n" + re[1]);  // batched as centrifuge-js does (C8a)
  CHECK(d.stats().disconnects == 1);
  CHECK(d.stats().reconnects == 1);
  CHECK(d.stats().duplicates >= 1);
}

TEST_CASE("transport: a refused or unanswered subscribe fails instead of hanging (Q5)",
          "[session][transport]") {
  fake_relay r;
  nonce_store nonces;
  auto o = std::make_shared<transport_options>(*r.topts);
  o->subscribe_timeout = 2s;  // below the client's 5 s call timeout
  transport t(r.timers, nonces, dapp_id, o);
  bool connected = false;
  t.connect(r.now, [&](std::error_code ec) { connected = !ec; });
  REQUIRE(r.run_until([&] { return connected; }, 1s));

  SECTION("permanent error reply") {
    r.deny_subscribe.insert(session_ch);
    std::error_code got;
    bool done = false;
    t.subscribe(session_ch, [&](std::error_code ec) {
      got = ec;
      done = true;
    });
    REQUIRE(r.run_until([&] { return done; }, 1s));
    CHECK(got == make_error_code(errc::server_error));
  }
  SECTION("no reply") {
    r.mute_subscribe.insert(session_ch);
    std::error_code got;
    bool done = false;
    const time_point start = r.now;
    t.subscribe(session_ch, [&](std::error_code ec) {
      got = ec;
      done = true;
    });
    REQUIRE(r.run_until([&] { return done; }, 10s));
    CHECK(got == make_error_code(errc::reply_timeout));
    CHECK(r.now - start == 2s);
    CHECK(t.stats().subscribe_timeouts == 1);
  }
}

TEST_CASE("transport: clear unsubscribes and restarts the channel's nonces at 1",
          "[session][transport]") {
  fake_relay r;
  nonce_store nonces;
  transport w(r.timers, nonces, wallet_id, r.topts);
  bring_up(r, w, {handshake});
  bool sent = false;
  w.publish(handshake, "AAAA", [&](std::error_code ec, const publish_info&) { sent = !ec; });
  REQUIRE(r.run_until([&] { return sent; }, 1s));
  CHECK(nonces.outgoing(handshake) == 1);
  w.clear(handshake);
  r.advance(10ms);
  const auto cmds = r.conn(1).commands();
  CHECK(cmds.back() ==
        R"({"unsubscribe":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f"},"id":5})");
  CHECK(nonces.outgoing(handshake) == 0);
  sent = false;
  w.publish(handshake, "BBBB",
            [&](std::error_code ec, const publish_info& i) { sent = !ec && i.nonce == 1; });
  REQUIRE(r.run_until([&] { return sent; }, 1s));
}

TEST_CASE("transport: disconnect fails queued publishes, unsubscribes and closes",
          "[session][transport]") {
  fake_relay r;
  nonce_store nonces;
  transport w(r.timers, nonces, wallet_id, r.topts);
  bring_up(r, w, {session_ch});
  r.hold_publish_replies_for.insert(1);
  std::vector<std::error_code> results;
  for (int i = 0; i < 3; ++i) {
    w.publish(session_ch, "AAAA",
              [&](std::error_code ec, const publish_info&) { results.push_back(ec); });
  }
  r.advance(1ms);
  bool closed = false;
  w.disconnect([&](std::error_code ec) { closed = !ec; });
  CHECK(results.empty());  // never inside the call
  REQUIRE(r.run_until([&] { return closed; }, 1s));
  REQUIRE(results.size() == 3);
  for (const auto& ec : results) CHECK(ec == make_error_code(errc::disconnected));
  const auto s = r.conn(1).summary();
  CHECK(s.back() == "unsubscribe session#5");
  CHECK_FALSE(r.conn(1).open);
  CHECK(w.stats().publish_dropped == 3);
  // After disconnect everything is refused.
  std::error_code late;
  w.publish(session_ch, "BBBB", [&](std::error_code ec, const publish_info&) { late = ec; });
  r.pump();
  CHECK(late == make_error_code(errc::disconnected));
}

TEST_CASE("transport: destroying it inside its own callback is safe", "[session][transport]") {
  fake_relay r;
  nonce_store nonces;
  auto t = std::make_unique<transport>(r.timers, nonces, dapp_id, r.topts);
  t->callbacks().on_message = [&](const incoming_message&) { t.reset(); };
  bring_up(r, *t, {session_ch});
  r.inject(session_ch, envelope_data(wallet_id, 1, "b25l"), "w");
  r.inject(session_ch, envelope_data(wallet_id, 2, "dHdv"), "w");
  r.advance(10ms);
  CHECK(t == nullptr);
  r.advance(1s);
}
