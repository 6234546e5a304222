#include "relayload/error.hpp"

#include <asio/error.hpp>
#include <string>

namespace relayload {
namespace {

class error_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "relayload"; }

  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::malformed_json: return "malformed JSON";
      case errc::malformed_frame: return "malformed frame";
      case errc::missing_field: return "missing required field";
      case errc::wrong_type: return "field has the wrong type or range";
      case errc::unknown_message: return "unknown message kind";
      case errc::empty_frame: return "empty frame";
      case errc::frame_too_large: return "frame too large";
      case errc::nesting_too_deep: return "JSON nested too deeply";
      case errc::invalid_utf8: return "invalid UTF-8";
      case errc::invalid_base64: return "invalid base64";
      case errc::server_error: return "server replied with an error";
      case errc::reply_timeout: return "reply timeout";
      case errc::unexpected_reply: return "unexpected reply";
      case errc::handshake_rejected: return "WebSocket handshake rejected";
      case errc::handshake_timeout: return "handshake timeout";
      case errc::disconnected: return "disconnected";
      case errc::no_ping: return "no ping from server";
      case errc::decryption_failed: return "decryption failed";
      case errc::invalid_key: return "invalid public key";
      case errc::otp_mismatch: return "OTP mismatch";
      case errc::session_expired: return "session expired";
      case errc::tls_handshake_failed:
        return "TLS handshake failed (no common protocol or cipher, or broken off by the peer)";
      case errc::certificate_rejected:
        return "certificate rejected (not trusted, expired or for another host name)";
      case errc::source_exhausted: return "no local address available";
      case errc::too_many_open_files: return "too many open files";
      case errc::connect_timeout: return "connect timeout";
      case errc::cancelled: return "cancelled";
      case errc::invalid_argument: return "invalid argument";
      case errc::layout_mismatch: return "histogram layouts differ";
      case errc::corrupt_data: return "corrupt data";
    }
    return "unknown relayload error " + std::to_string(ev);
  }

  std::error_condition default_error_condition(int ev) const noexcept override {
    return classify(std::error_code(ev, *this));
  }
};

class condition_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "relayload.condition"; }
  std::string message(int ev) const override {
    return to_string(static_cast<condition>(ev));
  }
  bool equivalent(const std::error_code& code, int cond) const noexcept override {
    const std::error_condition c = classify(code);
    return c.category() == *this && c.value() == cond;
  }
};

std::error_condition of(condition c) noexcept { return make_error_condition(c); }

std::error_condition classify_own(errc e) noexcept {
  switch (e) {
    case errc::malformed_json:
    case errc::malformed_frame:
    case errc::missing_field:
    case errc::wrong_type:
    case errc::unknown_message:
    case errc::empty_frame:
    case errc::frame_too_large:
    case errc::nesting_too_deep:
    case errc::invalid_utf8:
    case errc::invalid_base64:
    case errc::unexpected_reply:
    case errc::decryption_failed:
    case errc::invalid_key:
      return of(condition::protocol_violation);
    case errc::server_error:
    case errc::handshake_rejected:
    case errc::tls_handshake_failed:
    case errc::otp_mismatch:
    case errc::session_expired:
      return of(condition::remote_rejected);
    case errc::certificate_rejected:
      return of(condition::tls_verification);
    case errc::reply_timeout:
    case errc::handshake_timeout:
    case errc::no_ping:
    case errc::connect_timeout:
      return of(condition::timed_out);
    case errc::disconnected:
      return of(condition::transport_failure);
    case errc::source_exhausted:
    case errc::too_many_open_files:
      return of(condition::local_resource);
    case errc::cancelled:
    case errc::invalid_argument:
    case errc::layout_mismatch:
    case errc::corrupt_data:
      return of(condition::invalid_input);
  }
  return {};
}

// Readable names for the socket errors a load test meets every day; anything else keeps
// "<category>:<value>", which is stable too.
const char* errno_name(int ev) noexcept {
  switch (ev) {
    case ECONNREFUSED: return "connection_refused";
    case ECONNRESET: return "connection_reset";
    case ECONNABORTED: return "connection_aborted";
    case ETIMEDOUT: return "timed_out";
    case EPIPE: return "broken_pipe";
    case EHOSTUNREACH: return "host_unreachable";
    case ENETUNREACH: return "network_unreachable";
    case EADDRNOTAVAIL: return "address_not_available";
    case EADDRINUSE: return "address_in_use";
    case EMFILE: return "too_many_open_files";
    case ENFILE: return "too_many_files_in_system";
    case ENOBUFS: return "no_buffer_space";
    case ECANCELED: return "operation_aborted";
    default: return nullptr;
  }
}

