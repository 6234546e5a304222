// Relay-side command decoding: accepted variations and every rejection path.
#include <catch2/catch.hpp>

#include <string>

#include "golden_vectors.hpp"
#include "wire_test_util.hpp"

using namespace wire_test;
using namespace relayload::wire;

TEST_CASE("Command decoder: keys in any order, unknown fields ignored") {
  command_decoder d;
  const auto& cmds = decode_commands(
      d, R"({"id":6,"foo":{"x":[1,2]},"publish":{"data":"x","bar":null,"channel":"c"}})");
  REQUIRE(cmds.size() == 1);
  CHECK(cmds[0].id == 6);
  REQUIRE(cmds[0].kind() == method::publish);
  CHECK(cmds[0].get<publish_request>()->channel == "c");
  CHECK(cmds[0].get<publish_request>()->data == R"("x")");
}

TEST_CASE("Command decoder: centrifuge-js extras (flag, join_leave, headers...) are tolerated") {
  command_decoder d;
  const auto& cmds = decode_commands(
      d,
      R"({"connect":{"token":"t","data":{"k":1},"name":"js","version":"5.8.0","headers":{"a":"b"},"subs":{},"flag":3,"profile":"p","dict":"d"},"id":1})"
      "\n"
      R"({"subscribe":{"channel":"c","join_leave":true,"delta":"fossil","flag":1,"tf":{"x":1},"data":[1]},"id":2})");
  REQUIRE(cmds.size() == 2);
  const auto& c = *cmds[0].get<connect_request>();
  CHECK(c.token == "t");
  CHECK(c.data == R"({"k":1})");
  CHECK(c.name == "js");
  CHECK(c.version == "5.8.0");
  const auto& s = *cmds[1].get<subscribe_request>();
  CHECK(s.channel == "c");
  CHECK(s.join_leave);
  CHECK(s.delta == "fossil");
  CHECK(s.flag == 1);
  CHECK(s.data == "[1]");
}

TEST_CASE("Command decoder: raw data is the exact byte span, braces and escapes included") {
  const std::string data = R"({"a":"}\"{","b":[1,{"c":"\\"}],"d":"\u00e9\/"})";
  const std::string frame = R"({"publish":{"channel":"c","data": )" + data + R"(  },"id":1})";
  command_decoder d;
  const auto& cmds = decode_commands(d, frame);
  REQUIRE(cmds.size() == 1);
  const std::string_view got = cmds[0].get<publish_request>()->data;
  CHECK(got == data);
  CHECK(got.data() == frame.data() + frame.find(data));  // a view of the input, not a copy

  for (const std::string value : {"12.5e3", "true", "-7", R"("a\u0041\n")", "[]", "{}"}) {
    const std::string f = R"({"publish":{"channel":"c","data":)" + value + R"(},"id":1})";
    command_decoder d2;
    const auto& c2 = decode_commands(d2, f);
    CHECK(c2[0].get<publish_request>()->data == value);
  }
}

TEST_CASE("Command decoder: strings are unescaped") {
  command_decoder d;
  const auto& cmds = decode_commands(d, R"({"unsubscribe":{"channel":"ch\u0061n\/\"x\""},"id":7})");
  CHECK(cmds[0].get<unsubscribe_request>()->channel == "chan/\"x\"");
}

TEST_CASE("Command decoder: history since, limit and reverse") {
  command_decoder d;
  const auto& cmds = decode_commands(
      d, R"({"history":{"channel":"c","since":{"offset":5,"epoch":"ep"},"limit":-1,"reverse":true},"id":3})");
  const auto& h = *cmds[0].get<history_request>();
  REQUIRE(h.since);
  CHECK(h.since->offset == 5);
  CHECK(h.since->epoch == "ep");
  CHECK(h.limit == -1);
  CHECK(h.reverse);
  CHECK(command_error(R"({"history":{"channel":"c","since":5},"id":3})") == errc::wrong_type);
  CHECK(command_error(R"({"history":{"channel":"c","limit":2147483648},"id":3})") ==
        errc::wrong_type);
}

