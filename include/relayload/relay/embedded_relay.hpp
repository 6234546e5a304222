// embedded_relay: the Centrifugo-compatible relay as a ready-to-run WebSocket server —
// relay_core glued to net::ws_server on an io_context, with thread-safe fault hooks.
// Used by `relayload-cli relay`, by runs without --target, and by the integration tests.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "relayload/relay/relay_config.hpp"
#include "relayload/relay/relay_core.hpp"
#include "relayload/relay/relay_stats.hpp"

namespace asio {
class io_context;
}

namespace relayload::relay {

struct embedded_relay_options {
  /// The relay's behaviour; by default the upstream MWP backend/config.json.
  relay_config config = relay_config::mwp_default();
  /// When not empty, a Centrifugo JSON configuration file that replaces `config` when the
  /// embedded_relay is constructed (relay-only knobs such as version, seed and the rate
  /// limits max_publish_rate / max_connect_rate / rate_limit_queue_size are kept).
  std::string config_file;

  std::string host = "127.0.0.1";  ///< bind address (an IP literal)
  std::uint16_t port = 0;          ///< 0: an ephemeral port, see embedded_relay::port()
  bool reuse_port = false;         ///< SO_REUSEPORT, for several relay worker processes
  /// PEM files; both set = wss://, both empty = ws://.
  std::string tls_certificate_file;
  std::string tls_private_key_file;
  /// Hard cap on WebSocket connections (beyond it the upgrade gets HTTP 503); 0 = none.
  /// Centrifugo's own limit is config.connection_limit (close 3504 at connect).
  std::size_t max_connections = 0;
  /// After the relay sends a close frame, how long it waits for the client's before
  /// dropping TCP; stop() waits at most about this long for clients to finish closing.
  std::chrono::milliseconds close_timeout{2000};
  /// Accept permessage-deflate from clients that offer it (net::ws_server_options::compression).
  bool compression = false;

  /// Ids, epochs and token verification (tests inject deterministic ones), and the log
  /// sink; all are called on the relay's thread.
  relay_core_hooks hooks;

  /// Every problem at once (empty when usable); does not read config_file.
  std::vector<std::string> validate() const;
};

/// What restart() does: the relay process "dies" and comes back on the same port.
struct restart_options {
  /// true: streams survive (same epochs and offsets, clients recover); false: everything is
  /// forgotten (new epochs, clients' recovery fails and they re-sync through history).
  bool keep_history = true;
  /// How long nothing listens on the port (clients get "connection refused").
  std::chrono::milliseconds downtime{0};
  /// How connections end: a close frame with this code (default 3001 "shutdown", which
  /// clients answer by reconnecting), or — when abort_connections — no close frame at all,
  /// like a crashed process (clients see 1006).
  std::uint16_t code = disconnect_code::shutdown;
  std::string reason = "shutdown";
  bool abort_connections = false;
};

/// An embedded relay serving ws://host:port/connection/websocket.
///
/// Threads: constructed with no io_context it owns one and runs it on its own thread
/// between start() and stop(). Constructed with the caller's io_context it runs there (the
/// caller runs the io_context).
///
/// Thread safety: with its own thread, every member may be called from any thread: hooks
/// and stats() are posted to the relay's thread and the caller waits (or they run
/// directly when called on that thread). With the caller's io_context, call every member
/// on that io_context's thread (inside or outside its run()); nothing is posted.
///
/// Lifetime: RAII; the destructor stops the relay. Not copyable, not movable. With its own
/// thread, do not call stop() or destroy it from that thread (it would join itself).
class embedded_relay {
 public:
  /// Throws std::system_error(errc::invalid_argument) with a readable what() when the
  /// options are invalid or config_file cannot be loaded.
  explicit embedded_relay(embedded_relay_options options = {});
  embedded_relay(asio::io_context& io, embedded_relay_options options = {});
  ~embedded_relay();
  embedded_relay(const embedded_relay&) = delete;
  embedded_relay& operator=(const embedded_relay&) = delete;

  /// Binds and starts serving (and starts the relay's thread if it owns one). After a
  /// stop(), start() serves again on the port bound first, with history intact.
  /// Errors: address_in_use and other bind errors, errc::invalid_argument (TLS files),
  /// errc::invalid_argument when already running.
  void start();
  void start(std::error_code& ec) noexcept;

  /// Closes every connection with 3001 "shutdown", stops listening and (when it owns
  /// one) joins the relay's thread. Idempotent.
  void stop() noexcept;

  bool running() const noexcept;
  /// The bound port (0 before the first start()).
  std::uint16_t port() const noexcept;
  /// "ws://127.0.0.1:<port>/connection/websocket" (wss:// with TLS).
  std::string url() const;

  // ---- fault hooks (see relay_core) ----
  std::size_t disconnect_all(std::uint16_t code = disconnect_code::shutdown,
                             const std::string& reason = "shutdown");
  bool disconnect(connection_id id, std::uint16_t code, const std::string& reason);
  std::vector<connection_id> drop_fraction(double fraction, std::uint64_t seed,
                                           std::uint16_t code = disconnect_code::force_reconnect,
                                           const std::string& reason = "force reconnect");
  void pause_delivery();
  void resume_delivery();
  void reset_streams();
  /// Stops listening, ends every connection, optionally forgets history, waits `downtime`,
  /// and listens again on the same port. Returns once the port accepts again (when called
  /// from the relay's own thread with a downtime, it returns at once and listening resumes
  /// after the downtime).
  void restart(const restart_options& options = {});
  void restart(const restart_options& options, std::error_code& ec) noexcept;

  /// A snapshot of the counters (see relay_stats).
  relay_stats stats() const;
  const relay_config& config() const noexcept;


 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace relayload::relay