std::error_condition classify_system(int ev) noexcept {
  switch (ev) {
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
    case EADDRNOTAVAIL:
    case EADDRINUSE:
      return of(condition::local_resource);
    case ETIMEDOUT:
      return of(condition::timed_out);
    case ECONNREFUSED:
    case ECONNRESET:
    case ECONNABORTED:
    case EPIPE:
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case ENOTCONN:
    case ESHUTDOWN:
      return of(condition::transport_failure);
    default:
      return {};
  }
}

}  // namespace

const std::error_category& error_category() noexcept {
  static const error_category_impl instance;
  return instance;
}

const std::error_category& condition_category() noexcept {
  static const condition_category_impl instance;
  return instance;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

std::error_condition make_error_condition(condition c) noexcept {
  return {static_cast<int>(c), condition_category()};
}

std::error_condition classify(const std::error_code& ec) noexcept {
  if (!ec) return {};
  if (ec.category() == error_category()) return classify_own(static_cast<errc>(ec.value()));
  if (ec.category() == std::system_category() || ec.category() == std::generic_category() ||
      ec.category() == asio::error::get_system_category()) {
    return classify_system(ec.value());
  }
  if (ec.category() == asio::error::get_misc_category()) {
    if (ec.value() == asio::error::eof) return of(condition::transport_failure);
    return {};
  }
  if (ec.category() == asio::error::get_netdb_category() ||
      ec.category() == asio::error::get_addrinfo_category()) {
    return of(condition::transport_failure);
  }
  // Unknown categories (websocketpp, OpenSSL) are classified by the layer that owns them,
  // which maps them onto an errc before they reach metrics.
  return {};
}

const char* to_string(errc e) noexcept {
  switch (e) {
    case errc::malformed_json: return "malformed_json";
    case errc::malformed_frame: return "malformed_frame";
    case errc::missing_field: return "missing_field";
    case errc::wrong_type: return "wrong_type";
    case errc::unknown_message: return "unknown_message";
    case errc::empty_frame: return "empty_frame";
    case errc::frame_too_large: return "frame_too_large";
    case errc::nesting_too_deep: return "nesting_too_deep";
    case errc::invalid_utf8: return "invalid_utf8";
    case errc::invalid_base64: return "invalid_base64";
    case errc::server_error: return "server_error";
    case errc::reply_timeout: return "reply_timeout";
    case errc::unexpected_reply: return "unexpected_reply";
    case errc::handshake_rejected: return "handshake_rejected";
    case errc::handshake_timeout: return "handshake_timeout";
    case errc::disconnected: return "disconnected";
    case errc::no_ping: return "no_ping";
    case errc::decryption_failed: return "decryption_failed";
    case errc::invalid_key: return "invalid_key";
    case errc::otp_mismatch: return "otp_mismatch";
    case errc::session_expired: return "session_expired";
    case errc::tls_handshake_failed: return "tls_handshake_failed";
    case errc::certificate_rejected: return "certificate_rejected";
    case errc::source_exhausted: return "source_exhausted";
    case errc::too_many_open_files: return "too_many_open_files";
    case errc::connect_timeout: return "connect_timeout";
    case errc::cancelled: return "cancelled";
    case errc::invalid_argument: return "invalid_argument";
    case errc::layout_mismatch: return "layout_mismatch";
    case errc::corrupt_data: return "corrupt_data";
  }
  return "unknown";
}

std::string to_string(const std::error_code& ec) {
  if (ec.category() == error_category()) return to_string(static_cast<errc>(ec.value()));
  // By category name, not identity: a category object of another copy of Asio (or one
  // compiled into a user's shared library) still gets the same names.
  const std::string cat = ec.category().name();
  if (cat == "system" || cat == "generic" || cat == "asio.system") {
    if (const char* n = errno_name(ec.value())) return n;
  }
  if (cat == "asio.misc") {
    switch (ec.value()) {
      case asio::error::already_open: return "already_open";
      case asio::error::eof: return "eof";
      case asio::error::not_found: return "not_found";
      default: break;
    }
  }
  if (cat == "asio.netdb" || cat == "asio.addrinfo") return "dns_" + std::to_string(ec.value());
  return cat + ":" + std::to_string(ec.value());
}

const char* to_string(condition c) noexcept {
  switch (c) {
    case condition::transport_failure: return "transport_failure";
    case condition::protocol_violation: return "protocol_violation";
    case condition::local_resource: return "local_resource";
    case condition::remote_rejected: return "remote_rejected";
    case condition::timed_out: return "timed_out";
    case condition::invalid_input: return "invalid_input";
    case condition::tls_verification: return "tls_verification";
  }
  return "unknown";
}

}  // namespace relayload