TEST_CASE("Command decoder: null means absent") {
  command_decoder d;
  const auto& cmds = decode_commands(
      d, R"({"subscribe":{"channel":"c","token":null,"offset":null,"recover":null},"connect":null,"id":2})");
  REQUIRE(cmds[0].kind() == method::subscribe);
  CHECK(cmds[0].get<subscribe_request>()->offset == 0);
  CHECK(command_error(R"({"connect":null,"id":1})") == errc::unknown_message);
  CHECK(command_error(R"({"subscribe":{"channel":null},"id":1})") == errc::missing_field);
}

TEST_CASE("Command decoder: the last duplicate key wins and the first method in dispatch order is used") {
  command_decoder d;
  const auto& cmds = decode_commands(
      d, R"({"publish":{"channel":"p"},"connect":{},"id":1,"id":2})");
  CHECK(cmds[0].id == 2);
  CHECK(cmds[0].kind() == method::connect);
}

TEST_CASE("Command decoder: pong is an id-less message without a method") {
  command_decoder d;
  for (const char* pong : {"{}", " { } ", R"({"id":0})", R"({"foo":{"bar":1}})"}) {
    INFO(pong);
    const auto& cmds = decode_commands(d, pong);
    REQUIRE(cmds.size() == 1);
    CHECK(cmds[0].kind() == method::pong);
  }
}

TEST_CASE("Command decoder: send is the only method allowed without an id") {
  command_decoder d;
  const auto& cmds = decode_commands(d, R"({"send":{"data":{"x":1}}})");
  REQUIRE(cmds[0].kind() == method::send);
  CHECK(cmds[0].get<send_request>()->data == R"({"x":1})");
  CHECK(command_error(R"({"connect":{"name":"js"}})") == errc::missing_field);
  CHECK(command_error(R"({"connect":{},"id":0})") == errc::missing_field);
  CHECK(command_error(R"({"publish":{"channel":"c","data":1},"id":0})") == errc::missing_field);
}

TEST_CASE("Command decoder: unknown methods are refused") {
  CHECK(command_error(R"({"ping":{},"id":1})") == errc::unknown_message);  // not valid in v2
  CHECK(command_error(R"({"id":5})") == errc::unknown_message);
  CHECK(command_error(R"({"Connect":{},"id":5})") == errc::unknown_message);
}

TEST_CASE("Command decoder: wrong types") {
  CHECK(command_error(R"({"connect":{"name":1},"id":1})") == errc::wrong_type);
  CHECK(command_error(R"({"connect":"js","id":1})") == errc::wrong_type);
  CHECK(command_error(R"({"publish":[],"id":1})") == errc::wrong_type);
  CHECK(command_error(R"({"subscribe":{"channel":5},"id":2})") == errc::wrong_type);
  CHECK(command_error(R"({"subscribe":{"channel":"c","positioned":"yes"},"id":2})") ==
        errc::wrong_type);
  CHECK(command_error(R"({"subscribe":{"channel":"c","positioned":1},"id":2})") ==
        errc::wrong_type);
  CHECK(command_error(R"({"subscribe":{"channel":"c","recover":true,"offset":-1},"id":2})") ==
        errc::wrong_type);
  CHECK(command_error(R"({"subscribe":{"channel":"c","offset":1.5},"id":2})") ==
        errc::wrong_type);
  CHECK(command_error(R"({"subscribe":{"channel":"c","offset":1e2},"id":2})") ==
        errc::wrong_type);
  CHECK(command_error(R"({"subscribe":{"channel":"c","epoch":1},"id":2})") == errc::wrong_type);
}

