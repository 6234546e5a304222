#include "relayload/wire/protocol_message.hpp"

#include <new>

#include "relayload/wire/json_string.hpp"
#include "wire/json_tape_impl.hpp"
#include "wire/json_writer_impl.hpp"

namespace relayload::wire {
namespace {

using detail::jtype;
using detail::lit;
using detail::make_ec;

std::error_code required_string(const detail::json_tape& t, std::uint32_t v, std::string& out) {
  if (t[v].type != jtype::string) return make_ec(errc::wrong_type);
  out.assign(t[v].str.data(), t[v].str.size());
  return {};
}

std::error_code read_offer(const detail::json_tape& t, std::uint32_t obj, handshake_offer& o) {
  if (t[obj].type != jtype::object) return make_ec(errc::wrong_type);
  bool key = false, channel = false;
  std::error_code ec =
      t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
        if (k == "publicKeyB64") {
          key = true;
          return required_string(t, v, o.public_key_b64);
        }
        if (k == "channelId") {
          channel = true;
          return required_string(t, v, o.channel_id);
        }
        if (k == "otp") {
          if (t.is_null(v)) return {};
          o.otp.emplace();
          return required_string(t, v, *o.otp);
        }
        if (k == "deadline") {
          if (t.is_null(v)) return {};
          std::int64_t ms = 0;
          if (std::error_code e = t.get(v, ms)) return e;
          o.deadline = unix_time_from_ms(ms);
        }
        return {};
      });
  if (ec) return ec;
  return key && channel ? std::error_code{} : make_ec(errc::missing_field);
}

std::error_code read_message(const detail::json_tape& t, protocol_message& m) {
  if (t[0].type != jtype::object) return make_ec(errc::malformed_frame);
  const std::uint32_t type_v = t.find(0, "type");
  const std::uint32_t payload_v = t.find(0, "payload");
  if (type_v == detail::npos) return make_ec(errc::missing_field);
  if (t[type_v].type != jtype::string) return make_ec(errc::wrong_type);
  const std::string_view type = t[type_v].str;
  if (type == "handshake-ack") {
    m.type = protocol_message_type::handshake_ack;
    return {};
  }
  if (type == "handshake-offer") {
    m.type = protocol_message_type::handshake_offer;
    if (payload_v == detail::npos) return make_ec(errc::missing_field);
    return read_offer(t, payload_v, m.offer);
  }
  if (type == "message") {
    m.type = protocol_message_type::message;
    if (payload_v == detail::npos) return make_ec(errc::missing_field);
    const std::string_view raw = t.raw(payload_v);
    m.payload.assign(raw.data(), raw.size());
    return {};
  }
  return make_ec(errc::unknown_message);
}

}  // namespace

const char* to_string(protocol_message_type t) noexcept {
  switch (t) {
    case protocol_message_type::handshake_offer: return "handshake-offer";
    case protocol_message_type::handshake_ack: return "handshake-ack";
    case protocol_message_type::message: return "message";
  }
  return "unknown";
}

void append_handshake_offer(std::string& out, const handshake_offer& offer) {
  lit(out, "{\"type\":\"handshake-offer\",\"payload\":{\"publicKeyB64\":");
  append_json_string(out, offer.public_key_b64);
  lit(out, ",\"channelId\":");
  append_json_string(out, offer.channel_id);
  if (offer.otp) {
    lit(out, ",\"otp\":");
    append_json_string(out, *offer.otp);
  }
  if (offer.deadline) {
    lit(out, ",\"deadline\":");
    append_json_int(out, unix_ms(*offer.deadline));
  }
  lit(out, "}}");
}

void append_handshake_ack(std::string& out) { lit(out, "{\"type\":\"handshake-ack\"}"); }

void append_app_message(std::string& out, std::string_view raw_payload) {
  lit(out, "{\"type\":\"message\",\"payload\":");
  detail::raw(out, raw_payload);
  out.push_back('}');
}

void append_protocol_message(std::string& out, const protocol_message& m) {
  switch (m.type) {
    case protocol_message_type::handshake_offer: append_handshake_offer(out, m.offer); return;
    case protocol_message_type::handshake_ack: append_handshake_ack(out); return;
    case protocol_message_type::message: append_app_message(out, m.payload); return;
  }
}

std::string encode_protocol_message(const protocol_message& m) {
  std::string out;
  append_protocol_message(out, m);
  return out;
}

result<protocol_message> decode_protocol_message(std::string_view json,
                                                 const decode_options& options) noexcept {
  try {
    detail::scratch_tape lease;
    detail::json_tape& tape = *lease;
    if (std::error_code ec = tape.copy_parse(json, options)) return unexpected(ec);
    protocol_message m;
    if (std::error_code ec = read_message(tape, m)) return unexpected(ec);
    return m;
  } catch (const std::bad_alloc&) {
    return unexpected(std::make_error_code(std::errc::not_enough_memory));
  }
}

}  // namespace relayload::wire
