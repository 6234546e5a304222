#include "relayload/wire/reply_encoder.hpp"

#include "wire/json_writer_impl.hpp"

namespace relayload::wire {
namespace {

using detail::lit;
using detail::object_writer;

// `{"id":N,"<method>":` … `}}`. Centrifugo writes id first (reply field order).
template <std::size_t N>
void open_reply(std::string& out, std::uint32_t id, const char (&method_key)[N]) {
  lit(out, "{\"id\":");
  append_json_uint(out, id);
  out.push_back(',');
  out.append(method_key, N - 1);
}

void write_client_info(std::string& out, const client_info& info) {
  lit(out, "{\"user\":");
  append_json_string(out, info.user);
  lit(out, ",\"client\":");
  append_json_string(out, info.client);
  if (!info.conn_info.empty()) {
    lit(out, ",\"conn_info\":");
    detail::raw(out, info.conn_info);
  }
  if (!info.chan_info.empty()) {
    lit(out, ",\"chan_info\":");
    detail::raw(out, info.chan_info);
  }
  out.push_back('}');
}

void write_publications(std::string& out, const std::vector<publication>& pubs) {
  out.push_back('[');
  for (std::size_t i = 0; i < pubs.size(); ++i) {
    if (i != 0) out.push_back(',');
    append_publication(out, pubs[i]);
  }
  out.push_back(']');
}

void write_connect(std::string& out, const connect_result& r) {
  out.push_back('{');
  object_writer w(out);
  w.string_if("\"client\":", r.client);
  w.string_if("\"version\":", r.version);
  w.true_if("\"expires\":", r.expires);
  w.uint_if("\"ttl\":", r.ttl);
  w.raw_if("\"data\":", r.data);
  w.raw_if("\"subs\":", r.subs);
  w.uint_if("\"ping\":", r.ping);
  w.true_if("\"pong\":", r.pong);
  w.string_if("\"session\":", r.session);
  w.string_if("\"node\":", r.node);
  w.sint_if("\"time\":", r.time);
  out.push_back('}');
}

void write_subscribe(std::string& out, const subscribe_result& r) {
  out.push_back('{');
  object_writer w(out);
  w.true_if("\"expires\":", r.expires);
  w.uint_if("\"ttl\":", r.ttl);
  w.true_if("\"recoverable\":", r.recoverable);
  w.string_if("\"epoch\":", r.epoch);
  if (!r.publications.empty()) {
    w.key("\"publications\":");
    write_publications(out, r.publications);
  }
  w.true_if("\"recovered\":", r.recovered);
  w.uint_if("\"offset\":", r.offset);
  w.true_if("\"positioned\":", r.positioned);
  w.raw_if("\"data\":", r.data);
  w.true_if("\"was_recovering\":", r.was_recovering);
  w.true_if("\"delta\":", r.delta);
  out.push_back('}');
}

void write_refresh_fields(object_writer& w, bool expires, std::uint32_t ttl) {
  w.true_if("\"expires\":", expires);
  w.uint_if("\"ttl\":", ttl);
}

}  // namespace

void append_publication(std::string& out, const publication& pub) {
  out.push_back('{');
  object_writer w(out);
  w.raw_if("\"data\":", pub.data);
  if (pub.info) {
    w.key("\"info\":");
    write_client_info(out, *pub.info);
  }
  w.uint_if("\"offset\":", pub.offset);
  w.raw_if("\"tags\":", pub.tags);
  w.true_if("\"delta\":", pub.delta);
  out.push_back('}');
}

void append_reply(std::string& out, std::uint32_t id, const error_info& e) {
  open_reply(out, id, "\"error\":{");
  object_writer w(out);
  w.uint_if("\"code\":", e.code);
  w.string_if("\"message\":", e.message);
  w.true_if("\"temporary\":", e.temporary);
  lit(out, "}}");
}

void append_reply(std::string& out, std::uint32_t id, const connect_result& r) {
  open_reply(out, id, "\"connect\":");
  write_connect(out, r);
  out.push_back('}');
}

void append_reply(std::string& out, std::uint32_t id, const subscribe_result& r) {
  open_reply(out, id, "\"subscribe\":");
  write_subscribe(out, r);
  out.push_back('}');
}

void append_reply(std::string& out, std::uint32_t id, const unsubscribe_result&) {
  open_reply(out, id, "\"unsubscribe\":{}}");
}

void append_reply(std::string& out, std::uint32_t id, const publish_result&) {
  open_reply(out, id, "\"publish\":{}}");
}

void append_reply(std::string& out, std::uint32_t id, const presence_result& r) {
  open_reply(out, id, "\"presence\":{\"presence\":{");
  for (std::size_t i = 0; i < r.clients.size(); ++i) {
    if (i != 0) out.push_back(',');
    append_json_string(out, r.clients[i].client);
    out.push_back(':');
    write_client_info(out, r.clients[i]);
  }
  lit(out, "}}}");
}

void append_reply(std::string& out, std::uint32_t id, const presence_stats_result& r) {
  open_reply(out, id, "\"presence_stats\":{\"num_clients\":");
  append_json_uint(out, r.num_clients);
  lit(out, ",\"num_users\":");
  append_json_uint(out, r.num_users);
  lit(out, "}}");
}

void append_reply(std::string& out, std::uint32_t id, const history_result& r) {
  open_reply(out, id, "\"history\":{\"publications\":");
  write_publications(out, r.publications);
  lit(out, ",\"epoch\":");
  append_json_string(out, r.epoch);
  lit(out, ",\"offset\":");
  append_json_uint(out, r.offset);
  lit(out, "}}");
}

void append_reply(std::string& out, std::uint32_t id, const rpc_result& r) {
  open_reply(out, id, "\"rpc\":{");
  object_writer w(out);
  w.raw_if("\"data\":", r.data);
  lit(out, "}}");
}

void append_reply(std::string& out, std::uint32_t id, const refresh_result& r) {
  open_reply(out, id, "\"refresh\":{");
  object_writer w(out);
  w.string_if("\"client\":", r.client);
  w.string_if("\"version\":", r.version);
  write_refresh_fields(w, r.expires, r.ttl);
  lit(out, "}}");
}

void append_reply(std::string& out, std::uint32_t id, const sub_refresh_result& r) {
  open_reply(out, id, "\"sub_refresh\":{");
  object_writer w(out);
  write_refresh_fields(w, r.expires, r.ttl);
  lit(out, "}}");
}

void append_reply(std::string& out, const reply& r) {
  std::visit([&](const auto& body) { append_reply(out, r.id, body); }, r.body);
}

namespace {

struct push_body_writer {
  std::string& out;
  object_writer& w;

