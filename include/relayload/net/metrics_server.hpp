// relayload::net::metrics_server — a minimal HTTP/1.1 server for a Prometheus scrape
// endpoint: GET (or HEAD) of one path answers with a body rendered at request time; every
// other path is 404, every other method 405. One request per connection (the response
// carries `Connection: close`), requests larger than 8 KiB are refused with 431, and a
// connection that has not sent its request within 10 s is closed.
//
// Thread safety: start(), stop(), port() and url() may be called from any one thread.
// The render callback runs on the server's own thread, one request at a time; it must be
// thread-safe with respect to whatever it reads (the CLI hands it a snapshot function that
// asks the shards for copies, never reading their live counters).
// Lifetime: the destructor stops the server and joins its thread (named "rl-metrics").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

namespace relayload::net {

struct metrics_server_options {
  /// IPv4 or IPv6 address literal to bind; "0.0.0.0" or "::" for every interface.
  std::string host = "127.0.0.1";
  /// 0 picks a free port (read it back with port()).
  std::uint16_t port = 0;
  /// The one path served (the query string is ignored).
  std::string path = "/metrics";
  std::string content_type = "text/plain; version=0.0.4; charset=utf-8";
  /// Renders the body of each scrape; called on the server's thread. An exception it throws
  /// is answered with 500 and its message.
  std::function<std::string()> render;
};

class metrics_server {
 public:
  explicit metrics_server(metrics_server_options options);
  ~metrics_server();
  metrics_server(const metrics_server&) = delete;
  metrics_server& operator=(const metrics_server&) = delete;

  /// Binds, listens and starts the server's thread. Errors: the bind's own in
  /// std::system_category, so they compare equal to std::errc::address_in_use,
  /// address_not_available, permission_denied; std::errc::invalid_argument for a host that
  /// is not an address literal. The throwing form throws std::system_error naming the
  /// address.
  void start();
  void start(std::error_code& ec);
  /// Stops accepting, closes open connections and joins the thread. Idempotent.
  void stop() noexcept;

  /// The bound port (after start()).
  std::uint16_t port() const noexcept;
  /// "http://HOST:PORT/metrics" (an IPv6 host in brackets).
  std::string url() const;
  /// Requests answered so far (any status).
  std::uint64_t requests() const noexcept;

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace relayload::net
