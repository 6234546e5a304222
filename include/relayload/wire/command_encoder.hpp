// Client-side encoding of Centrifugo commands, byte-exact with centrifuge-js (protocol.md §1.3,
// §1.6, §5.1): the method object first, then "id"; keys in centrifuge-js order; empty fields
// omitted; strings escaped as JSON.stringify does; raw JSON values inserted verbatim.
//
// Every function appends to `out` (nothing is cleared), so a caller can reuse one buffer per
// connection and never allocate once its capacity has grown, and can batch several commands
// into one frame with begin_message() from frame.hpp. They throw only std::bad_alloc.
// Raw JSON fields are not validated: passing invalid JSON produces an invalid frame.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "relayload/wire/command.hpp"

namespace relayload::wire {

/// `{"connect":{...},"id":N}`; e.g. C1 `{"connect":{"name":"js"},"id":1}`.
void append_command(std::string& out, std::uint32_t id, const connect_request& r);
/// `{"subscribe":{...},"id":N}` (C4a, C4b, C8a).
void append_command(std::string& out, std::uint32_t id, const subscribe_request& r);
/// `{"unsubscribe":{"channel":"..."},"id":N}` (C9a).
void append_command(std::string& out, std::uint32_t id, const unsubscribe_request& r);
/// `{"publish":{"channel":"...","data":<raw>},"id":N}` (C7a). The hot path.
void append_command(std::string& out, std::uint32_t id, const publish_request& r);
/// `{"history":{"channel":"...","since":{...},"limit":N,"reverse":true},"id":N}` (C6a).
void append_command(std::string& out, std::uint32_t id, const history_request& r);
/// `{"presence":{"channel":"..."},"id":N}`.
void append_command(std::string& out, std::uint32_t id, const presence_request& r);
/// `{"presence_stats":{"channel":"..."},"id":N}`.
void append_command(std::string& out, std::uint32_t id, const presence_stats_request& r);
/// `{"rpc":{"method":"...","data":<raw>},"id":N}`.
void append_command(std::string& out, std::uint32_t id, const rpc_request& r);
/// `{"send":{"data":<raw>}}` — id is written only when non-zero.
void append_command(std::string& out, std::uint32_t id, const send_request& r);
/// `{"refresh":{"token":"..."},"id":N}`.
void append_command(std::string& out, std::uint32_t id, const refresh_request& r);
/// `{"sub_refresh":{"channel":"...","token":"..."},"id":N}`.
void append_command(std::string& out, std::uint32_t id, const sub_refresh_request& r);
/// `{}` — the id is ignored: a pong never carries one.
void append_command(std::string& out, std::uint32_t id, const pong_request& r);

/// Dispatches on the command's body.
void append_command(std::string& out, const command& c);

/// The pong `{}` sent in answer to a server ping (in its own frame, never batched).
void append_pong(std::string& out);

/// Publish fast path: `{"publish":{"channel":"<channel>","data":<raw_data>},"id":N}`.
inline void append_publish(std::string& out, std::uint32_t id, std::string_view channel,
                           std::string_view raw_data) {
  append_command(out, id, publish_request{channel, raw_data});
}

/// Cold-path convenience: the command as a new string.
std::string encode_command(const command& c);

}  // namespace relayload::wire
