// relayload::net::ws_url — a parsed and validated ws:// or wss:// URL.
// Parse once, connect many times: ws_client::connect() takes a ws_url, not a string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "relayload/result.hpp"

namespace relayload::net {

struct ws_url {
  bool tls = false;          ///< wss
  std::string host;          ///< host name or IP literal, without IPv6 brackets
  std::uint16_t port = 0;    ///< explicit port, or 80 (ws) / 443 (wss)
  std::string target = "/";  ///< path and query ("/connection/websocket?x=1"), never empty

  /// Parses `ws://host[:port][/path][?query]` or `wss://...`. The scheme is
  /// case-insensitive; IPv6 literals are written in brackets (`ws://[::1]:8000/`).
  /// Fragments, user info, empty hosts, ports outside 1..65535, other schemes and
  /// whitespace or control characters give errc::invalid_argument.
  static result<ws_url> parse(std::string_view text);

  /// The URL in canonical form (lower-case scheme, port always written).
  std::string to_string() const;

  /// The Host header value: host, plus ":port" when the port is not the scheme default.
  std::string host_header() const;

  /// True when `host` is an IPv4 or IPv6 literal (no resolution, no SNI).
  bool host_is_ip() const noexcept;

  friend bool operator==(const ws_url& a, const ws_url& b) noexcept {
    return a.tls == b.tls && a.host == b.host && a.port == b.port && a.target == b.target;
  }
  friend bool operator!=(const ws_url& a, const ws_url& b) noexcept { return !(a == b); }
};

}  // namespace relayload::net
