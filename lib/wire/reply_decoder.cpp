#include "relayload/wire/reply_decoder.hpp"

#include <array>

#include "wire/decode_util_impl.hpp"

namespace relayload::wire {
namespace {

using detail::json_tape;
using detail::jtype;
using detail::make_ec;
using detail::npos;

std::error_code require(const json_tape& t, std::uint32_t v, jtype type) {
  return t[v].type == type ? std::error_code{} : make_ec(errc::wrong_type);
}

std::error_code read(const json_tape& t, std::uint32_t obj, client_info& r) {
  if (std::error_code ec = require(t, obj, jtype::object)) return ec;
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "user") return t.get(v, r.user);
    if (k == "client") return t.get(v, r.client);
    if (k == "conn_info") return t.get_raw(v, r.conn_info);
    if (k == "chan_info") return t.get_raw(v, r.chan_info);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, publication& r) {
  if (std::error_code ec = require(t, obj, jtype::object)) return ec;
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "data") return t.get_raw(v, r.data);
    if (k == "info") {
      if (t.is_null(v)) return {};
      client_info info;
      if (std::error_code ec = read(t, v, info)) return ec;
      r.info = info;
      return {};
    }
    if (k == "offset") return t.get(v, r.offset);
    if (k == "tags") {
      if (t.is_null(v)) return {};
      if (std::error_code ec = require(t, v, jtype::object)) return ec;
      return t.get_raw(v, r.tags);
    }
    if (k == "delta") return t.get(v, r.delta);
    return {};
  });
}

std::error_code read_publications(const json_tape& t, std::uint32_t arr,
                                  std::vector<publication>& out) {
  if (t.is_null(arr)) return {};
  if (std::error_code ec = require(t, arr, jtype::array)) return ec;
  return t.for_each_element(arr, [&](std::uint32_t v) -> std::error_code {
    publication p;
    if (std::error_code ec = read(t, v, p)) return ec;
    out.push_back(p);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, error_info& r) {
  bool has_code = false;
  std::error_code ec =
      t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
        if (k == "code") return detail::get_present(t, v, r.code, has_code);
        if (k == "message") return t.get(v, r.message);
        if (k == "temporary") return t.get(v, r.temporary);
        return {};
      });
  if (ec) return ec;
  return has_code ? std::error_code{} : make_ec(errc::missing_field);
}

std::error_code read(const json_tape& t, std::uint32_t obj, connect_result& r) {
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "client") return t.get(v, r.client);
    if (k == "version") return t.get(v, r.version);
    if (k == "expires") return t.get(v, r.expires);
    if (k == "ttl") return t.get(v, r.ttl);
    if (k == "data") return t.get_raw(v, r.data);
    if (k == "subs") return t.get_raw(v, r.subs);
    if (k == "ping") return t.get(v, r.ping);
    if (k == "pong") return t.get(v, r.pong);
    if (k == "session") return t.get(v, r.session);
    if (k == "node") return t.get(v, r.node);
    if (k == "time") return t.get(v, r.time);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, subscribe_result& r) {
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "expires") return t.get(v, r.expires);
    if (k == "ttl") return t.get(v, r.ttl);
    if (k == "recoverable") return t.get(v, r.recoverable);
    if (k == "epoch") return t.get(v, r.epoch);
    if (k == "publications") {
      r.publications.clear();  // a repeated key replaces, as everywhere else
      return read_publications(t, v, r.publications);
    }
    if (k == "recovered") return t.get(v, r.recovered);
    if (k == "offset") return t.get(v, r.offset);
    if (k == "positioned") return t.get(v, r.positioned);
    if (k == "data") return t.get_raw(v, r.data);
    if (k == "was_recovering") return t.get(v, r.was_recovering);
    if (k == "delta") return t.get(v, r.delta);
    return {};
  });
}

std::error_code read(const json_tape&, std::uint32_t, unsubscribe_result&) { return {}; }
std::error_code read(const json_tape&, std::uint32_t, publish_result&) { return {}; }

