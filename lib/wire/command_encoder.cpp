#include "relayload/wire/command_encoder.hpp"

#include "wire/json_writer_impl.hpp"

namespace relayload::wire {
namespace {

using detail::lit;
using detail::object_writer;

// `},"id":N}` — centrifuge-js attaches the id after the method object.
void close_command(std::string& out, std::uint32_t id) {
  lit(out, "},\"id\":");
  append_json_uint(out, id);
  out.push_back('}');
}

void channel_only(std::string& out, std::string_view channel) {
  lit(out, "\"channel\":");
  append_json_string(out, channel);
}

}  // namespace

void append_command(std::string& out, std::uint32_t id, const connect_request& r) {
  lit(out, "{\"connect\":{");
  object_writer w(out);
  w.string_if("\"token\":", r.token);
  w.raw_if("\"data\":", r.data);
  w.string_if("\"name\":", r.name);
  w.string_if("\"version\":", r.version);
  close_command(out, id);
}

void append_command(std::string& out, std::uint32_t id, const subscribe_request& r) {
  lit(out, "{\"subscribe\":{");
  object_writer w(out);
  w.string("\"channel\":", r.channel);
  w.string_if("\"token\":", r.token);
  w.raw_if("\"data\":", r.data);
  w.true_if("\"positioned\":", r.positioned);
  w.true_if("\"recoverable\":", r.recoverable);
  w.true_if("\"join_leave\":", r.join_leave);
  w.sint_if("\"flag\":", r.flag);
  if (r.recover) {
    w.true_if("\"recover\":", true);
    w.uint_if("\"offset\":", r.offset);
    w.string_if("\"epoch\":", r.epoch);
  }
  w.string_if("\"delta\":", r.delta);
  close_command(out, id);
}

void append_command(std::string& out, std::uint32_t id, const unsubscribe_request& r) {
  lit(out, "{\"unsubscribe\":{");
  channel_only(out, r.channel);
  close_command(out, id);
}

void append_command(std::string& out, std::uint32_t id, const publish_request& r) {
  lit(out, "{\"publish\":{\"channel\":");
  append_json_string(out, r.channel);
  if (!r.data.empty()) {
    lit(out, ",\"data\":");
    detail::raw(out, r.data);
  }
  close_command(out, id);
}

void append_command(std::string& out, std::uint32_t id, const history_request& r) {
  lit(out, "{\"history\":{");
  object_writer w(out);
  w.string("\"channel\":", r.channel);
  if (r.since) {
    w.key("\"since\":");
    lit(out, "{\"offset\":");
    append_json_uint(out, r.since->offset);
    if (!r.since->epoch.empty()) {
      lit(out, ",\"epoch\":");
      append_json_string(out, r.since->epoch);
    }
    out.push_back('}');
  }
  if (r.limit) w.sint("\"limit\":", *r.limit);
  w.true_if("\"reverse\":", r.reverse);
  close_command(out, id);
}

void append_command(std::string& out, std::uint32_t id, const presence_request& r) {
  lit(out, "{\"presence\":{");
  channel_only(out, r.channel);
  close_command(out, id);
}

void append_command(std::string& out, std::uint32_t id, const presence_stats_request& r) {
  lit(out, "{\"presence_stats\":{");
  channel_only(out, r.channel);
  close_command(out, id);
}

void append_command(std::string& out, std::uint32_t id, const rpc_request& r) {
  lit(out, "{\"rpc\":{");
  object_writer w(out);
  w.string_if("\"method\":", r.method);
  w.raw_if("\"data\":", r.data);
  close_command(out, id);
}

void append_command(std::string& out, std::uint32_t id, const send_request& r) {
  lit(out, "{\"send\":{");
  object_writer w(out);
  w.raw_if("\"data\":", r.data);
  if (id == 0) {
    lit(out, "}}");
  } else {
    close_command(out, id);
  }
}

void append_command(std::string& out, std::uint32_t id, const refresh_request& r) {
  lit(out, "{\"refresh\":{");
  object_writer w(out);
  w.string_if("\"token\":", r.token);
  close_command(out, id);
}

void append_command(std::string& out, std::uint32_t id, const sub_refresh_request& r) {
  lit(out, "{\"sub_refresh\":{");
  object_writer w(out);
  w.string("\"channel\":", r.channel);
  w.string_if("\"token\":", r.token);
  close_command(out, id);
}

void append_command(std::string& out, std::uint32_t, const pong_request&) { append_pong(out); }

void append_command(std::string& out, const command& c) {
  std::visit([&](const auto& r) { append_command(out, c.id, r); }, c.body);
}

void append_pong(std::string& out) { lit(out, "{}"); }

std::string encode_command(const command& c) {
  std::string out;
  append_command(out, c);
  return out;
}

}  // namespace relayload::wire
