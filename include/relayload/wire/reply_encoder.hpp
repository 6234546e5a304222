// Relay-side encoding of Centrifugo replies and pushes, byte-exact with what Centrifugo v6
// writes (protocol.md §1.4–§1.7, §5.1): field order and omitempty rules of the protocol's
// easyjson code, raw JSON (publication data) re-emitted verbatim.
//
// Every function appends to `out` (nothing is cleared); batch several into one frame with
// begin_message() from frame.hpp. They throw only std::bad_alloc. Strings are escaped as
// JSON.stringify does; Centrifugo's Go encoder additionally escapes <, >, & and U+2028/9,
// which never occur in the ids, channels, epochs and messages a relay writes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "relayload/wire/publication.hpp"
#include "relayload/wire/push.hpp"
#include "relayload/wire/reply.hpp"
#include "relayload/wire/server_message.hpp"

namespace relayload::wire {

/// `{"id":N,"error":{"code":C,"message":"...","temporary":true?}}` (C10).
void append_reply(std::string& out, std::uint32_t id, const error_info& e);
/// `{"id":N,"connect":{...}}` (C2).
void append_reply(std::string& out, std::uint32_t id, const connect_result& r);
/// `{"id":N,"subscribe":{...}}` (C5a, C5b, C8b, C8c).
void append_reply(std::string& out, std::uint32_t id, const subscribe_result& r);
/// `{"id":N,"unsubscribe":{}}` (C9b).
void append_reply(std::string& out, std::uint32_t id, const unsubscribe_result& r);
/// `{"id":N,"publish":{}}` (C7c).
void append_reply(std::string& out, std::uint32_t id, const publish_result& r);
/// `{"id":N,"presence":{"presence":{...}}}`.
void append_reply(std::string& out, std::uint32_t id, const presence_result& r);
/// `{"id":N,"presence_stats":{"num_clients":A,"num_users":B}}`.
void append_reply(std::string& out, std::uint32_t id, const presence_stats_result& r);
/// `{"id":N,"history":{"publications":[...],"epoch":"...","offset":N}}` (C6b, C6c).
void append_reply(std::string& out, std::uint32_t id, const history_result& r);
/// `{"id":N,"rpc":{"data":<raw>}}`.
void append_reply(std::string& out, std::uint32_t id, const rpc_result& r);
/// `{"id":N,"refresh":{...}}`.
void append_reply(std::string& out, std::uint32_t id, const refresh_result& r);
/// `{"id":N,"sub_refresh":{...}}`.
void append_reply(std::string& out, std::uint32_t id, const sub_refresh_result& r);
/// Dispatches on the reply's body.
void append_reply(std::string& out, const reply& r);

/// Shorthand for an error reply: `append_reply(out, id, error_info{code, message, temporary})`.
inline void append_error_reply(std::string& out, std::uint32_t id, std::uint32_t code,
                               std::string_view message, bool temporary = false) {
  append_reply(out, id, error_info{code, message, temporary});
}

/// `{"push":{...}}` for any push (C7b, C11).
void append_push(std::string& out, const push& p);

/// Fan-out fast path: `{"push":{"channel":"<channel>","pub":{...}}}` (C7b).
void append_pub_push(std::string& out, std::string_view channel, const publication& pub);

/// A publication object on its own (`{"data":...,"info":{...},"offset":N}`), e.g. for a relay
/// that caches the encoded form of each stored publication and splices it into replies.
void append_publication(std::string& out, const publication& pub);

/// The server ping `{}`.
void append_server_ping(std::string& out);

/// Dispatches on the message kind.
void append_server_message(std::string& out, const server_message& m);

/// Cold-path convenience: the message as a new string.
std::string encode_server_message(const server_message& m);

}  // namespace relayload::wire
