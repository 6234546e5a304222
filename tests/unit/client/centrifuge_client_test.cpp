// centrifuge_client against a scripted fake transport and a manual clock: the exact frames
// it writes (protocol.md §5.1), ping/pong, timers, reconnects and outcomes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fake_transport.hpp"
#include "relayload/client/centrifuge_client.hpp"

using namespace relayload;
using namespace relayload::client;
using namespace relayload::client::test;

namespace {

// Golden frames, copied from spec/protocol.md §5.1.
const std::string C1 = R"({"connect":{"name":"js"},"id":1})";
const std::string C2 =
    R"({"id":1,"connect":{"client":"0b0b0b0b-0000-4000-8000-00000000000b","version":"6.9.1 OSS","ping":25,"pong":true}})";
const std::string C4a =
    R"({"subscribe":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","positioned":true,"recoverable":true},"id":2})";
const std::string C4b =
    R"({"subscribe":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","positioned":true,"recoverable":true,"flag":1},"id":2})";
const std::string C5a =
    R"({"id":2,"subscribe":{"recoverable":true,"epoch":"AbCdEfGh","positioned":true}})";
const std::string C6a =
    R"({"history":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","limit":50},"id":3})";
const std::string C6b = R"({"id":3,"history":{"publications":[],"epoch":"AbCdEfGh","offset":0}})";
const std::string C9a =
    R"({"unsubscribe":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f"},"id":7})";
const std::string C8a =
    "{\"connect\":{\"name\":\"js\"},\"id\":8}\n"
    R"({"subscribe":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","positioned":true,"recoverable":true,"recover":true,"offset":1,"epoch":"QrStUvWx"},"id":9})";
const std::string C8b =
    "{\"id\":8,\"connect\":{\"client\":\"0b0b0b0b-0000-4000-8000-0000000000bb\",\"version\":\"6.9."
    "1 OSS\",\"ping\":25,\"pong\":true}}\n"
    R"({"id":9,"subscribe":{"recoverable":true,"epoch":"QrStUvWx","publications":[{"data":"{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsicmVzdWx0IjoiMHgxYjJhM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiMDEiLCJpZCI6MX19\"}","info":{"user":"","client":"0a0a0a0a-0000-4000-8000-00000000000a"},"offset":2}],"recovered":true,"offset":1,"positioned":true,"was_recovering":true}})";
const std::string C7a_data =
    R"("{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyJ9fQ==\"}")";
const std::string C7a =
    R"({"publish":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","data":)" + C7a_data +
    R"(},"id":6})";
const std::string handshake = "handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f";
const std::string session = "session:7c9e6679-7425-40de-944b-e07fc1f90ae7";

client_options test_options() {
  client_options o = client_options::raw_scenario();
  o.url = *net::ws_url::parse("ws://127.0.0.1:8000/connection/websocket");
  return o;
}

std::string connect_reply(std::uint32_t id, std::uint32_t ping = 25, bool pong = true) {
  std::string r =
      "{\"id\":" + std::to_string(id) + ",\"connect\":{\"client\":\"x\",\"version\":\"6.9.1 OSS\"";
  if (ping > 0) r += ",\"ping\":" + std::to_string(ping);
  if (pong) r += ",\"pong\":true";
  return r + "}}";
}

/// Records every client event.
struct recorder {
  std::vector<connect_outcome> outcomes;
  std::vector<connected_info> connected;
  std::vector<client_error> disconnect_causes;
  std::vector<bool> will_reconnect;
  std::vector<client_error> errors;
  std::vector<stop_reason> stops;

  void attach(centrifuge_client& c) {
    auto& cb = c.callbacks();
    cb.on_outcome = [this](const connect_outcome& o) { outcomes.push_back(o); };
    cb.on_connected = [this](const connected_info& i) { connected.push_back(i); };
    cb.on_disconnected = [this](const disconnected_info& i) {
      disconnect_causes.push_back(i.cause);
      will_reconnect.push_back(i.will_reconnect);
    };
    cb.on_error = [this](const client_error& e) { errors.push_back(e); };
    cb.on_stopped = [this](stop_reason r, const client_error&) { stops.push_back(r); };
  }
};

/// A handler that stores what it got.
struct call_result {
  int calls = 0;
  std::error_code ec;
  std::uint32_t id = 0;
  std::uint32_t server_code = 0;
  bool had_reply = false;
  call_handler handler() {
    return [this](std::error_code e, const call_reply& r) {
      ++calls;
      ec = e;
      id = r.id;
      server_code = r.server_code;
      had_reply = r.reply != nullptr;
    };
  }
};

