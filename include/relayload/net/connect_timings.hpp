// relayload::net::connect_timings — when each phase of a client connection attempt ended.
#pragma once

#include <chrono>

namespace relayload::net {

/// Steady-clock time points of one connection attempt, passed to ws_client's on_open.
/// Phases follow each other: started <= resolved <= tcp_connected <= tls_done <= upgraded.
/// For ws:// (no TLS) tls_done == tcp_connected; for an IP literal resolved == started.
struct connect_timings {
  using clock = std::chrono::steady_clock;

  clock::time_point started;        ///< ws_client::connect() was called
  clock::time_point resolved;       ///< the host name was resolved (or cached / an IP)
  clock::time_point tcp_connected;  ///< the TCP connection was established
  clock::time_point tls_done;       ///< the TLS handshake completed (wss)
  clock::time_point upgraded;       ///< the server's 101 response was read: the socket is open

  clock::duration resolve() const noexcept { return resolved - started; }
  clock::duration tcp_connect() const noexcept { return tcp_connected - resolved; }
  clock::duration tls_handshake() const noexcept { return tls_done - tcp_connected; }
  clock::duration ws_upgrade() const noexcept { return upgraded - tls_done; }
  clock::duration total() const noexcept { return upgraded - started; }
};

}  // namespace relayload::net
