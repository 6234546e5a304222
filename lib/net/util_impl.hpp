// Private helpers shared by ws_server and ws_client. Include after net/wspp_impl.hpp.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "net/error_map_impl.hpp"
#include "relayload/error.hpp"
#include "relayload/net/close_info.hpp"
#include "relayload/net/ws_client_context.hpp"
#include "relayload/result.hpp"

namespace relayload::net::detail {

using ssl_context_ptr = std::shared_ptr<asio::ssl::context>;

/// A TLS server context with the certificate chain and key loaded.
/// errc::invalid_argument when a file is missing or unusable.
result<ssl_context_ptr> make_server_ssl_context(const std::string& certificate_file,
                                                const std::string& private_key_file);

/// The TLS client context of a ws_client_context: peer verification against ca_file or
/// the system store unless insecure. errc::invalid_argument for an unusable ca_file.
result<ssl_context_ptr> make_client_ssl_context(const ws_client_context_options& options);

/// Enables host name (or IP address) verification of the peer certificate on one TLS
/// session; a no-op when the context does not verify.
std::error_code set_peer_name(SSL* ssl, const std::string& host, bool host_is_ip) noexcept;

/// A close reason cut to the 123 bytes a close frame allows, never inside a UTF-8
/// sequence (a peer would reject the frame as invalid UTF-8).
std::string truncate_close_reason(std::string_view reason);

/// True for codes an endpoint may put in a close frame (RFC 6455 §7.4).
bool sendable_close_code(std::uint16_t code) noexcept;

/// What both clients' close(code, reason) refuse before anything is sent: "no code" (none,
/// or 1005, which only says that a frame had none) is close() without arguments.
inline std::error_code check_user_close_code(std::uint16_t code) noexcept {
  if (code == close_code::none || code == close_code::no_status) {
    return make_error_code(errc::invalid_argument);
  }
  return {};
}

/// Errors of websocketpp's send(): "not open" becomes errc::disconnected.
std::error_code translate_send_error(const std::error_code& ec) noexcept;

/// Starts the close handshake on an open websocketpp connection; code 0 or 1005 sends
/// a close frame without a code.
template <class Connection>
std::error_code close_connection(Connection& con, std::uint16_t code,
                                 std::string_view reason) noexcept {
  const bool no_code = code == close_code::none || code == close_code::no_status;
  if (!no_code && !sendable_close_code(code)) return make_error_code(errc::invalid_argument);
  try {
    std::error_code ec;
    con.close(no_code ? websocketpp::close::status::blank : code,
              no_code ? std::string() : truncate_close_reason(reason), ec);
    if (ec) return translate_send_error(ec);
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }
  return {};
}

/// close_info of a websocketpp connection that was open when it ended.
template <class Connection>
close_info make_close_info(Connection& con) {
  close_info info;
  info.phase = close_phase::open;
  info.local_code = con.get_local_close_code();
  info.local_reason = con.get_local_close_reason();
  info.remote_code = con.get_remote_close_code();
  info.remote_reason = con.get_remote_close_reason();
  const std::error_code ec = con.get_ec();
  const std::error_code transport = con.get_transport_ec();
  info.detail = transport ? transport : ec;
  info.error = translate_error(ec);
  // websocketpp reports a transport failure as "pass_through" and keeps the real
  // system error aside; prefer the real one when it is classifiable.
  if (transport && info.error == make_error_code(errc::disconnected)) {
    const std::error_code t = translate_error(transport);
    if (t.category() != asio::error::get_ssl_category()) info.error = t;
  }
  return info;
}

}  // namespace relayload::net::detail
