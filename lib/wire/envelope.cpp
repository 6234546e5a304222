#include "relayload/wire/envelope.hpp"

#include <cstring>
#include <new>

#include "relayload/wire/json_string.hpp"
#include "wire/json_tape_impl.hpp"
#include "wire/json_writer_impl.hpp"

namespace relayload::wire {
namespace {

using detail::lit;
using detail::make_ec;

// True when `s` is written unchanged inside a JSON string, so escaping it twice is a no-op.
bool escape_free(std::string_view s) noexcept { return json_string_size(s) == s.size() + 2; }

std::error_code read_envelope(const detail::json_tape& t, envelope& e) {
  if (t[0].type != detail::jtype::object) return make_ec(errc::malformed_frame);
  bool has_id = false;
  bool has_nonce = false;
  bool has_payload = false;
  std::string_view client_id;
  std::string_view payload;
  std::error_code ec =
      t.for_each_member(0, [&](std::string_view k, std::uint32_t v) -> std::error_code {
        const detail::jtoken& tok = t[v];
        if (k == "clientId") {
          if (tok.type != detail::jtype::string) return make_ec(errc::wrong_type);
          client_id = tok.str;
          has_id = true;
        } else if (k == "nonce") {
          if (tok.type != detail::jtype::uint || tok.u == 0) return make_ec(errc::wrong_type);
          e.nonce = tok.u;
          has_nonce = true;
        } else if (k == "payload") {
          if (tok.type != detail::jtype::string) return make_ec(errc::wrong_type);
          payload = tok.str;
          has_payload = true;
        }
        return {};
      });
  if (ec) return ec;
  if (!has_id || !has_nonce || !has_payload) return make_ec(errc::missing_field);
  e.client_id.assign(client_id.data(), client_id.size());
  e.payload.assign(payload.data(), payload.size());
  return {};
}

}  // namespace

void append_envelope_json(std::string& out, std::string_view client_id, std::uint64_t nonce,
                          std::string_view payload) {
  lit(out, "{\"clientId\":");
  append_json_string(out, client_id);
  lit(out, ",\"nonce\":");
  append_json_uint(out, nonce);
  lit(out, ",\"payload\":");
  append_json_string(out, payload);
  out.push_back('}');
}

void append_envelope_data(std::string& out, std::string_view client_id, std::uint64_t nonce,
                          std::string_view payload) {
  if (escape_free(client_id) && escape_free(payload)) {
    // The only escaping left is each quote of the envelope becoming \" (protocol.md §1.5).
    out.reserve(out.size() + client_id.size() + payload.size() + 64);
    lit(out, R"("{\"clientId\":\")");
    detail::raw(out, client_id);
    lit(out, R"(\",\"nonce\":)");
    append_json_uint(out, nonce);
    lit(out, R"(,\"payload\":\")");
    detail::raw(out, payload);
    lit(out, R"(\"}")");
    return;
  }
  std::string json;
  append_envelope_json(json, client_id, nonce, payload);
  append_json_string(out, json);
}

result<envelope> decode_envelope_json(std::string_view json,
                                      const decode_options& options) noexcept {
  try {
    detail::scratch_tape lease;
    detail::json_tape& tape = *lease;
    if (std::error_code ec = tape.copy_parse(json, options)) return unexpected(ec);
    envelope e;
    if (std::error_code ec = read_envelope(tape, e)) return unexpected(ec);
    return e;
  } catch (const std::bad_alloc&) {
    return unexpected(std::make_error_code(std::errc::not_enough_memory));
  }
}

result<envelope> decode_envelope_data(std::string_view raw_data, const decode_options& options,
                                      utf8_input input) noexcept {
  try {
    // This thread's tape for both parses, and a buffer for the envelope text: steady state
    // allocates only the envelope's own strings.
    detail::scratch_tape lease;
    detail::json_tape& tape = *lease;
    thread_local std::string inner;
    struct trim_inner {
      ~trim_inner() {
        if (inner.capacity() > detail::scratch_keep_bytes) std::string().swap(inner);
      }
    } trim_after;
    if (std::error_code ec = tape.copy_parse(raw_data, options, input)) return unexpected(ec);
    if (tape[0].type != detail::jtype::string) return unexpected(errc::wrong_type);
    inner.assign(tape[0].str.data(), tape[0].str.size());
    // The content of a JSON string that was valid UTF-8 is valid UTF-8 too, except where an
    // escape of a lone low surrogate (\udc00, which RapidJSON lets through) became the
    // bytes ED B0..BF: only then does the envelope's text need its own check.
    const utf8_input inner_input =
        std::memchr(inner.data(), '\xED', inner.size()) == nullptr ? utf8_input::validated
                                                                    : utf8_input::unchecked;
    if (std::error_code ec = tape.copy_parse(inner, options, inner_input)) return unexpected(ec);
    envelope e;
    if (std::error_code ec = read_envelope(tape, e)) return unexpected(ec);
    return e;
  } catch (const std::bad_alloc&) {
    return unexpected(std::make_error_code(std::errc::not_enough_memory));
  }
}

}  // namespace relayload::wire
