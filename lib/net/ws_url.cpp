#include "relayload/net/ws_url.hpp"

#include <asio/ip/address.hpp>
#include <cctype>

#include "relayload/error.hpp"

namespace relayload::net {
namespace {

char lower(char c) noexcept {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Printable ASCII without space: anything else must be percent-encoded in a URL.
bool printable(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f;
}

bool host_char(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_';
}

}  // namespace

result<ws_url> ws_url::parse(std::string_view text) {
  const auto bad = [] { return unexpected(errc::invalid_argument); };
  for (char c : text) {
    if (!printable(c)) return bad();
  }
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return bad();
  ws_url url;
  const std::string_view scheme = text.substr(0, sep);
  if (iequals(scheme, "ws")) {
    url.tls = false;
  } else if (iequals(scheme, "wss")) {
    url.tls = true;
  } else {
    return bad();
  }
  std::string_view rest = text.substr(sep + 3);
  if (rest.find('#') != std::string_view::npos) return bad();

  const auto auth_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, auth_end);
  const std::string_view target =
      auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return bad();

  std::string_view host;
  std::string_view port_text;
  bool has_port = false;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad();
    host = authority.substr(1, close - 1);
    std::error_code ec;
    asio::ip::make_address_v6(std::string(host), ec);
    if (ec) return bad();
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad();
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
    if (host.empty()) return bad();
    for (char c : host) {
      if (!host_char(c)) return bad();
    }
  }
  if (host.empty()) return bad();

  if (has_port) {
    if (port_text.empty() || port_text.size() > 5) return bad();
    unsigned long port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') return bad();
      port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port == 0 || port > 65535) return bad();
    url.port = static_cast<std::uint16_t>(port);
  } else {
    url.port = url.tls ? 443 : 80;
  }

  url.host.reserve(host.size());
  for (char c : host) url.host.push_back(lower(c));
  if (target.empty()) {
    url.target = "/";
  } else if (target.front() == '?') {
    url.target = "/";
    url.target.append(target);
  } else {
    url.target = std::string(target);
  }
  return url;
}

bool ws_url::host_is_ip() const noexcept {
  std::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

std::string ws_url::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string out = v6 ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) out += ":" + std::to_string(port);
  return out;
}

std::string ws_url::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string out = tls ? "wss://" : "ws://";
  out += v6 ? "[" + host + "]" : host;
  out += ":" + std::to_string(port);
  out += target;
  return out;
}

}  // namespace relayload::net