/// Connects `c` through transport `t` to the connected state with a C2-like reply.
void bring_up(harness& h, centrifuge_client& c, std::uint32_t ping = 25, bool pong = true) {
  REQUIRE(!c.connect());
  h.pump();
  fake_transport& t = h.last();
  t.server_open();
  h.pump();
  REQUIRE(!t.sent.empty());
  t.server_send(connect_reply(c.next_command_id() - 1, ping, pong));
  h.pump();
  REQUIRE(c.state() == client_state::connected);
}

}  // namespace

TEST_CASE("the first frame is C1 and the connect reply C2 connects", "[client][frames]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  recorder rec;
  rec.attach(c);
  const time_point intended = h.now - 100ms;  // the generator was 100 ms late
  REQUIRE(!c.connect(intended));
  CHECK(c.state() == client_state::connecting);
  h.pump();
  REQUIRE(h.transports.size() == 1);
  fake_transport& t = h.last();
  REQUIRE(t.connects.size() == 1);
  CHECK(t.connects[0].connect_timeout == 10s);
  CHECK(t.connects[0].origin.empty());

  const time_point started = h.now;
  h.now += 5ms;
  net::connect_timings timings;
  timings.started = started;
  timings.resolved = started;
  timings.tcp_connected = started + 2ms;
  timings.tls_done = started + 2ms;
  timings.upgraded = started + 5ms;
  t.server_open(timings);
  h.pump();
  REQUIRE(t.sent.size() == 1);
  CHECK(t.sent[0] == C1);
  CHECK(rec.outcomes.empty());

  h.now += 2ms;
  t.server_send(C2);
  h.pump();
  CHECK(c.state() == client_state::connected);
  CHECK(c.server_client_id() == "0b0b0b0b-0000-4000-8000-00000000000b");
  CHECK(c.server_ping_seconds() == 25);
  CHECK(c.pong_enabled());
  REQUIRE(rec.outcomes.size() == 1);
  const connect_outcome& o = rec.outcomes[0];
  CHECK(o.kind == outcome_kind::immediate);
  CHECK(o.retries == 0);
  CHECK(o.attempts == 1);
  CHECK(o.connect_time() == 107ms);
  CHECK(o.service_time() == 7ms);
  CHECK(o.connect_reply_time() == 2ms);
  CHECK(o.timings.tcp_connect() == 2ms);
  CHECK(o.timings.ws_upgrade() == 3ms);
  REQUIRE(rec.connected.size() == 1);
  CHECK_FALSE(rec.connected[0].reconnect);
  CHECK(rec.errors.empty());
}

TEST_CASE("MWP command sequence is byte-exact: C4a, C6a, C7a, C9a with running ids",
          "[client][frames]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  bring_up(h, c);
  fake_transport& t = h.last();

  call_result sub;
  std::vector<std::string> pubs;
  subscription_callbacks cbs;
  cbs.on_publication = [&](const wire::publication& p) { pubs.emplace_back(p.data); };
  c.subscribe(handshake, cbs, sub.handler());
  h.pump();
  REQUIRE(t.sent.size() == 2);
  CHECK(t.sent[1] == C4a);
  CHECK(sub.calls == 0);
  t.server_send(C5a);
  h.pump();
  CHECK(sub.calls == 1);
  CHECK_FALSE(sub.ec);
  CHECK(sub.id == 2);
  CHECK(c.position(handshake)->epoch == "AbCdEfGh");
  CHECK(c.position(handshake)->recover);

  call_result hist;
  c.history(handshake, history_options{}, hist.handler());
  h.pump();
  CHECK(t.sent.back() == C6a);
  t.server_send(C6b);
  h.pump();
  CHECK(hist.calls == 1);
  CHECK_FALSE(hist.ec);
  CHECK(hist.had_reply);

  call_result p4, p5, p6;
  c.publish(handshake, "\"x\"", p4.handler());
  c.publish(handshake, "\"y\"", p5.handler());
  c.publish(handshake, C7a_data, p6.handler());
  h.pump();
  CHECK(t.sent.back() == C7a);
  CHECK(
      t.sent[t.sent.size() - 3] ==
      R"({"publish":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","data":"x"},"id":4})");
  // Replies in any order: each goes to its own handler.
  t.server_send("{\"id\":6,\"publish\":{}}\n{\"id\":4,\"publish\":{}}");
  t.server_send("{\"id\":5,\"error\":{\"code\":103,\"message\":\"permission denied\"}}");
  h.pump();
  CHECK(p4.calls == 1);
  CHECK_FALSE(p4.ec);
  CHECK(p6.calls == 1);
  CHECK(p6.id == 6);
  CHECK(p5.calls == 1);
  CHECK(p5.ec == make_error_code(errc::server_error));
  CHECK(p5.server_code == 103);

  // The publication push reaches the subscription with its raw data.
  t.server_send(
      R"({"push":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","pub":{"data":"\"hello\"","offset":1}}})");
  h.pump();
  REQUIRE(pubs.size() == 1);
  CHECK(pubs[0] == R"("\"hello\"")");  // raw JSON, exactly as received
  CHECK(c.position(handshake)->offset == 1);

  call_result unsub;
  c.unsubscribe(handshake, unsub.handler());
  h.pump();
  CHECK(t.sent.back() == C9a);
  CHECK(c.subscription_count() == 0);
  t.server_send(R"({"id":7,"unsubscribe":{}})");
  h.pump();
  CHECK(unsub.calls == 1);
  CHECK_FALSE(unsub.ec);
}

