#include "relayload/wire/protocol_codes.hpp"

namespace relayload::wire {

error_info make_error(reply_error_code code) noexcept {
  const auto c = static_cast<std::uint32_t>(code);
  switch (code) {
    case reply_error_code::internal: return {c, "internal server error", true};
    case reply_error_code::unauthorized: return {c, "unauthorized", false};
    case reply_error_code::unknown_channel: return {c, "unknown channel", false};
    case reply_error_code::permission_denied: return {c, "permission denied", false};
    case reply_error_code::method_not_found: return {c, "method not found", false};
    case reply_error_code::already_subscribed: return {c, "already subscribed", false};
    case reply_error_code::limit_exceeded: return {c, "limit exceeded", false};
    case reply_error_code::bad_request: return {c, "bad request", false};
    case reply_error_code::not_available: return {c, "not available", false};
    case reply_error_code::token_expired: return {c, "token expired", false};
    case reply_error_code::expired: return {c, "expired", false};
    case reply_error_code::too_many_requests: return {c, "too many requests", true};
    case reply_error_code::unrecoverable_position: return {c, "unrecoverable position", false};
    case reply_error_code::concurrent_pagination: return {c, "concurrent pagination", true};
  }
  return {c, "unknown error", false};
}

const char* disconnect_reason(disconnect_code code) noexcept {
  switch (code) {
    case disconnect_code::connection_closed: return "connection closed";
    case disconnect_code::shutdown: return "shutdown";
    case disconnect_code::internal: return "internal server error";
    case disconnect_code::expired: return "connection expired";
    case disconnect_code::subscription_expired: return "subscription expired";
    case disconnect_code::slow: return "slow";
    case disconnect_code::write_error: return "write error";
    case disconnect_code::insufficient_state: return "insufficient state";
    case disconnect_code::force_reconnect: return "force reconnect";
    case disconnect_code::no_pong: return "no pong";
    case disconnect_code::too_many_requests: return "too many requests";
    case disconnect_code::state_invalidated: return "state invalidated";
    case disconnect_code::invalid_token: return "invalid token";
    case disconnect_code::bad_request: return "bad request";
    case disconnect_code::stale: return "stale";
    case disconnect_code::force_disconnect: return "force disconnect";
    case disconnect_code::connection_limit: return "connection limit";
    case disconnect_code::channel_limit: return "channel limit";
    case disconnect_code::inappropriate_protocol: return "inappropriate protocol";
    case disconnect_code::permission_denied: return "permission denied";
    case disconnect_code::not_available: return "not available";
    case disconnect_code::too_many_errors: return "too many errors";
  }
  return "";
}

disconnect_push make_disconnect(disconnect_code code) noexcept {
  const auto c = static_cast<std::uint32_t>(code);
  return {c, disconnect_reason(code), !is_terminal_disconnect(c)};
}

unsubscribe_push make_unsubscribe(unsubscribe_code code) noexcept {
  const auto c = static_cast<std::uint32_t>(code);
  switch (code) {
    case unsubscribe_code::server: return {c, "server unsubscribe"};
    case unsubscribe_code::insufficient_state: return {c, "insufficient state"};
    case unsubscribe_code::expired: return {c, "subscription expired"};
    case unsubscribe_code::state_invalidated: return {c, "state invalidated"};
  }
  return {c, ""};
}

}  // namespace relayload::wire
