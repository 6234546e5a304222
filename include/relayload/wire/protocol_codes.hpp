// Centrifugo's numeric codes with the exact texts Centrifugo sends (protocol.md §1.7, §1.10,
// §1.11), so the relay and the client agree on them without hard-coding strings.
#pragma once

#include <cstdint>

#include "relayload/wire/push.hpp"
#include "relayload/wire/reply.hpp"

namespace relayload::wire {

/// `error.code` of a reply (§1.10).
enum class reply_error_code : std::uint32_t {
  internal = 100,               ///< "internal server error", temporary
  unauthorized = 101,
  unknown_channel = 102,
  permission_denied = 103,
  method_not_found = 104,
  already_subscribed = 105,
  limit_exceeded = 106,
  bad_request = 107,
  not_available = 108,
  token_expired = 109,
  expired = 110,
  too_many_requests = 111,      ///< temporary
  unrecoverable_position = 112,
  concurrent_pagination = 113,  ///< temporary
};

/// The reply error exactly as Centrifugo writes it: code, message ("unknown channel"), and
/// temporary for 100, 111 and 113. Unknown codes get the message "unknown error".
error_info make_error(reply_error_code code) noexcept;

/// WebSocket close codes the server uses (§1.11); the reason text is disconnect_reason().
enum class disconnect_code : std::uint32_t {
  connection_closed = 3000,
  shutdown = 3001,
  internal = 3004,
  expired = 3005,
  subscription_expired = 3006,
  slow = 3008,
  write_error = 3009,
  insufficient_state = 3010,
  force_reconnect = 3011,
  no_pong = 3012,
  too_many_requests = 3013,
  state_invalidated = 3014,
  invalid_token = 3500,
  bad_request = 3501,
  stale = 3502,
  force_disconnect = 3503,
  connection_limit = 3504,
  channel_limit = 3505,
  inappropriate_protocol = 3506,
  permission_denied = 3507,
  not_available = 3508,
  too_many_errors = 3509,
};

/// Centrifugo's close reason text ("bad request", "no pong", ...); "" for unknown codes.
const char* disconnect_reason(disconnect_code code) noexcept;

/// True when a client must not reconnect after this close code: 3500–3999 and 4500–4999
/// (§1.11). Transport codes below 3000 are not terminal here; centrifuge-js additionally
/// stops on 1009 (message too big), which is the client's decision.
constexpr bool is_terminal_disconnect(std::uint32_t code) noexcept {
  return (code >= 3500 && code <= 3999) || (code >= 4500 && code <= 4999);
}

/// The disconnect push body for a code, with reconnect = !is_terminal_disconnect(code).
disconnect_push make_disconnect(disconnect_code code) noexcept;

/// Codes of the server's `unsubscribe` push (§1.7).
enum class unsubscribe_code : std::uint32_t {
  server = 2000,              ///< "server unsubscribe", terminal for the subscription
  insufficient_state = 2500,  ///< the client re-subscribes with recovery
  expired = 2501,             ///< "subscription expired"
  state_invalidated = 2502,
};

/// The unsubscribe push body as Centrifugo writes it ({2500, "insufficient state"}, ...).
unsubscribe_push make_unsubscribe(unsubscribe_code code) noexcept;

/// True when the client re-subscribes after this unsubscribe push (code >= 2500).
constexpr bool resubscribes(std::uint32_t unsubscribe_push_code) noexcept {
  return unsubscribe_push_code >= 2500;
}

}  // namespace relayload::wire
