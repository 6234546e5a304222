// relay_core with a fake clock: stale close, ping cadence, pong timeout, history TTL,
// stream metadata expiry.
#include "golden_frames.hpp"
#include "relay_harness.hpp"

using namespace relay_test;

namespace {
// Long fake-clock jumps would otherwise close the test connections for missing pongs.
relay_config no_ping_config() {
  relay_config c = relay_config::mwp_default();
  c.ping_interval = 0s;
  return c;
}
}  // namespace

TEST_CASE("3502: a connection that never sends connect is closed after stale_close_delay",
          "[relay][timers]") {
  harness h;
  const auto t0 = h.now;
  h.open(1);
  REQUIRE(h.core->next_deadline() == t0 + 10s);
  h.advance_to(t0 + 10s - 1ms);
  CHECK(h.quiet());
  h.advance_to(t0 + 10s);
  h.expect_closed(1, 3502, "stale");
  CHECK(h.core->stats().connections_current == 0);
}

TEST_CASE("3502 does not hit a connection that connected in time", "[relay][timers]") {
  harness h;
  const auto t0 = h.now;
  h.open(1);
  h.advance_to(t0 + 9s);
  h.frame(1, golden::c1);
  CHECK(h.sent(1).size() == 1);
  h.advance_to(t0 + 20s);
  CHECK(h.quiet());
}

TEST_CASE("pings go out at exactly the announced interval while pongs arrive",
          "[relay][timers][ping]") {
  harness h;
  const auto t0 = h.now;
  h.connect(1);
  for (int i = 1; i <= 4; ++i) {
    const auto ping_at = t0 + i * 25s;
    h.advance_to(ping_at - 1ms);
    CHECK(h.sent(1).empty());
    h.advance_to(ping_at);
    CHECK(h.sent(1) == std::vector<std::string>{"{}"});
    h.advance_to(ping_at + 2s);
    CHECK(h.call(1, "{}").empty());  // the pong has no reply
    CHECK(h.quiet());
  }
  CHECK(h.core->stats().pings_sent == 4);
  CHECK(h.core->stats().commands_of(relayload::wire::method::pong) == 4);
}

TEST_CASE("3012: no pong within pong_timeout closes with no pong", "[relay][timers][ping]") {
  harness h;
  const auto t0 = h.now;
  h.connect(1);
  h.advance_to(t0 + 25s);
  CHECK(h.sent(1) == std::vector<std::string>{"{}"});
  h.advance_to(t0 + 33s - 1ms);
  CHECK(h.quiet());
  h.advance_to(t0 + 33s);
  h.expect_closed(1, 3012, "no pong");
  CHECK(h.core->stats().disconnects_of(3012) == 1);
}

TEST_CASE("3501: a second pong for one ping is unsolicited", "[relay][timers][ping]") {
  harness h;
  const auto t0 = h.now;
  h.connect(1);
  h.advance_to(t0 + 25s);
  (void)h.sent(1);
  h.frame(1, "{}");
  CHECK(h.quiet());
  h.frame(1, "{}");
  h.expect_closed(1, 3501, "bad request");
}

TEST_CASE("a late pong (after the check) is unsolicited: the connection was already closed",
          "[relay][timers][ping]") {
  harness h;
  const auto t0 = h.now;
  h.connect(1);
  h.advance_to(t0 + 25s);
  (void)h.sent(1);
  h.advance_to(t0 + 40s);
  h.expect_closed(1, 3012, "no pong");
  h.frame(1, "{}");
  CHECK(h.quiet());
}

TEST_CASE("other commands do not count as a pong", "[relay][timers][ping]") {
  harness h;
  const auto t0 = h.now;
  h.connect(1);
  h.advance_to(t0 + 25s);
  (void)h.sent(1);
  h.advance_to(t0 + 30s);
  h.call(1, golden::c6a);
  h.advance_to(t0 + 33s);
  h.expect_closed(1, 3012, "no pong");
}

TEST_CASE("randomized first ping lies in [interval/2, interval], reproducibly by seed",
          "[relay][timers][ping]") {
  relay_config c = relay_config::mwp_default();
  c.randomize_first_ping = true;
  c.seed = 42;
  auto first_ping_delays = [&c] {
    harness h(c);
    const auto t0 = h.now;
    std::vector<relay_core::clock::duration> delays;
    for (connection_id id = 1; id <= 20; ++id) h.connect(id);
    for (auto t = t0; t <= t0 + 25s; t += 100ms) {
      h.advance_to(t);
      for (connection_id id = 1; id <= 20; ++id) {
        if (!h.sent(id).empty()) delays.push_back(t - t0);
      }
    }
    return delays;
  };
  const auto a = first_ping_delays();
  REQUIRE(a.size() == 20);
  for (const auto d : a) {
    CHECK(d >= 12500ms);
    CHECK(d <= 25s);
  }
  CHECK(std::adjacent_find(a.begin(), a.end(), std::not_equal_to<>()) != a.end());  // spread
  CHECK(first_ping_delays() == a);
}

