// relayload::net::ws_client_context — what many client connections on one io_context
// share: the WebSocket endpoint, the TLS context, a DNS cache.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "relayload/net/asio_fwd.hpp"

namespace relayload::net {

class ws_client;

struct ws_client_context_options {
  /// PEM file of CA certificates to trust for wss:// instead of the system store.
  std::string ca_file;
  /// Do not verify the server certificate or host name at all (self-signed test relays).
  bool insecure = false;

  /// Largest incoming message, in bytes; a bigger one closes the connection with 1009.
  std::size_t max_message_size = std::size_t{16} * 1024 * 1024;

  /// User-Agent header of the upgrade request; empty sends none (like Node's `ws`).
  std::string user_agent;

  /// After a close frame is sent, how long to wait for the peer's before dropping TCP.
  std::chrono::milliseconds close_timeout{2000};

  /// Every problem at once, as readable sentences; empty when the options are usable.
  std::vector<std::string> validate() const;
};

/// One per io_context (shard): holds the state that would be wasteful per connection
/// (websocketpp's client endpoint, the OpenSSL SSL_CTX with the CA store loaded once, the
/// resolved addresses of each host:port for the context's lifetime). ws_client objects
/// are created on it.
///
/// Thread safety: none; use it on the io_context's thread only.
/// Lifetime: the io_context must outlive it. ws_client objects keep the shared state
/// alive, so destroying the context before its clients is allowed (but pointless).
class ws_client_context {
 public:
  /// Errors in the options (see validate()) or an unreadable ca_file are reported by
  /// every connect() on this context as errc::invalid_argument, not thrown.
  explicit ws_client_context(asio::io_context& io, ws_client_context_options options = {});
  ~ws_client_context();
  ws_client_context(const ws_client_context&) = delete;
  ws_client_context& operator=(const ws_client_context&) = delete;

  asio::io_context& io_context() const noexcept;
  const ws_client_context_options& options() const noexcept;

  /// Forgets cached host name resolutions (e.g. after the relay moved).
  void clear_dns_cache() noexcept;

  class impl;

 private:
  friend class ws_client;
  std::shared_ptr<impl> impl_;
};

}  // namespace relayload::net