TEST_CASE("subscribe with the 5.8 flag switch writes C4b", "[client][frames]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  bring_up(h, c);
  subscribe_options so;
  so.flag = true;
  c.subscribe(handshake, {}, nullptr, so);
  h.pump();
  CHECK(h.last().sent.back() == C4b);
}

TEST_CASE("reconnect batches connect and the recovering resubscribe in one frame (C8a)",
          "[client][frames][reconnect]") {
  harness h;
  centrifuge_client c(h.ctx, test_options(), 5);
  recorder rec;
  rec.attach(c);
  bring_up(h, c);
  fake_transport& t = h.last();

  std::vector<std::uint64_t> offsets;
  std::vector<subscribed_info> subscribed;
  subscription_callbacks cbs;
  cbs.on_publication = [&](const wire::publication& p) { offsets.push_back(p.offset); };
  cbs.on_subscribed = [&](const subscribed_info& i) { subscribed.push_back(i); };
  c.subscribe(session, cbs, nullptr);
  h.pump();
  t.server_send(
      R"({"id":2,"subscribe":{"recoverable":true,"epoch":"QrStUvWx","offset":1,"positioned":true}})");
  h.pump();
  REQUIRE(subscribed.size() == 1);
  CHECK(subscribed[0].first);
  CHECK(subscribed[0].offset == 1);
  for (int i = 0; i < 5; ++i) c.publish(session, "\"m\"", nullptr);  // ids 3..7
  h.pump();
  for (int id = 3; id <= 7; ++id)
    t.server_send("{\"id\":" + std::to_string(id) + ",\"publish\":{}}");
  h.pump();
  CHECK(c.next_command_id() == 8);

  t.server_close(3001, "shutdown");
  h.pump();
  REQUIRE(rec.disconnect_causes.size() == 1);
  CHECK(rec.disconnect_causes[0].cause() == "close_3001");
  CHECK(rec.will_reconnect[0]);
  CHECK(c.state() == client_state::waiting);
  CHECK(t.connects.size() == 1);

  // The reconnect happens after the step-0 delay, which is exactly backoff(seed 5)'s first.
  const auto delay = backoff(5).next(backoff_policy::raw());
  h.advance(delay - 1ms);
  CHECK(t.connects.size() == 1);
  h.advance(1ms);
  REQUIRE(t.connects.size() == 2);
  CHECK(h.transports.size() == 1);  // the same WebSocket object is reused
  const std::size_t before = t.sent.size();
  t.server_open();
  h.pump();
  REQUIRE(t.sent.size() == before + 1);
  CHECK(t.sent.back() == C8a);
  CHECK(t.sent.back().size() == 194);

  t.server_send(C8b);
  h.pump();
  CHECK(c.state() == client_state::connected);
  REQUIRE(rec.connected.size() == 2);
  CHECK(rec.connected[1].reconnect);
  CHECK(rec.connected[1].at - rec.connected[1].lost_at == delay);
  REQUIRE(subscribed.size() == 2);
  CHECK_FALSE(subscribed[1].first);
  CHECK(subscribed[1].recovered);
  CHECK(subscribed[1].was_recovering);
  CHECK(subscribed[1].recovered_publications == 1);
  REQUIRE(offsets == std::vector<std::uint64_t>{2});
  CHECK(c.position(session)->offset == 2);
  CHECK(c.position(session)->epoch == "QrStUvWx");
  CHECK(rec.outcomes.size() == 1);  // the outcome is the initial connect's only
}

TEST_CASE("a subscription made before connecting goes out with the connect", "[client][frames]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  c.subscribe(handshake, {}, nullptr);
  REQUIRE(!c.connect());
  h.pump();
  h.last().server_open();
  h.pump();
  REQUIRE(h.last().sent.size() == 1);
  CHECK(h.last().sent[0] == C1 + "\n" + C4a);
}

