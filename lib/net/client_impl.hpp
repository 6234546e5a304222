// Private: the implementation classes behind ws_client_context and ws_client.
// Include after net/wspp_impl.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/deadline_queue_impl.hpp"
#include "net/dns_cache_impl.hpp"
#include "net/util_impl.hpp"
#include "relayload/net/ws_client.hpp"
#include "relayload/net/ws_client_context.hpp"

namespace relayload::net {

/// Shared per io_context: websocketpp endpoints, TLS context, DNS cache and the one
/// timer that enforces every connection attempt's deadline.
class ws_client_context::impl : public std::enable_shared_from_this<ws_client_context::impl> {
 public:
  using clock = std::chrono::steady_clock;
  using resolve_handler = dns_cache::handler;

  impl(asio::io_context& io, ws_client_context_options options);
  ~impl();
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  asio::io_context& io() const noexcept { return io_; }
  const ws_client_context_options& options() const noexcept { return options_; }

  /// The usable state of the context: options invalid -> errc::invalid_argument.
  std::error_code config_error() const noexcept { return config_error_; }

  detail::plain_client& plain_endpoint() noexcept { return plain_; }
  /// The TLS endpoint, created with the SSL_CTX on first use; null with `error` set
  /// when the TLS context cannot be built (bad ca_file).
  detail::tls_client* tls_endpoint(std::error_code& error);

  /// Resolves host:port, from the cache when possible. The handler always runs later
  /// (posted), never inside this call. Concurrent lookups of one name are merged.
  void resolve(const std::string& host, std::uint16_t port, resolve_handler handler) {
    dns_.resolve(host, port, std::move(handler));
  }
  void clear_dns_cache() noexcept { dns_.clear(); }

  /// Calls client->on_deadline(attempt) at `when` (if the client still exists).
  void add_deadline(clock::time_point when, std::weak_ptr<ws_client::impl> client,
                    std::uint64_t attempt) {
    deadlines_.add(when, std::move(client), attempt, weak_from_this());
  }

 private:
  template <class Endpoint>
  void install_handlers(Endpoint& ep);

  asio::io_context& io_;
  const ws_client_context_options options_;
  std::error_code config_error_;
  detail::plain_client plain_;
  std::unique_ptr<detail::tls_client> tls_;
  detail::ssl_context_ptr ssl_;

  dns_cache dns_;

  detail::deadline_queue<ws_client::impl, std::uint64_t> deadlines_;
};

/// One ws_client's state. Owned by the ws_client; also kept alive by its pending
/// operations and, during a callback, by the dispatching code.
class ws_client::impl : public std::enable_shared_from_this<ws_client::impl> {
 public:
  explicit impl(std::shared_ptr<ws_client_context::impl> context) : ctx_(std::move(context)) {}
  ~impl();
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  std::error_code connect(const ws_url& url, const ws_connect_options& options);
  std::error_code send(std::string_view text) noexcept;
  std::error_code close(std::uint16_t code, std::string_view reason) noexcept;
  std::error_code abort() noexcept;
  std::size_t buffered_amount() const noexcept;
  asio::ip::tcp::endpoint local_endpoint() const noexcept;
  /// The ws_client is gone: drop the connection, never call back again.
  void detach() noexcept;

  // Events from websocketpp (through the context's endpoint handlers) and the context.
  template <class Connection>
  void handle_tls_done(Connection& con);
  template <class Connection>
  void handle_open(Connection& con);
  template <class Connection>
  void handle_fail(Connection& con);
  template <class Connection>
  void handle_close(Connection& con);
  void handle_message(std::string_view text, bool binary);
  void on_deadline(std::uint64_t attempt);

  ws_client_callbacks callbacks_;
  ws_client_state state_ = ws_client_state::idle;

 private:
  void on_resolved(std::uint64_t attempt, const std::error_code& ec, endpoint_list_ptr eps);
  void start_tcp(std::uint64_t attempt);
  void on_tcp_connected(std::uint64_t attempt, const std::error_code& ec);
  void fail_attempt(const std::error_code& error, const std::error_code& detail);
  /// The single exit of an attempt: guarantees exactly one on_close.
  void finish(const close_info& info);
  /// Forgets the websocketpp connection (it may live on until its I/O completes) and
  /// optionally terminates it (posted: terminate() may call handlers inline).
  void release_connection(bool terminate, const std::error_code& why);
  using raw_socket_type = asio::basic_socket<asio::ip::tcp>;
  raw_socket_type* raw_socket() noexcept;

  template <class F>
  auto with_connection(F&& f) {
    if (tls_) return f(*tls_);
    return f(*plain_);
  }
  bool has_connection() const noexcept { return plain_ || tls_; }

  std::shared_ptr<ws_client_context::impl> ctx_;
  detail::plain_client::connection_ptr plain_;
  detail::tls_client::connection_ptr tls_;
  std::uint64_t attempt_ = 0;
  close_phase phase_ = close_phase::resolve;
  connect_timings timings_;
  endpoint_list_ptr endpoints_;
  std::size_t next_endpoint_ = 0;
  std::optional<asio::ip::address> source_;
  std::error_code last_connect_error_;
  bool detached_ = false;
  bool closed_by_user_ = false;  // this attempt's close was asked for through close()
};

}  // namespace relayload::net
