// utf8_input: the decoders check UTF-8 by default and skip the check only when told the
// bytes were validated already (a text message from a WebSocket client transport). Both
// paths must decode valid input to the same results.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "golden_vectors.hpp"
#include "relayload/wire/utf8_input.hpp"
#include "wire_test_util.hpp"

using namespace wire_test;
using relayload::wire::reply_decoder;
using relayload::wire::utf8_input;

namespace {

// Byte sequences a strict UTF-8 validator refuses (RFC 3629; RFC 6455 clients close 1007).
const std::vector<std::string> invalid_utf8_bytes = {
    "\xff",              // never a UTF-8 byte
    "\x80",              // continuation byte without a lead
    "\xc0\xaf",          // overlong '/'
    "\xe0\x80\xaf",      // overlong 3-byte form
    "\xed\xa0\x80",      // UTF-16 surrogate U+D800 encoded
    "\xed\xbf\xbf",      // surrogate U+DFFF
    "\xf4\x90\x80\x80",  // above U+10FFFF
    "\xe2\x82",          // truncated sequence
    "caf\xc3",           // ends inside a sequence
};

// Server frames: the golden vectors of protocol.md §5.1 and valid non-ASCII text.
std::vector<std::string> valid_frames() {
  std::vector<std::string> frames = {
      std::string(golden::c2_connect_reply),
      std::string(golden::c5a_subscribe_reply_empty),
      std::string(golden::c5b_subscribe_reply_top1),
      std::string(golden::c6b_history_reply_empty),
      std::string(golden::c6c_history_reply_one),
      std::string(golden::c7b_pub_push),
      std::string(golden::c7c_publish_reply),
      std::string(golden::c8b_reconnect_reply_frame),
      std::string(golden::c8c_subscribe_reply_not_recovered),
      std::string(golden::c9b_unsubscribe_reply),
      std::string(golden::c11_unsubscribe_push),
      "{}",
      "{\"push\":{\"channel\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\",\"pub\":"
      "{\"data\":\"\xed\x9f\xbf \xef\xbf\xbf \xf4\x8f\xbf\xbf\"}}}",
      R"({"push":{"channel":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \n","pub":{"data":1}}})",
      std::string(golden::c2_connect_reply) + "\n" + std::string(golden::c7b_pub_push),
  };
  for (std::string_view f : golden::c10_error_replies) frames.emplace_back(f);
  return frames;
}

std::string push_with_channel(const std::string& channel_bytes) {
  return "{\"push\":{\"channel\":\"" + channel_bytes + "\",\"pub\":{}}}";
}

}  // namespace

TEST_CASE("the reply decoder refuses invalid UTF-8 by default", "[wire][utf8]") {
  for (const std::string& bad : invalid_utf8_bytes) {
    INFO("bytes of " << bad.size());
    const std::string frame = push_with_channel(bad);
    reply_decoder d;
    CHECK(d.decode(frame) == errc::invalid_utf8);
    CHECK(d.decode(frame, utf8_input::unchecked) == errc::invalid_utf8);
    // In a key, in raw JSON (publication data), and in the second line of a frame.
    CHECK(d.decode("{\"" + bad + "\":1}") == errc::invalid_utf8);
    CHECK(d.decode("{\"push\":{\"channel\":\"c\",\"pub\":{\"data\":[\"" + bad + "\"]}}}") ==
          errc::invalid_utf8);
    CHECK(d.decode("{}\n" + frame) == errc::invalid_utf8);
    CHECK(d.messages().size() == 1);  // the ping before the bad line
  }
}

TEST_CASE("the validated path decodes valid frames to the same messages", "[wire][utf8]") {
  reply_decoder checked;
  reply_decoder validated;
  for (const std::string& frame : valid_frames()) {
    INFO(frame);
    const std::error_code a = checked.decode(frame);
    const std::error_code b = validated.decode(frame, utf8_input::validated);
    REQUIRE_FALSE(a);
    REQUIRE_FALSE(b);
    REQUIRE(checked.messages().size() == validated.messages().size());
    CHECK(checked.messages() == validated.messages());
  }
  // Spot check that the comparison sees the content: C7b's publication data.
  REQUIRE_FALSE(validated.decode(golden::c7b_pub_push, utf8_input::validated));
  const relayload::wire::push* p = validated.messages().at(0).get_push();
  REQUIRE(p != nullptr);
  CHECK(p->channel == golden::handshake_channel);
}

