// relay_core: connect, framing, protocol violations (3501), subscribe/publish/unsubscribe
// validation, permissions, batching and raw data.
#include "golden_frames.hpp"
#include "relay_harness.hpp"

using namespace relay_test;
using relayload::relay::namespace_options;
using relayload::wire::method;

namespace {

void expect_bad_request(harness& h, connection_id id, const std::string& frame) {
  INFO(frame);
  h.frame(id, frame);
  h.expect_closed(id, 3501, "bad request");
  (void)h.sent(id);  // replies to commands before the bad one
  // The connection is gone: later frames are ignored.
  h.frame(id, golden::c1);
  CHECK(h.sent(id).empty());
  CHECK(h.quiet());
}

relay_config chat_config() {
  relay_config c = relay_config::mwp_default();
  namespace_options chat;
  chat.name = "chat";
  chat.allow_subscribe_for_client = true;
  chat.allow_subscribe_for_anonymous = true;
  chat.allow_publish_for_subscriber = true;
  chat.allow_publish_for_anonymous = true;
  chat.allow_history_for_subscriber = true;
  chat.allow_history_for_anonymous = true;
  chat.allow_presence_for_client = true;
  chat.allow_presence_for_anonymous = true;
  chat.presence = true;
  chat.history_size = 3;
  chat.history_ttl = 60s;
  c.namespaces.push_back(chat);
  namespace_options quiet;  // no history, no positioning: subscribe result is {}
  quiet.name = "quiet";
  quiet.allow_subscribe_for_client = true;
  quiet.allow_subscribe_for_anonymous = true;
  quiet.allow_publish_for_client = true;
  quiet.allow_publish_for_anonymous = true;
  quiet.allow_history_for_client = true;
  quiet.allow_history_for_anonymous = true;
  c.namespaces.push_back(quiet);
  namespace_options locked;  // subscribe only for authenticated users
  locked.name = "locked";
  locked.allow_subscribe_for_client = true;
  locked.history_size = 1;
  locked.history_ttl = 1s;
  c.namespaces.push_back(locked);
  return c;
}

}  // namespace

