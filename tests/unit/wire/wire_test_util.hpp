// Helpers shared by the wire unit tests.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "relayload/error.hpp"
#include "relayload/wire/command_decoder.hpp"
#include "relayload/wire/envelope.hpp"
#include "relayload/wire/reply_decoder.hpp"

namespace wire_test {

namespace wire = relayload::wire;
using relayload::errc;

inline std::string envelope_data(std::string_view client_id, std::uint64_t nonce,
                                 std::string_view payload) {
  std::string s;
  wire::append_envelope_data(s, client_id, nonce, payload);
  return s;
}

// Decodes `frame`, requires success, and returns the decoder (views live in it).
inline const std::vector<wire::command>& decode_commands(wire::command_decoder& d,
                                                         std::string_view frame) {
  const std::error_code ec = d.decode(frame);
  INFO("error: " << ec.message());
  REQUIRE_FALSE(ec);
  return d.commands();
}

inline const std::vector<wire::server_message>& decode_messages(wire::reply_decoder& d,
                                                                std::string_view frame) {
  const std::error_code ec = d.decode(frame);
  INFO("error: " << ec.message());
  REQUIRE_FALSE(ec);
  return d.messages();
}

// The error decoding `frame` as commands yields.
inline std::error_code command_error(std::string_view frame,
                                     wire::decode_options options = {}) {
  wire::command_decoder d(options);
  return d.decode(frame);
}

inline std::error_code reply_error(std::string_view frame, wire::decode_options options = {}) {
  wire::reply_decoder d(options);
  return d.decode(frame);
}

}  // namespace wire_test
