// relay_core's rate limits (relay_config::max_publish_rate / max_connect_rate, test knobs)
// with a fake clock: commands beyond the token bucket wait in FIFO order and are answered
// exactly when their tokens come; closing connections drop their queued work; the queue
// is bounded.
#include "golden_frames.hpp"
#include "relay_harness.hpp"

using namespace relay_test;

namespace {

// No pings: long fake-clock jumps would otherwise close the connections for missing pongs.
relay_config limited(double publish_rate, double connect_rate = 0) {
  relay_config c = relay_config::mwp_default();
  c.ping_interval = 0s;
  c.max_publish_rate = publish_rate;
  c.max_connect_rate = connect_rate;
  return c;
}

std::string publish_reply(int id) { return R"({"id":)" + std::to_string(id) + R"(,"publish":{}})"; }
std::string connect_cmd(int id) {
  return R"({"connect":{"name":"js"},"id":)" + std::to_string(id) + "}";
}

// Nothing queued is left: the only deadline may be the channels' history TTL (300 s).
bool queue_empty(const harness& h) {
  const auto d = h.core->next_deadline();
  return !d || *d > h.now + 60s;
}

// Sends publishes with command ids first..last, one frame each, data "m<id>".
void publish_each(harness& h, connection_id conn, int first, int last) {
  for (int id = first; id <= last; ++id) {
    h.frame(conn, publish_cmd(ss, "\"m" + std::to_string(id) + "\"", id));
  }
}

}  // namespace

TEST_CASE("rate limit: publishes beyond the bucket are answered in order, at the rate",
          "[relay][rate_limit]") {
  harness h(limited(10));  // a token every 100 ms, a bucket of 10
  h.connect(1);
  const auto t0 = h.now;
  publish_each(h, 1, 2, 16);  // 15 publishes at once
  h.frame(1, history_cmd(ss, R"(,"limit":50)", 17));

  // The bucket's 10 are answered at once, one message per frame.
  std::vector<std::string> first;
  for (int id = 2; id <= 11; ++id) first.push_back(publish_reply(id));
  CHECK(h.sent(1) == first);
  REQUIRE(h.core->next_deadline() == t0 + 100ms);

  h.advance_to(t0 + 100ms - 1ns);
  CHECK(h.quiet());
  h.advance_to(t0 + 100ms);
  CHECK(h.sent(1) == std::vector<std::string>{publish_reply(12)});

  // advance() running late does not shift the schedule: the next token is still due at
  // 300 ms, not 100 ms after this late call.
  h.advance_to(t0 + 250ms);
  CHECK(h.sent(1) == std::vector<std::string>{publish_reply(13)});
  CHECK(h.core->next_deadline() == t0 + 300ms);

  // The history command waited behind the publishes (replies are never reordered) and
  // sees all 15, in the order they were sent.
  h.advance_to(t0 + 500ms);
  const auto f = h.sent(1);
  REQUIRE(f.size() == 1);  // everything one advance() produced is one message
  const auto msgs = lines(f[0]);
  REQUIRE(msgs.size() == 4);
  CHECK(msgs[0] == publish_reply(14));
  CHECK(msgs[1] == publish_reply(15));
  CHECK(msgs[2] == publish_reply(16));
  std::size_t at = 0;
  for (int id = 2; id <= 16; ++id) {
    const auto next = msgs[3].find("\"m" + std::to_string(id) + "\"", at);
    INFO("publication m" << id);
    REQUIRE(next != std::string::npos);
    at = next;
  }
  CHECK(queue_empty(h));
  CHECK(h.core->stats().publishes == 15);
}