TEST_CASE("connect: fresh UUID v4 client ids by default", "[relay][connect]") {
  recording_sink sink;
  relay_core core(relay_config::mwp_default(), sink);
  const auto t = relay_core::clock::now();
  core.on_open(1, t);
  core.on_open(2, t);
  core.on_frame(1, golden::c1, t);
  core.on_frame(2, golden::c1, t);
  const auto a = core.client_id_of(1);
  const auto b = core.client_id_of(2);
  CHECK(a != b);
  for (const auto& id : {a, b}) {
    REQUIRE(id.size() == 36);
    CHECK(id[14] == '4');
    CHECK((id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b'));
    CHECK(id.find_first_not_of("0123456789abcdef-") == std::string::npos);
  }
  REQUIRE(sink.log.size() == 2);
  CHECK(sink.log[0].text.find(a) != std::string::npos);
}

TEST_CASE("connect: version and ping are configurable, ping 0 omits ping and pong",
          "[relay][connect]") {
  relay_config c = relay_config::mwp_default();
  c.version = "test 1";
  c.ping_interval = 1500ms;  // announced rounded up: never later than announced
  c.pong_timeout = 500ms;
  harness h(c);
  CHECK(h.connect(1, "x") ==
        R"({"id":1,"connect":{"client":"x","version":"test 1","ping":2,"pong":true}})");
  c.ping_interval = 0ms;
  harness h2(c);
  CHECK(h2.connect(1, "x") == R"({"id":1,"connect":{"client":"x","version":"test 1"}})");
  h2.advance(1h);
  CHECK(h2.quiet());  // no pings at all
}

TEST_CASE("3501: framing errors and commands out of order close the connection", "[relay][3501]") {
  SECTION("empty frame") {
    harness h;
    h.open(1);
    expect_bad_request(h, 1, "");
  }
  SECTION("blank line in the middle of a batch") {
    harness h;
    h.connect(1);
    expect_bad_request(h, 1, std::string(golden::c6a) + "\n\n" + golden::c6a);
  }
  SECTION("malformed JSON") {
    harness h;
    h.connect(1);
    expect_bad_request(h, 1, R"({"subscribe":{"channel":)");
  }
  SECTION("a command before connect") {
    harness h;
    h.open(1);
    expect_bad_request(h, 1, golden::c4a);
  }
  SECTION("a pong before connect") {
    harness h;
    h.open(1);
    expect_bad_request(h, 1, "{}");
  }
  SECTION("a second connect") {
    harness h;
    h.connect(1);
    expect_bad_request(h, 1, R"({"connect":{"name":"js"},"id":2})");
  }
  SECTION("an unsolicited pong") {
    harness h;
    h.connect(1);
    expect_bad_request(h, 1, "{}");
  }
  SECTION("a command without id") {
    harness h;
    h.connect(1);
    expect_bad_request(h, 1, R"({"subscribe":{"channel":"handshake:x"}})");
  }
  SECTION("a v1-style ping command") {
    harness h;
    h.connect(1);
    expect_bad_request(h, 1, R"({"ping":{},"id":2})");
  }
  SECTION("empty channel in subscribe") {
    harness h;
    h.connect(1);
    expect_bad_request(h, 1, subscribe_cmd("", 2));
  }
  SECTION("empty channel in publish") {
    harness h;
    h.connect(1);
    expect_bad_request(h, 1, publish_cmd("", "\"x\"", 2));
  }
  SECTION("empty channel in unsubscribe") {
    harness h;
    h.connect(1);
    expect_bad_request(h, 1, unsubscribe_cmd("", 2));
  }
  SECTION("empty channel in history") {
    harness h;
    h.connect(1);
    expect_bad_request(h, 1, history_cmd("", "", 2));
  }
  SECTION("empty channel in presence") {
    harness h;
    h.connect(1);
    expect_bad_request(h, 1, R"({"presence":{"channel":""},"id":2})");
  }
}

TEST_CASE("3501: commands before a bad one in the same frame are answered first",
          "[relay][3501][batch]") {
  harness h;
  h.epochs = {"AbCdEfGh"};
  h.connect(1, dapp_id);
  h.frame(1, std::string(golden::c4a) + "\nnot json");
  CHECK(h.sent(1) == std::vector<std::string>{golden::c5a});
  h.expect_closed(1, 3501, "bad request");
  CHECK(h.core->stats().disconnects_of(3501) == 1);
}

TEST_CASE("framing: one trailing newline is tolerated", "[relay][batch]") {
  harness h;
  h.epochs = {"AbCdEfGh"};
  h.open(1);
  h.client_ids.push_back(dapp_id);
  CHECK(h.call(1, std::string(golden::c1) + "\n") == std::vector<std::string>{golden::c2});
  CHECK(h.call(1, std::string(golden::c4a) + "\n") == std::vector<std::string>{golden::c5a});
}

TEST_CASE("batching: replies and own pushes of one frame come back as one frame, in order",
          "[relay][batch]") {
  harness h;
  h.epochs = {"AbCdEfGh"};
  h.connect(2, wallet_id);
  h.call(2, golden::c4a);
  h.client_ids.push_back(dapp_id);
  h.open(1);
  const std::string data = R"("hello")";
  h.frame(1, std::string(golden::c1) + "\n" + golden::c4a + "\n" + publish_cmd(hs, data, 3) + "\n" +
                 golden::c6a);
  const auto frames = h.sent(1);
  REQUIRE(frames.size() == 1);
  const auto msgs = lines(frames[0]);
  REQUIRE(msgs.size() == 5);
  CHECK(msgs[0] == golden::c2);
  CHECK(msgs[1] == golden::c5a);
  CHECK(msgs[2] == pub_push(hs, data, dapp_id, 1));
  CHECK(msgs[3] == R"({"id":3,"publish":{}})");
  CHECK(msgs[4].rfind(R"({"id":3,"history":{"publications":[{"data":"hello")", 0) == 0);
  // The other subscriber gets the push on its own.
  CHECK(h.sent(2) == std::vector<std::string>{pub_push(hs, data, dapp_id, 1)});
}

TEST_CASE("publish: raw data bytes are stored and re-emitted verbatim", "[relay][publish]") {
  harness h;
  h.connect(1, "c1");
  h.call(1, subscribe_cmd(ss, 2));
  for (const std::string data :
       {R"({"k" : [1, 2.50, "\u00e9\n"] })", R"("caf\u00e9 \/ é")", "12.0e3"}) {
    const auto f = h.call1(1, publish_cmd(ss, data, 3));
    CHECK(lines(f)[0].find(R"("pub":{"data":)" + data + R"(,"info")") != std::string::npos);
  }
  // Protobuf JSON: a null field is an absent one, so null data is no data (107), not the
  // four bytes "null" stored and pushed.
  CHECK(h.call1(1, publish_cmd(ss, "null", 4)) ==
        R"({"id":4,"error":{"code":107,"message":"bad request"}})");
  CHECK(h.call1(1, publish_cmd(ss, " null ", 5)) ==
        R"({"id":5,"error":{"code":107,"message":"bad request"}})");
  const auto hist = h.call1(1, history_cmd(ss, R"(,"limit":10)", 6));
  CHECK(hist.find(R"({"data":{"k" : [1, 2.50, "\u00e9\n"] },"info")") != std::string::npos);
  CHECK(hist.find(R"({"data":"caf\u00e9 \/ é","info")") != std::string::npos);
  CHECK(hist.find(R"({"data":12.0e3,"info")") != std::string::npos);
  CHECK(hist.find("null") == std::string::npos);
  CHECK(hist.find(R"("offset":4)") == std::string::npos);
  const auto s = h.core->stats();
  CHECK(s.publishes == 3);
  CHECK(s.errors_of(107) == 2);
}

TEST_CASE("publish: 107 on empty data, 103 on top-level, 102 unknown namespace, 107 bad name",
          "[relay][publish]") {
  harness h;
  h.connect(1);
  CHECK(h.call1(1, R"({"publish":{"channel":")" + std::string(hs) + R"("},"id":2})") ==
        R"({"id":2,"error":{"code":107,"message":"bad request"}})");
  CHECK(h.call1(1, R"({"publish":{"channel":")" + std::string(hs) + R"(","data":null},"id":3})") ==
        R"({"id":3,"error":{"code":107,"message":"bad request"}})");
  CHECK(h.call1(1, publish_cmd("3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f", "\"x\"", 4)) ==
        R"({"id":4,"error":{"code":103,"message":"permission denied"}})");
  CHECK(h.call1(1, publish_cmd("nope:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f", "\"x\"", 5)) ==
        R"({"id":5,"error":{"code":102,"message":"unknown channel"}})");
  CHECK(h.call1(1, publish_cmd("session:not-a-uuid", "\"x\"", 6)) ==
        R"({"id":6,"error":{"code":107,"message":"bad request"}})");
  CHECK(h.call1(1, publish_cmd("session:" + std::string(250, 'a'), "\"x\"", 7)) ==
        R"({"id":7,"error":{"code":107,"message":"bad request"}})");
  const auto s = h.core->stats();
  CHECK(s.publishes == 0);
  CHECK(s.errors_of(107) == 4);
}

TEST_CASE("publish: fan-out to every subscriber including the publisher, not to others",
          "[relay][publish]") {
  harness h;
  h.connect(1, "a");
  h.connect(2, "b");
  h.connect(3, "c");
  h.call(1, subscribe_cmd(ss, 2));
  h.call(2, subscribe_cmd(ss, 2));
  h.call(3, subscribe_cmd(hs, 2));
  h.frame(1, publish_cmd(ss, "\"m\"", 3));
  CHECK(h.sent(1) == std::vector<std::string>{pub_push(ss, "\"m\"", "a", 1) + "\n" +
                                              R"({"id":3,"publish":{}})"});
  CHECK(h.sent(2) == std::vector<std::string>{pub_push(ss, "\"m\"", "a", 1)});
  CHECK(h.sent(3).empty());
  // A publisher that is not subscribed gets only its reply.
  h.frame(3, publish_cmd(ss, "\"n\"", 3));
  CHECK(h.sent(3) == std::vector<std::string>{R"({"id":3,"publish":{}})"});
  CHECK(h.sent(1) == std::vector<std::string>{pub_push(ss, "\"n\"", "c", 2)});
  CHECK(h.sent(2) == std::vector<std::string>{pub_push(ss, "\"n\"", "c", 2)});
  const auto s = h.core->stats();
  CHECK(s.publishes == 2);
  CHECK(s.pushes == 4);
}

TEST_CASE("publish: per-channel order is preserved for every subscriber", "[relay][publish]") {
  harness h;
  h.connect(1, "a");
  h.connect(2, "b");
  h.connect(3, "c");
  for (connection_id id : {1, 2, 3}) h.call(id, subscribe_cmd(ss, 2));
  // Publishers alternate, so each subscriber gets some pushes with its own replies and some
  // on their own; every one must see offsets 1..50 in publish order, with nothing else.
  constexpr int n = 50;
  for (int i = 0; i < n; ++i) h.frame(1 + i % 2, publish_cmd(ss, std::to_string(i), 3 + i));
  std::vector<std::string> expected;
  for (int i = 0; i < n; ++i) {
    expected.push_back(
        pub_push(ss, std::to_string(i), i % 2 == 0 ? "a" : "b", static_cast<std::uint64_t>(i) + 1));
  }
  for (connection_id id : {1, 2, 3}) {
    INFO("subscriber " << id);
    std::vector<std::string> pushes;
    for (const auto& f : h.sent(id)) {
      for (const auto& m : lines(f)) {
        if (m.rfind(R"({"push":)", 0) == 0) pushes.push_back(m);
      }
    }
    CHECK(pushes == expected);
  }
  CHECK(h.quiet());
  // The stream itself keeps the same order (the session namespace keeps the last 20).
  const auto hist = h.call1(3, history_cmd(ss, R"(,"limit":50)", 99));
  std::size_t pos = 0;
  for (int off = n - 19; off <= n; ++off) {
    const auto at = hist.find(R"("offset":)" + std::to_string(off) + "}", pos);
    REQUIRE(at != std::string::npos);
    pos = at;
  }
}

TEST_CASE("subscribe: validation order and codes 105, 106, 107, 103, 102", "[relay][subscribe]") {
  relay_config c = chat_config();
  c.channel_limit = 2;
  harness h(c);
  h.connect(1);
  // Too long beats everything (even an unknown namespace).
  CHECK(h.call1(1, subscribe_cmd("nope:" + std::string(251, 'a'), 2)) ==
        R"({"id":2,"error":{"code":107,"message":"bad request"}})");
  h.call(1, subscribe_cmd(hs, 3));
  // Already subscribed beats the channel limit.
  h.call(1, subscribe_cmd(ss, 4));
  CHECK(h.call1(1, subscribe_cmd(hs, 5)) ==
        R"({"id":5,"error":{"code":105,"message":"already subscribed"}})");
  // Channel limit beats unknown namespace.
  CHECK(h.call1(1, subscribe_cmd("nope:x", 6)) ==
        R"({"id":6,"error":{"code":106,"message":"limit exceeded"}})");
  h.call(1, unsubscribe_cmd(ss, 7));
  CHECK(h.call1(1, subscribe_cmd("nope:x", 8)) ==
        R"({"id":8,"error":{"code":102,"message":"unknown channel"}})");
  // Regex beats permission; permission: anonymous not allowed in "locked".
  CHECK(h.call1(1, subscribe_cmd("session:7C9E6679-7425-40DE-944B-E07FC1F90AE7", 9)) ==
        R"({"id":9,"error":{"code":107,"message":"bad request"}})");
  CHECK(h.call1(1, subscribe_cmd("locked:x", 10)) ==
        R"({"id":10,"error":{"code":103,"message":"permission denied"}})");
  // Private channels need a subscription token, which is not supported.
  CHECK(h.call1(1, subscribe_cmd("$chat:x", 11)) ==
        R"({"id":11,"error":{"code":103,"message":"permission denied"}})");
  // A namespace without history answers {} (no positioning, no recovery).
  CHECK(h.call1(1, subscribe_cmd("quiet:x", 12)) == R"({"id":12,"subscribe":{}})");
  // 255 characters is still fine.
  h.call(1, unsubscribe_cmd("quiet:x", 13));
  CHECK(h.call1(1, subscribe_cmd("quiet:" + std::string(249, 'a'), 14)) ==
        R"({"id":14,"subscribe":{}})");
  CHECK(h.quiet());
}

TEST_CASE("subscribe: the reply precedes every pub of that channel", "[relay][subscribe]") {
  harness h;
  h.epochs = {"AbCdEfGh"};
  h.connect(1, "a");
  h.connect(2, "b");
  h.call(2, golden::c4a);
  // Connect, subscribe and a publish by another connection in one relay turn each.
  h.frame(1, golden::c4a);
  h.frame(2, publish_cmd(hs, "\"x\"", 3));
  const auto f = h.sent(1);
  REQUIRE(f.size() == 2);
  CHECK(f[0] == golden::c5a);
  CHECK(f[1] == pub_push(hs, "\"x\"", "b", 1));
}

TEST_CASE("unsubscribe: stops delivery and always replies {}", "[relay][subscribe]") {
  harness h;
  h.connect(1, "a");
  h.connect(2, "b");
  h.call(1, subscribe_cmd(ss, 2));
  h.call(2, subscribe_cmd(ss, 2));
  CHECK(h.call1(1, unsubscribe_cmd(ss, 3)) == R"({"id":3,"unsubscribe":{}})");
  h.call(2, publish_cmd(ss, "1", 3));
  CHECK(h.sent(1).empty());
  CHECK(h.core->stats().subscriptions == 1);
  // Re-subscribing works and shows the new top.
  CHECK(h.call1(1, subscribe_cmd(ss, 4)).find(R"("offset":1)") != std::string::npos);
}

TEST_CASE("presence: 108 without presence, results with it", "[relay][presence]") {
  harness h(chat_config());
  h.connect(1, "a");
  h.connect(2, "b");
  CHECK(h.call1(1, R"({"presence_stats":{"channel":")" + std::string(ss) + R"("},"id":2})") ==
        R"({"id":2,"error":{"code":108,"message":"not available"}})");
  CHECK(h.call1(1, R"({"presence":{"channel":"nokey"},"id":3})") ==
        R"({"id":3,"error":{"code":108,"message":"not available"}})");
  h.call(1, subscribe_cmd("chat:room", 4));
  h.call(2, subscribe_cmd("chat:room", 4));
  CHECK(h.call1(1, R"({"presence_stats":{"channel":"chat:room"},"id":5})") ==
        R"({"id":5,"presence_stats":{"num_clients":2,"num_users":1}})");
  const auto p = h.call1(1, R"({"presence":{"channel":"chat:room"},"id":6})");
  CHECK(p.find(R"("a":{"user":"","client":"a"})") != std::string::npos);
  CHECK(p.find(R"("b":{"user":"","client":"b"})") != std::string::npos);
}

TEST_CASE("publish and history for subscribers only", "[relay][permissions]") {
  harness h(chat_config());
  h.connect(1, "a");
  CHECK(h.call1(1, publish_cmd("chat:room", "1", 2)) ==
        R"({"id":2,"error":{"code":103,"message":"permission denied"}})");
  CHECK(h.call1(1, history_cmd("chat:room", "", 3)) ==
        R"({"id":3,"error":{"code":103,"message":"permission denied"}})");
  h.call(1, subscribe_cmd("chat:room", 4));
  CHECK(lines(h.call1(1, publish_cmd("chat:room", "1", 5)))[1] == R"({"id":5,"publish":{}})");
  CHECK(h.call1(1, history_cmd("chat:room", "", 6)).find(R"("offset":1)") != std::string::npos);
  // "quiet" has no history: 108 for history, publish works without storing.
  CHECK(h.call1(1, history_cmd("quiet:x", "", 7)) ==
        R"({"id":7,"error":{"code":108,"message":"not available"}})");
  CHECK(h.call1(1, publish_cmd("quiet:x", "1", 8)) == R"({"id":8,"publish":{}})");
}

TEST_CASE("methods MWP does not use: rpc 104, refresh 108, send ignored", "[relay][methods]") {
  harness h;
  h.connect(1);
  CHECK(h.call1(1, R"({"rpc":{"method":"m","data":{}},"id":2})") ==
        R"({"id":2,"error":{"code":104,"message":"method not found"}})");
  CHECK(h.call1(1, R"({"refresh":{"token":"t"},"id":3})") ==
        R"({"id":3,"error":{"code":108,"message":"not available"}})");
  CHECK(h.call1(1, R"({"sub_refresh":{"channel":"c","token":"t"},"id":4})") ==
        R"({"id":4,"error":{"code":108,"message":"not available"}})");
  CHECK(h.call(1, R"({"send":{"data":{}}})").empty());
  CHECK(h.quiet());
  const auto s = h.core->stats();
  CHECK(s.commands_of(method::rpc) == 1);
  CHECK(s.commands_of(method::send) == 1);
  CHECK(s.commands_of(method::connect) == 1);
}

TEST_CASE("tokens: refused without a verifier, user id with one, anonymous can be disabled",
          "[relay][connect]") {
  {
    harness h;
    h.open(1);
    h.frame(1, R"({"connect":{"token":"abc","name":"js"},"id":1})");
    h.expect_closed(1, 3500, "invalid token");
  }
  {
    relayload::relay::relay_core_hooks hooks;
    hooks.verify_token = [](std::string_view t) -> std::optional<std::string> {
      if (t == "good") return std::string("user-7");
      return std::nullopt;
    };
    harness h(relay_config::mwp_default(), hooks);
    h.client_ids = {"c1"};
    h.open(1);
    h.frame(1, R"({"connect":{"token":"good"},"id":1})");
    CHECK(h.sent(1).size() == 1);
    h.call(1, subscribe_cmd(ss, 2));
    const auto f = h.call1(1, publish_cmd(ss, "1", 3));
    CHECK(lines(f)[0] ==
          R"({"push":{"channel":")" + std::string(ss) +
              R"(","pub":{"data":1,"info":{"user":"user-7","client":"c1"},"offset":1}}})");
    h.open(2);
    h.frame(2, R"({"connect":{"token":"bad"},"id":1})");
    h.expect_closed(2, 3500, "invalid token");
  }
  {
    relay_config c = relay_config::mwp_default();
    c.allow_anonymous_connect_without_token = false;
    harness h(c);
    h.open(1);
    h.frame(1, golden::c1);
    h.expect_closed(1, 3501, "bad request");
  }
}

