// Private: the DNS cache of a client context (one per io_context), shared by both client
// transports (ws_client on websocketpp and lean_ws_client): a name is looked up once, the
// endpoints are kept for every later connection, and lookups of one name that overlap are
// merged into one.
#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace relayload::net {

using endpoint_list = std::vector<asio::ip::tcp::endpoint>;
using endpoint_list_ptr = std::shared_ptr<const endpoint_list>;

class dns_cache {
 public:
  using handler = std::function<void(const std::error_code&, endpoint_list_ptr)>;

  explicit dns_cache(asio::io_context& io);
  ~dns_cache();
  dns_cache(const dns_cache&) = delete;
  dns_cache& operator=(const dns_cache&) = delete;

  /// Resolves host:port, from the cache when possible. The handler always runs later
  /// (posted), never inside this call; with the endpoints, or with the lookup's error
  /// (asio::error::host_not_found for an empty answer), which is not cached. A lookup
  /// still running when the cache is destroyed never calls its handlers.
  void resolve(const std::string& host, std::uint16_t port, handler h);
  /// Forgets every resolved name (lookups in progress finish and are kept).
  void clear() noexcept;

 private:
  struct state;
  std::shared_ptr<state> state_;  // the lookups' callbacks hold it weakly
};

}  // namespace relayload::net
