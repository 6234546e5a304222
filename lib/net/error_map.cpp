#include "net/wspp_impl.hpp"  // first: see the note on ASIO_NO_DEPRECATED there

#include "net/error_map_impl.hpp"
#include "relayload/error.hpp"
#include "relayload/net/close_info.hpp"

namespace relayload::net {

const char* to_string(close_phase p) noexcept {
  switch (p) {
    case close_phase::resolve:
      return "resolve";
    case close_phase::tcp_connect:
      return "tcp_connect";
    case close_phase::tls_handshake:
      return "tls_handshake";
    case close_phase::ws_upgrade:
      return "ws_upgrade";
    case close_phase::open:
      return "open";
  }
  return "unknown";
}

namespace detail {
namespace {

namespace wserr = websocketpp::error;
namespace wtrans = websocketpp::transport::error;
namespace wasio = websocketpp::transport::asio::error;
namespace wsock = websocketpp::transport::asio::socket::error;
namespace wproc = websocketpp::processor::error;

std::error_code own(errc e) noexcept { return make_error_code(e); }

std::error_code from_library(int v) noexcept {
  switch (static_cast<wserr::value>(v)) {
    case wserr::open_handshake_timeout:
      return own(errc::connect_timeout);
    case wserr::close_handshake_timeout:
      return own(errc::reply_timeout);
    case wserr::rejected:
    case wserr::upgrade_required:
    case wserr::invalid_version:
    case wserr::unsupported_version:
      return own(errc::handshake_rejected);
    case wserr::http_parse_error:
    case wserr::extension_neg_failed:
    case wserr::payload_violation:
    case wserr::unrequested_subprotocol:
    case wserr::general:  // websocketpp's code for an unparseable HTTP response
      return own(errc::malformed_frame);
    case wserr::operation_canceled:
      return own(errc::cancelled);
    case wserr::invalid_uri:
    case wserr::invalid_port:
    case wserr::endpoint_not_secure:
    case wserr::invalid_subprotocol:
    case wserr::bad_close_code:
    case wserr::reserved_close_code:
    case wserr::invalid_close_code:
      return own(errc::invalid_argument);
    case wserr::send_queue_full:
    case wserr::no_outgoing_buffers:
    case wserr::no_incoming_buffers:
      return std::make_error_code(std::errc::not_enough_memory);
    default:
      return own(errc::disconnected);
  }
}

std::error_code from_transport(int v) noexcept {
  switch (static_cast<wtrans::value>(v)) {
    case wtrans::eof:
    case wtrans::tls_short_read:
      return asio::error::eof;
    case wtrans::timeout:
      return own(errc::connect_timeout);
    case wtrans::operation_aborted:
      return own(errc::cancelled);
    // TLS record errors after the handshake: the stream is broken.
    case wtrans::tls_error:
    default:
      return own(errc::disconnected);
  }
}

std::error_code from_socket(int v) noexcept {
  switch (static_cast<wsock::value>(v)) {
    case wsock::tls_handshake_timeout:
      return own(errc::connect_timeout);
    case wsock::invalid_tls_context:
    case wsock::missing_tls_init_handler:
      return own(errc::invalid_argument);
    // TLS handshake failures (no common cipher, a broken-off handshake, ...): the upgrade
    // did not happen. A certificate this side refused becomes errc::certificate_rejected
    // in ws_client, which can read OpenSSL's verification result; the code alone cannot.
    default:
      return own(errc::tls_handshake_failed);
  }
}

std::error_code from_processor(int v) noexcept {
  switch (static_cast<wproc::processor_errors>(v)) {
    case wproc::message_too_big:
      return own(errc::frame_too_large);
    case wproc::invalid_utf8:
      return own(errc::invalid_utf8);
    case wproc::invalid_http_status:
    case wproc::invalid_http_method:
    case wproc::invalid_http_version:
    case wproc::missing_required_header:
    case wproc::no_protocol_support:
      return own(errc::handshake_rejected);
    default:
      return own(errc::malformed_frame);
  }
}

}  // namespace

bool is_errno(const std::error_code& ec, int value) noexcept {
  const std::error_category& cat = ec.category();
  return ec.value() == value && (cat == std::system_category() || cat == std::generic_category() ||
                                 cat == asio::error::get_system_category());
}

std::error_code translate_error(const std::error_code& ec) noexcept {
  if (!ec) return ec;
  const std::error_category& cat = ec.category();
  if (cat == wserr::get_category()) return from_library(ec.value());
  if (cat == wtrans::get_category()) return from_transport(ec.value());
  if (cat == wasio::get_category()) return own(errc::disconnected);
  if (cat == websocketpp::transport::asio::socket::get_socket_category()) {
    return from_socket(ec.value());
  }
  if (cat == wproc::get_processor_category()) return from_processor(ec.value());
  if (cat == asio::error::get_ssl_category()) return own(errc::tls_handshake_failed);
  if (cat == asio::ssl::error::get_stream_category()) {
    // stream_truncated: the peer closed TCP without close_notify.
    return asio::error::eof;
  }
  if (ec == asio::error::operation_aborted) return own(errc::cancelled);
  if (is_errno(ec, EMFILE) || is_errno(ec, ENFILE)) {
    return own(errc::too_many_open_files);
  }
  return ec;  // system, Asio misc/netdb/addrinfo and relayload codes are classifiable
}

std::error_code translate_connect_error(const std::error_code& ec) noexcept {
  if (is_errno(ec, EADDRNOTAVAIL) || is_errno(ec, EADDRINUSE)) {
    return own(errc::source_exhausted);
  }
  return translate_error(ec);
}

}  // namespace detail
}  // namespace relayload::net
