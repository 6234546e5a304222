// The one-shot decoders (envelope, protocol message, sample payload) reuse a per-thread
// tape: results must not depend on what the tape parsed before, and a large input's buffers
// are released afterwards.
#include <catch2/catch.hpp>

#include <string>

#include "relayload/wire/protocol_message.hpp"
#include "relayload/wire/sample_payloads.hpp"
#include "wire/json_tape_impl.hpp"
#include "wire_test_util.hpp"

using namespace wire_test;

TEST_CASE("one-shot decoders give the same results whatever the thread's tape held before",
          "[wire]") {
  const std::string small = envelope_data("c1", 1, "p1");
  const std::string large = envelope_data(std::string(30000, 'a'), 2, std::string(30000, 'b'));
  wire::decode_options big;
  big.max_frame_size = 200000;
  for (int round = 0; round < 3; ++round) {
    const auto a = wire::decode_envelope_data(small);
    REQUIRE(a);
    CHECK(a->client_id == "c1");
    CHECK(a->payload == "p1");
    const auto b = wire::decode_envelope_data(large, big);
    REQUIRE(b);
    CHECK(b->client_id == std::string(30000, 'a'));
    CHECK(b->payload == std::string(30000, 'b'));
    // Errors in between leave nothing behind.
    CHECK(wire::decode_envelope_data(R"("{\"clientId\":1}")").error() == errc::wrong_type);
    CHECK(wire::decode_envelope_json(R"({"clientId":"c","nonce":1})").error() ==
          errc::missing_field);
    const auto m = wire::decode_protocol_message(R"({"type":"message","payload":"x"})");
    REQUIRE(m);
    CHECK(m->payload == "\"x\"");  // raw JSON
    const auto id = wire::payload_message_id(wire::sample_response_payload(42));
    REQUIRE(id);
    CHECK(*id == 42);
  }
}

TEST_CASE("the scratch tape releases a large input's buffers after the decode", "[wire]") {
  namespace detail = relayload::wire::detail;
  wire::decode_options big;
  big.max_frame_size = 200000;
  std::string arr = "[1";
  for (int i = 0; i < 9999; ++i) arr += ",1";
  arr += "]";
  {
    detail::scratch_tape lease;
    REQUIRE_FALSE((*lease).copy_parse(arr, big));
    CHECK((*lease).size() == 10001);  // 10,001 tokens: far above what is kept
    CHECK((*lease).capacity_bytes() > 3 * detail::scratch_keep_bytes);
  }
  {
    detail::scratch_tape lease;
    CHECK((*lease).capacity_bytes() <= 3 * detail::scratch_keep_bytes);
    REQUIRE_FALSE((*lease).copy_parse("{\"a\":[1,2]}", {}));
    CHECK((*lease).size() == 5);
  }
  {
    detail::scratch_tape lease;  // small buffers are kept for the next decode
    CHECK((*lease).capacity_bytes() > 0);
  }
}
