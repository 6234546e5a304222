// Centrifugo protocol v2 replies (server → client answers to commands with an id),
// protocol.md §1.4–§1.6, §1.10. Views follow the rules in command.hpp; "omitted" describes
// what the encoder leaves out (Centrifugo's omitempty), and decoding an omitted field yields
// the zero value.
#pragma once

#include <cstdint>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

#include "relayload/wire/publication.hpp"

namespace relayload::wire {

/// `error` of a reply: `{"code":N,"message":"...","temporary":true}`.
struct error_info {
  std::uint32_t code = 0;
  std::string_view message;
  bool temporary = false;          ///< written only when true
};

/// `connect` result. Field order: client, version, expires, ttl, data, subs, ping, pong,
/// session, node, time.
struct connect_result {
  std::string_view client;         ///< connection id (UUID v4)
  std::string_view version;        ///< e.g. "6.9.1 OSS"
  bool expires = false;
  std::uint32_t ttl = 0;
  std::string_view data;           ///< raw JSON
  std::string_view subs;           ///< raw JSON object (server-side subscriptions)
  std::uint32_t ping = 0;          ///< server ping interval in seconds; 0 → no pings
  bool pong = false;               ///< the server expects a pong per ping
  std::string_view session;
  std::string_view node;
  std::int64_t time = 0;
};

/// `subscribe` result (also the body of a subscribe push). Field order: expires, ttl,
/// recoverable, epoch, publications, recovered, offset, positioned, data, was_recovering,
/// delta.
struct subscribe_result {
  bool expires = false;
  std::uint32_t ttl = 0;
  bool recoverable = false;
  std::string_view epoch;
  std::vector<publication> publications;  ///< omitted when empty
  bool recovered = false;
  std::uint64_t offset = 0;
  bool positioned = false;
  std::string_view data;           ///< raw JSON
  bool was_recovering = false;
  bool delta = false;
};

/// `unsubscribe` result: always `{}`.
struct unsubscribe_result {};
/// `publish` result: always `{}`.
struct publish_result {};

/// `presence` result: `{"presence":{"<client>":{client_info},...}}`, always written. The map
/// key is each entry's `client`.
struct presence_result {
  std::vector<client_info> clients;
};

/// `presence_stats` result; both fields always written.
struct presence_stats_result {
  std::uint32_t num_clients = 0;
  std::uint32_t num_users = 0;
};

/// `history` result; all three fields always written (publications as `[]` when empty).
struct history_result {
  std::vector<publication> publications;  ///< oldest first unless the request had reverse
  std::string_view epoch;
  std::uint64_t offset = 0;        ///< the stream top
};

/// `rpc` result.
struct rpc_result {
  std::string_view data;           ///< raw JSON
};

/// `refresh` result. Field order: client, version, expires, ttl.
struct refresh_result {
  std::string_view client;
  std::string_view version;
  bool expires = false;
  std::uint32_t ttl = 0;
};

/// `sub_refresh` result. Field order: expires, ttl.
struct sub_refresh_result {
  bool expires = false;
  std::uint32_t ttl = 0;
};

/// What a reply carries: an error or the result of the command's method.
enum class reply_kind {
  error = 0,
  connect,
  subscribe,
  unsubscribe,
  publish,
  presence,
  presence_stats,
  history,
  rpc,
  refresh,
  sub_refresh,
};

/// Alternative index == static_cast<int>(reply_kind).
using reply_body =
    std::variant<error_info, connect_result, subscribe_result, unsubscribe_result,
                 publish_result, presence_result, presence_stats_result, history_result,
                 rpc_result, refresh_result, sub_refresh_result>;

/// `{"id":N,"<method>":{...}}` or `{"id":N,"error":{...}}`.
struct reply {
  std::uint32_t id = 0;            ///< > 0
  reply_body body;

  reply_kind kind() const noexcept { return static_cast<reply_kind>(body.index()); }
  bool is_error() const noexcept { return body.index() == 0; }
  template <class T>
  const T* get() const noexcept { return std::get_if<T>(&body); }
  template <class T>
  T* get() noexcept { return std::get_if<T>(&body); }
  /// The body as a T; throws std::bad_variant_access when it is of another kind.
  template <class T>
  const T& as() const { return std::get<T>(body); }
};

inline bool operator==(const error_info& a, const error_info& b) noexcept {
  return a.code == b.code && a.message == b.message && a.temporary == b.temporary;
}
inline bool operator==(const connect_result& a, const connect_result& b) noexcept {
  return std::tie(a.client, a.version, a.expires, a.ttl, a.data, a.subs, a.ping, a.pong,
                  a.session, a.node, a.time) ==
         std::tie(b.client, b.version, b.expires, b.ttl, b.data, b.subs, b.ping, b.pong,
                  b.session, b.node, b.time);
}
inline bool operator==(const subscribe_result& a, const subscribe_result& b) noexcept {
  return std::tie(a.expires, a.ttl, a.recoverable, a.epoch, a.publications, a.recovered,
                  a.offset, a.positioned, a.data, a.was_recovering, a.delta) ==
         std::tie(b.expires, b.ttl, b.recoverable, b.epoch, b.publications, b.recovered,
                  b.offset, b.positioned, b.data, b.was_recovering, b.delta);
}
inline bool operator==(const unsubscribe_result&, const unsubscribe_result&) noexcept {
  return true;
}
inline bool operator==(const publish_result&, const publish_result&) noexcept { return true; }
inline bool operator==(const presence_result& a, const presence_result& b) noexcept {
  return a.clients == b.clients;
}
inline bool operator==(const presence_stats_result& a, const presence_stats_result& b) noexcept {
  return a.num_clients == b.num_clients && a.num_users == b.num_users;
}
inline bool operator==(const history_result& a, const history_result& b) noexcept {
  return a.publications == b.publications && a.epoch == b.epoch && a.offset == b.offset;
}
inline bool operator==(const rpc_result& a, const rpc_result& b) noexcept {
  return a.data == b.data;
}
inline bool operator==(const refresh_result& a, const refresh_result& b) noexcept {
  return std::tie(a.client, a.version, a.expires, a.ttl) ==
         std::tie(b.client, b.version, b.expires, b.ttl);
}
inline bool operator==(const sub_refresh_result& a, const sub_refresh_result& b) noexcept {
  return a.expires == b.expires && a.ttl == b.ttl;
}
inline bool operator==(const reply& a, const reply& b) noexcept {
  return a.id == b.id && a.body == b.body;
}

}  // namespace relayload::wire