TEST_CASE("pings are answered with one {} only when the connect reply had pong:true",
          "[client][ping]") {
  SECTION("pong:true") {
    harness h;
    centrifuge_client c(h.ctx, test_options());
    bring_up(h, c, 25, true);
    fake_transport& t = h.last();
    const std::size_t before = t.sent.size();
    t.server_send("{}");
    h.pump();
    REQUIRE(t.sent.size() == before + 1);
    CHECK(t.sent.back() == "{}");
    // Two pings batched in one frame: two separate pongs.
    t.server_send("{}\n{}");
    h.pump();
    CHECK(t.sent.size() == before + 3);
    CHECK(t.sent.back() == "{}");
    CHECK(c.next_command_id() == 2);  // pongs carry no id
  }
  SECTION("pong absent") {
    harness h;
    centrifuge_client c(h.ctx, test_options());
    bring_up(h, c, 25, false);
    fake_transport& t = h.last();
    const std::size_t before = t.sent.size();
    t.server_send("{}");
    h.pump();
    CHECK(t.sent.size() == before);
  }
  SECTION("no pong before the connect reply") {
    harness h;
    centrifuge_client c(h.ctx, test_options());
    REQUIRE(!c.connect());
    h.pump();
    h.last().server_open();
    h.pump();
    h.last().server_send("{}");
    h.pump();
    CHECK(h.last().sent.size() == 1);
  }
}

TEST_CASE("no-ping watchdog: ping + 10 s without a frame drops and reconnects", "[client][ping]") {
  harness h;
  centrifuge_client c(h.ctx, test_options(), 9);
  recorder rec;
  rec.attach(c);
  bring_up(h, c, 25, true);
  fake_transport& t = h.last();
  h.advance(20s);
  t.server_send("{}");  // any frame re-arms the watchdog
  h.pump();
  h.advance(34s);
  CHECK(c.state() == client_state::connected);
  h.advance(1s - 1ns);
  CHECK(c.state() == client_state::connected);
  h.advance(1ns);
  CHECK(c.state() == client_state::waiting);
  REQUIRE(rec.disconnect_causes.size() == 1);
  CHECK(rec.disconnect_causes[0].error == make_error_code(errc::no_ping));
  CHECK(t.closes == 1);  // closed without a code, like centrifuge-js
  h.advance(5s);
  REQUIRE(t.connects.size() == 2);
  t.server_open();
  h.pump();
  CHECK(t.sent.back() == R"({"connect":{"name":"js"},"id":2})");
}

TEST_CASE("watchdogs of many clients share the one timer with bounded entries",
          "[client][timers]") {
  harness h;
  auto_server server(h);
  std::vector<std::unique_ptr<centrifuge_client>> clients;
  const auto opts = std::make_shared<const client_options>(test_options());
  for (int i = 0; i < 500; ++i) {
    clients.push_back(std::make_unique<centrifuge_client>(h.ctx, opts, i));
    REQUIRE(!clients.back()->connect());
  }
  h.pump();
  for (auto& c : clients) REQUIRE(c->connected());
  for (int round = 0; round < 20; ++round) {
    h.advance(20s);
    for (auto* t : h.transports) t->server_send("{}");
    h.pump();
    CHECK(h.ctx.pending_deadlines() <= 2 * clients.size() + 1);
  }
  for (auto& c : clients) CHECK(c->connected());
}

TEST_CASE("call timeout: a publish without a reply fails with reply_timeout",
          "[client][timeouts]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  bring_up(h, c);
  call_result r;
  c.publish("session:x", "\"d\"", r.handler());
  h.pump();
  h.advance(10s - 1ns);
  CHECK(r.calls == 0);
  h.advance(1ns);
  CHECK(r.calls == 1);
  CHECK(r.ec == make_error_code(errc::reply_timeout));
  CHECK(c.connected());  // a publish timeout does not reconnect
  // A late reply for the expired id is ignored.
  h.last().server_send(R"({"id":2,"publish":{}})");
  h.pump();
  CHECK(r.calls == 1);
}

TEST_CASE("connect reply timeout counts an error and reconnects", "[client][timeouts]") {
  harness h;
  centrifuge_client c(h.ctx, test_options(), 3);
  recorder rec;
  rec.attach(c);
  REQUIRE(!c.connect());
  h.pump();
  h.last().server_open();
  h.pump();
  h.advance(10s);
  REQUIRE(rec.errors.size() == 1);
  CHECK(rec.errors[0].error == make_error_code(errc::reply_timeout));
  CHECK(c.state() == client_state::waiting);
  h.advance(5s);
  REQUIRE(h.last().connects.size() == 2);
  h.last().server_open();
  h.pump();
  CHECK(h.last().sent.back() == R"({"connect":{"name":"js"},"id":2})");
  h.last().server_send(connect_reply(2));
  h.pump();
  REQUIRE(rec.outcomes.size() == 1);
  CHECK(rec.outcomes[0].kind == outcome_kind::recovered);
  CHECK(rec.outcomes[0].retries == 1);
  CHECK(rec.outcomes[0].attempts == 2);
}

