// MWP envelope, SessionRequest, protocol messages and sample payloads: validation paths.
#include <catch2/catch.hpp>

#include "golden_vectors.hpp"
#include "relayload/wire/json_string.hpp"
#include "relayload/wire/protocol_message.hpp"
#include "relayload/wire/sample_payloads.hpp"
#include "relayload/wire/session_request.hpp"
#include "wire_test_util.hpp"

using namespace wire_test;
using namespace relayload::wire;

namespace {
std::error_code envelope_error(std::string_view json) {
  return decode_envelope_json(json).error();
}
std::error_code session_error(std::string_view json) {
  return decode_session_request(json).error();
}
std::error_code message_error(std::string_view json) {
  return decode_protocol_message(json).error();
}
}  // namespace

TEST_CASE("Envelope: any key order, unknown keys ignored, strings unescaped") {
  const auto e = decode_envelope_json(R"({"payload":"a\/b","x":[1],"nonce":7,"clientId":"c"})");
  REQUIRE(e);
  CHECK(e->client_id == "c");
  CHECK(e->nonce == 7);
  CHECK(e->payload == "a/b");
}

TEST_CASE("Envelope: validation as the JS receiver applies it") {
  CHECK(envelope_error(R"({"nonce":1,"payload":"p"})") == errc::missing_field);
  CHECK(envelope_error(R"({"clientId":"c","payload":"p"})") == errc::missing_field);
  CHECK(envelope_error(R"({"clientId":"c","nonce":1})") == errc::missing_field);
  CHECK(envelope_error(R"({"clientId":1,"nonce":1,"payload":"p"})") == errc::wrong_type);
  CHECK(envelope_error(R"({"clientId":"c","nonce":0,"payload":"p"})") == errc::wrong_type);
  CHECK(envelope_error(R"({"clientId":"c","nonce":-1,"payload":"p"})") == errc::wrong_type);
  CHECK(envelope_error(R"({"clientId":"c","nonce":1.5,"payload":"p"})") == errc::wrong_type);
  CHECK(envelope_error(R"({"clientId":"c","nonce":"1","payload":"p"})") == errc::wrong_type);
  CHECK(envelope_error(R"({"clientId":"c","nonce":1,"payload":null})") == errc::wrong_type);
  CHECK(envelope_error(R"(["c",1,"p"])") == errc::malformed_frame);
  CHECK(envelope_error(R"({"clientId":"c")") == errc::malformed_json);
}

