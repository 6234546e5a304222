// Centrifugo protocol v2 commands (client → server) as plain value types (protocol.md §1.3,
// §1.6). The same types serve the client-side encoder (command_encoder.hpp) and the
// relay-side decoder (command_decoder.hpp).
//
// Strings are std::string_view: when encoding they refer to the caller's storage; when
// decoded they refer into the decoder's buffers and the decoded frame (see command_decoder).
// Fields named "raw JSON" hold the exact JSON text of a value (e.g. `"abc"`, `{"k":1}`), which
// the encoder inserts verbatim and the decoder returns byte-for-byte as received; an empty
// view means "absent". Every other field follows protobuf's rule that the zero value means
// "absent" (and is omitted by the encoder, as centrifuge-js omits it).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>
#include <variant>

namespace relayload::wire {

/// The command's method, i.e. which request it carries. The numeric values are the indices
/// of command_body's alternatives.
enum class method {
  pong = 0,        ///< `{}` with no id: the answer to a server ping
  connect,
  subscribe,
  unsubscribe,
  publish,
  history,
  presence,
  presence_stats,
  rpc,             ///< not used by MWP; decoded so a relay can reject it properly
  send,            ///< not used by MWP; the only method besides pong that takes no id
  refresh,
  sub_refresh,
};

/// Stable snake_case protocol name of a method ("presence_stats"); "pong" for pong.
const char* to_string(method m) noexcept;

/// The empty command `{}`.
struct pong_request {};

/// `connect` (centrifuge-js order: token, data, name, version; empties omitted).
struct connect_request {
  std::string_view token;
  std::string_view data;           ///< raw JSON
  std::string_view name = "js";    ///< centrifuge-js default; empty → omitted. Decoded:
                                   ///< empty when the command had no name
  std::string_view version;
  // headers, subs, flag, profile, dict: ignored when decoding, never encoded (unused by MWP).
};

/// `subscribe`. Encoded in the key order of centrifuge-js (protocol.md §1.6.2): channel,
/// token, data, positioned, recoverable, join_leave, flag, recover, offset, epoch, delta.
struct subscribe_request {
  std::string_view channel;        ///< required
  std::string_view token;
  std::string_view data;           ///< raw JSON
  bool positioned = false;         ///< MWP always sets it
  bool recoverable = false;        ///< MWP always sets it
  bool join_leave = false;
  std::int64_t flag = 0;           ///< centrifuge-js >= 5.5 sends 1; 0 → omitted (5.4.0 form)
  bool recover = false;            ///< set on re-subscribe with a known stream position
  std::uint64_t offset = 0;        ///< written only with recover, and only when non-zero
  std::string_view epoch;          ///< written only with recover, and only when non-empty
  std::string_view delta;          ///< "fossil" or empty
};

/// `unsubscribe`.
struct unsubscribe_request {
  std::string_view channel;        ///< required
};

/// `publish`. An absent `data` decodes as an empty view: the relay answers that with error
/// 107 (bad request), it is not a decoding error.
struct publish_request {
  std::string_view channel;        ///< required
  std::string_view data;           ///< raw JSON, inserted verbatim (MWP: a JSON string)
};

/// A position in a channel's stream: the offset of a publication and the stream's epoch.
struct stream_position {
  std::uint64_t offset = 0;
  std::string_view epoch;
};

/// `history` (centrifuge-js key order: channel, since{offset, epoch}, limit, reverse).
struct history_request {
  std::string_view channel;        ///< required
  std::optional<stream_position> since;  ///< written as {"offset":N[,"epoch":"e"]}
  std::optional<std::int32_t> limit;     ///< written when set (MWP: 50); absent means 0
  bool reverse = false;
};

/// `presence`.
struct presence_request {
  std::string_view channel;        ///< required
};

/// `presence_stats`.
struct presence_stats_request {
  std::string_view channel;        ///< required
};

/// `rpc` (unused by MWP).
struct rpc_request {
  std::string_view method;
  std::string_view data;           ///< raw JSON
};

/// `send` (unused by MWP; asynchronous, no id).
struct send_request {
  std::string_view data;           ///< raw JSON
};

/// `refresh` (unused by MWP).
struct refresh_request {
  std::string_view token;
};

/// `sub_refresh` (unused by MWP).
struct sub_refresh_request {
  std::string_view channel;        ///< required
  std::string_view token;
};

/// The request of one command; alternative index == static_cast<int>(method).
using command_body =
    std::variant<pong_request, connect_request, subscribe_request, unsubscribe_request,
                 publish_request, history_request, presence_request, presence_stats_request,
                 rpc_request, send_request, refresh_request, sub_refresh_request>;

/// One command: `{"<method>":{...},"id":N}`.
struct command {
  std::uint32_t id = 0;            ///< 0 only for pong and send
  command_body body;

  method kind() const noexcept { return static_cast<method>(body.index()); }
  /// The request if this command carries a T, else nullptr.
  template <class T>
  const T* get() const noexcept { return std::get_if<T>(&body); }
  template <class T>
  T* get() noexcept { return std::get_if<T>(&body); }
  /// The body as a T; throws std::bad_variant_access when it is of another kind.
  template <class T>
  const T& as() const { return std::get<T>(body); }
};

// Equality compares field values (views by content), for tests and caches.
inline bool operator==(const pong_request&, const pong_request&) noexcept { return true; }
inline bool operator==(const connect_request& a, const connect_request& b) noexcept {
  return std::tie(a.token, a.data, a.name, a.version) ==
         std::tie(b.token, b.data, b.name, b.version);
}
inline bool operator==(const subscribe_request& a, const subscribe_request& b) noexcept {
  return std::tie(a.channel, a.token, a.data, a.positioned, a.recoverable, a.join_leave, a.flag,
                  a.recover, a.offset, a.epoch, a.delta) ==
         std::tie(b.channel, b.token, b.data, b.positioned, b.recoverable, b.join_leave, b.flag,
                  b.recover, b.offset, b.epoch, b.delta);
}
inline bool operator==(const unsubscribe_request& a, const unsubscribe_request& b) noexcept {
  return a.channel == b.channel;
}
inline bool operator==(const publish_request& a, const publish_request& b) noexcept {
  return a.channel == b.channel && a.data == b.data;
}
inline bool operator==(const stream_position& a, const stream_position& b) noexcept {
  return a.offset == b.offset && a.epoch == b.epoch;
}
inline bool operator==(const history_request& a, const history_request& b) noexcept {
  return std::tie(a.channel, a.since, a.limit, a.reverse) ==
         std::tie(b.channel, b.since, b.limit, b.reverse);
}
inline bool operator==(const presence_request& a, const presence_request& b) noexcept {
  return a.channel == b.channel;
}
inline bool operator==(const presence_stats_request& a,
                       const presence_stats_request& b) noexcept {
  return a.channel == b.channel;
}
inline bool operator==(const rpc_request& a, const rpc_request& b) noexcept {
  return a.method == b.method && a.data == b.data;
}
inline bool operator==(const send_request& a, const send_request& b) noexcept {
  return a.data == b.data;
}
inline bool operator==(const refresh_request& a, const refresh_request& b) noexcept {
  return a.token == b.token;
}
inline bool operator==(const sub_refresh_request& a, const sub_refresh_request& b) noexcept {
  return a.channel == b.channel && a.token == b.token;
}
inline bool operator==(const command& a, const command& b) noexcept {
  return a.id == b.id && a.body == b.body;
}
inline bool operator!=(const command& a, const command& b) noexcept { return !(a == b); }

}  // namespace relayload::wire
