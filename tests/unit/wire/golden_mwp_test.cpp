// Golden vectors M1–M9 of protocol.md §5.2 (MockKeyManager: payload = base64(plaintext)).
#include <catch2/catch.hpp>

#include "golden_vectors.hpp"
#include "relayload/wire/base64.hpp"
#include "relayload/wire/command_encoder.hpp"
#include "relayload/wire/json_string.hpp"
#include "relayload/wire/protocol_message.hpp"
#include "relayload/wire/sample_payloads.hpp"
#include "relayload/wire/session_request.hpp"
#include "wire_test_util.hpp"

using namespace wire_test;
using namespace relayload::wire;
using std::chrono::milliseconds;

namespace {

// Checks the plaintext → mock payload → envelope chain of one M vector in both directions.
void check_envelope_chain(std::string_view plaintext, std::string_view payload,
                          std::string_view envelope_json, std::string_view client_id) {
  CHECK(base64_encode(plaintext) == payload);
  const auto back = base64_decode(payload);
  REQUIRE(back);
  CHECK(*back == plaintext);

  std::string json;
  append_envelope_json(json, client_id, 1, payload);
  CHECK(json == envelope_json);

  const auto env = decode_envelope_json(envelope_json);
  REQUIRE(env);
  CHECK(env->client_id == client_id);
  CHECK(env->nonce == 1);
  CHECK(env->payload == payload);

  // The publication `data` form is the envelope JSON as a JSON string literal.
  const std::string data = envelope_data(client_id, 1, payload);
  CHECK(data == to_json_string(envelope_json));
  const auto from_data = decode_envelope_data(data);
  REQUIRE(from_data);
  CHECK(*from_data == *env);
}

session_request m1_request() {
  session_request r;
  r.id = std::string(golden::session_id);
  r.mode = session_mode::trusted;
  r.channel = std::string(golden::handshake_channel);
  r.public_key_b64 = std::string(golden::mock_public_key_b64);
  r.expires_at = relayload::unix_time_from_ms(1700000060000);
  return r;
}

void check_publish_frame(std::string_view frame, std::size_t size, std::uint32_t id,
                         std::string_view client_id, std::string_view payload) {
  const std::string data = envelope_data(client_id, 1, payload);
  std::string out;
  append_publish(out, id, golden::session_channel, data);
  CHECK(out == frame);
  CHECK(out.size() == size);

  command_decoder d;
  const auto& cmds = decode_commands(d, frame);
  REQUIRE(cmds.size() == 1);
  CHECK(cmds[0].id == id);
  REQUIRE(cmds[0].kind() == method::publish);
  CHECK(cmds[0].get<publish_request>()->channel == golden::session_channel);
  CHECK(cmds[0].get<publish_request>()->data == data);
  const auto env = decode_envelope_data(cmds[0].get<publish_request>()->data);
  REQUIRE(env);
  CHECK(env->client_id == client_id);
  CHECK(env->payload == payload);
}

}  // namespace

TEST_CASE("M1 SessionRequest, trusted, no initial message") {
  const session_request r = m1_request();
  const std::string out = encode_session_request(r);
  CHECK(out == golden::m1_session_request_trusted);
  CHECK(out.size() == golden::m1_session_request_trusted_size);

  const auto got = decode_session_request(golden::m1_session_request_trusted);
  REQUIRE(got);
  CHECK(*got == r);
  CHECK(got->initial_message.empty());
}

TEST_CASE("M2 SessionRequest, untrusted, with initial message") {
  session_request r = m1_request();
  r.mode = session_mode::untrusted;
  r.initial_message = R"({"type":"message","payload":{"method":"eth_requestAccounts"}})";
  const std::string out = encode_session_request(r);
  CHECK(out == golden::m2_session_request_untrusted);
  CHECK(out.size() == golden::m2_session_request_untrusted_size);

  const auto got = decode_session_request(golden::m2_session_request_untrusted);
  REQUIRE(got);
  CHECK(*got == r);
  // The initial message is itself a protocol message.
  const auto msg = decode_protocol_message(got->initial_message);
  REQUIRE(msg);
  CHECK(msg->type == protocol_message_type::message);
  CHECK(msg->payload == R"({"method":"eth_requestAccounts"})");
}

TEST_CASE("M3 trusted handshake offer") {
  handshake_offer offer;
  offer.public_key_b64 = std::string(golden::mock_public_key_b64);
  offer.channel_id = std::string(golden::session_uuid);
  std::string plaintext;
  append_handshake_offer(plaintext, offer);
  CHECK(plaintext == golden::m3_plaintext);
  CHECK(plaintext.size() == golden::m3_plaintext_size);
  CHECK(golden::m3_payload.size() == golden::m3_payload_size);
  CHECK(golden::m3_envelope.size() == golden::m3_envelope_size);

  const auto msg = decode_protocol_message(golden::m3_plaintext);
  REQUIRE(msg);
  CHECK(msg->type == protocol_message_type::handshake_offer);
  CHECK(msg->offer == offer);
  CHECK_FALSE(msg->offer.untrusted());
  check_envelope_chain(golden::m3_plaintext, golden::m3_payload, golden::m3_envelope,
                       golden::wallet_client_id);
}

