#include "net/wspp_impl.hpp"  // first: see the note on ASIO_NO_DEPRECATED there

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "net/util_impl.hpp"

namespace relayload::net::detail {
namespace {

void harden(asio::ssl::context& ctx) {
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                  asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  // Idle connections give their 34 KB of OpenSSL read/write buffers back; with
  // thousands of mostly idle connections that is most of the TLS memory.
  SSL_CTX_set_mode(ctx.native_handle(), SSL_MODE_RELEASE_BUFFERS);
}

}  // namespace

result<ssl_context_ptr> make_server_ssl_context(const std::string& certificate_file,
                                                const std::string& private_key_file) {
  try {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    harden(*ctx);
    std::error_code ec;
    ctx->use_certificate_chain_file(certificate_file, ec);
    if (ec) return unexpected(errc::invalid_argument);
    ctx->use_private_key_file(private_key_file, asio::ssl::context::pem, ec);
    if (ec) return unexpected(errc::invalid_argument);
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
      return unexpected(errc::invalid_argument);
    }
    return ctx;
  } catch (const std::system_error&) {
    return unexpected(errc::invalid_argument);
  } catch (const std::bad_alloc&) {
    return unexpected(std::make_error_code(std::errc::not_enough_memory));
  }
}

result<ssl_context_ptr> make_client_ssl_context(const ws_client_context_options& options) {
  try {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    harden(*ctx);
    std::error_code ec;
    if (options.insecure) {
      ctx->set_verify_mode(asio::ssl::verify_none, ec);
    } else {
      ctx->set_verify_mode(asio::ssl::verify_peer, ec);
      if (!ec) {
        if (options.ca_file.empty()) {
          ctx->set_default_verify_paths(ec);
        } else {
          ctx->load_verify_file(options.ca_file, ec);
        }
      }
    }
    if (ec) return unexpected(errc::invalid_argument);
    return ctx;
  } catch (const std::system_error&) {
    return unexpected(errc::invalid_argument);
  } catch (const std::bad_alloc&) {
    return unexpected(std::make_error_code(std::errc::not_enough_memory));
  }
}

std::error_code set_peer_name(SSL* ssl, const std::string& host, bool host_is_ip) noexcept {
  if ((SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) == 0) return {};
  int ok = 0;
  if (host_is_ip) {
    ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
  } else {
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    ok = SSL_set1_host(ssl, host.c_str());
  }
  return ok == 1 ? std::error_code{} : make_error_code(errc::invalid_argument);
}

std::string truncate_close_reason(std::string_view reason) {
  constexpr std::size_t limit = 123;
  if (reason.size() <= limit) return std::string(reason);
  std::size_t cut = limit;
  // Back up over continuation bytes (10xxxxxx) to the start of the cut sequence.
  while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) --cut;
  return std::string(reason.substr(0, cut));
}

bool sendable_close_code(std::uint16_t code) noexcept {
  return !websocketpp::close::status::invalid(code) && !websocketpp::close::status::reserved(code);
}

std::error_code translate_send_error(const std::error_code& ec) noexcept {
  if (!ec) return ec;
  if (ec == websocketpp::error::make_error_code(websocketpp::error::invalid_state)) {
    return make_error_code(errc::disconnected);
  }
  return translate_error(ec);
}

}  // namespace relayload::net::detail