TEST_CASE("limits: connection limit 3504 and message size 1009 affect only the offender",
          "[relay][limits]") {
  relay_config c = relay_config::mwp_default();
  c.connection_limit = 2;
  c.message_size_limit = 200;
  harness h(c);
  h.connect(1);
  h.connect(2);
  h.open(3);
  h.frame(3, golden::c1);
  h.expect_closed(3, 3504, "connection limit");
  h.frame(2, publish_cmd(ss, "\"" + std::string(300, 'x') + "\"", 2));
  h.expect_closed(2, 1009, "message too big");
  // The first connection is unaffected, and a slot is free again.
  CHECK(h.call1(1, golden::c6a).rfind(R"({"id":3,"history":)", 0) == 0);
  h.connect(4);
  const auto s = h.core->stats();
  CHECK(s.disconnects_of(3504) == 1);
  CHECK(s.disconnects_of(1009) == 1);
  CHECK(s.connections_current == 2);
  CHECK(s.connections_connected == 2);
  CHECK(s.connections_total == 4);
}

TEST_CASE("3008: a connection whose send queue exceeds queue_max_size is closed as slow",
          "[relay][limits]") {
  relay_config c = relay_config::mwp_default();
  c.queue_max_size = 1000;
  harness h(c);
  h.connect(1, "a");
  h.connect(2, "b");
  h.call(1, subscribe_cmd(ss, 2));
  h.call(2, subscribe_cmd(ss, 2));
  h.sink.slow_id = 2;
  h.sink.backlog = 1000;  // at the limit: fine
  h.call(1, publish_cmd(ss, "1", 3));
  CHECK_FALSE(h.closed(2).has_value());
  h.sink.backlog = 1001;
  h.call(1, publish_cmd(ss, "2", 4));
  CHECK(h.sent(2).size() == 2);  // what was queued still went out before the close
  h.expect_closed(2, 3008, "slow");
  CHECK(h.call(1, publish_cmd(ss, "3", 5)).size() == 1);  // the publisher is unaffected
  CHECK(h.core->stats().disconnects_of(3008) == 1);
}

