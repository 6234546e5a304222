// relay_core streams: history queries (§1.13), recovery (§1.12), and the fault hooks.
#include <algorithm>

#include "golden_frames.hpp"
#include "relay_harness.hpp"

using namespace relay_test;

namespace {

// `n` publications "1".."n" on `channel` by connection `id`.
void publish_n(harness& h, connection_id id, const std::string& channel, int n) {
  for (int i = 1; i <= n; ++i) h.call(id, publish_cmd(channel, std::to_string(i), 100 + i));
}

// The offsets of the publications in a history or subscribe reply, in reply order.
std::vector<int> offsets(const std::string& reply) {
  std::vector<int> out;
  const std::string key = R"(,"offset":)";
  auto pos = reply.find(R"("publications":[{)");
  if (pos == std::string::npos) return out;
  const auto list_end = reply.find("}]", pos);
  while ((pos = reply.find(key, pos)) != std::string::npos && pos < list_end) {
    pos += key.size();
    out.push_back(std::stoi(reply.substr(pos)));
  }
  return out;
}

std::string history_reply(int id, const std::string& pubs_json, const std::string& epoch, int top) {
  return R"({"id":)" + std::to_string(id) + R"(,"history":{"publications":[)" + pubs_json +
         R"(],"epoch":")" + epoch + R"(","offset":)" + std::to_string(top) + "}}";
}

}  // namespace

TEST_CASE("history keeps at most history_size publications, oldest dropped", "[relay][history]") {
  harness h;
  h.epochs = {"E"};
  h.connect(1, "a");
  publish_n(h, 1, hs, 7);  // handshake keeps 5
  CHECK(offsets(h.call1(1, history_cmd(hs, R"(,"limit":50)", 2))) ==
        std::vector<int>{3, 4, 5, 6, 7});
  publish_n(h, 1, ss, 25);  // session keeps 20
  const auto r = offsets(h.call1(1, history_cmd(ss, R"(,"limit":50)", 3)));
  REQUIRE(r.size() == 20);
  CHECK(r.front() == 6);
  CHECK(r.back() == 25);
}

TEST_CASE("history: limit, reverse and since", "[relay][history]") {
  relay_config c = relay_config::mwp_default();
  c.history_max_publication_limit = 3;
  harness h(c);
  h.epochs = {"E"};
  h.connect(1, "a");
  publish_n(h, 1, ss, 8);  // offsets 1..8 retained

  SECTION("limit 0 (or absent) gives only the position") {
    CHECK(h.call1(1, history_cmd(ss, "", 2)) == history_reply(2, "", "E", 8));
    CHECK(h.call1(1, history_cmd(ss, R"(,"limit":0)", 2)) == history_reply(2, "", "E", 8));
  }
  SECTION("limit is capped by history_max_publication_limit (also when negative)") {
    CHECK(offsets(h.call1(1, history_cmd(ss, R"(,"limit":50)", 2))) == std::vector<int>{1, 2, 3});
    CHECK(offsets(h.call1(1, history_cmd(ss, R"(,"limit":-1)", 2))) == std::vector<int>{1, 2, 3});
    CHECK(offsets(h.call1(1, history_cmd(ss, R"(,"limit":2)", 2))) == std::vector<int>{1, 2});
  }
  SECTION("reverse gives the newest first") {
    CHECK(offsets(h.call1(1, history_cmd(ss, R"(,"limit":2,"reverse":true)", 2))) ==
          std::vector<int>{8, 7});
  }
  SECTION("since: publications after the offset") {
    CHECK(offsets(h.call1(1, history_cmd(ss, R"(,"since":{"offset":5,"epoch":"E"},"limit":3)",
                                         2))) == std::vector<int>{6, 7, 8});
    CHECK(offsets(h.call1(1, history_cmd(ss, R"(,"since":{"offset":2},"limit":2)", 2))) ==
          std::vector<int>{3, 4});
    // At the top: nothing.
    CHECK(h.call1(1, history_cmd(ss, R"(,"since":{"offset":8,"epoch":"E"},"limit":3)", 2)) ==
          history_reply(2, "", "E", 8));
    // Beyond the top: nothing.
    CHECK(h.call1(1, history_cmd(ss, R"(,"since":{"offset":80},"limit":3)", 2)) ==
          history_reply(2, "", "E", 8));
  }
  SECTION("since reverse: publications before the offset, newest first") {
    CHECK(offsets(h.call1(
              1, history_cmd(ss, R"(,"since":{"offset":5,"epoch":"E"},"limit":3,"reverse":true)",
                             2))) == std::vector<int>{4, 3, 2});
  }
  SECTION("112 on an epoch mismatch, 107 on reverse from offset 0") {
    CHECK(h.call1(1, history_cmd(ss, R"(,"since":{"offset":1,"epoch":"X"},"limit":3)", 2)) ==
          R"({"id":2,"error":{"code":112,"message":"unrecoverable position"}})");
    CHECK(h.call1(1, history_cmd(ss, R"(,"since":{"epoch":"E"},"limit":3,"reverse":true)", 2)) ==
          R"({"id":2,"error":{"code":107,"message":"bad request"}})");
  }
}

