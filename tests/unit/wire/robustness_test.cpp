// Decoders must never crash or throw on arbitrary input: seeded mutations of the golden
// vectors (deterministic; run under ASan/UBSan in CI). Fuzzers come later.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "golden_vectors.hpp"
#include "relayload/wire/base64.hpp"
#include "relayload/wire/protocol_message.hpp"
#include "relayload/wire/session_request.hpp"
#include "wire_test_util.hpp"

using namespace wire_test;
using namespace relayload::wire;

namespace {

std::string mutate(std::string s, std::mt19937& rng) {
  static const char interesting[] = "{}[]\":,\\\n 0-eE.tfn\xff\xc3\xed\x00u";
  std::uniform_int_distribution<int> op(0, 3);
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    const std::size_t pos = rng() % s.size();
    const char c = interesting[rng() % (sizeof interesting - 1)];
    switch (op(rng)) {
      case 0: s[pos] = c; break;
      case 1: s.insert(s.begin() + static_cast<std::ptrdiff_t>(pos), c); break;
      case 2: s.erase(pos, 1 + rng() % 8); break;
      default: s[pos] = static_cast<char>(rng()); break;
    }
  }
  return s;
}

// Errors must come from the wire's own set (or bad_alloc's, which cannot happen here).
bool is_wire_error(const std::error_code& ec) {
  return !ec || ec.category() == relayload::error_category();
}

}  // namespace

TEST_CASE("Decoders survive seeded mutations of every golden vector") {
  const std::string_view seeds[] = {
      golden::c1_connect,         golden::c2_connect_reply,      golden::c4b_subscribe_flag,
      golden::c5b_subscribe_reply_top1, golden::c6a_history,     golden::c6c_history_reply_one,
      golden::c7a_publish,        golden::c7b_pub_push,          golden::c8a_reconnect_frame,
      golden::c8b_reconnect_reply_frame, golden::c9a_unsubscribe, golden::c10_error_replies[5],
      golden::c11_unsubscribe_push, golden::m2_session_request_untrusted, golden::m4_plaintext,
      golden::m4_envelope,        golden::m8_request_publish};
  std::mt19937 rng(20240607);  // fixed seed: the same inputs on every run
  command_decoder cd;
  reply_decoder rd;
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  for (std::string_view seed : seeds) {
    for (int i = 0; i < 400; ++i) {
      const std::string input = mutate(std::string(seed), rng);
      const std::error_code a = cd.decode(input);
      const std::error_code b = rd.decode(input);
      const std::error_code c = decode_envelope_data(input).error();
      const std::error_code d = decode_session_request(input).error();
      const std::error_code e = decode_protocol_message(input).error();
      const std::error_code f = base64_decode(input).error();
      const bool ok = is_wire_error(a) && is_wire_error(b) && is_wire_error(c) &&
                      is_wire_error(d) && is_wire_error(e) && is_wire_error(f);
      if (!ok) FAIL("unexpected error category for input: " << input);
      (a ? rejected : accepted) += 1;
    }
  }
  // Both outcomes occur, so the mutations exercise success and failure paths alike.
  CHECK(accepted > 0);
  CHECK(rejected > 0);
}
