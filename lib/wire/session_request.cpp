#include "relayload/wire/session_request.hpp"

#include <new>

#include "relayload/wire/json_string.hpp"
#include "wire/json_tape_impl.hpp"
#include "wire/json_writer_impl.hpp"

namespace relayload::wire {
namespace {

using detail::jtype;
using detail::lit;
using detail::make_ec;

// Reads string member `v` into `out`, marking it present; null counts as a wrong type here
// (the JS wallet would fail on it the same way as on a number).
std::error_code take_string(const detail::json_tape& t, std::uint32_t v, std::string& out,
                            bool& present) {
  if (t[v].type != jtype::string) return make_ec(errc::wrong_type);
  out.assign(t[v].str.data(), t[v].str.size());
  present = true;
  return {};
}

std::error_code read_mode(const detail::json_tape& t, std::uint32_t v, session_mode& mode) {
  if (t[v].type != jtype::string) return make_ec(errc::wrong_type);
  if (t[v].str == "trusted") {
    mode = session_mode::trusted;
  } else if (t[v].str == "untrusted") {
    mode = session_mode::untrusted;
  } else {
    return make_ec(errc::wrong_type);
  }
  return {};
}

std::error_code read_request(const detail::json_tape& t, session_request& r) {
  if (t[0].type != jtype::object) return make_ec(errc::malformed_frame);
  bool id = false, mode = false, channel = false, key = false, expires = false;
  std::error_code ec =
      t.for_each_member(0, [&](std::string_view k, std::uint32_t v) -> std::error_code {
        if (k == "id") return take_string(t, v, r.id, id);
        if (k == "channel") return take_string(t, v, r.channel, channel);
        if (k == "publicKeyB64") return take_string(t, v, r.public_key_b64, key);
        if (k == "mode") {
          mode = true;
          return read_mode(t, v, r.mode);
        }
        if (k == "expiresAt") {
          std::int64_t ms = 0;
          if (t.is_null(v)) return make_ec(errc::wrong_type);
          if (std::error_code e = t.get(v, ms)) return e;
          r.expires_at = unix_time_from_ms(ms);
          expires = true;
          return {};
        }
        if (k == "initialMessage") {
          r.initial_message.clear();
          if (t.is_null(v)) return {};
          if (t[v].type != jtype::object) return make_ec(errc::wrong_type);
          const std::string_view raw = t.raw(v);
          r.initial_message.assign(raw.data(), raw.size());
        }
        return {};
      });
  if (ec) return ec;
  if (!id || !mode || !channel || !key || !expires) return make_ec(errc::missing_field);
  return {};
}

}  // namespace

const char* to_string(session_mode m) noexcept {
  return m == session_mode::trusted ? "trusted" : "untrusted";
}

void append_session_request(std::string& out, const session_request& r) {
  lit(out, "{\"id\":");
  append_json_string(out, r.id);
  lit(out, ",\"mode\":");
  append_json_string(out, to_string(r.mode));
  lit(out, ",\"channel\":");
  append_json_string(out, r.channel);
  lit(out, ",\"publicKeyB64\":");
  append_json_string(out, r.public_key_b64);
  lit(out, ",\"expiresAt\":");
  append_json_int(out, unix_ms(r.expires_at));
  if (!r.initial_message.empty()) {
    lit(out, ",\"initialMessage\":");
    detail::raw(out, r.initial_message);
  }
  out.push_back('}');
}

std::string encode_session_request(const session_request& r) {
  std::string out;
  append_session_request(out, r);
  return out;
}

result<session_request> decode_session_request(std::string_view json,
                                               const decode_options& options) noexcept {
  try {
    detail::json_tape tape;
    if (std::error_code ec = tape.copy_parse(json, options)) return unexpected(ec);
    session_request r;
    if (std::error_code ec = read_request(tape, r)) return unexpected(ec);
    return r;
  } catch (const std::bad_alloc&) {
    return unexpected(std::make_error_code(std::errc::not_enough_memory));
  }
}

}  // namespace relayload::wire