TEST_CASE("history: since an offset no longer retained starts at the oldest", "[relay][history]") {
  harness h;
  h.epochs = {"E"};
  h.connect(1, "a");
  publish_n(h, 1, hs, 9);  // retained 5..9
  CHECK(offsets(h.call1(1, history_cmd(hs, R"(,"since":{"offset":1,"epoch":"E"},"limit":50)",
                                       2))) == std::vector<int>{5, 6, 7, 8, 9});
  // Reverse from a non-retained offset gives nothing (Centrifuge's memstream).
  CHECK(
      offsets(h.call1(1, history_cmd(hs, R"(,"since":{"offset":3},"limit":50,"reverse":true)", 2)))
          .empty());
}

TEST_CASE("history: 108 for top-level channels, 102 unknown namespace, 107 bad name",
          "[relay][history]") {
  harness h;
  h.connect(1);
  CHECK(h.call1(1, history_cmd("3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f", "", 2)) ==
        R"({"id":2,"error":{"code":108,"message":"not available"}})");
  CHECK(h.call1(1, history_cmd("x:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f", "", 3)) ==
        R"({"id":3,"error":{"code":102,"message":"unknown channel"}})");
  CHECK(h.call1(1, history_cmd("session:x", "", 4)) ==
        R"({"id":4,"error":{"code":107,"message":"bad request"}})");
}

TEST_CASE("history on a new channel creates the stream whose epoch publications then use",
          "[relay][history]") {
  harness h;
  h.epochs = {"First", "Second"};
  h.connect(1, "a");
  CHECK(h.call1(1, history_cmd(hs, R"(,"limit":50)", 2)) == history_reply(2, "", "First", 0));
  h.call(1, publish_cmd(hs, "1", 3));
  CHECK(h.call1(1, history_cmd(hs, R"(,"limit":50)", 4)) ==
        history_reply(4, R"({"data":1,"info":{"user":"","client":"a"},"offset":1})", "First", 1));
}

TEST_CASE("recovery: success returns the missed publications and the requested offset",
          "[relay][recovery]") {
  harness h;
  h.epochs = {"E"};
  h.connect(1, "a");
  publish_n(h, 1, ss, 4);
  const auto r = h.call1(
      1,
      R"({"subscribe":{"channel":")" + std::string(ss) +
          R"(","positioned":true,"recoverable":true,"recover":true,"offset":2,"epoch":"E"},"id":9})");
  CHECK(r == R"({"id":9,"subscribe":{"recoverable":true,"epoch":"E","publications":[)"
             R"({"data":3,"info":{"user":"","client":"a"},"offset":3},)"
             R"({"data":4,"info":{"user":"","client":"a"},"offset":4}],)"
             R"("recovered":true,"offset":2,"positioned":true,"was_recovering":true}})");
}

TEST_CASE("recovery: nothing missed is recovered with no publications", "[relay][recovery]") {
  harness h;
  h.epochs = {"E"};
  h.connect(1, "a");
  publish_n(h, 1, ss, 4);
  CHECK(
      h.call1(1, R"({"subscribe":{"channel":")" + std::string(ss) +
                     R"(","recoverable":true,"recover":true,"offset":4,"epoch":"E"},"id":9})") ==
      R"({"id":9,"subscribe":{"recoverable":true,"epoch":"E","recovered":true,"offset":4,"positioned":true,"was_recovering":true}})");
}