TEST_CASE("subscribe timeout forces a full reconnect with resubscribe", "[client][timeouts]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  recorder rec;
  rec.attach(c);
  bring_up(h, c);
  call_result sub;
  c.subscribe(handshake, {}, sub.handler());
  h.pump();
  h.advance(10s);
  CHECK(sub.calls == 1);
  CHECK(sub.ec == make_error_code(errc::reply_timeout));
  REQUIRE(rec.disconnect_causes.size() == 1);
  CHECK(rec.disconnect_causes[0].cause() == "reply_timeout");
  h.advance(5s);
  h.last().server_open();
  h.pump();
  CHECK(
      h.last().sent.back() ==
      "{\"connect\":{\"name\":\"js\"},\"id\":3}\n"
      R"({"subscribe":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","positioned":true,"recoverable":true},"id":4})");
}

TEST_CASE("initial connect: refused twice then connected is recovered with 2 retries",
          "[client][outcome]") {
  harness h;
  centrifuge_client c(h.ctx, test_options(), 11);
  recorder rec;
  rec.attach(c);
  const time_point intended = h.now;
  REQUIRE(!c.connect(intended));
  h.pump();
  fake_transport& t = h.last();
  backoff expected(11);
  for (int i = 0; i < 2; ++i) {
    t.fail(std::make_error_code(std::errc::connection_refused));
    h.pump();
    CHECK(c.state() == client_state::waiting);
    const auto d = expected.next(backoff_policy::raw());
    h.advance(d - 1ms);
    CHECK(t.connects.size() == static_cast<std::size_t>(i + 1));
    h.advance(1ms);
    REQUIRE(t.connects.size() == static_cast<std::size_t>(i + 2));
  }
  t.server_open();
  h.pump();
  CHECK(t.sent.back() == C1);  // nothing was sent on the failed attempts: still id 1
  t.server_send(C2);
  h.pump();
  REQUIRE(rec.outcomes.size() == 1);
  const auto& o = rec.outcomes[0];
  CHECK(o.kind == outcome_kind::recovered);
  CHECK(o.retries == 2);
  CHECK(o.attempts == 3);
  REQUIRE(o.errors.size() == 2);
  CHECK(o.errors[0].cause() == cause_of(std::errc::connection_refused));
  CHECK(o.connect_time() == h.now - intended);
  CHECK(rec.errors.size() == 2);
}

TEST_CASE("initial connect gives up after 30 s: failed with every retry counted",
          "[client][outcome]") {
  harness h;
  centrifuge_client c(h.ctx, test_options(), 1);
  recorder rec;
  rec.attach(c);
  h.on_connect = [&](fake_transport& t) {
    t.fail(std::make_error_code(std::errc::connection_refused));
  };
  const time_point start = h.now;
  REQUIRE(!c.connect());
  h.advance(30s - 1ms);
  CHECK(rec.outcomes.empty());
  h.advance(1ms);
  REQUIRE(rec.outcomes.size() == 1);
  const auto& o = rec.outcomes[0];
  CHECK(o.kind == outcome_kind::failed);
  CHECK(o.cause.cause() == "connect_timeout");
  CHECK(o.finished - start == 30s);
  CHECK(o.retries == rec.errors.size());
  CHECK(o.retries >= 6);  // at most 5 s apart over 30 s
  CHECK(o.attempts == o.retries);
  REQUIRE(rec.stops.size() == 1);
  CHECK(rec.stops[0] == stop_reason::gave_up);
  CHECK(c.state() == client_state::stopped);
  h.advance(60s);
  CHECK(rec.outcomes.size() == 1);  // exactly one outcome, no more attempts
  CHECK(h.last().connects.size() == o.attempts);
}

TEST_CASE("a permanent connect error fails at once with its code (F10)", "[client][outcome]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  recorder rec;
  rec.attach(c);
  REQUIRE(!c.connect());
  h.pump();
  h.last().server_open();
  h.pump();
  h.last().server_send(R"({"id":1,"error":{"code":103,"message":"permission denied"}})");
  h.pump();
  REQUIRE(rec.outcomes.size() == 1);
  CHECK(rec.outcomes[0].kind == outcome_kind::failed);
  CHECK(rec.outcomes[0].cause.cause() == "server_error_103");
  CHECK(rec.outcomes[0].retries == 0);
  REQUIRE(rec.stops.size() == 1);
  CHECK(rec.stops[0] == stop_reason::terminal);
  CHECK(h.last().closes == 1);
  h.advance(60s);
  CHECK(h.last().connects.size() == 1);
}

