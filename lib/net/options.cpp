// validate() of the net layer's option structs: pure checks, no file system access
// (files are opened by listen()/connect(), which report what they find).
#include <asio/ip/address.hpp>
#include <string>
#include <vector>

#include "relayload/net/ws_client.hpp"
#include "relayload/net/ws_client_context.hpp"
#include "relayload/net/ws_server.hpp"

namespace relayload::net {
namespace {

bool has_line_break(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

// RFC 7230 token characters, as required for Sec-WebSocket-Protocol values.
bool is_token(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
    if (std::string_view("()<>@,;:\\\"/[]?={}").find(c) != std::string_view::npos) return false;
  }
  return true;
}

void check_subprotocols(const std::vector<std::string>& list, std::vector<std::string>& out) {
  for (const auto& p : list) {
    if (!is_token(p)) out.emplace_back("subprotocol \"" + p + "\" is not a valid token");
  }
}

}  // namespace

std::vector<std::string> ws_server_options::validate() const {
  std::vector<std::string> out;
  std::error_code ec;
  asio::ip::make_address(host, ec);
  if (ec) out.emplace_back("host \"" + host + "\" is not an IP address");
  if (path.empty() || path.front() != '/') out.emplace_back("path must start with '/'");
  if (path.find_first_of("? \r\n") != std::string::npos) {
    out.emplace_back("path must not contain a query or whitespace");
  }
  if (tls_certificate_file.empty() != tls_private_key_file.empty()) {
    out.emplace_back("TLS needs both a certificate file and a private key file");
  }
  if (max_message_size == 0) out.emplace_back("max_message_size must be positive");
  if (listen_backlog <= 0) out.emplace_back("listen_backlog must be positive");
  if (handshake_timeout.count() <= 0) out.emplace_back("handshake_timeout must be positive");
  if (close_timeout.count() <= 0) out.emplace_back("close_timeout must be positive");
  check_subprotocols(subprotocols, out);
  return out;
}

std::vector<std::string> ws_client_context_options::validate() const {
  std::vector<std::string> out;
  if (max_message_size == 0) out.emplace_back("max_message_size must be positive");
  if (close_timeout.count() <= 0) out.emplace_back("close_timeout must be positive");
  if (has_line_break(user_agent)) out.emplace_back("user_agent must not contain line breaks");
  if (insecure && !ca_file.empty()) {
    out.emplace_back("ca_file and insecure contradict each other (insecure skips verification)");
  }
  return out;
}

std::vector<std::string> ws_connect_options::validate() const {
  std::vector<std::string> out;
  if (connect_timeout.count() <= 0) out.emplace_back("connect_timeout must be positive");
  if (has_line_break(origin)) out.emplace_back("origin must not contain line breaks");
  if (source_address && source_address->is_unspecified()) {
    out.emplace_back("source_address must be a specific address, not " +
                     source_address->to_string());
  }
  check_subprotocols(subprotocols, out);
  return out;
}

}  // namespace relayload::net