TEST_CASE("stats count commands, frames, client disconnects", "[relay][stats]") {
  harness h;
  h.connect(1);
  h.call(1, subscribe_cmd(ss, 2));
  h.call(1, publish_cmd(ss, "1", 3));
  h.client_close(1);
  h.client_close(1);   // twice is harmless
  h.client_close(99);  // unknown is ignored
  const auto s = h.core->stats();
  CHECK(s.commands_of(method::connect) == 1);
  CHECK(s.commands_of(method::subscribe) == 1);
  CHECK(s.commands_of(method::publish) == 1);
  CHECK(s.commands_total == 3);
  CHECK(s.frames_in == 3);
  CHECK(s.frames_out == 3);
  CHECK(s.client_disconnects == 1);
  CHECK(s.connections_current == 0);
  CHECK(s.subscriptions == 0);
  CHECK(s.channels == 1);  // the stream outlives its subscribers (history TTL)
  CHECK(s.bytes_in > 0);
  CHECK(s.bytes_out > 0);
}

TEST_CASE("an invalid configuration is refused at construction", "[relay][config]") {
  relay_config c = relay_config::mwp_default();
  c.namespaces[1].channel_regex = "([";
  recording_sink sink;
  CHECK_THROWS_AS(relay_core(c, sink), std::system_error);
}
