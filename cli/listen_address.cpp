#include "listen_address.hpp"

#include <arpa/inet.h>

#include <cctype>

namespace relayload::cli {

namespace {

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

std::optional<std::string> parse_listen_address(const std::string& flag, const std::string& text,
                                                listen_address& out) {
  const std::string example =
      " (expected HOST:PORT, e.g. 127.0.0.1:9100, or 127.0.0.1:0 for "
      "any free port)";
  if (text.empty()) return flag + ": empty value" + example;
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    return flag + ": '" + text + "' has no port" + example;
  }
  std::string host = text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    if (host.find(':') == std::string::npos || !is_ip_literal(host)) {
      return flag + ": '" + text + "': [" + host + "] is not an IPv6 address";
    }
  } else if (host.find(':') != std::string::npos) {
    return flag + ": '" + text + "': write an IPv6 host in brackets, e.g. [::1]:9100";
  }
  if (host.empty()) return flag + ": '" + text + "' has no host" + example;
  if (host == "localhost") host = "127.0.0.1";
  if (!is_ip_literal(host)) {
    return flag + ": '" + host +
           "' is not an IP address (give an address of this host, e.g. "
           "127.0.0.1 or 0.0.0.0 for every interface)";
  }
  bool digits = !port.empty() && port.size() <= 5;
  for (const char c : port) digits = digits && std::isdigit(static_cast<unsigned char>(c)) != 0;
  if (!digits || std::stoul(port) > 65535) {
    return flag + ": '" + port + "' is not a port (0 to 65535)";
  }
  out.host = host;
  out.port = static_cast<std::uint16_t>(std::stoul(port));
  return std::nullopt;
}

}  // namespace relayload::cli