TEST_CASE("recovery fails on a gap, an expired history, a future offset or a new epoch",
          "[relay][recovery]") {
  relay_config c = relay_config::mwp_default();
  c.ping_interval = 0s;
  harness h(c);
  h.epochs = {"E", "F"};
  h.connect(1, "a");
  const auto not_recovered = [](int top, const char* epoch) {
    return R"({"id":9,"subscribe":{"recoverable":true,"epoch":")" + std::string(epoch) +
           R"(","offset":)" + std::to_string(top) + R"(,"positioned":true,"was_recovering":true}})";
  };
  const auto recover = [&h](int offset, const char* epoch) {
    const auto r =
        h.call1(1, R"({"subscribe":{"channel":")" + std::string(hs) +
                       R"(","recoverable":true,"recover":true,"offset":)" + std::to_string(offset) +
                       R"(,"epoch":")" + epoch + R"("},"id":9})");
    h.call(1, unsubscribe_cmd(hs, 10));
    return r;
  };
  publish_n(h, 1, hs, 8);                           // handshake retains 4..8
  CHECK(recover(1, "E") == not_recovered(8, "E"));  // gap: 2 and 3 are gone
  CHECK(recover(3, "E").find(R"("recovered":true,"offset":3)") != std::string::npos);
  CHECK(recover(9, "E") == not_recovered(8, "E"));  // the client claims a future offset
  CHECK(recover(8, "X") == not_recovered(8, "E"));  // another epoch
  h.now += 300s;                                    // history TTL
  CHECK(recover(5, "E") == not_recovered(8, "E"));
  CHECK(recover(8, "E").find(R"("recovered":true,"offset":8)") != std::string::npos);
  // Without an epoch in the request the current one is assumed.
  CHECK(h.call1(1, R"({"subscribe":{"channel":")" + std::string(hs) +
                       R"(","recover":true,"offset":8},"id":9})")
            .find(R"("recovered":true)") != std::string::npos);
}

TEST_CASE("recovery is capped by recovery_max_publication_limit", "[relay][recovery]") {
  relay_config c = relay_config::mwp_default();
  c.recovery_max_publication_limit = 3;
  harness h(c);
  h.epochs = {"E"};
  h.connect(1, "a");
  publish_n(h, 1, ss, 10);
  const auto sub = [&h](int offset) {
    const auto r = h.call1(1, R"({"subscribe":{"channel":")" + std::string(ss) +
                                  R"(","recover":true,"offset":)" + std::to_string(offset) +
                                  R"(,"epoch":"E"},"id":9})");
    h.call(1, unsubscribe_cmd(ss, 10));
    return r;
  };
  CHECK(offsets(sub(7)) == std::vector<int>{8, 9, 10});
  CHECK(sub(6).find("recovered") == std::string::npos);  // 4 missed > limit 3
}

TEST_CASE("recovery is not attempted without recover:true or without recovery",
          "[relay][recovery]") {
  relay_config c = relay_config::mwp_default();
  c.namespaces[1].force_recovery = false;  // session: positioning only
  c.namespaces[1].allow_recovery = true;   // ...unless the client asks for recoverable
  harness h(c);
  h.epochs = {"E"};
  h.connect(1, "a");
  publish_n(h, 1, ss, 2);
  CHECK(h.call1(1, R"({"subscribe":{"channel":")" + std::string(ss) +
                       R"(","recover":true,"offset":1,"epoch":"E"},"id":2})") ==
        R"({"id":2,"subscribe":{"epoch":"E","offset":2,"positioned":true}})");
  h.call(1, unsubscribe_cmd(ss, 3));
  CHECK(h.call1(1, R"({"subscribe":{"channel":")" + std::string(ss) +
                       R"(","recoverable":true,"recover":true,"offset":1,"epoch":"E"},"id":4})")
            .find(R"("recovered":true,"offset":1)") != std::string::npos);
}

TEST_CASE("fault hook: disconnect_all closes everyone with 3001 shutdown", "[relay][faults]") {
  harness h;
  h.connect(1);
  h.connect(2);
  h.open(3);
  CHECK(h.core->disconnect_all() == 3);
  for (connection_id id : {1, 2, 3}) h.expect_closed(id, 3001, "shutdown");
  CHECK(h.core->stats().connections_current == 0);
  CHECK(h.core->stats().disconnects_of(3001) == 3);
  CHECK(h.core->disconnect_all(3011, "force reconnect") == 0);
}

TEST_CASE("fault hook: disconnect one connection with any code", "[relay][faults]") {
  harness h;
  h.connect(1);
  CHECK(h.core->disconnect(1, 4000, "custom"));
  h.expect_closed(1, 4000, "custom");
  CHECK_FALSE(h.core->disconnect(1, 4000, "custom"));
}

