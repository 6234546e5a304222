// Private: websocketpp configurations used by relayload::net. Include this FIRST in a
// translation unit (before any other header that may include Asio).
//
// websocketpp 0.8.2 still uses Asio's deprecated io_service/strand/work names, so the
// project does not define ASIO_NO_DEPRECATED anywhere: a definition in only some
// translation units would give Asio's inline functions two different bodies (an ODR
// violation).
#pragma once

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <cstdint>
#include <memory>
#include <random>
#include <type_traits>
// websocketpp 0.8.2's asio connection::proxy_read() dereferences m_proxy_data in the branch
// where it has just found it null (transport/asio/connection.hpp:706), and GCC 12 rightly
// warns (-Wnull-dereference). The branch is dead here: proxy_read runs only when a proxy is
// set, and relayload never sets one. Silenced for websocketpp's headers only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif
#include <websocketpp/client.hpp>
#include <websocketpp/concurrency/none.hpp>
#include <websocketpp/config/core.hpp>
#include <websocketpp/extensions/permessage_deflate/enabled.hpp>
#include <websocketpp/logger/stub.hpp>
#include <websocketpp/server.hpp>
#include <websocketpp/transport/asio/endpoint.hpp>
#include <websocketpp/transport/asio/security/none.hpp>
#include <websocketpp/transport/asio/security/tls.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include "relayload/net/ws_client.hpp"
#include "relayload/net/ws_server.hpp"

namespace relayload::net::detail {

/// Masking keys and Sec-WebSocket-Key nonces need to be unpredictable to proxies, not
/// cryptographically strong; websocketpp's random_device generator would make a syscall
/// per frame. xorshift64*, seeded once per endpoint (no global state).
class fast_rng {
 public:
  using result_type = std::uint32_t;
  fast_rng() {
    std::random_device rd;
    state_ = (std::uint64_t{rd()} << 32) ^ rd() ^ 0x9E3779B97F4A7C15ull;
    if (state_ == 0) state_ = 1;
  }
  std::uint32_t operator()() noexcept {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return static_cast<std::uint32_t>((state_ * 0x2545F4914F6CDD1Dull) >> 32);
  }

 private:
  std::uint64_t state_;
};

/// Per-connection user data: websocketpp has no user-data slot, but lets the config
/// choose the connection's base class. Handlers are installed once per endpoint and find
/// their owner through this base, so no per-connection std::function is allocated.
struct client_con_base {
  ws_client::impl* owner = nullptr;  // null once the attempt is over for the ws_client
  std::shared_ptr<void> context;     // keeps the endpoint alive as long as the connection
};

struct server_con_base {
  connection_id id = 0;          // 0 until accepted
  std::shared_ptr<void> server;  // keeps the endpoint alive as long as the connection
};

template <class Socket, class ConBase, std::size_t ReadBuffer>
struct wspp_config : websocketpp::config::core {
  using type = wspp_config;
  using base = websocketpp::config::core;

  // One io_context per thread, no strands, no locks.
  using concurrency_type = websocketpp::concurrency::none;
  using request_type = base::request_type;
  using response_type = base::response_type;
  using message_type = base::message_type;
  using con_msg_manager_type = base::con_msg_manager_type;
  using endpoint_msg_manager_type = base::endpoint_msg_manager_type;
  // The library never prints; the stub logger compiles every log call away.
  using alog_type = websocketpp::log::stub;
  using elog_type = websocketpp::log::stub;
  using rng_type = fast_rng;
  using connection_base = ConBase;

  static const bool enable_multithreading = false;

  struct transport_config : base::transport_config {
    using concurrency_type = type::concurrency_type;
    using alog_type = type::alog_type;
    using elog_type = type::elog_type;
    using request_type = type::request_type;
    using response_type = type::response_type;
    using socket_type = Socket;
    static const bool enable_multithreading = false;
    // Handshake deadlines are enforced by relayload (one timer per server / context),
    // so websocketpp's per-connection timers are off: 0 disables them.
    static const long timeout_socket_pre_init = 0;
    static const long timeout_proxy = 0;
    static const long timeout_socket_post_init = 0;
    static const long timeout_dns_resolve = 0;
    static const long timeout_connect = 0;
    // A TLS peer that never answers close_notify must not keep the socket forever.
    static const long timeout_socket_shutdown = 2000;
  };
  using transport_type = websocketpp::transport::asio::endpoint<transport_config>;

