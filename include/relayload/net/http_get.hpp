// relayload::net::http_get — one HTTP/1.1 GET over plain TCP with a deadline, for reading a
// relay's Prometheus endpoint (--target-metrics). Not a general HTTP client: no TLS, no
// redirects, no keep-alive (`Connection: close`), no compression asked for. The body is read
// by Content-Length, chunked transfer coding or until the server closes, up to a size limit.
//
// Thread safety: http_get() is a blocking call with its own io_context; call it from any
// thread, never from inside an io_context's handler.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "relayload/result.hpp"

namespace relayload::net {

/// http://HOST[:PORT][/PATH][?QUERY]
struct http_url {
  std::string host;  ///< a name or an address literal (an IPv6 one without brackets)
  std::uint16_t port = 80;
  std::string target = "/";  ///< path and query, as sent in the request line

  /// "http://HOST:PORT/TARGET" (an IPv6 host in brackets).
  std::string to_string() const;
};

/// Parses `text`; returns an error sentence (without a flag name: "the scheme must be
/// http:// (https is not supported: …)", "'…' has no host", "port '…' is not 1 to 65535")
/// or std::nullopt with `out` set.
std::optional<std::string> parse_http_url(std::string_view text, http_url& out);

struct http_response {
  int status = 0;            ///< 200, 404, …
  std::string reason;        ///< "OK"
  std::string content_type;  ///< the Content-Type header's value, empty when absent
  std::string body;
};

struct http_get_options {
  /// For the whole exchange: resolve, connect, send, read.
  std::chrono::milliseconds timeout{5000};
  /// Bodies larger than this fail (errc::frame_too_large).
  std::size_t max_body = 64u << 20;
};

/// GETs `url`. Any status counts as an answer (the caller judges it). Errors: the resolver's
/// and the socket's own (connection refused, host not found, …), std::errc::timed_out
/// (errc::connect_timeout's sibling for a whole request: nothing usable before the deadline),
/// errc::malformed_frame for a response that is not HTTP/1.x, errc::frame_too_large. When
/// `why` is given it receives the failure in words ("connection refused",
/// "no answer within 2000 ms", "not an HTTP response: 'SSH-2.0-…'").
result<http_response> http_get(const http_url& url, const http_get_options& options = {},
                               std::string* why = nullptr);

}  // namespace relayload::net