TEST_CASE("Envelope data: must be a JSON string holding the envelope JSON") {
  // An embedded object instead of a string is what a careless sender would publish.
  CHECK(decode_envelope_data(golden::m5_envelope).error() == errc::wrong_type);
  CHECK(decode_envelope_data(R"("not json")").error() == errc::malformed_json);
  CHECK(decode_envelope_data(R"("5")").error() == errc::malformed_frame);
  CHECK(decode_envelope_data(R"("{\"clientId\":\"c\",\"nonce\":1}")").error() ==
        errc::missing_field);
  CHECK(decode_envelope_data("\"unterminated").error() == errc::malformed_json);
  CHECK(decode_envelope_data("").error() == errc::malformed_json);
  decode_options small;
  small.max_frame_size = 16;
  CHECK(decode_envelope_data(to_json_string(golden::m5_envelope), small).error() ==
        errc::frame_too_large);
}

TEST_CASE("Envelope data: values that need escaping survive both levels") {
  const envelope e{"id\"with\\quote", 42, "payload\n/\x01"};
  std::string data;
  append_envelope_data(data, e);
  std::string json;
  append_envelope_json(json, e);
  CHECK(data == to_json_string(json));
  const auto back = decode_envelope_data(data);
  REQUIRE(back);
  CHECK(*back == e);
}

TEST_CASE("SessionRequest: validation") {
  const std::string ok =
      R"({"id":"i","mode":"trusted","channel":"handshake:i","publicKeyB64":"k","expiresAt":5})";
  REQUIRE(decode_session_request(ok));
  CHECK(session_error(R"({"mode":"trusted","channel":"c","publicKeyB64":"k","expiresAt":5})") ==
        errc::missing_field);
  CHECK(session_error(R"({"id":"i","channel":"c","publicKeyB64":"k","expiresAt":5})") ==
        errc::missing_field);
  CHECK(session_error(R"({"id":"i","mode":"trusted","channel":"c","publicKeyB64":"k"})") ==
        errc::missing_field);
  CHECK(session_error(R"({"id":"i","mode":"semi","channel":"c","publicKeyB64":"k","expiresAt":5})") ==
        errc::wrong_type);
  CHECK(session_error(R"({"id":"i","mode":"trusted","channel":"c","publicKeyB64":"k","expiresAt":"5"})") ==
        errc::wrong_type);
  CHECK(session_error(R"({"id":"i","mode":"trusted","channel":"c","publicKeyB64":"k","expiresAt":5.5})") ==
        errc::wrong_type);
  CHECK(session_error(R"({"id":7,"mode":"trusted","channel":"c","publicKeyB64":"k","expiresAt":5})") ==
        errc::wrong_type);
  CHECK(session_error(R"({"id":"i","mode":"trusted","channel":"c","publicKeyB64":"k","expiresAt":5,"initialMessage":[1]})") ==
        errc::wrong_type);
  const auto with_null = decode_session_request(
      R"({"extra":1,"id":"i","mode":"untrusted","channel":"c","publicKeyB64":"k","expiresAt":5,"initialMessage":null})");
  REQUIRE(with_null);
  CHECK(with_null->mode == session_mode::untrusted);
  CHECK(with_null->initial_message.empty());
  CHECK(session_error("[]") == errc::malformed_frame);
}

TEST_CASE("SessionRequest: round trip keeps the initial message verbatim") {
  session_request r;
  r.id = "3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f";
  r.mode = session_mode::trusted;
  r.channel = "handshake:" + r.id;
  r.public_key_b64 = "A081W9y3zAr3KO88zrlhXZBoS7Wyyl+FmrDwtwQHWHGq";
  r.expires_at = relayload::unix_time_from_ms(1795346083195);
  r.initial_message = R"({"type":"message","payload":{"a":[1, 2],"b":"\u00e9"}})";
  const auto back = decode_session_request(encode_session_request(r));
  REQUIRE(back);
  CHECK(*back == r);
}

TEST_CASE("Protocol message: validation") {
  CHECK(message_error(R"({"payload":{}})") == errc::missing_field);
  CHECK(message_error(R"({"type":5})") == errc::wrong_type);
  CHECK(message_error(R"({"type":"goodbye"})") == errc::unknown_message);
  CHECK(message_error(R"({"type":"handshake-offer"})") == errc::missing_field);
  CHECK(message_error(R"({"type":"handshake-offer","payload":"x"})") == errc::wrong_type);
  CHECK(message_error(R"({"type":"handshake-offer","payload":{"publicKeyB64":"k"}})") ==
        errc::missing_field);
  CHECK(message_error(R"({"type":"handshake-offer","payload":{"publicKeyB64":"k","channelId":1}})") ==
        errc::wrong_type);
  CHECK(message_error(R"({"type":"handshake-offer","payload":{"publicKeyB64":"k","channelId":"c","deadline":"soon"}})") ==
        errc::wrong_type);
  CHECK(message_error(R"({"type":"handshake-offer","payload":{"publicKeyB64":"k","channelId":"c","otp":123456}})") ==
        errc::wrong_type);
  CHECK(message_error(R"({"type":"message"})") == errc::missing_field);
  CHECK(message_error(R"(["message"])") == errc::malformed_frame);
  CHECK(message_error("{\"type\":\"message\",\"payload\":\"\xc3\"}") == errc::invalid_utf8);

  const auto ack = decode_protocol_message(R"({"payload":{"ignored":true},"type":"handshake-ack"})");
  REQUIRE(ack);
  CHECK(ack->type == protocol_message_type::handshake_ack);
  const auto str = decode_protocol_message(R"({"type":"message","payload":"hi"})");
  REQUIRE(str);
  CHECK(str->payload == R"("hi")");
}

TEST_CASE("Protocol message: every type round-trips") {
  protocol_message m;
  m.type = protocol_message_type::message;
  m.payload = R"({"method":"eth_sendTransaction","params":[{"to":"0x1"}]})";
  CHECK(*decode_protocol_message(encode_protocol_message(m)) == m);
  m = protocol_message{};
  m.type = protocol_message_type::handshake_ack;
  CHECK(*decode_protocol_message(encode_protocol_message(m)) == m);
  m.type = protocol_message_type::handshake_offer;
  m.offer.public_key_b64 = "k";
  m.offer.channel_id = "c";
  m.offer.otp = "000001";
  m.offer.deadline = relayload::unix_time_from_ms(1);
  CHECK(*decode_protocol_message(encode_protocol_message(m)) == m);
  CHECK(std::string(to_string(protocol_message_type::handshake_offer)) == "handshake-offer");
  CHECK(std::string(to_string(session_mode::untrusted)) == "untrusted");
}

TEST_CASE("Sample payload id extraction failures") {
  CHECK(payload_message_id("nope").error() == errc::malformed_json);
  CHECK(payload_message_id("[1]").error() == errc::malformed_frame);
  CHECK(payload_message_id(R"({"method":"x"})").error() == errc::missing_field);
  CHECK(payload_message_id(R"({"id":-1})").error() == errc::wrong_type);
  CHECK(payload_message_id(R"({"id":"1"})").error() == errc::wrong_type);
}