TEST_CASE("rate limit: a fractional rate has a fractional bucket, and a slow one a bucket of 1",
          "[relay][rate_limit]") {
  SECTION("2.5 per second: 2 at once, then 200 ms (the half token), then every 400 ms") {
    harness h(limited(2.5));
    h.connect(1);
    const auto t0 = h.now;
    publish_each(h, 1, 2, 5);
    CHECK(h.sent(1).size() == 2);
    CHECK(h.core->next_deadline() == t0 + 200ms);
    h.advance_to(t0 + 200ms);
    CHECK(h.sent(1) == std::vector<std::string>{publish_reply(4)});
    h.advance_to(t0 + 600ms - 1ns);
    CHECK(h.quiet());
    h.advance_to(t0 + 600ms);
    CHECK(h.sent(1) == std::vector<std::string>{publish_reply(5)});
  }
  SECTION("0.5 per second: 1 at once, then every 2 s") {
    harness h(limited(0.5));
    h.connect(1);
    const auto t0 = h.now;
    publish_each(h, 1, 2, 4);
    CHECK(h.sent(1) == std::vector<std::string>{publish_reply(2)});
    CHECK(h.core->next_deadline() == t0 + 2s);
    h.advance_to(t0 + 2s);
    CHECK(h.sent(1) == std::vector<std::string>{publish_reply(3)});
    h.advance_to(t0 + 4s);
    CHECK(h.sent(1) == std::vector<std::string>{publish_reply(4)});
  }
  SECTION("an idle bucket refills to one second's worth, no more") {
    harness h(limited(2));
    h.connect(1);
    publish_each(h, 1, 2, 3);
    CHECK(h.sent(1).size() == 2);
    h.advance(1h);
    publish_each(h, 1, 4, 6);
    CHECK(h.sent(1).size() == 2);
    CHECK(h.core->next_deadline() == h.now + 500ms);
  }
}

TEST_CASE("rate limit: the queue is FIFO across connections", "[relay][rate_limit]") {
  harness h(limited(1));
  h.connect(1);
  h.connect(2);
  const auto t0 = h.now;
  publish_each(h, 1, 2, 4);
  publish_each(h, 2, 2, 2);
  CHECK(h.sent(1) == std::vector<std::string>{publish_reply(2)});
  CHECK(h.sent(2).empty());
  h.advance_to(t0 + 1s);
  CHECK(h.sent(1) == std::vector<std::string>{publish_reply(3)});
  h.advance_to(t0 + 2s);
  CHECK(h.sent(1) == std::vector<std::string>{publish_reply(4)});
  CHECK(h.sent(2).empty());
  h.advance_to(t0 + 3s);
  CHECK(h.sent(2) == std::vector<std::string>{publish_reply(2)});
  CHECK(h.quiet());
}

TEST_CASE("rate limit: connect replies wait for the connect rate, other commands do not",
          "[relay][rate_limit][connect]") {
  harness h(limited(0, 2));  // connects: a token every 500 ms, a bucket of 2
  const auto t0 = h.now;
  for (connection_id id = 1; id <= 5; ++id) {
    h.client_ids.push_back("c" + std::to_string(id));
    h.open(id);
    h.frame(id, connect_cmd(1));
  }
  // A subscribe sent before the connect reply waits behind the connect instead of being
  // refused as a command before connect (3501).
  h.frame(3, subscribe_cmd(ss, 2));
  CHECK(h.sent(1).size() == 1);
  CHECK(h.sent(2).size() == 1);
  CHECK(h.sent(3).empty());

  // Connected clients publish freely meanwhile: publishes are not limited here.
  CHECK(h.call1(1, publish_cmd(hs, "\"x\"", 2)) == publish_reply(2));

  h.advance_to(t0 + 500ms - 1ns);
  CHECK(h.quiet());
  h.advance_to(t0 + 500ms);
  const auto f = h.sent(3);
  REQUIRE(f.size() == 1);
  const auto msgs = lines(f[0]);
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[0].find(R"("client":"c3")") != std::string::npos);
  CHECK(msgs[1].rfind(R"({"id":2,"subscribe":{)", 0) == 0);
  CHECK(!h.closed(3));
  h.advance_to(t0 + 1s);
  CHECK(h.sent(4).size() == 1);
  h.advance_to(t0 + 1500ms);
  CHECK(h.sent(5).size() == 1);
  CHECK(h.core->stats().connections_connected == 5);
}

TEST_CASE("rate limit: a queued connect is still subject to the stale close",
          "[relay][rate_limit][connect]") {
  harness h(limited(0, 0.05));  // a connect token every 20 s: longer than stale_close_delay
  h.connect(1);
  const auto t0 = h.now;
  h.open(2);
  h.frame(2, connect_cmd(1));
  h.advance_to(t0 + 10s);
  h.expect_closed(2, 3502, "stale");
  h.advance_to(t0 + 20s);
  CHECK(h.quiet());
  // The dropped connect left its token unused: the next one is answered at once.
  h.open(3);
  h.frame(3, connect_cmd(1));
  CHECK(h.sent(3).size() == 1);
}

