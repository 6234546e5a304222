// Client-side decoding of replies, pushes and pings: dispatch rules and rejection paths.
#include <catch2/catch.hpp>

#include "golden_vectors.hpp"
#include "wire_test_util.hpp"

using namespace wire_test;
using namespace relayload::wire;

namespace {
const server_message& only(reply_decoder& d, std::string_view frame) {
  const auto& msgs = decode_messages(d, frame);
  REQUIRE(msgs.size() == 1);
  return msgs[0];
}
}  // namespace

TEST_CASE("Reply decoder: dispatch follows centrifuge-js (id, then push, else ping)") {
  reply_decoder d;
  CHECK(only(d, R"({"connect":{"client":"x"},"id":1})").kind() == server_message_kind::reply);
  CHECK(only(d, R"({"id":0,"push":{"channel":"c","pub":{"data":1}}})").kind() ==
        server_message_kind::push);
  CHECK(only(d, R"({"push":null})").is_ping());
  CHECK(only(d, R"({"foo":1})").is_ping());
  // An id wins over a push that is also present.
  CHECK(only(d, R"({"id":4,"push":{"pub":{}},"publish":{}})").kind() ==
        server_message_kind::reply);
}

TEST_CASE("Reply decoder: batched frame of reply, push and ping") {
  reply_decoder d;
  const std::string frame = std::string(golden::c7b_pub_push) + "\n" +
                            std::string(golden::c7c_publish_reply) + "\n{}";
  const auto& msgs = decode_messages(d, frame);
  REQUIRE(msgs.size() == 3);
  CHECK(msgs[0].kind() == server_message_kind::push);
  CHECK(msgs[1].kind() == server_message_kind::reply);
  CHECK(msgs[2].is_ping());
}

TEST_CASE("Reply decoder: pub data is a view of the received bytes") {
  reply_decoder d;
  const std::string frame = R"({"push":{"pub":{"offset":3,"data": {"x":"}\""} ,"tags":{"a":"b"},"delta":true},"channel":"c","id":7}})";
  const push& p = *only(d, frame).get_push();
  CHECK(p.channel == "c");
  CHECK(p.channel_id == 7);
  const publication& pub = p.as<publication>();
  CHECK(pub.data == R"({"x":"}\""})");
  CHECK(pub.data.data() == frame.data() + frame.find(R"({"x")"));
  CHECK(pub.offset == 3);
  CHECK(pub.tags == R"({"a":"b"})");
  CHECK(pub.delta);
  CHECK_FALSE(pub.info.has_value());
}

TEST_CASE("Reply decoder: every push kind") {
  reply_decoder d;
  CHECK(only(d, R"({"push":{"channel":"c","join":{"info":{"user":"u","client":"k"}}}})")
            .as_push().as<join_push>().info.user == "u");
  CHECK(only(d, R"({"push":{"channel":"c","leave":{"info":{"user":"","client":"k","conn_info":{"a":1}}}}})")
            .as_push().as<leave_push>().info.conn_info == R"({"a":1})");
  const auto& dc = only(d, R"({"push":{"disconnect":{"code":3001,"reason":"shutdown","reconnect":true}}})")
                       .as_push().as<disconnect_push>();
  CHECK(dc.code == 3001);
  CHECK(dc.reason == "shutdown");
  CHECK(dc.reconnect);
  CHECK(only(d, R"({"push":{"message":{"data":"hi"}}})").as_push().as<message_push>().data ==
        R"("hi")");
  CHECK(only(d, R"({"push":{"channel":"c","subscribe":{"recoverable":true,"offset":4}}})")
            .as_push().as<subscribe_result>().offset == 4);
  CHECK(only(d, R"({"push":{"connect":{"client":"z","ping":25}}})")
            .as_push().as<connect_result>().ping == 25);
  CHECK(only(d, R"({"push":{"refresh":{"expires":true,"ttl":60}}})")
            .as_push().as<refresh_push>().ttl == 60);
  CHECK(only(d, R"({"push":{"channel":"c","unsubscribe":{"code":2000,"reason":"server unsubscribe"}}})")
            .as_push().as<unsubscribe_push>().code == 2000);
}