TEST_CASE("Command decoder: id must be a uint32") {
  CHECK(command_error(R"({"connect":{},"id":"1"})") == errc::wrong_type);
  CHECK(command_error(R"({"connect":{},"id":-1})") == errc::wrong_type);
  CHECK(command_error(R"({"connect":{},"id":1.0})") == errc::wrong_type);
  CHECK(command_error(R"({"connect":{},"id":4294967296})") == errc::wrong_type);
  CHECK(command_error(R"({"connect":{},"id":true})") == errc::wrong_type);
  command_decoder d;
  CHECK(decode_commands(d, R"({"connect":{},"id":4294967295})")[0].id == 4294967295u);
}

TEST_CASE("Command decoder: required channel") {
  CHECK(command_error(R"({"subscribe":{},"id":2})") == errc::missing_field);
  CHECK(command_error(R"({"publish":{"data":"x"},"id":3})") == errc::missing_field);
  CHECK(command_error(R"({"history":{"limit":50},"id":3})") == errc::missing_field);
  CHECK(command_error(R"({"unsubscribe":{},"id":3})") == errc::missing_field);
  CHECK(command_error(R"({"presence":{},"id":3})") == errc::missing_field);
  CHECK(command_error(R"({"presence_stats":{},"id":3})") == errc::missing_field);
  CHECK(command_error(R"({"sub_refresh":{"token":"t"},"id":3})") == errc::missing_field);
  // An empty channel and a publish without data decode: the relay answers them (3501 / 107).
  command_decoder d;
  CHECK(decode_commands(d, R"({"subscribe":{"channel":""},"id":2})")[0]
            .get<subscribe_request>()->channel.empty());
  CHECK(decode_commands(d, R"({"publish":{"channel":"c"},"id":2})")[0]
            .get<publish_request>()->data.empty());
}

TEST_CASE("Command decoder: malformed JSON") {
  const char* bad[] = {
      R"({"connect":{"name":"js"},"id":1)",  // truncated
      R"({"connect":{"name":"js"},"id":1}x)",  // trailing garbage
      R"({} {})",
      R"({"a":})",
      R"({'a':1})",
      R"({"a":1,})",
      R"({"a":01})",
      R"({"a":"\q"})",
      "{\"a\":\"tab\tinside\"}",  // raw control character in a string
      " ",
      "nul",
  };
  for (const char* b : bad) {
    INFO(b);
    CHECK(command_error(b) == errc::malformed_json);
  }
}

TEST_CASE("Command decoder: every truncation of a valid frame fails cleanly") {
  const std::string_view full = golden::c7a_publish;
  command_decoder d;
  for (std::size_t n = 0; n < full.size(); ++n) {
    INFO("prefix " << n);
    const std::error_code ec = d.decode(full.substr(0, n));
    CHECK(ec);
    CHECK(ec.category() == relayload::error_category());
  }
  CHECK_FALSE(d.decode(full));
}

TEST_CASE("Command decoder: embedded NUL bytes are rejected") {
  CHECK(command_error(std::string_view("{}\0{}", 5)) == errc::malformed_json);
  CHECK(command_error(std::string_view("{\"a\":\"x\0y\"}", 11)) == errc::malformed_json);
}

TEST_CASE("Command decoder: a message that is not an object is a malformed frame") {
  CHECK(command_error("[1]") == errc::malformed_frame);
  CHECK(command_error(R"("connect")") == errc::malformed_frame);
  CHECK(command_error("5") == errc::malformed_frame);
  CHECK(command_error("null") == errc::malformed_frame);
}

TEST_CASE("Command decoder: nesting deeper than max_depth") {
  // Root (1) + publish object (2) + k nested arrays.
  auto frame = [](std::size_t k) {
    return R"({"publish":{"channel":"c","data":)" + std::string(k, '[') + std::string(k, ']') +
           R"(},"id":1})";
  };
  command_decoder d;
  CHECK_FALSE(d.decode(frame(62)));
  CHECK(d.decode(frame(63)) == errc::nesting_too_deep);
  CHECK(command_error(std::string(60000, '[')) == errc::nesting_too_deep);  // no deep recursion
  decode_options shallow;
  shallow.max_depth = 2;
  CHECK_FALSE(command_error(R"({"connect":{},"id":1})", shallow));
  CHECK(command_error(R"({"connect":{"data":{}},"id":1})", shallow) == errc::nesting_too_deep);
}