TEST_CASE("next_deadline tracks the earliest timer", "[relay][timers]") {
  harness h;
  const auto t0 = h.now;
  CHECK_FALSE(h.core->next_deadline().has_value());
  h.connect(1);
  CHECK(h.core->next_deadline() == t0 + 25s);
  h.call(1, publish_cmd(ss, "1", 2));
  CHECK(h.core->next_deadline() == t0 + 25s);
  h.advance_to(t0 + 25s);
  CHECK(h.core->next_deadline() == t0 + 33s);
}

TEST_CASE("history TTL: publications vanish 300 s after the last publish, top and epoch stay",
          "[relay][history][ttl]") {
  harness h(no_ping_config());
  h.epochs = {"AbCdEfGh"};
  const auto t0 = h.now;
  h.connect(1, "a");
  h.call(1, publish_cmd(hs, "1", 2));
  h.advance_to(t0 + 200s);
  h.call(1, publish_cmd(hs, "2", 3));
  (void)h.sent(1);
  // 300 s after the first publish the stream still holds both (TTL counts from the last).
  h.now = t0 + 499s;
  CHECK(h.call1(1, golden::c6a).find(R"("offset":2}],"epoch")") != std::string::npos);
  h.advance_to(t0 + 500s);
  CHECK(h.call1(1, golden::c6a) ==
        R"({"id":3,"history":{"publications":[],"epoch":"AbCdEfGh","offset":2}})");
  CHECK(
      h.call1(1, golden::c4a) ==
      R"({"id":2,"subscribe":{"recoverable":true,"epoch":"AbCdEfGh","offset":2,"positioned":true}})");
  // A new publish continues at offset 3 in the same epoch.
  CHECK(lines(h.call1(1, publish_cmd(hs, "3", 4)))[0] == pub_push(hs, "3", "a", 3));
}

TEST_CASE("history TTL is applied even when advance() was not called", "[relay][history][ttl]") {
  harness h;
  h.epochs = {"AbCdEfGh"};
  h.connect(1, "a");
  h.call(1, publish_cmd(hs, "1", 2));
  h.now += 300s;  // no advance()
  CHECK(h.call1(1, golden::c6a) ==
        R"({"id":3,"history":{"publications":[],"epoch":"AbCdEfGh","offset":1}})");
}

TEST_CASE("stream metadata TTL: an unused stream gets a new epoch at offset 0",
          "[relay][history][meta]") {
  relay_config c = no_ping_config();
  c.history_meta_ttl = 1h;
  harness h(c);
  h.epochs = {"AbCdEfGh", "NewEpoch"};
  const auto t0 = h.now;
  h.connect(1, "a");
  h.call(1, publish_cmd(hs, "1", 2));
  // Subscribed connections keep the stream in use.
  h.call(1, golden::c4a);
  h.advance_to(t0 + 2h);
  (void)h.sent(1);
  CHECK(h.call1(1, golden::c6a) ==
        R"({"id":3,"history":{"publications":[],"epoch":"AbCdEfGh","offset":1}})");
  // Unused for longer than the meta TTL: forgotten.
  h.call(1, golden::c9a);
  h.advance_to(t0 + 3h + 1s);
  CHECK(h.core->stats().channels == 0);
  CHECK(h.call1(1, golden::c4a) ==
        R"({"id":2,"subscribe":{"recoverable":true,"epoch":"NewEpoch","positioned":true}})");
}

TEST_CASE("namespace history_meta_ttl overrides the relay's", "[relay][history][meta]") {
  relay_config c = relay_config::mwp_default();
  c.namespaces[0].history_meta_ttl = 10min;  // handshake
  harness h(c);
  h.epochs = {"E1", "E2"};
  h.connect(1, "a");
  h.call(1, golden::c6a);
  h.now += 10min;
  CHECK(h.call1(1, golden::c6a) ==
        R"({"id":3,"history":{"publications":[],"epoch":"E2","offset":0}})");
}

TEST_CASE("channels with no subscribers and no stream are freed", "[relay][history]") {
  harness h;
  h.connect(1, "a");
  h.call(1, subscribe_cmd("session:7c9e6679-7425-40de-944b-e07fc1f90ae7", 2));
  CHECK(h.core->stats().channels == 1);
  h.client_close(1);
  // The (empty) stream stays until its metadata expires (720 h by default).
  CHECK(h.core->stats().channels == 1);
  h.advance(721h);
  CHECK(h.core->stats().channels == 0);
  CHECK_FALSE(h.core->next_deadline().has_value());
}
