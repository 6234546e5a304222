#include "relayload/wire/command_decoder.hpp"

#include <array>

#include "wire/decode_util_impl.hpp"

namespace relayload::wire {
namespace {

using detail::json_tape;
using detail::make_ec;
using detail::npos;

// Method keys in Centrifugo's dispatch order (the first present wins).
struct method_key {
  std::string_view name;
  method kind;
};
constexpr std::array<method_key, 11> method_keys{{
    {"connect", method::connect},
    {"subscribe", method::subscribe},
    {"unsubscribe", method::unsubscribe},
    {"publish", method::publish},
    {"presence", method::presence},
    {"presence_stats", method::presence_stats},
    {"history", method::history},
    {"rpc", method::rpc},
    {"send", method::send},
    {"refresh", method::refresh},
    {"sub_refresh", method::sub_refresh},
}};

std::error_code read(const json_tape& t, std::uint32_t obj, connect_request& r) {
  r.name = {};  // the struct's default "js" is for encoding; decoding reports what came
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "token") return t.get(v, r.token);
    if (k == "data") return t.get_raw(v, r.data);
    if (k == "name") return t.get(v, r.name);
    if (k == "version") return t.get(v, r.version);
    return {};
  });
}

// Requests whose only required field is `channel`.
template <class F>
std::error_code read_with_channel(const json_tape& t, std::uint32_t obj,
                                  std::string_view& channel, F&& other) {
  bool has_channel = false;
  std::error_code ec =
      t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
        if (k == "channel") return detail::get_present(t, v, channel, has_channel);
        return other(k, v);
      });
  if (ec) return ec;
  return has_channel ? std::error_code{} : make_ec(errc::missing_field);
}

const auto no_other = [](std::string_view, std::uint32_t) { return std::error_code{}; };

std::error_code read(const json_tape& t, std::uint32_t obj, subscribe_request& r) {
  return read_with_channel(t, obj, r.channel,
                           [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "token") return t.get(v, r.token);
    if (k == "data") return t.get_raw(v, r.data);
    if (k == "positioned") return t.get(v, r.positioned);
    if (k == "recoverable") return t.get(v, r.recoverable);
    if (k == "join_leave") return t.get(v, r.join_leave);
    if (k == "flag") return t.get(v, r.flag);
    if (k == "recover") return t.get(v, r.recover);
    if (k == "offset") return t.get(v, r.offset);
    if (k == "epoch") return t.get(v, r.epoch);
    if (k == "delta") return t.get(v, r.delta);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, unsubscribe_request& r) {
  return read_with_channel(t, obj, r.channel, no_other);
}

std::error_code read(const json_tape& t, std::uint32_t obj, publish_request& r) {
  return read_with_channel(t, obj, r.channel,
                           [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "data") return t.get_raw(v, r.data);
    return {};
  });
}

std::error_code read_since(const json_tape& t, std::uint32_t v,
                           std::optional<stream_position>& since) {
  if (t.is_null(v)) return {};
  if (t[v].type != detail::jtype::object) return make_ec(errc::wrong_type);
  stream_position pos;
  std::error_code ec =
      t.for_each_member(v, [&](std::string_view k, std::uint32_t m) -> std::error_code {
        if (k == "offset") return t.get(m, pos.offset);
        if (k == "epoch") return t.get(m, pos.epoch);
        return {};
      });
  if (!ec) since = pos;
  return ec;
}

std::error_code read(const json_tape& t, std::uint32_t obj, history_request& r) {
  return read_with_channel(t, obj, r.channel,
                           [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "since") return read_since(t, v, r.since);
    if (k == "limit") {
      if (t.is_null(v)) return {};
      std::int32_t limit = 0;
      std::error_code ec = t.get(v, limit);
      if (!ec) r.limit = limit;
      return ec;
    }
    if (k == "reverse") return t.get(v, r.reverse);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, presence_request& r) {
  return read_with_channel(t, obj, r.channel, no_other);
}

std::error_code read(const json_tape& t, std::uint32_t obj, presence_stats_request& r) {
  return read_with_channel(t, obj, r.channel, no_other);
}

std::error_code read(const json_tape& t, std::uint32_t obj, rpc_request& r) {
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "method") return t.get(v, r.method);
    if (k == "data") return t.get_raw(v, r.data);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, send_request& r) {
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "data") return t.get_raw(v, r.data);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, refresh_request& r) {
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "token") return t.get(v, r.token);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, sub_refresh_request& r) {
  return read_with_channel(t, obj, r.channel,
                           [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "token") return t.get(v, r.token);
    return {};
  });
}