TEST_CASE("a temporary connect error retries", "[client][outcome]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  recorder rec;
  rec.attach(c);
  REQUIRE(!c.connect());
  h.pump();
  h.last().server_open();
  h.pump();
  h.last().server_send(
      R"({"id":1,"error":{"code":100,"message":"internal server error","temporary":true}})");
  h.pump();
  REQUIRE(rec.errors.size() == 1);
  CHECK(rec.errors[0].cause() == "server_error_100");
  CHECK(c.state() == client_state::waiting);
  CHECK(rec.outcomes.empty());
}

TEST_CASE("terminal close codes stop, others reconnect", "[client][codes]") {
  SECTION("3501 after connect: disconnected, no reconnect") {
    harness h;
    centrifuge_client c(h.ctx, test_options());
    recorder rec;
    rec.attach(c);
    bring_up(h, c);
    h.last().server_close(3501, "bad request");
    h.pump();
    REQUIRE(rec.will_reconnect.size() == 1);
    CHECK_FALSE(rec.will_reconnect[0]);
    CHECK(rec.disconnect_causes[0].cause() == "close_3501");
    REQUIRE(rec.stops == std::vector<stop_reason>{stop_reason::terminal});
    h.advance(60s);
    CHECK(h.last().connects.size() == 1);
  }
  SECTION("3504 before the connect reply: failed outcome, no retry") {
    harness h;
    centrifuge_client c(h.ctx, test_options());
    recorder rec;
    rec.attach(c);
    REQUIRE(!c.connect());
    h.pump();
    h.last().server_open();
    h.pump();
    h.last().server_close(3504, "connection limit");
    h.pump();
    REQUIRE(rec.outcomes.size() == 1);
    CHECK(rec.outcomes[0].cause.cause() == "close_3504");
    CHECK(rec.outcomes[0].retries == 0);
  }
  SECTION("4000 reconnects, 4500 stops") {
    harness h;
    centrifuge_client c(h.ctx, test_options());
    recorder rec;
    rec.attach(c);
    bring_up(h, c);
    h.last().server_close(4000);
    h.pump();
    CHECK(c.state() == client_state::waiting);
    h.advance(5s);
    h.last().server_open();
    h.pump();
    h.last().server_send(connect_reply(2));
    h.pump();
    CHECK(c.connected());
    h.last().server_close(4500);
    h.pump();
    CHECK(c.state() == client_state::stopped);
  }
  SECTION("a disconnect push with a terminal code stops") {
    harness h;
    centrifuge_client c(h.ctx, test_options());
    recorder rec;
    rec.attach(c);
    bring_up(h, c);
    h.last().server_send(R"({"push":{"disconnect":{"code":3503,"reason":"force disconnect"}}})");
    h.pump();
    CHECK(c.state() == client_state::stopped);
    CHECK(rec.disconnect_causes[0].cause() == "close_3503");
  }
  SECTION("a dropped TCP connection reconnects") {
    harness h;
    centrifuge_client c(h.ctx, test_options());
    recorder rec;
    rec.attach(c);
    bring_up(h, c);
    h.last().drop(std::make_error_code(std::errc::connection_reset));
    h.pump();
    CHECK(c.state() == client_state::waiting);
    CHECK(rec.disconnect_causes[0].cause() == cause_of(std::errc::connection_reset));
  }
}

TEST_CASE("calls made while connecting wait for the connection", "[client][calls]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  REQUIRE(!c.connect());
  call_result r;
  c.publish("session:x", "\"d\"", r.handler());
  h.pump();
  CHECK(c.pending_calls() == 1);
  h.last().server_open();
  h.pump();
  CHECK(h.last().sent.size() == 1);  // only connect
  h.last().server_send(C2);
  h.pump();
  REQUIRE(h.last().sent.size() == 2);
  CHECK(h.last().sent[1] == R"({"publish":{"channel":"session:x","data":"d"},"id":2})");
  h.last().server_send(R"({"id":2,"publish":{}})");
  h.pump();
  CHECK(r.calls == 1);
  CHECK_FALSE(r.ec);
}

TEST_CASE("a queued call times out when the connection never comes", "[client][calls]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  REQUIRE(!c.connect());
  call_result r;
  c.history("session:x", {}, r.handler());
  h.advance(10s);
  CHECK(r.calls == 1);
  CHECK(r.ec == make_error_code(errc::reply_timeout));
}

