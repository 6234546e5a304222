// One server → client message: a reply, a push, or a server ping (protocol.md §1.4, §1.8).
#pragma once

#include <variant>

#include "relayload/wire/push.hpp"
#include "relayload/wire/reply.hpp"

namespace relayload::wire {

/// The server ping `{}`; answer with a pong only if the connect reply had `pong:true`.
struct server_ping {};
inline bool operator==(const server_ping&, const server_ping&) noexcept { return true; }

/// Classified as centrifuge-js does: id > 0 → reply; else `push` present → push; else ping.
enum class server_message_kind { reply = 0, push, ping };

/// Alternative index == static_cast<int>(server_message_kind).
struct server_message {
  std::variant<reply, push, server_ping> body;

  server_message_kind kind() const noexcept {
    return static_cast<server_message_kind>(body.index());
  }
  const reply* get_reply() const noexcept { return std::get_if<reply>(&body); }
  const push* get_push() const noexcept { return std::get_if<push>(&body); }
  /// The reply or push; throw std::bad_variant_access when the message is the other kind.
  const reply& as_reply() const { return std::get<reply>(body); }
  const push& as_push() const { return std::get<push>(body); }
  bool is_ping() const noexcept { return body.index() == 2; }
};

inline bool operator==(const server_message& a, const server_message& b) noexcept {
  return a.body == b.body;
}

}  // namespace relayload::wire