TEST_CASE("fault hook: drop_fraction is deterministic by seed", "[relay][faults]") {
  auto run = [](std::uint64_t seed, double fraction) {
    harness h;
    for (connection_id id = 1; id <= 20; ++id) h.connect(id);
    const auto dropped = h.core->drop_fraction(fraction, seed);
    for (const auto id : dropped) h.expect_closed(id, 3011, "force reconnect");
    CHECK(h.quiet());
    CHECK(h.core->stats().connections_current == 20 - dropped.size());
    return dropped;
  };
  const auto a = run(7, 0.1);
  REQUIRE(a.size() == 2);
  CHECK(std::is_sorted(a.begin(), a.end()));
  CHECK(run(7, 0.1) == a);
  CHECK(run(7, 0.25).size() == 5);
  CHECK(run(7, 1.0).size() == 20);
  CHECK(run(7, 0.0).empty());
  CHECK(run(7, 0.01).empty());  // 0.2 connections round to none
  bool differs = false;
  for (std::uint64_t seed = 1; seed < 10 && !differs; ++seed) differs = run(seed, 0.1) != a;
  CHECK(differs);
}

TEST_CASE("fault hook: pause holds pushes, resume delivers them in order", "[relay][faults]") {
  harness h;
  h.epochs = {"E"};
  h.connect(1, "a");
  h.connect(2, "b");
  h.call(1, subscribe_cmd(ss, 2));
  h.call(2, subscribe_cmd(ss, 2));
  h.core->pause_delivery();
  CHECK(h.core->delivery_paused());
  // Publications are accepted and answered, stored, but not pushed.
  CHECK(h.call(1, publish_cmd(ss, "1", 3)) == std::vector<std::string>{R"({"id":3,"publish":{}})"});
  CHECK(h.call(2, publish_cmd(ss, "2", 3)) == std::vector<std::string>{R"({"id":3,"publish":{}})"});
  CHECK(h.sent(1).empty());
  CHECK(offsets(h.call1(1, history_cmd(ss, R"(,"limit":50)", 4))) == std::vector<int>{1, 2});
  CHECK(h.core->stats().pushes_held == 4);
  h.core->resume_delivery();
  const std::string both = pub_push(ss, "1", "a", 1) + "\n" + pub_push(ss, "2", "b", 2);
  CHECK(h.sent(1) == std::vector<std::string>{both});
  CHECK(h.sent(2) == std::vector<std::string>{both});
  CHECK(h.core->stats().pushes_held == 0);
  // After resume, pushes flow immediately again.
  h.frame(2, publish_cmd(ss, "3", 5));
  CHECK(h.sent(1) == std::vector<std::string>{pub_push(ss, "3", "b", 3)});
}

TEST_CASE("fault hook: held pushes are dropped on unsubscribe and close", "[relay][faults]") {
  harness h;
  h.epochs = {"E"};
  h.connect(1, "a");
  h.connect(2, "b");
  h.connect(3, "c");
  for (connection_id id : {1, 2, 3}) h.call(id, subscribe_cmd(ss, 2));
  h.core->pause_delivery();
  h.call(3, publish_cmd(ss, "1", 3));
  h.call(1, unsubscribe_cmd(ss, 4));
  // Re-subscribing while paused: the reply covers offset 1, so nothing is replayed.
  CHECK(h.call1(1, subscribe_cmd(ss, 5)).find(R"("offset":1)") != std::string::npos);
  h.client_close(2);
  CHECK(h.core->stats().pushes_held == 1);  // connection 3's own echo
  h.core->resume_delivery();
  CHECK(h.sent(1).empty());
  CHECK(h.sent(3) == std::vector<std::string>{pub_push(ss, "1", "c", 1)});
}

TEST_CASE("fault hook: reset_streams forgets history and epochs", "[relay][faults]") {
  harness h;
  h.epochs = {"Old", "New"};
  h.connect(1, "a");
  publish_n(h, 1, ss, 3);
  h.core->disconnect_all();
  h.core->reset_streams();
  CHECK(h.core->stats().channels == 0);
  h.connect(2, "b");
  // A client recovering from the old stream is not recovered: new epoch, offset 0.
  CHECK(
      h.call1(2, R"({"subscribe":{"channel":")" + std::string(ss) +
                     R"(","recoverable":true,"recover":true,"offset":3,"epoch":"Old"},"id":2})") ==
      R"({"id":2,"subscribe":{"recoverable":true,"epoch":"New","positioned":true,"was_recovering":true}})");
}