TEST_CASE("rate limit: a publish sent before the connect reply does not hold up others",
          "[relay][rate_limit]") {
  harness h(limited(100, 1));
  h.connect(1);  // takes the only connect token
  const auto t0 = h.now;
  h.open(2);
  h.frame(2, connect_cmd(1) + "\n" + publish_cmd(hs, "\"early\"", 2));
  CHECK(h.sent(2).empty());
  // Connection 2's publish waits for its connect; connection 1's does not wait for it.
  CHECK(h.call1(1, publish_cmd(hs, "\"x\"", 2)) == publish_reply(2));
  h.advance_to(t0 + 1s);
  const auto f = h.sent(2);
  REQUIRE(f.size() == 1);
  const auto msgs = lines(f[0]);
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[0].rfind(R"({"id":1,"connect":)", 0) == 0);
  CHECK(msgs[1] == publish_reply(2));
}

TEST_CASE("rate limit: pongs are not queued behind publishes", "[relay][rate_limit][ping]") {
  relay_config c = limited(0.1);  // a publish every 10 s
  c.ping_interval = 25s;
  harness h(c);
  const auto t0 = h.now;
  h.connect(1);
  publish_each(h, 1, 2, 6);  // answered at 0, 10, 20, 30, 40 s
  CHECK(h.sent(1).size() == 1);
  h.advance_to(t0 + 10s);
  CHECK(h.sent(1) == std::vector<std::string>{publish_reply(3)});
  h.advance_to(t0 + 20s);
  CHECK(h.sent(1) == std::vector<std::string>{publish_reply(4)});
  h.advance_to(t0 + 25s);
  CHECK(h.sent(1) == std::vector<std::string>{"{}"});
  h.frame(1, "{}");
  h.advance_to(t0 + 33s);  // the pong check: the pong was taken at once
  CHECK(!h.closed(1));
  CHECK(h.sent(1) == std::vector<std::string>{publish_reply(5)});
}

TEST_CASE("rate limit: a closing connection's queued work is dropped",
          "[relay][rate_limit][close]") {
  harness h(limited(1));
  h.connect(1);
  h.connect(2);
  const auto t0 = h.now;
  publish_each(h, 1, 2, 6);  // one answered, four queued
  publish_each(h, 2, 2, 2);  // queued behind them
  CHECK(h.sent(1).size() == 1);

  SECTION("closed by the client") { h.client_close(1); }
  SECTION("closed by the relay") { CHECK(h.core->disconnect(1, 3001, "shutdown")); }

  // Connection 2 gets the next token, as if connection 1's commands had never come.
  CHECK(h.core->next_deadline() == t0 + 1s);
  h.advance_to(t0 + 1s);
  CHECK(h.sent(2) == std::vector<std::string>{publish_reply(2)});
  h.advance_to(t0 + 10s);
  CHECK(h.sent(1).empty());
  (void)h.closed(1);
  CHECK(h.quiet());
  CHECK(h.core->stats().publishes == 2);
  CHECK(queue_empty(h));
}

TEST_CASE("rate limit: many connections closing with queued work leave nothing behind",
          "[relay][rate_limit][close]") {
  harness h(limited(1));
  h.connect(1);
  const auto t0 = h.now;
  publish_each(h, 1, 2, 3);  // one takes the token; one stays at the front of the queue
  // Behind it, enough waiters of closed connections for the queue to be compacted.
  for (connection_id id = 100; id < 3100; ++id) {
    h.connect(id);
    publish_each(h, id, 2, 3);
    h.client_close(id);
  }
  h.connect(2);
  publish_each(h, 2, 2, 2);
  h.advance_to(t0 + 1s);
  CHECK(h.sent(1) == std::vector<std::string>{publish_reply(2), publish_reply(3)});
  CHECK(h.core->next_deadline() == t0 + 2s);
  h.advance_to(t0 + 2s);
  CHECK(h.sent(2) == std::vector<std::string>{publish_reply(2)});
  CHECK(h.core->stats().connections_current == 2);
}