TEST_CASE("Reply decoder: every result kind") {
  reply_decoder d;
  const auto& pr = only(d, R"({"id":4,"presence":{"presence":{"k1":{"user":"","client":"k1"},"k2":{"user":"u","client":"k2"}}}})")
                        .as_reply().as<presence_result>();
  REQUIRE(pr.clients.size() == 2);
  CHECK(pr.clients[1].client == "k2");
  const auto& ps = only(d, R"({"id":5,"presence_stats":{"num_clients":2,"num_users":1}})")
                        .as_reply().as<presence_stats_result>();
  CHECK(ps.num_clients == 2);
  CHECK(ps.num_users == 1);
  CHECK(only(d, R"({"id":6,"rpc":{"data":[1]}})").as_reply().as<rpc_result>().data == "[1]");
  CHECK(only(d, R"({"id":7,"refresh":{"client":"c","expires":true,"ttl":9}})")
            .as_reply().as<refresh_result>().ttl == 9);
  CHECK(only(d, R"({"id":8,"sub_refresh":{"expires":true}})")
            .as_reply().as<sub_refresh_result>().expires);
  CHECK(only(d, R"({"id":9,"unsubscribe":{}})").get_reply()->kind() == reply_kind::unsubscribe);
  // An error takes precedence over a result key.
  CHECK(only(d, R"({"id":2,"subscribe":{},"error":{"code":105,"message":"already subscribed"}})")
            .get_reply()->is_error());
}

TEST_CASE("Reply decoder: rejection paths") {
  CHECK(reply_error(R"({"id":3})") == errc::unknown_message);
  CHECK(reply_error(R"({"id":3,"ping":{}})") == errc::unknown_message);
  CHECK(reply_error(R"({"push":{"channel":"c"}})") == errc::unknown_message);
  CHECK(reply_error(R"({"push":1})") == errc::wrong_type);
  CHECK(reply_error(R"({"id":1,"error":{"message":"x"}})") == errc::missing_field);
  CHECK(reply_error(R"({"id":1,"error":{"code":"100"}})") == errc::wrong_type);
  CHECK(reply_error(R"({"id":1,"error":"bad"})") == errc::wrong_type);
  CHECK(reply_error(R"({"id":-1,"publish":{}})") == errc::wrong_type);
  CHECK(reply_error(R"({"id":1,"connect":{"ping":"25"}})") == errc::wrong_type);
  CHECK(reply_error(R"({"id":1,"connect":[]})") == errc::wrong_type);
  CHECK(reply_error(R"({"id":1,"history":{"publications":{}}})") == errc::wrong_type);
  CHECK(reply_error(R"({"id":1,"history":{"publications":[1]}})") == errc::wrong_type);
  CHECK(reply_error(R"({"id":1,"history":{"publications":[],"offset":-1}})") == errc::wrong_type);
  CHECK(reply_error(R"({"push":{"channel":"c","pub":{"info":"x"}}})") == errc::wrong_type);
  CHECK(reply_error(R"({"push":{"channel":"c","pub":{"tags":[]}}})") == errc::wrong_type);
  CHECK(reply_error(R"({"push":{"channel":5,"pub":{}}})") == errc::wrong_type);
  CHECK(reply_error(R"({"push":{"channel":"c","pub":{"data":"x"}})") == errc::malformed_json);
  CHECK(reply_error("[]") == errc::malformed_frame);
  CHECK(reply_error("") == errc::empty_frame);
  CHECK(reply_error("{}\n\n{}") == errc::malformed_frame);
  CHECK(reply_error("{\"push\":{\"channel\":\"\xff\",\"pub\":{}}}") == errc::invalid_utf8);
  CHECK(reply_error(std::string(70000, ' ')) == errc::frame_too_large);
  CHECK(reply_error(std::string(100, '[') + std::string(100, ']')) == errc::nesting_too_deep);
}

TEST_CASE("Reply decoder: trailing newline tolerated and earlier messages kept on error") {
  reply_decoder d;
  CHECK(decode_messages(d, "{}\n").size() == 1);
  CHECK(d.decode(std::string(golden::c7c_publish_reply) + "\n{\"id\":1}") ==
        errc::unknown_message);
  CHECK(d.messages().size() == 1);
}

TEST_CASE("Reply decoder: every truncation of a valid frame fails cleanly") {
  const std::string_view full = golden::c8b_reconnect_reply_frame;
  reply_decoder d;
  for (std::size_t n = 0; n < full.size(); ++n) {
    INFO("prefix " << n);
    const std::error_code ec = d.decode(full.substr(0, n));
    // A prefix ending right after the first message (and its newline) is a valid frame.
    const std::size_t nl = full.find('\n');
    if (n == nl || n == nl + 1) {
      CHECK_FALSE(ec);
    } else {
      CHECK(ec);
    }
  }
}