  static const long timeout_open_handshake = 0;
  static const long timeout_close_handshake = 2000;
  static const long timeout_pong = 5000;
  static const websocketpp::log::level elog_level = websocketpp::log::elevel::none;
  static const websocketpp::log::level alog_level = websocketpp::log::alevel::none;
  // MWP frames are 100-700 bytes; the buffer is inline in every connection object.
  static const std::size_t connection_read_buffer_size = ReadBuffer;
  // Must stay true: with extensions off, websocketpp 0.8.2's client treats every
  // handshake response as a failed extension negotiation. permessage-deflate stays the
  // core config's "disabled" implementation, so nothing is negotiated.
  static const bool enable_extensions = true;
  static const std::size_t max_message_size = 65536;
  static const std::size_t max_http_body_size = 8192;
};

// The client's buffer is smaller: a generator holds tens of thousands of connections, and
// the buffer is inline in each (benchmarks/RESULTS.md, "Profile of the connect path").
// Frames larger than the buffer are read in several reads, not refused.
inline constexpr std::size_t client_read_buffer = 1024;
inline constexpr std::size_t server_read_buffer = 2048;

using plain_socket = websocketpp::transport::asio::basic_socket::endpoint;
using tls_socket = websocketpp::transport::asio::tls_socket::endpoint;

using client_plain_config = wspp_config<plain_socket, client_con_base, client_read_buffer>;
using client_tls_config = wspp_config<tls_socket, client_con_base, client_read_buffer>;
using server_plain_config = wspp_config<plain_socket, server_con_base, server_read_buffer>;
using server_tls_config = wspp_config<tls_socket, server_con_base, server_read_buffer>;

using plain_client = websocketpp::client<client_plain_config>;
using tls_client = websocketpp::client<client_tls_config>;
using plain_server = websocketpp::server<server_plain_config>;
using tls_server = websocketpp::server<server_tls_config>;

/// A server config that negotiates permessage-deflate (RFC 7692) with clients that offer it
/// (ws_server_options::compression); the default configs above keep it disabled, so a relay
/// without the option costs no zlib state. websocketpp allocates the zlib streams per
/// connection at the upgrade when the client's offer was accepted (deflate memLevel 4).
template <class Base>
struct deflate_config : Base {
  using type = deflate_config;
  struct permessage_deflate_config {
    using request_type = typename Base::request_type;
    // Accept client_no_context_takeover / server_no_context_takeover when offered.
    static const bool allow_disabling_context_takeover = true;
    static const std::uint8_t minimum_outgoing_window_bits = 8;
  };
  using permessage_deflate_type =
      websocketpp::extensions::permessage_deflate::enabled<permessage_deflate_config>;
};
using server_plain_deflate_config = deflate_config<server_plain_config>;
using server_tls_deflate_config = deflate_config<server_tls_config>;
using plain_deflate_server = websocketpp::server<server_plain_deflate_config>;
using tls_deflate_server = websocketpp::server<server_tls_deflate_config>;

template <class Endpoint>
inline constexpr bool is_tls_server =
    std::is_same_v<Endpoint, tls_server> || std::is_same_v<Endpoint, tls_deflate_server>;
template <class Endpoint>
inline constexpr bool is_deflate_server =
    std::is_same_v<Endpoint, plain_deflate_server> || std::is_same_v<Endpoint, tls_deflate_server>;

}  // namespace relayload::net::detail

// websocketpp 0.8.2 calls these four logging members unconditionally, and each formats its
// line with std::stringstream (and the peer address with another) before handing it to the
// logger, even to log::stub. Profiled at about 10 % of a client connection's user-space
// instructions. These explicit specializations, visible before any use in every translation
// unit (this header is always included first), make them do nothing for our configs.
#define RELAYLOAD_WSPP_SILENCE_LOGS(config)                                      \
  template <>                                                                    \
  inline void websocketpp::connection<config>::log_open_result() {}              \
  template <>                                                                    \
  inline void websocketpp::connection<config>::log_close_result() {}             \
  template <>                                                                    \
  inline void websocketpp::connection<config>::log_fail_result() {}              \
  template <>                                                                    \
  inline void websocketpp::connection<config>::log_http_result() {}
RELAYLOAD_WSPP_SILENCE_LOGS(relayload::net::detail::client_plain_config)
RELAYLOAD_WSPP_SILENCE_LOGS(relayload::net::detail::client_tls_config)
RELAYLOAD_WSPP_SILENCE_LOGS(relayload::net::detail::server_plain_config)
RELAYLOAD_WSPP_SILENCE_LOGS(relayload::net::detail::server_tls_config)
RELAYLOAD_WSPP_SILENCE_LOGS(relayload::net::detail::server_plain_deflate_config)
RELAYLOAD_WSPP_SILENCE_LOGS(relayload::net::detail::server_tls_deflate_config)
#undef RELAYLOAD_WSPP_SILENCE_LOGS

namespace relayload::net::detail {
// websocketpp's _htonll (64-bit frame lengths) detects the byte order lazily in a
// function-local `static int`, written on the first call without synchronisation: two
// shards sending their first long frame at once race on it (ThreadSanitizer reports it).
// Calling it once during static initialisation, before any thread starts, makes every later
// access a read.
inline const bool htonll_byte_order_known = (websocketpp::lib::net::_htonll(0), true);
}  // namespace relayload::net::detail
