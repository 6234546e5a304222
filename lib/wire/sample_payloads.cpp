#include "relayload/wire/sample_payloads.hpp"

#include <new>

#include "relayload/wire/json_string.hpp"
#include "wire/json_tape_impl.hpp"

namespace relayload::wire {

void append_sample_request_payload(std::string& out, std::uint64_t message_id) {
  out.append(sample_request_prefix.data(), sample_request_prefix.size());
  append_json_uint(out, message_id);
  out.push_back('}');
}

void append_sample_response_payload(std::string& out, std::uint64_t message_id) {
  out.append(sample_response_prefix.data(), sample_response_prefix.size());
  append_json_uint(out, message_id);
  out.push_back('}');
}

std::string sample_request_payload(std::uint64_t message_id) {
  std::string out;
  append_sample_request_payload(out, message_id);
  return out;
}

std::string sample_response_payload(std::uint64_t message_id) {
  std::string out;
  append_sample_response_payload(out, message_id);
  return out;
}

result<std::uint64_t> payload_message_id(std::string_view raw_payload) noexcept {
  try {
    detail::scratch_tape lease;
    detail::json_tape& tape = *lease;
    if (std::error_code ec = tape.copy_parse(raw_payload, decode_options{})) {
      return unexpected(ec);
    }
    if (tape[0].type != detail::jtype::object) return unexpected(errc::malformed_frame);
    const std::uint32_t v = tape.find(0, "id");
    if (v == detail::npos || tape.is_null(v)) return unexpected(errc::missing_field);
    std::uint64_t id = 0;
    if (std::error_code ec = tape.get(v, id)) return unexpected(ec);
    return id;
  } catch (const std::bad_alloc&) {
    return unexpected(std::make_error_code(std::errc::not_enough_memory));
  }
}

}  // namespace relayload::wire
