// encode → decode for every command, reply and push type, with every field set.
#include <catch2/catch.hpp>

#include "relayload/wire/command_encoder.hpp"
#include "relayload/wire/frame.hpp"
#include "relayload/wire/reply_encoder.hpp"
#include "wire_test_util.hpp"

using namespace wire_test;
using namespace relayload::wire;

namespace {

void check_command(const command& c) {
  const std::string text = encode_command(c);
  INFO(text);
  command_decoder d;
  const auto& got = decode_commands(d, text);
  REQUIRE(got.size() == 1);
  CHECK(got[0] == c);
}

void check_server_message(const server_message& m) {
  const std::string text = encode_server_message(m);
  INFO(text);
  reply_decoder d;
  const auto& got = decode_messages(d, text);
  REQUIRE(got.size() == 1);
  CHECK(got[0] == m);
}

publication full_publication(std::uint64_t offset) {
  publication p;
  p.data = R"({"nested":["a\"b",{"c":null}]})";
  p.info = client_info{"user-1", "client-1", R"({"ci":1})", R"("chan")"};
  p.offset = offset;
  p.tags = R"({"k":"v"})";
  p.delta = true;
  return p;
}

}  // namespace

TEST_CASE("Round trip: every command type") {
  check_command({0, pong_request{}});
  check_command({1, connect_request{"tok\"en", R"({"d":1})", "js", "5.4.0"}});
  check_command({1, connect_request{{}, {}, {}, {}}});
  subscribe_request s;
  s.channel = "session:x";
  s.token = "t";
  s.data = "[true]";
  s.positioned = s.recoverable = s.join_leave = s.recover = true;
  s.flag = 3;
  s.offset = 9007199254740991ull;
  s.epoch = "QrStUvWx";
  s.delta = "fossil";
  check_command({2, s});
  check_command({3, unsubscribe_request{"c\\h"}});
  check_command({4, publish_request{"c", R"("\u00e9\n")"}});
  history_request h;
  h.channel = "c";
  h.since = stream_position{12, "ep"};
  h.limit = 0;
  h.reverse = true;
  check_command({5, h});
  h.since = stream_position{0, {}};
  h.limit.reset();
  check_command({5, h});
  check_command({6, presence_request{"p"}});
  check_command({7, presence_stats_request{"ps"}});
  check_command({8, rpc_request{"getUser", R"({"id":1})"}});
  check_command({0, send_request{R"("fire and forget")"}});
  check_command({9, send_request{"1"}});
  check_command({10, refresh_request{"new-token"}});
  check_command({11, sub_refresh_request{"c", "sub-token"}});
  check_command({4294967295u, publish_request{"max id", "0"}});
}

TEST_CASE("Round trip: every reply type") {
  connect_result c;
  c.client = "id";
  c.version = "v";
  c.expires = true;
  c.ttl = 3600;
  c.data = R"({"x":[]})";
  c.subs = R"({"c":{"recoverable":true}})";
  c.ping = 25;
  c.pong = true;
  c.session = "s";
  c.node = "n";
  c.time = 1700000000000;
  check_server_message({reply{1, c}});
  subscribe_result s;
  s.expires = true;
  s.ttl = 7;
  s.recoverable = true;
  s.epoch = "e";
  s.publications = {full_publication(5), full_publication(6)};
  s.recovered = true;
  s.offset = 4;
  s.positioned = true;
  s.data = "{}";
  s.was_recovering = true;
  s.delta = true;
  check_server_message({reply{2, s}});
  check_server_message({reply{3, unsubscribe_result{}}});
  check_server_message({reply{4, publish_result{}}});
  check_server_message({reply{5, presence_result{{{"", "a", {}, {}}, {"u", "b", "1", "2"}}}}});
  check_server_message({reply{5, presence_result{}}});
  check_server_message({reply{6, presence_stats_result{0, 0}}});
  check_server_message({reply{6, presence_stats_result{3, 2}}});
  check_server_message({reply{7, history_result{{full_publication(1)}, "ep", 1}}});
  check_server_message({reply{7, history_result{{}, "", 0}}});
  check_server_message({reply{8, rpc_result{"[1,2]"}}});
  check_server_message({reply{9, refresh_result{"c", "v", true, 10}}});
  check_server_message({reply{10, sub_refresh_result{true, 11}}});
  check_server_message({reply{11, error_info{111, "too many requests", true}}});
  check_server_message({reply{12, error_info{4001, "custom \"quoted\"", false}}});
}

TEST_CASE("Round trip: every push type and the ping") {
  check_server_message({push{0, "c", full_publication(3)}});
  check_server_message({push{17, "", publication{"1", std::nullopt, 0, {}, false}}});
  check_server_message({push{0, "c", join_push{{"u", "k", {}, {}}}}});
  check_server_message({push{0, "c", leave_push{{"", "k", "{}", {}}}}});
  check_server_message({push{0, "c", unsubscribe_push{2500, "insufficient state"}}});
  check_server_message({push{0, "", message_push{R"({"m":1})"}}});
  subscribe_result s;
  s.recoverable = true;
  s.offset = 2;
  check_server_message({push{0, "c", s}});
  connect_result c;
  c.client = "k";
  c.ping = 25;
  check_server_message({push{0, "", c}});
  check_server_message({push{0, "", disconnect_push{3503, "force disconnect", false}}});
  check_server_message({push{0, "", disconnect_push{3001, "shutdown", true}}});
  check_server_message({push{0, "", refresh_push{true, 30}}});
  check_server_message({server_ping{}});
}

TEST_CASE("Round trip: a batched frame of mixed server messages") {
  std::string frame;
  append_reply(frame, 1, publish_result{});
  begin_message(frame);
  append_pub_push(frame, "c", full_publication(2));
  begin_message(frame);
  append_server_ping(frame);
  reply_decoder d;
  const auto& msgs = decode_messages(d, frame);
  REQUIRE(msgs.size() == 3);
  CHECK(msgs[1].as_push().as<publication>().offset == 2);
  CHECK(msgs[1].as_push().as<publication>() == full_publication(2));
}

TEST_CASE("Encoders append to existing content") {
  std::string out = "x";
  append_command(out, 1, connect_request{});
  append_reply(out, 1, publish_result{});
  CHECK(out == R"(x{"connect":{"name":"js"},"id":1}{"id":1,"publish":{}})");
}
