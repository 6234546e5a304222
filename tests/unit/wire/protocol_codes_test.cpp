#include <catch2/catch.hpp>

#include "golden_vectors.hpp"
#include "relayload/wire/protocol_codes.hpp"
#include "relayload/wire/reply_encoder.hpp"

using namespace relayload::wire;

TEST_CASE("Protocol codes: error replies match C10 byte for byte") {
  const std::pair<std::uint32_t, reply_error_code> c10[] = {
      {2, reply_error_code::unknown_channel}, {2, reply_error_code::permission_denied},
      {2, reply_error_code::already_subscribed}, {2, reply_error_code::bad_request},
      {4, reply_error_code::not_available}, {4, reply_error_code::internal}};
  for (std::size_t i = 0; i < 6; ++i) {
    std::string out;
    append_reply(out, c10[i].first, make_error(c10[i].second));
    CHECK(out == golden::c10_error_replies[i]);
  }
  CHECK(make_error(reply_error_code::too_many_requests).temporary);
  CHECK_FALSE(make_error(reply_error_code::unrecoverable_position).temporary);
}

TEST_CASE("Protocol codes: unsubscribe push of C11 and resubscribe rule") {
  push p;
  p.channel = golden::session_channel;
  p.body = make_unsubscribe(unsubscribe_code::insufficient_state);
  std::string out;
  append_push(out, p);
  CHECK(out == golden::c11_unsubscribe_push);
  CHECK(resubscribes(2500));
  CHECK(resubscribes(2502));
  CHECK_FALSE(resubscribes(2000));
}

TEST_CASE("Protocol codes: disconnect reasons and terminal ranges") {
  CHECK(std::string(disconnect_reason(disconnect_code::bad_request)) == "bad request");
  CHECK(std::string(disconnect_reason(disconnect_code::no_pong)) == "no pong");
  CHECK(std::string(disconnect_reason(disconnect_code::stale)) == "stale");
  CHECK(is_terminal_disconnect(3501));
  CHECK(is_terminal_disconnect(4500));
  CHECK_FALSE(is_terminal_disconnect(3012));
  CHECK_FALSE(is_terminal_disconnect(4499));
  CHECK_FALSE(is_terminal_disconnect(1005));
  const disconnect_push d = make_disconnect(disconnect_code::shutdown);
  CHECK(d.code == 3001);
  CHECK(d.reason == "shutdown");
  CHECK(d.reconnect);
  CHECK_FALSE(make_disconnect(disconnect_code::force_disconnect).reconnect);
}