TEST_CASE("M4 untrusted handshake offer") {
  handshake_offer offer;
  offer.public_key_b64 = std::string(golden::mock_public_key_b64);
  offer.channel_id = std::string(golden::session_uuid);
  offer.otp = "123456";
  offer.deadline = relayload::unix_time_from_ms(1700000065000);
  protocol_message m;
  m.type = protocol_message_type::handshake_offer;
  m.offer = offer;
  const std::string plaintext = encode_protocol_message(m);
  CHECK(plaintext == golden::m4_plaintext);
  CHECK(plaintext.size() == golden::m4_plaintext_size);

  const auto msg = decode_protocol_message(golden::m4_plaintext);
  REQUIRE(msg);
  CHECK(*msg == m);
  CHECK(msg->offer.untrusted());
  check_envelope_chain(golden::m4_plaintext, golden::m4_payload, golden::m4_envelope,
                       golden::wallet_client_id);
  CHECK(golden::m4_envelope.size() == golden::m4_envelope_size);
}

TEST_CASE("M5 handshake ack") {
  std::string plaintext;
  append_handshake_ack(plaintext);
  CHECK(plaintext == golden::m5_plaintext);
  CHECK(plaintext.size() == golden::m5_plaintext_size);

  const auto msg = decode_protocol_message(golden::m5_plaintext);
  REQUIRE(msg);
  CHECK(msg->type == protocol_message_type::handshake_ack);
  check_envelope_chain(golden::m5_plaintext, golden::m5_payload, golden::m5_envelope,
                       golden::dapp_client_id);
  CHECK(golden::m5_envelope.size() == golden::m5_envelope_size);
}

TEST_CASE("M6a load-test request, messageId 1") {
  const std::string payload = sample_request_payload(1);
  CHECK(payload.size() == 140);  // §4.3
  std::string plaintext;
  append_app_message(plaintext, payload);
  CHECK(plaintext == golden::m6a_plaintext);
  CHECK(plaintext.size() == golden::m6a_plaintext_size);

  const auto msg = decode_protocol_message(golden::m6a_plaintext);
  REQUIRE(msg);
  CHECK(msg->type == protocol_message_type::message);
  CHECK(msg->payload == payload);
  const auto id = payload_message_id(msg->payload);
  REQUIRE(id);
  CHECK(*id == 1);
  check_envelope_chain(golden::m6a_plaintext, golden::m6a_payload, golden::m6a_envelope,
                       golden::dapp_client_id);
  CHECK(golden::m6a_envelope.size() == golden::m6a_envelope_size);
}

TEST_CASE("M6b load-test response, messageId 1") {
  const std::string payload = sample_response_payload(1);
  CHECK(payload.size() == 148);  // §4.3
  std::string plaintext;
  append_app_message(plaintext, payload);
  CHECK(plaintext == golden::m6b_plaintext);
  CHECK(plaintext.size() == golden::m6b_plaintext_size);

  const auto msg = decode_protocol_message(golden::m6b_plaintext);
  REQUIRE(msg);
  CHECK(msg->payload == payload);
  check_envelope_chain(golden::m6b_plaintext, golden::m6b_payload, golden::m6b_envelope,
                       golden::wallet_client_id);
  CHECK(golden::m6b_envelope.size() == golden::m6b_envelope_size);
}

TEST_CASE("M7 ack publish frame") {
  check_publish_frame(golden::m7_ack_publish, golden::m7_ack_publish_size, 12,
                      golden::dapp_client_id, golden::m5_payload);
}

TEST_CASE("M8 request publish frame") {
  check_publish_frame(golden::m8_request_publish, golden::m8_request_publish_size, 13,
                      golden::dapp_client_id, golden::m6a_payload);
}

TEST_CASE("M9 response publish frame") {
  check_publish_frame(golden::m9_response_publish, golden::m9_response_publish_size, 14,
                      golden::wallet_client_id, golden::m6b_payload);
}

TEST_CASE("Sample payload sizes grow by one byte per id digit (4.3)") {
  CHECK(sample_request_payload(9).size() == 140);
  CHECK(sample_request_payload(10).size() == 141);
  CHECK(sample_response_payload(1234).size() == 151);
  CHECK(sample_request_payload(77).substr(0, sample_request_prefix.size()) ==
        sample_request_prefix);
  CHECK(sample_request_payload(77).substr(sample_request_prefix.size()) == "77}");
  const auto id = payload_message_id(sample_response_payload(4242));
  REQUIRE(id);
  CHECK(*id == 4242);
}