TEST_CASE("handlers never run inside the call that started them", "[client][calls]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  call_result r;
  c.publish("session:x", "\"d\"", r.handler());  // idle: fails with disconnected...
  CHECK(r.calls == 0);                           // ...but not inline
  h.pump();
  CHECK(r.calls == 1);
  CHECK(r.ec == make_error_code(errc::disconnected));

  call_result dup1, dup2;
  c.subscribe("a:b", {}, dup1.handler());
  c.subscribe("a:b", {}, dup2.handler());
  CHECK(dup2.calls == 0);
  h.pump();
  CHECK(dup2.ec == make_error_code(errc::invalid_argument));
}

TEST_CASE("close(): no code, pending calls fail, outcome cancelled, on_stopped(closed)",
          "[client][close]") {
  SECTION("while connected") {
    harness h;
    centrifuge_client c(h.ctx, test_options());
    recorder rec;
    rec.attach(c);
    bring_up(h, c);
    call_result r;
    c.publish("session:x", "\"d\"", r.handler());
    h.pump();
    c.close();
    CHECK(c.state() == client_state::closing);
    CHECK(h.last().closes == 1);
    CHECK(rec.stops.empty());
    h.pump();
    CHECK(rec.stops == std::vector<stop_reason>{stop_reason::closed});
    CHECK(r.ec == make_error_code(errc::disconnected));
    CHECK(rec.disconnect_causes.empty());  // a close is not a drop
    CHECK(c.state() == client_state::stopped);
  }
  SECTION("during the initial connect") {
    harness h;
    centrifuge_client c(h.ctx, test_options());
    recorder rec;
    rec.attach(c);
    REQUIRE(!c.connect());
    h.pump();
    c.close();
    h.pump();
    REQUIRE(rec.outcomes.size() == 1);
    CHECK(rec.outcomes[0].kind == outcome_kind::failed);
    CHECK(rec.outcomes[0].cause.cause() == "cancelled");
    CHECK(rec.stops == std::vector<stop_reason>{stop_reason::closed});
  }
  SECTION("while waiting to reconnect") {
    harness h;
    centrifuge_client c(h.ctx, test_options());
    recorder rec;
    rec.attach(c);
    bring_up(h, c);
    h.last().server_close(3001);
    h.pump();
    c.close();
    h.pump();
    CHECK(rec.stops == std::vector<stop_reason>{stop_reason::closed});
    h.advance(10s);
    CHECK(h.last().connects.size() == 1);
  }
  SECTION("abort") {
    harness h;
    centrifuge_client c(h.ctx, test_options());
    recorder rec;
    rec.attach(c);
    bring_up(h, c);
    c.abort();
    h.pump();
    CHECK(h.last().aborts == 1);
    CHECK(rec.stops == std::vector<stop_reason>{stop_reason::aborted});
  }
}

TEST_CASE("server unsubscribe push >= 2500 resubscribes with recovery", "[client][subscribe]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  bring_up(h, c);
  fake_transport& t = h.last();
  c.subscribe(session, {}, nullptr);
  h.pump();
  t.server_send(
      R"({"id":2,"subscribe":{"recoverable":true,"epoch":"QrStUvWx","offset":4,"positioned":true}})");
  h.pump();
  t.server_send(
      R"({"push":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","unsubscribe":{"code":2500,"reason":"insufficient state"}}})");
  h.pump();
  CHECK(
      t.sent.back() ==
      R"({"subscribe":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","positioned":true,"recoverable":true,"recover":true,"offset":4,"epoch":"QrStUvWx"},"id":3})");

  std::vector<unsubscribed_info> ended;
  subscription_callbacks cbs;
  cbs.on_unsubscribed = [&](const unsubscribed_info& i) { ended.push_back(i); };
  c.subscribe(handshake, cbs, nullptr);
  h.pump();
  t.server_send(C5a.substr(0, 6) + "4" + C5a.substr(7));
  h.pump();
  t.server_send(
      R"({"push":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","unsubscribe":{"code":2000,"reason":"server unsubscribe"}}})");
  h.pump();
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].code == 2000);
  CHECK(c.subscription_count() == 1);
}

