// Centrifugo protocol v2 pushes (asynchronous server → client messages), protocol.md §1.4,
// §1.7. Views follow the rules in command.hpp.
#pragma once

#include <cstdint>
#include <string_view>
#include <tuple>
#include <variant>

#include "relayload/wire/publication.hpp"
#include "relayload/wire/reply.hpp"

namespace relayload::wire {

/// `join`: `{"info":{...}}`.
struct join_push {
  client_info info;
};
/// `leave`: `{"info":{...}}`.
struct leave_push {
  client_info info;
};
/// `unsubscribe`: `{"code":N,"reason":"..."}`. Codes < 2500 are terminal for the
/// subscription; >= 2500 make the client re-subscribe with recovery.
struct unsubscribe_push {
  std::uint32_t code = 0;
  std::string_view reason;
};
/// `message`: `{"data":<raw>}` (no channel).
struct message_push {
  std::string_view data;           ///< raw JSON
};
/// `disconnect`: `{"code":N,"reason":"...","reconnect":true}` (no channel).
struct disconnect_push {
  std::uint32_t code = 0;
  std::string_view reason;
  bool reconnect = false;          ///< written only when true
};
/// `refresh`: `{"expires":true,"ttl":N}`.
struct refresh_push {
  bool expires = false;
  std::uint32_t ttl = 0;
};

/// The kind of push; the numeric values are the indices of push_body's alternatives.
enum class push_kind {
  pub = 0,
  join,
  leave,
  unsubscribe,
  message,
  subscribe,
  connect,
  disconnect,
  refresh,
};

/// pub → publication, subscribe → subscribe_result, connect → connect_result.
using push_body = std::variant<publication, join_push, leave_push, unsubscribe_push,
                               message_push, subscribe_result, connect_result, disconnect_push,
                               refresh_push>;

/// `{"push":{"id":N?,"channel":"..."?,"<kind>":{...}}}`.
struct push {
  std::uint32_t channel_id = 0;    ///< `id` with channel compaction; omitted when 0
  std::string_view channel;        ///< omitted when empty (message, disconnect)
  push_body body;

  push_kind kind() const noexcept { return static_cast<push_kind>(body.index()); }
  template <class T>
  const T* get() const noexcept { return std::get_if<T>(&body); }
  template <class T>
  T* get() noexcept { return std::get_if<T>(&body); }
  /// The body as a T; throws std::bad_variant_access when it is of another kind.
  template <class T>
  const T& as() const { return std::get<T>(body); }
};

inline bool operator==(const join_push& a, const join_push& b) noexcept {
  return a.info == b.info;
}
inline bool operator==(const leave_push& a, const leave_push& b) noexcept {
  return a.info == b.info;
}
inline bool operator==(const unsubscribe_push& a, const unsubscribe_push& b) noexcept {
  return a.code == b.code && a.reason == b.reason;
}
inline bool operator==(const message_push& a, const message_push& b) noexcept {
  return a.data == b.data;
}
inline bool operator==(const disconnect_push& a, const disconnect_push& b) noexcept {
  return a.code == b.code && a.reason == b.reason && a.reconnect == b.reconnect;
}
inline bool operator==(const refresh_push& a, const refresh_push& b) noexcept {
  return a.expires == b.expires && a.ttl == b.ttl;
}
inline bool operator==(const push& a, const push& b) noexcept {
  return std::tie(a.channel_id, a.channel) == std::tie(b.channel_id, b.channel) &&
         a.body == b.body;
}

}  // namespace relayload::wire