TEST_CASE("the validated path gives the same errors for valid UTF-8 that is bad input",
          "[wire][utf8]") {
  const std::vector<std::string> bad = {
      "",           "[]",         "{}\n\n{}",   "{\"id\":1}", "{\"id\":\"x\"}",
      "{\"id\":1,", "{\"a\":1}x", std::string(100, '[') + std::string(100, ']'),
      std::string(70000, ' '),
      // Escapes are checked on both paths: a lone surrogate is not UTF-8 text.
      R"({"push":{"channel":"\ud800","pub":{}}})",
      R"({"push":{"channel":"\ud800\u0041","pub":{}}})",
  };
  for (const std::string& frame : bad) {
    INFO(frame.substr(0, 80));
    reply_decoder checked;
    reply_decoder validated;
    const std::error_code a = checked.decode(frame);
    CHECK(a);
    CHECK(validated.decode(frame, utf8_input::validated) == a);
    CHECK(checked.messages() == validated.messages());
  }
  CHECK(reply_error(R"({"push":{"channel":"\ud800","pub":{}}})") == errc::invalid_utf8);
}

TEST_CASE("bytes wrongly claimed validated are neither over-read nor a crash",
          "[wire][utf8][fuzz]") {
  // The fuzz regression input (a frame ending inside a 4-byte sequence) on the validated
  // path: without the encoding check it is an unterminated string. Run under ASan.
  for (std::size_t filler = 0; filler < 64; ++filler) {
    INFO("filler " << filler);
    const std::string frame = "\":\\\"eyJ" + std::string(filler, 'z') + "8jttlG\xf0\x84";
    reply_decoder d;
    CHECK(d.decode(frame, utf8_input::validated) == errc::malformed_json);
    CHECK(d.decode(frame) == errc::invalid_utf8);
  }
}

TEST_CASE("envelope data: the validated path gives the same envelope and errors",
          "[wire][utf8]") {
  const std::vector<std::string> good = {
      envelope_data(golden::wallet_client_id, 1, golden::m3_payload),
      envelope_data(golden::wallet_client_id, 7, golden::m6b_payload),
      envelope_data("caf\xc3\xa9-\xed\x9f\xbf", 2, "p\"q\\r"),  // U+D7FF: lead byte ED, valid
      R"("{\"clientId\":\"\u00e9\ud83d\ude00\",\"nonce\":3,\"payload\":\"x\"}")",
  };
  for (const std::string& data : good) {
    INFO(data);
    const auto a = relayload::wire::decode_envelope_data(data);
    const auto b = relayload::wire::decode_envelope_data(data, {}, utf8_input::validated);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(*a == *b);
  }
  const auto e = relayload::wire::decode_envelope_data(good[2], {}, utf8_input::validated);
  REQUIRE(e);
  CHECK(e->client_id == "caf\xc3\xa9-\xed\x9f\xbf");
  CHECK(e->payload == "p\"q\\r");

  // A lone low surrogate escape in the data string becomes the bytes ED B0 80 in the
  // envelope text: refused on both paths, as before.
  const std::string lone_low = R"("{\"clientId\":\"\udc00\",\"nonce\":1,\"payload\":\"p\"}")";
  CHECK(relayload::wire::decode_envelope_data(lone_low).error() == errc::invalid_utf8);
  CHECK(relayload::wire::decode_envelope_data(lone_low, {}, utf8_input::validated).error() ==
        errc::invalid_utf8);
  // Invalid bytes in the data itself: refused by default.
  for (const std::string& bad : invalid_utf8_bytes) {
    const std::string data = "\"{\\\"clientId\\\":\\\"" + bad + "\\\",\\\"nonce\\\":1,"
                             "\\\"payload\\\":\\\"p\\\"}\"";
    CHECK(relayload::wire::decode_envelope_data(data).error() == errc::invalid_utf8);
  }
}
