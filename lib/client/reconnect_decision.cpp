#include "relayload/client/reconnect_decision.hpp"

#include "relayload/error.hpp"

namespace relayload::client {
namespace {

bool terminal_server_code(std::uint32_t code) noexcept {
  return (code >= 3500 && code < 4000) || (code >= 4500 && code < 5000);
}

}  // namespace

const char* to_string(reconnect_decision d) noexcept {
  switch (d) {
    case reconnect_decision::reconnect:
      return "reconnect";
    case reconnect_decision::stop:
      return "stop";
  }
  return "unknown";
}

reconnect_decision on_close_code(std::uint16_t code) noexcept {
  if (code == 1009) return reconnect_decision::stop;  // centrifuge-js: "message size limit"
  return terminal_server_code(code) ? reconnect_decision::stop : reconnect_decision::reconnect;
}

reconnect_decision on_attempt_failure(const net::close_info& info) noexcept {
  if (info.phase == net::close_phase::open || !info.error) return reconnect_decision::reconnect;
  if (info.error == make_error_code(errc::certificate_rejected) ||
      info.error == make_error_code(errc::invalid_argument)) {
    return reconnect_decision::stop;
  }
  if (info.error == make_error_code(errc::handshake_rejected)) {
    // 408 Request Timeout and 429 Too Many Requests invite a retry; 5xx are overload or
    // restarts. Other 4xx answers say the request itself is wrong.
    const int s = info.http_status;
    const bool client_error = s >= 400 && s < 500 && s != 408 && s != 429;
    return client_error ? reconnect_decision::stop : reconnect_decision::reconnect;
  }
  return reconnect_decision::reconnect;
}

reconnect_decision on_disconnect_push(std::uint32_t code) noexcept {
  return terminal_server_code(code) ? reconnect_decision::stop : reconnect_decision::reconnect;
}

reconnect_decision on_connect_error(std::uint32_t code, bool temporary) noexcept {
  return (code < 100 || temporary || code == 109) ? reconnect_decision::reconnect
                                                  : reconnect_decision::stop;
}

reconnect_decision on_subscribe_error(std::uint32_t code, bool temporary) noexcept {
  return (code < 100 || temporary || code == 109) ? reconnect_decision::reconnect
                                                  : reconnect_decision::stop;
}

reconnect_decision on_unsubscribe_push(std::uint32_t code) noexcept {
  return code >= 2500 ? reconnect_decision::reconnect : reconnect_decision::stop;
}

}  // namespace relayload::client