template <class Request>
std::error_code read_body(const json_tape& t, std::uint32_t obj, command& c) {
  Request r;
  if (std::error_code ec = read(t, obj, r)) return ec;
  c.body = r;
  return {};
}

std::error_code read_request(const json_tape& t, method m, std::uint32_t obj, command& c) {
  switch (m) {
    case method::connect: return read_body<connect_request>(t, obj, c);
    case method::subscribe: return read_body<subscribe_request>(t, obj, c);
    case method::unsubscribe: return read_body<unsubscribe_request>(t, obj, c);
    case method::publish: return read_body<publish_request>(t, obj, c);
    case method::history: return read_body<history_request>(t, obj, c);
    case method::presence: return read_body<presence_request>(t, obj, c);
    case method::presence_stats: return read_body<presence_stats_request>(t, obj, c);
    case method::rpc: return read_body<rpc_request>(t, obj, c);
    case method::send: return read_body<send_request>(t, obj, c);
    case method::refresh: return read_body<refresh_request>(t, obj, c);
    case method::sub_refresh: return read_body<sub_refresh_request>(t, obj, c);
    case method::pong: break;
  }
  c.body = pong_request{};
  return {};
}

std::error_code read_command(const json_tape& t, command& c) {
  std::array<std::uint32_t, method_keys.size()> found;
  found.fill(npos);
  std::error_code ec =
      t.for_each_member(0, [&](std::string_view k, std::uint32_t v) -> std::error_code {
        if (k == "id") return t.get(v, c.id);
        for (std::size_t i = 0; i < method_keys.size(); ++i) {
          if (k != method_keys[i].name) continue;
          if (t.is_null(v)) {
            found[i] = npos;  // protobuf JSON: null is absent (and overrides an earlier key)
          } else if (t[v].type != detail::jtype::object) {
            return make_ec(errc::wrong_type);
          } else {
            found[i] = v;
          }
          break;
        }
        return {};
      });
  if (ec) return ec;
  for (std::size_t i = 0; i < method_keys.size(); ++i) {
    if (found[i] == npos) continue;
    const method m = method_keys[i].kind;
    if (c.id == 0 && m != method::send) return make_ec(errc::missing_field);
    return read_request(t, m, found[i], c);
  }
  // No method: an id-less message is a pong (unknown fields ignored, as Centrifugo does);
  // a message expecting a reply names a method we do not know.
  if (c.id != 0) return make_ec(errc::unknown_message);
  c.body = pong_request{};
  return {};
}

}  // namespace

struct command_decoder::impl {
  decode_options options;
  std::string scratch;
  detail::json_tape tape;
  std::vector<command> commands;
};

command_decoder::command_decoder(decode_options options) : impl_(std::make_unique<impl>()) {
  impl_->options = options;
}
command_decoder::~command_decoder() = default;
command_decoder::command_decoder(command_decoder&&) noexcept = default;
command_decoder& command_decoder::operator=(command_decoder&&) noexcept = default;

std::error_code command_decoder::decode(std::string_view frame) noexcept {
  if (!impl_) return make_ec(errc::invalid_argument);  // moved-from
  impl& m = *impl_;
  m.commands.clear();
  return detail::decode_frame(frame, m.options, utf8_input::unchecked, m.scratch, m.tape,
                              [&](const json_tape& t) -> std::error_code {
                                command c;
                                if (std::error_code ec = read_command(t, c)) return ec;
                                m.commands.push_back(c);
                                return {};
                              });
}

const std::vector<command>& command_decoder::commands() const noexcept {
  static const std::vector<command> none;  // for a moved-from decoder
  return impl_ ? impl_->commands : none;
}

const decode_options& command_decoder::options() const noexcept {
  static const decode_options defaults;  // for a moved-from decoder
  return impl_ ? impl_->options : defaults;
}

}  // namespace relayload::wire
