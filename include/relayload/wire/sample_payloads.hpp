// The request/response payloads of the original load test's message exchange (protocol.md
// §4.3), with the message id inserted as the last key, as the JS object spread leaves it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "relayload/result.hpp"

namespace relayload::wire {

/// SAMPLE_REQUEST_PAYLOAD up to and including `"id":`.
inline constexpr std::string_view sample_request_prefix =
    R"({"method":"personal_sign","params":["0x4578616d706c65206d65737361676520746f207369676e","0x1234567890abcdef1234567890abcdef12345678"],"id":)";

/// SAMPLE_RESPONSE_PAYLOAD up to and including `"id":`.
inline constexpr std::string_view sample_response_prefix =
    R"({"result":"0x1b2a3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b01","id":)";

/// Appends `{"method":"personal_sign","params":[...],"id":<message_id>}` (140 bytes for id 1).
void append_sample_request_payload(std::string& out, std::uint64_t message_id);
/// Appends `{"result":"0x1b2a...01","id":<message_id>}` (148 bytes for id 1).
void append_sample_response_payload(std::string& out, std::uint64_t message_id);

std::string sample_request_payload(std::uint64_t message_id);
std::string sample_response_payload(std::uint64_t message_id);

/// The `id` member of a raw JSON payload object (what the load-test dApp reads from the
/// response to match it with its request): errc::malformed_json if not JSON,
/// malformed_frame if not an object, missing_field without `id`, wrong_type unless `id` is
/// a non-negative integer. Never throws.
result<std::uint64_t> payload_message_id(std::string_view raw_payload) noexcept;

}  // namespace relayload::wire