  void operator()(const publication& p) const {
    w.key("\"pub\":");
    append_publication(out, p);
  }
  void operator()(const join_push& p) const {
    w.key("\"join\":");
    lit(out, "{\"info\":");
    write_client_info(out, p.info);
    out.push_back('}');
  }
  void operator()(const leave_push& p) const {
    w.key("\"leave\":");
    lit(out, "{\"info\":");
    write_client_info(out, p.info);
    out.push_back('}');
  }
  void operator()(const unsubscribe_push& p) const {
    w.key("\"unsubscribe\":");
    out.push_back('{');
    object_writer b(out);
    b.uint_if("\"code\":", p.code);
    b.string_if("\"reason\":", p.reason);
    out.push_back('}');
  }
  void operator()(const message_push& p) const {
    w.key("\"message\":");
    out.push_back('{');
    object_writer b(out);
    b.raw_if("\"data\":", p.data);
    out.push_back('}');
  }
  void operator()(const subscribe_result& p) const {
    w.key("\"subscribe\":");
    write_subscribe(out, p);
  }
  void operator()(const connect_result& p) const {
    w.key("\"connect\":");
    write_connect(out, p);
  }
  void operator()(const disconnect_push& p) const {
    w.key("\"disconnect\":");
    out.push_back('{');
    object_writer b(out);
    b.uint_if("\"code\":", p.code);
    b.string_if("\"reason\":", p.reason);
    b.true_if("\"reconnect\":", p.reconnect);
    out.push_back('}');
  }
  void operator()(const refresh_push& p) const {
    w.key("\"refresh\":");
    out.push_back('{');
    object_writer b(out);
    write_refresh_fields(b, p.expires, p.ttl);
    out.push_back('}');
  }
};

}  // namespace

void append_push(std::string& out, const push& p) {
  lit(out, "{\"push\":{");
  object_writer w(out);
  w.uint_if("\"id\":", p.channel_id);
  w.string_if("\"channel\":", p.channel);
  std::visit(push_body_writer{out, w}, p.body);
  lit(out, "}}");
}

void append_pub_push(std::string& out, std::string_view channel, const publication& pub) {
  lit(out, "{\"push\":{\"channel\":");
  append_json_string(out, channel);
  lit(out, ",\"pub\":");
  append_publication(out, pub);
  lit(out, "}}");
}

void append_server_ping(std::string& out) { lit(out, "{}"); }

void append_server_message(std::string& out, const server_message& m) {
  if (const reply* r = m.get_reply()) {
    append_reply(out, *r);
  } else if (const push* p = m.get_push()) {
    append_push(out, *p);
  } else {
    append_server_ping(out);
  }
}

std::string encode_server_message(const server_message& m) {
  std::string out;
  append_server_message(out, m);
  return out;
}

}  // namespace relayload::wire