TEST_CASE("rate limit: a frame's framing error closes only after its queued commands",
          "[relay][rate_limit][3501]") {
  harness h(limited(1));
  h.connect(1);
  const auto t0 = h.now;
  h.frame(1, publish_cmd(ss, "\"a\"", 2) + "\n" + publish_cmd(ss, "\"b\"", 3) + "\nnot json");
  CHECK(h.sent(1) == std::vector<std::string>{publish_reply(2)});
  CHECK(!h.closed(1));
  // Commands after the bad frame would never run: they are not queued.
  publish_each(h, 1, 4, 4);
  h.advance_to(t0 + 1s);
  CHECK(h.sent(1) == std::vector<std::string>{publish_reply(3)});
  h.expect_closed(1, 3501, "bad request");
  CHECK(h.core->stats().publishes == 2);
  CHECK(queue_empty(h));
}

TEST_CASE("rate limit: beyond the queue bound commands get error 111 at once, logged once",
          "[relay][rate_limit][bound]") {
  relay_config c = limited(1, 1);
  c.rate_limit_queue_size = 3;
  std::vector<std::string> log;
  relayload::relay::relay_core_hooks hooks;
  hooks.log = [&log](std::string_view line) { log.emplace_back(line); };
  harness h(c, hooks);
  h.connect(1);
  const auto t0 = h.now;
  publish_each(h, 1, 2, 7);  // 1 answered, 3 queued, 2 refused
  const std::string refused = R"({"id":%,"error":{"code":111,"message":"too many requests"}})";
  const auto error_reply = [&refused](int id) {
    auto s = refused;
    s.replace(s.find('%'), 1, std::to_string(id));
    return s;
  };
  CHECK(h.sent(1) == std::vector<std::string>{publish_reply(2), error_reply(6), error_reply(7)});
  // A connect beyond the bound is refused the same way (the connection stays open).
  h.open(2);
  h.frame(2, connect_cmd(1));
  CHECK(h.sent(2) == std::vector<std::string>{error_reply(1)});
  REQUIRE(log.size() == 1);
  CHECK(log[0].find("111") != std::string::npos);
  CHECK(h.core->stats().errors_of(111) == 3);

  // As the queue drains, commands are queued again.
  h.advance_to(t0 + 1s);
  CHECK(h.sent(1) == std::vector<std::string>{publish_reply(3)});
  publish_each(h, 1, 8, 8);
  for (int i = 2; i <= 4; ++i) {
    h.advance_to(t0 + i * 1s);
    CHECK(h.sent(1) == std::vector<std::string>{publish_reply(i == 4 ? 8 : i + 2)});
  }
  CHECK(log.size() == 1);
}

TEST_CASE("rate limit: 0 means unlimited, and the config rejects bad rates",
          "[relay][rate_limit][config]") {
  harness h(limited(0, 0));
  h.connect(1);
  publish_each(h, 1, 2, 1001);
  CHECK(h.sent(1).size() == 1000);
  CHECK(queue_empty(h));

  relay_config c = relay_config::mwp_default();
  c.max_publish_rate = -1;
  c.max_connect_rate = std::numeric_limits<double>::quiet_NaN();
  auto problems = c.validate();
  REQUIRE(problems.size() == 2);
  CHECK(problems[0] == "max_publish_rate: must be finite and not negative (0 = unlimited)");
  CHECK(problems[1] == "max_connect_rate: must be finite and not negative (0 = unlimited)");
  c.max_publish_rate = 0.0001;
  c.max_connect_rate = 2e9;
  c.rate_limit_queue_size = 0;
  problems = c.validate();
  REQUIRE(problems.size() == 3);
  CHECK(problems[0] ==
        "max_publish_rate: 0.0001 per second is outside 0.001 to 1e9 (0 = unlimited)");
  CHECK(problems[1] ==
        "max_connect_rate: 2e+09 per second is outside 0.001 to 1e9 (0 = unlimited)");
  CHECK(problems[2] == "rate_limit_queue_size: must be positive");
  // Test knobs, not Centrifugo settings: a configuration file never sets them.
  const auto parsed = relay_config::from_json(R"({"max_publish_rate":5})");
  CHECK(parsed.max_publish_rate == 0);
}
