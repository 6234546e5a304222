// relayload::client::reconnect_decision — what centrifuge-js 5.4.0 does after a close code,
// a connect error reply, a subscribe error reply or a server unsubscribe push
// (protocol.md §1.9–§1.11). Pure functions, so the rules are tested on their own.
#pragma once

#include <cstdint>

#include "relayload/net/close_info.hpp"

namespace relayload::client {

/// Whether the client tries again.
enum class reconnect_decision {
  reconnect,  ///< try again with backoff (transport failure, non-terminal code)
  stop,       ///< terminal: stay disconnected (the server or the protocol said no)
};

/// Stable snake_case name ("reconnect", "stop").
const char* to_string(reconnect_decision d) noexcept;

/// After the WebSocket closed with `code` (the peer's close code; 0, 1005 or 1006 when the
/// peer sent none): 3500–3999 and 4500–4999 are terminal, 1009 (message too big) is
/// terminal, everything else reconnects (codes below 3000 are "transport closed").
/// centrifuge-js also honours a legacy JSON reason `{"reason":..,"reconnect":..}` (protocol
/// v1 advice); Centrifugo v6 never sends one, so it is not interpreted here.
reconnect_decision on_close_code(std::uint16_t code) noexcept;

/// After a WebSocket attempt failed before it opened (info.phase != open), by its cause:
/// stop for what no retry can fix — a certificate this side refused
/// (errc::certificate_rejected), an upgrade refused with a 4xx status other than 408 and
/// 429 (wrong path, forbidden, unauthorized), unusable options (errc::invalid_argument);
/// everything else reconnects with backoff (refused, reset, timeouts, DNS, 5xx, 408, 429,
/// other TLS failures). centrifuge-js retries every transport failure; a load generator
/// that did so against a misconfigured target would only measure its own retry storm.
reconnect_decision on_attempt_failure(const net::close_info& info) noexcept;

/// After a server `disconnect` push with `code` (same ranges as close codes).
reconnect_decision on_disconnect_push(std::uint32_t code) noexcept;

/// After an error reply to `connect`: code < 100, `temporary` or 109 (token expired)
/// reconnect; any other code stops.
reconnect_decision on_connect_error(std::uint32_t code, bool temporary) noexcept;

/// After an error reply to `subscribe`: code < 100, 109 or `temporary` resubscribe with
/// backoff (reconnect); any other code makes the subscription unsubscribed for good (stop).
reconnect_decision on_subscribe_error(std::uint32_t code, bool temporary) noexcept;

/// After a server `unsubscribe` push: code >= 2500 resubscribes (with recovery); below
/// 2500 the subscription ends.
reconnect_decision on_unsubscribe_push(std::uint32_t code) noexcept;

}  // namespace relayload::client