std::error_code read(const json_tape& t, std::uint32_t obj, presence_result& r) {
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k != "presence" || t.is_null(v)) return {};
    if (std::error_code ec = require(t, v, jtype::object)) return ec;
    r.clients.clear();
    return t.for_each_member(v, [&](std::string_view, std::uint32_t e) -> std::error_code {
      client_info info;
      if (std::error_code ec = read(t, e, info)) return ec;
      r.clients.push_back(info);
      return {};
    });
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, presence_stats_result& r) {
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "num_clients") return t.get(v, r.num_clients);
    if (k == "num_users") return t.get(v, r.num_users);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, history_result& r) {
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "publications") {
      r.publications.clear();
      return read_publications(t, v, r.publications);
    }
    if (k == "epoch") return t.get(v, r.epoch);
    if (k == "offset") return t.get(v, r.offset);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, rpc_result& r) {
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "data") return t.get_raw(v, r.data);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, refresh_result& r) {
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "client") return t.get(v, r.client);
    if (k == "version") return t.get(v, r.version);
    if (k == "expires") return t.get(v, r.expires);
    if (k == "ttl") return t.get(v, r.ttl);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, sub_refresh_result& r) {
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "expires") return t.get(v, r.expires);
    if (k == "ttl") return t.get(v, r.ttl);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, join_push& r) {
  const std::uint32_t v = t.find(obj, "info");
  return v == npos || t.is_null(v) ? std::error_code{} : read(t, v, r.info);
}

std::error_code read(const json_tape& t, std::uint32_t obj, leave_push& r) {
  const std::uint32_t v = t.find(obj, "info");
  return v == npos || t.is_null(v) ? std::error_code{} : read(t, v, r.info);
}

std::error_code read(const json_tape& t, std::uint32_t obj, unsubscribe_push& r) {
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "code") return t.get(v, r.code);
    if (k == "reason") return t.get(v, r.reason);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, message_push& r) {
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "data") return t.get_raw(v, r.data);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, disconnect_push& r) {
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "code") return t.get(v, r.code);
    if (k == "reason") return t.get(v, r.reason);
    if (k == "reconnect") return t.get(v, r.reconnect);
    return {};
  });
}

std::error_code read(const json_tape& t, std::uint32_t obj, refresh_push& r) {
  return t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
    if (k == "expires") return t.get(v, r.expires);
    if (k == "ttl") return t.get(v, r.ttl);
    return {};
  });
}

// Reads the object at `obj` as alternative T of `body` (a reply_body or push_body).
template <class T, class Body>
std::error_code read_alternative(const json_tape& t, std::uint32_t obj, Body& body) {
  if (std::error_code ec = require(t, obj, jtype::object)) return ec;
  T value;
  if (std::error_code ec = read(t, obj, value)) return ec;
  body = std::move(value);
  return {};
}

// Keys of the non-error reply results, in Centrifugo's field order; index + 1 is the
// reply_body alternative.
constexpr std::array<std::string_view, 10> result_keys{
    "connect", "subscribe", "unsubscribe", "publish", "presence",
    "presence_stats", "history", "rpc", "refresh", "sub_refresh"};

std::error_code read_result(const json_tape& t, std::size_t which, std::uint32_t v,
                            reply_body& body) {
  switch (which) {
    case 0: return read_alternative<connect_result>(t, v, body);
    case 1: return read_alternative<subscribe_result>(t, v, body);
    case 2: return read_alternative<unsubscribe_result>(t, v, body);
    case 3: return read_alternative<publish_result>(t, v, body);
    case 4: return read_alternative<presence_result>(t, v, body);
    case 5: return read_alternative<presence_stats_result>(t, v, body);
    case 6: return read_alternative<history_result>(t, v, body);
    case 7: return read_alternative<rpc_result>(t, v, body);
    case 8: return read_alternative<refresh_result>(t, v, body);
    default: return read_alternative<sub_refresh_result>(t, v, body);
  }
}

// Push kinds in push_body alternative order (also Centrifugo's field order).
constexpr std::array<std::string_view, 9> push_keys{
    "pub", "join", "leave", "unsubscribe", "message",
    "subscribe", "connect", "disconnect", "refresh"};

std::error_code read_push_body(const json_tape& t, std::size_t which, std::uint32_t v,
                               push_body& body) {
  switch (which) {
    case 0: return read_alternative<publication>(t, v, body);
    case 1: return read_alternative<join_push>(t, v, body);
    case 2: return read_alternative<leave_push>(t, v, body);
    case 3: return read_alternative<unsubscribe_push>(t, v, body);
    case 4: return read_alternative<message_push>(t, v, body);
    case 5: return read_alternative<subscribe_result>(t, v, body);
    case 6: return read_alternative<connect_result>(t, v, body);
    case 7: return read_alternative<disconnect_push>(t, v, body);
    default: return read_alternative<refresh_push>(t, v, body);
  }
}

