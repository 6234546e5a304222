// relay_core output checked byte-for-byte against the golden server frames of protocol.md §5.1.
#include "golden_frames.hpp"
#include "relay_harness.hpp"

using namespace relay_test;

TEST_CASE("C2: connect reply carries the client id, version, ping and pong", "[relay][golden]") {
  harness h;
  CHECK(h.connect(1, dapp_id) == golden::c2);
}

TEST_CASE("C5a: subscribe reply on an empty stream (5.4.0 and 5.8.0 forms)", "[relay][golden]") {
  harness h;
  h.epochs = {"AbCdEfGh"};
  h.connect(1, dapp_id);
  CHECK(h.call1(1, golden::c4a) == golden::c5a);
  // centrifuge-js >= 5.5 adds "flag":1, which the relay ignores (no channel compaction).
  h.connect(2, wallet_id);
  CHECK(h.call1(2, golden::c4b) == golden::c5a);
}

TEST_CASE("C5b and C6c: a publication before the subscribe shows in offset and history",
          "[relay][golden]") {
  harness h;
  h.epochs = {"AbCdEfGh"};
  h.connect(2, wallet_id);
  // The wallet publishes without being subscribed (allowed for anonymous clients).
  CHECK(h.call(2, golden::c7a) == std::vector<std::string>{golden::c7c});
  h.connect(1, dapp_id);
  CHECK(h.call1(1, golden::c4a) == golden::c5b);
  CHECK(h.call1(1, golden::c6a) == golden::c6c);
}

TEST_CASE("C6b: history of an empty stream", "[relay][golden]") {
  harness h;
  h.epochs = {"AbCdEfGh"};
  h.connect(1, dapp_id);
  CHECK(h.call1(1, golden::c4a) == golden::c5a);
  CHECK(h.call1(1, golden::c6a) == golden::c6b);
}

TEST_CASE("C7b/C7c: the push reaches every subscriber, the publisher's echo precedes its reply",
          "[relay][golden]") {
  harness h;
  h.epochs = {"AbCdEfGh"};
  h.connect(1, dapp_id);
  h.connect(2, wallet_id);
  CHECK(h.call1(1, golden::c4a) == golden::c5a);
  h.call1(2, golden::c4a);
  h.frame(2, golden::c7a);
  // Publisher: its own push and the reply, batched in one frame, push first.
  CHECK(h.sent(2) == std::vector<std::string>{std::string(golden::c7b) + "\n" + golden::c7c});
  // The other subscriber: the push in its own frame.
  CHECK(h.sent(1) == std::vector<std::string>{golden::c7b});
  CHECK(h.quiet());
}

TEST_CASE("C8a/C8b: reconnect batch recovers the publication missed while away",
          "[relay][golden]") {
  harness h;
  h.epochs = {"QrStUvWx"};
  h.connect(1, dapp_id);
  h.connect(2, wallet_id);
  h.call1(1, subscribe_cmd(ss, 4));
  h.call1(2, subscribe_cmd(ss, 3));
  // dApp request at offset 1, delivered to both.
  h.frame(1, golden::m8);
  CHECK(h.sent(1).size() == 1);
  CHECK(h.sent(2).size() == 1);
  // The dApp goes away; the wallet answers at offset 2.
  h.client_close(1);
  h.frame(2, golden::m9);
  CHECK(h.sent(2).size() == 1);
  // The dApp reconnects with one frame: connect + subscribe with recover.
  h.client_ids.push_back("0b0b0b0b-0000-4000-8000-0000000000bb");
  h.open(3);
  CHECK(h.call(3, golden::c8a) == std::vector<std::string>{golden::c8b});
  CHECK(h.quiet());
}

TEST_CASE("C8c: recovery with a changed epoch is not recovered", "[relay][golden]") {
  harness h;
  h.epochs = {"NewEpoch"};
  h.connect(2, wallet_id);
  for (int i = 0; i < 7; ++i) {
    h.call(2, publish_cmd(ss, R"("m)" + std::to_string(i) + "\"", 10 + i));
  }
  h.open(3);
  const auto f = h.call1(3, golden::c8a);
  const auto msgs = lines(f);
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[1] == golden::c8c);
}

TEST_CASE("C9b: unsubscribe reply", "[relay][golden]") {
  harness h;
  h.connect(1, dapp_id);
  h.call1(1, golden::c4a);
  CHECK(h.call1(1, golden::c9a) == golden::c9b);
  // Also when not subscribed at all.
  CHECK(h.call1(1, golden::c9a) == golden::c9b);
}

TEST_CASE("C10: error replies for unknown namespace, permission, duplicate, bad name, presence",
          "[relay][golden]") {
  harness h;
  h.connect(1, dapp_id);
  CHECK(h.call1(1, subscribe_cmd("foo:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f", 2)) == golden::c10_0);
  CHECK(h.call1(1, subscribe_cmd("3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f", 2)) == golden::c10_1);
  h.call1(1, subscribe_cmd(hs, 3));
  CHECK(h.call1(1, subscribe_cmd(hs, 2)) == golden::c10_2);
  CHECK(h.call1(1, subscribe_cmd("handshake:3F2B8C1E-9D4A-4E7B-8C6F-1A2B3C4D5E6F", 2)) ==
        golden::c10_3);
  CHECK(h.call1(1, R"({"presence":{"channel":")" + std::string(hs) + R"("},"id":4})") ==
        golden::c10_4);
  const auto stats = h.core->stats();
  CHECK(stats.errors_of(102) == 1);
  CHECK(stats.errors_of(103) == 1);
  CHECK(stats.errors_of(105) == 1);
  CHECK(stats.errors_of(107) == 1);
  CHECK(stats.errors_of(108) == 1);
}