TEST_CASE("Command decoder: frames above max_frame_size") {
  const std::string head = R"({"publish":{"channel":"c","data":")";
  const std::string tail = R"("},"id":1})";
  const std::string exact = head + std::string(65536 - head.size() - tail.size(), 'x') + tail;
  REQUIRE(exact.size() == 65536);
  CHECK_FALSE(command_error(exact));
  CHECK(command_error(exact + "x") == errc::frame_too_large);
  decode_options small;
  small.max_frame_size = 10;
  CHECK(command_error(R"({"id":1,"x":1})", small) == errc::frame_too_large);
  CHECK_FALSE(command_error("{}", small));
}

TEST_CASE("Command decoder: invalid UTF-8") {
  const char* bad[] = {
      "{\"publish\":{\"channel\":\"c\",\"data\":\"\xff\"},\"id\":1}",
      "{\"publish\":{\"channel\":\"\xc0\xaf\"},\"id\":1}",          // overlong '/'
      "{\"publish\":{\"channel\":\"\xed\xa0\x80\"},\"id\":1}",      // raw surrogate
      "{\"publish\":{\"channel\":\"\xe2\x82\"},\"id\":1}",          // truncated sequence
      "{\"publish\":{\"channel\":\"\xf4\x90\x80\x80\"},\"id\":1}",  // above U+10FFFF
      R"({"publish":{"channel":"\ud800"},"id":1})",                 // lone high surrogate escape
  };
  for (const char* b : bad) {
    INFO(b);
    CHECK(command_error(b) == errc::invalid_utf8);
  }
  command_decoder d;
  const auto& ok = decode_commands(d, "{\"publish\":{\"channel\":\"caf\xc3\xa9\",\"data\":\"\xf0\x9f\x98\x80\"},\"id\":1}");
  CHECK(ok[0].get<publish_request>()->channel == "caf\xc3\xa9");
  CHECK(ok[0].get<publish_request>()->data == "\"\xf0\x9f\x98\x80\"");
}

TEST_CASE("Command decoder: batching rules") {
  command_decoder d;
  CHECK(d.decode("") == errc::empty_frame);
  CHECK(d.decode("\n") == errc::empty_frame);
  CHECK(decode_commands(d, "{}\n").size() == 1);
  CHECK(d.decode("{}\n\n{}") == errc::malformed_frame);
  CHECK(d.decode("{}\n\n") == errc::malformed_frame);
  // Commands before a bad one are kept (Centrifugo runs them, then disconnects).
  const std::string frame = std::string(golden::c1_connect) + "\n{\"ping\":{},\"id\":2}";
  CHECK(d.decode(frame) == errc::unknown_message);
  REQUIRE(d.commands().size() == 1);
  CHECK(d.commands()[0].kind() == method::connect);
}

TEST_CASE("Command decoder: reuse and move keep results consistent") {
  command_decoder d;
  decode_commands(d, golden::c7a_publish);
  const std::string second = R"({"publish":{"channel":"other","data":"y"},"id":9})";
  const auto& cmds = decode_commands(d, second);
  REQUIRE(cmds.size() == 1);
  CHECK(cmds[0].get<publish_request>()->channel == "other");
  command_decoder moved(std::move(d));
  REQUIRE(moved.commands().size() == 1);
  CHECK(moved.commands()[0].get<publish_request>()->channel == "other");
  CHECK(moved.commands()[0].get<publish_request>()->data == R"("y")");
  CHECK(d.commands().empty());  // NOLINT(bugprone-use-after-move): documented as empty
  CHECK(d.decode("{}") == errc::invalid_argument);
}