TEST_CASE("subscribe errors: temporary resubscribes after backoff, permanent ends",
          "[client][subscribe]") {
  harness h;
  centrifuge_client c(h.ctx, test_options(), 21);
  bring_up(h, c);
  fake_transport& t = h.last();
  call_result first;
  c.subscribe(handshake, {}, first.handler());
  h.pump();
  t.server_send(
      R"({"id":2,"error":{"code":100,"message":"internal server error","temporary":true}})");
  h.pump();
  CHECK(first.ec == make_error_code(errc::server_error));
  CHECK(first.server_code == 100);
  CHECK(c.subscription_count() == 1);
  const std::size_t before = t.sent.size();
  h.advance(2s);  // the resubscribe delay is at most 1 s at step 0
  REQUIRE(t.sent.size() == before + 1);
  CHECK(
      t.sent.back() ==
      R"({"subscribe":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","positioned":true,"recoverable":true},"id":3})");

  std::vector<unsubscribed_info> ended;
  subscription_callbacks cbs;
  cbs.on_unsubscribed = [&](const unsubscribed_info& i) { ended.push_back(i); };
  call_result second;
  c.subscribe("foo:bar", cbs, second.handler());
  h.pump();
  t.server_send(R"({"id":4,"error":{"code":102,"message":"unknown channel"}})");
  h.pump();
  CHECK(second.server_code == 102);
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].code == 102);
  CHECK(c.subscription_count() == 1);
}

TEST_CASE("a client may be destroyed from inside its own callback", "[client][lifetime]") {
  harness h;
  auto c = std::make_unique<centrifuge_client>(h.ctx, test_options());
  int outcomes = 0;
  c->callbacks().on_outcome = [&](const connect_outcome&) {
    ++outcomes;
    c.reset();
  };
  REQUIRE(!c->connect());
  h.pump();
  h.last().server_open();
  h.pump();
  h.last().server_send(C2 + "\n{}");  // the ping after the reply must not be touched
  h.pump();
  CHECK(outcomes == 1);
  CHECK(c == nullptr);
  h.advance(60s);
}

TEST_CASE("undecodable frames drop the connection as a protocol error", "[client][errors]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  recorder rec;
  rec.attach(c);
  bring_up(h, c);
  h.last().server_send("{\"id\":");
  h.pump();
  REQUIRE(rec.disconnect_causes.size() == 1);
  CHECK(rec.disconnect_causes[0].cause() == "malformed_json");
  CHECK(c.state() == client_state::waiting);
}

TEST_CASE("connect() rejects bad options and double starts synchronously", "[client][options]") {
  harness h;
  centrifuge_client bad(h.ctx, client_options{});  // no URL
  CHECK(bad.connect() == make_error_code(errc::invalid_argument));
  centrifuge_client c(h.ctx, test_options());
  CHECK(!c.connect());
  CHECK(c.connect() == make_error_code(errc::invalid_argument));
  CHECK(client_options::mwp().call_timeout == 5s);
  CHECK(client_options::mwp().reconnect == backoff_policy::mwp());
  CHECK(client_options::raw_scenario().call_timeout == 10s);
  CHECK(client_options::raw_scenario().give_up_after == 30s);
}

TEST_CASE("after a drop, reconnect_give_up_after stops the client", "[client][reconnect]") {
  harness h;
  client_options o = test_options();
  o.reconnect_give_up_after = 3s;
  centrifuge_client c(h.ctx, o);
  recorder rec;
  rec.attach(c);
  bring_up(h, c);
  h.on_connect = [&](fake_transport& t) {
    t.fail(std::make_error_code(std::errc::connection_refused));
  };
  h.last().server_close(3001, "shutdown");
  h.pump();
  h.advance(3s - 1ms);
  CHECK(rec.stops.empty());
  CHECK(rec.errors.size() >= 1);  // failed reconnect attempts are errors
  h.advance(1ms);
  REQUIRE(rec.stops == std::vector<stop_reason>{stop_reason::gave_up});
  CHECK(rec.outcomes.size() == 1);  // the initial outcome (immediate) stays the only one
  CHECK(rec.outcomes[0].kind == outcome_kind::immediate);
}

TEST_CASE("the MWP preset times calls out after 5 s", "[client][options]") {
  harness h;
  client_options o = client_options::mwp();
  o.url = test_options().url;
  centrifuge_client c(h.ctx, o);
  bring_up(h, c);
  call_result r;
  c.history(session, {}, r.handler());
  h.pump();
  CHECK(
      h.last().sent.back() ==
      R"({"history":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","limit":50},"id":2})");
  h.advance(5s - 1ns);
  CHECK(r.calls == 0);
  h.advance(1ns);
  CHECK(r.ec == make_error_code(errc::reply_timeout));
}

TEST_CASE("history with since and reverse follows centrifuge-js key order", "[client][frames]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  bring_up(h, c);
  history_options ho;
  ho.limit = 10;
  ho.since = history_options::position{5, "AbCdEfGh"};
  ho.reverse = true;
  c.history(session, ho, nullptr);
  h.pump();
  CHECK(
      h.last().sent.back() ==
      R"({"history":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","since":{"offset":5,"epoch":"AbCdEfGh"},"limit":10,"reverse":true},"id":2})");
}