// Index in `keys` of key `k`, or keys.size().
template <std::size_t N>
std::size_t key_index(const std::array<std::string_view, N>& keys, std::string_view k) {
  std::size_t i = 0;
  while (i < N && keys[i] != k) ++i;
  return i;
}

std::error_code read_push(const json_tape& t, std::uint32_t obj, push& p) {
  if (std::error_code ec = require(t, obj, jtype::object)) return ec;
  std::array<std::uint32_t, push_keys.size()> found;
  found.fill(npos);
  std::error_code ec =
      t.for_each_member(obj, [&](std::string_view k, std::uint32_t v) -> std::error_code {
        if (k == "id") return t.get(v, p.channel_id);
        if (k == "channel") return t.get(v, p.channel);
        const std::size_t i = key_index(push_keys, k);
        if (i < found.size()) found[i] = t.is_null(v) ? npos : v;
        return {};
      });
  if (ec) return ec;
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (found[i] != npos) return read_push_body(t, i, found[i], p.body);
  }
  return make_ec(errc::unknown_message);
}

std::error_code read_reply(const json_tape& t, std::uint32_t error_v,
                           const std::array<std::uint32_t, result_keys.size()>& found,
                           reply& r) {
  if (error_v != npos) return read_alternative<error_info>(t, error_v, r.body);
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (found[i] != npos) return read_result(t, i, found[i], r.body);
  }
  return make_ec(errc::unknown_message);
}

std::error_code read_message(const json_tape& t, server_message& m) {
  std::uint32_t id = 0;
  std::uint32_t error_v = npos;
  std::uint32_t push_v = npos;
  std::array<std::uint32_t, result_keys.size()> found;
  found.fill(npos);
  std::error_code ec =
      t.for_each_member(0, [&](std::string_view k, std::uint32_t v) -> std::error_code {
        const std::uint32_t present = t.is_null(v) ? npos : v;
        if (k == "id") return t.get(v, id);
        if (k == "error") {
          error_v = present;
        } else if (k == "push") {
          push_v = present;
        } else {
          const std::size_t i = key_index(result_keys, k);
          if (i < found.size()) found[i] = present;
        }
        return {};
      });
  if (ec) return ec;
  if (id != 0) {
    reply r;
    r.id = id;
    if ((ec = read_reply(t, error_v, found, r))) return ec;
    m.body = std::move(r);
  } else if (push_v != npos) {
    push p;
    if ((ec = read_push(t, push_v, p))) return ec;
    m.body = std::move(p);
  } else {
    m.body = server_ping{};
  }
  return {};
}

}  // namespace

struct reply_decoder::impl {
  decode_options options;
  std::string scratch;
  detail::json_tape tape;
  std::vector<server_message> messages;
};

reply_decoder::reply_decoder(decode_options options) : impl_(std::make_unique<impl>()) {
  impl_->options = options;
}
reply_decoder::~reply_decoder() = default;
reply_decoder::reply_decoder(reply_decoder&&) noexcept = default;
reply_decoder& reply_decoder::operator=(reply_decoder&&) noexcept = default;

std::error_code reply_decoder::decode(std::string_view frame) noexcept {
  return decode(frame, utf8_input::unchecked);
}

std::error_code reply_decoder::decode(std::string_view frame, utf8_input input) noexcept {
  if (!impl_) return make_ec(errc::invalid_argument);
  impl& m = *impl_;
  m.messages.clear();
  return detail::decode_frame(frame, m.options, input, m.scratch, m.tape,
                              [&](const json_tape& t) -> std::error_code {
                                server_message msg;
                                if (std::error_code ec = read_message(t, msg)) return ec;
                                m.messages.push_back(std::move(msg));
                                return {};
                              });
}

const std::vector<server_message>& reply_decoder::messages() const noexcept {
  static const std::vector<server_message> none;  // for a moved-from decoder
  return impl_ ? impl_->messages : none;
}

const decode_options& reply_decoder::options() const noexcept {
  static const decode_options defaults;  // for a moved-from decoder
  return impl_ ? impl_->options : defaults;
}

}  // namespace relayload::wire
