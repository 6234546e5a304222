// embedded_relay: relay_core + net::ws_server on one io_context.
#include "relayload/relay/embedded_relay.hpp"

#include <asio.hpp>
#include <atomic>
#include <future>
#include <mutex>
#include <new>
#include <string>
#include <system_error>
#include <optional>
#include <thread>
#include <type_traits>

#include "relayload/error.hpp"
#include "relayload/net/ws_server.hpp"

namespace relayload::relay {

std::vector<std::string> embedded_relay_options::validate() const {
  auto problems = config.validate();
  if (tls_certificate_file.empty() != tls_private_key_file.empty()) {
    problems.push_back("tls_certificate_file and tls_private_key_file must be set together");
  }
  std::error_code ec;
  asio::ip::make_address(host, ec);
  if (ec) problems.push_back("host: \"" + host + "\" is not an IP address");
  if (close_timeout.count() < 0) problems.push_back("close_timeout: must not be negative");
  return problems;
}

namespace {

embedded_relay_options load(embedded_relay_options o) {
  if (!o.config_file.empty()) {
    relay_config loaded = relay_config::from_file(o.config_file);  // throws with a diagnostic
    loaded.version = o.config.version;
    loaded.randomize_first_ping = o.config.randomize_first_ping;
    loaded.seed = o.config.seed;
    loaded.max_publish_rate = o.config.max_publish_rate;
    loaded.max_connect_rate = o.config.max_connect_rate;
    loaded.rate_limit_queue_size = o.config.rate_limit_queue_size;
    o.config = std::move(loaded);
  }
  const auto problems = o.validate();
  if (!problems.empty()) {
    std::string what = "invalid embedded relay options: " + problems.front();
    for (std::size_t i = 1; i < problems.size(); ++i) what += "; " + problems[i];
    throw std::system_error(make_error_code(errc::invalid_argument), what);
  }
  return o;
}

}  // namespace

/// Everything runs on the io_context's thread except construction/start/stop bookkeeping,
/// which happens while that thread is not running the relay.
class embedded_relay::impl : public relay_sink, public std::enable_shared_from_this<impl> {
 public:
  impl(asio::io_context* external, embedded_relay_options options)
      : options_(load(std::move(options))),
        own_io_(external == nullptr ? std::make_unique<asio::io_context>(1) : nullptr),
        io_(external != nullptr ? *external : *own_io_),
        timer_(io_),
        restart_timer_(io_),
        core_(options_.config, *this, options_.hooks) {}

  ~impl() override { stop(); }

  // ---- relay_sink: called by the core on the io thread ----
  void send(connection_id id, std::string_view frame) noexcept override {
    if (server_) server_->send(id, frame);
  }
  std::size_t buffered_amount(connection_id id) const noexcept override {
    return server_ ? server_->buffered_amount(id) : 0;
  }
  void close(connection_id id, std::uint16_t code, std::string_view reason) noexcept override {
    if (!server_) return;
    if (code == 0) {
      server_->abort(id);
    } else {
      server_->close(id, code, reason);
    }
  }

  void start(std::error_code& ec) noexcept {
    ec.clear();
    std::lock_guard<std::mutex> lock(lifecycle_);
    if (running_) {
      ec = make_error_code(errc::invalid_argument);
      return;
    }
    net::ws_server_options so;
    so.host = options_.host;
    so.port = bound_port_ != 0 ? bound_port_ : options_.port;
    so.reuse_port = options_.reuse_port;
    so.tls_certificate_file = options_.tls_certificate_file;
    so.tls_private_key_file = options_.tls_private_key_file;
    so.max_message_size = options_.config.message_size_limit;
    so.max_connections = options_.max_connections;
    so.close_timeout = options_.close_timeout;
    so.compression = options_.compression;
    retired_.reset();
    try {
      server_ = std::make_unique<net::ws_server>(io_, so);
    } catch (const std::bad_alloc&) {
      ec = std::make_error_code(std::errc::not_enough_memory);
      return;
    }
    auto& cb = server_->callbacks();
    cb.on_open = [this](net::connection_id id) {
      core_.on_open(id, relay_core::clock::now());
      rearm();
    };
    cb.on_message = [this](net::connection_id id, std::string_view text) {
      core_.on_frame(id, text, relay_core::clock::now());
      rearm();
    };
    cb.on_close = [this](net::connection_id id, const net::close_info&) {
      core_.on_close(id, relay_core::clock::now());
      rearm();
    };
    const auto r = server_->listen();
    if (!r) {
      ec = r.error();
      server_.reset();
      return;
    }
    bound_port_ = server_->port();
    port_.store(bound_port_);
    running_ = true;
    if (own_io_) {
      own_io_->restart();
      work_.emplace(asio::make_work_guard(*own_io_));
      thread_ = std::thread([this] { own_io_->run(); });
    }
  }

  void stop() noexcept {
    std::lock_guard<std::mutex> lock(lifecycle_);
    if (!running_) return;
    // Close everyone politely, then give the close handshakes a bounded time.
    const auto shutdown = [this] {
      core_.disconnect_all(disconnect_code::shutdown, "shutdown");
      if (server_) server_->stop_listening();
      timer_.cancel();
      armed_.reset();
      restart_timer_.cancel();
    };
    if (own_io_) {
      run_on_io([&] { shutdown(); });
      const auto deadline = std::chrono::steady_clock::now() + server_->options().close_timeout +
                            std::chrono::milliseconds(500);
      while (std::chrono::steady_clock::now() < deadline &&
             run_on_io([this] { return server_->connection_count(); }) > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      work_.reset();
      own_io_->stop();
      if (thread_.joinable()) thread_.join();
      server_.reset();  // the io_context is not running: safe to destroy
    } else {
      // On the caller's io_context: the server stays (not listening) until the next start()
      // or destruction, so the close handshakes complete; its events no longer reach the
      // core, which has already forgotten every connection.
      shutdown();
      if (server_) server_->callbacks() = net::ws_server_callbacks{};
      retired_ = std::move(server_);
    }
    running_ = false;
  }

  /// Runs `f` on the relay's thread and returns its result; directly when already there
  /// or when nothing runs the io_context.
  template <class F>
  auto run_on_io(F&& f) -> decltype(f()) {
    using R = decltype(f());
    // With the caller's io_context we are on its thread by contract.
    const bool direct =
        own_io_ == nullptr || !thread_.joinable() || io_.get_executor().running_in_this_thread();
    if (direct) return f();
    std::packaged_task<R()> task(std::forward<F>(f));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    return result.get();
  }

  void rearm() {
    const auto due = core_.next_deadline();
    if (!due) return;
    if (armed_ && *armed_ <= *due) return;
    armed_ = *due;
    timer_.expires_at(*due);
    timer_.async_wait([self = weak_from_this()](const std::error_code& ec) {
      if (ec == asio::error::operation_aborted) return;
      const auto me = self.lock();
      if (!me) return;
      me->armed_.reset();
      me->core_.advance(relay_core::clock::now());
      me->rearm();
    });
  }

  void restart(const restart_options& o, std::error_code& ec) {
    ec.clear();
    std::promise<std::error_code> done;
    auto listening = done.get_future();
    const bool on_io = io_.get_executor().running_in_this_thread();
    const auto relisten = [this, &done, on_io] {
      std::error_code result;
      if (server_) {
        const auto r = server_->listen();
        if (!r) result = r.error();
      }
      if (!on_io) done.set_value(result);
      return result;
    };
    const auto body = [&] {
      if (!server_) {
        ec = make_error_code(errc::invalid_argument);
        if (!on_io) done.set_value(ec);
        return;
      }
      server_->stop_listening();
      core_.disconnect_all(o.abort_connections ? 0 : o.code, o.reason);
      if (!o.keep_history) core_.reset_streams();
      if (o.downtime.count() <= 0) {
        ec = relisten();
        return;
      }
      restart_timer_.expires_after(o.downtime);
      restart_timer_.async_wait([relisten, &done, on_io](const std::error_code& e) {
        if (e == asio::error::operation_aborted) {
          // stop() during the downtime: do not leave the caller waiting.
          if (!on_io) done.set_value(make_error_code(errc::cancelled));
          return;
        }
        relisten();
      });
    };
    if (on_io) {
      body();
      return;
    }
    run_on_io(body);
    if (!ec) ec = listening.get();
  }

  embedded_relay_options options_;
  std::unique_ptr<asio::io_context> own_io_;
  asio::io_context& io_;
  asio::steady_timer timer_;
  asio::steady_timer restart_timer_;
  std::optional<relay_core::time_point> armed_;
  relay_core core_;
  std::unique_ptr<net::ws_server> server_;
  std::unique_ptr<net::ws_server> retired_;  // stopped server on the caller's io_context
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::mutex lifecycle_;
  std::atomic<bool> running_{false};
  std::uint16_t bound_port_ = 0;
  std::atomic<std::uint16_t> port_{0};
};

embedded_relay::embedded_relay(embedded_relay_options options)
    : impl_(std::make_shared<impl>(nullptr, std::move(options))) {}

embedded_relay::embedded_relay(asio::io_context& io, embedded_relay_options options)
    : impl_(std::make_shared<impl>(&io, std::move(options))) {}

embedded_relay::~embedded_relay() { impl_->stop(); }

void embedded_relay::start() {
  std::error_code ec;
  start(ec);
  if (ec) throw std::system_error(ec, "embedded_relay::start");
}

void embedded_relay::start(std::error_code& ec) noexcept { impl_->start(ec); }

void embedded_relay::stop() noexcept { impl_->stop(); }

bool embedded_relay::running() const noexcept { return impl_->running_.load(); }

std::uint16_t embedded_relay::port() const noexcept { return impl_->port_.load(); }

std::string embedded_relay::url() const {
  const auto& o = impl_->options_;
  const bool tls = !o.tls_certificate_file.empty();
  std::string host = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
  return std::string(tls ? "wss://" : "ws://") + host + ":" + std::to_string(port()) +
         "/connection/websocket";
}

std::size_t embedded_relay::disconnect_all(std::uint16_t code, const std::string& reason) {
  return impl_->run_on_io([&] { return impl_->core_.disconnect_all(code, reason); });
}

bool embedded_relay::disconnect(connection_id id, std::uint16_t code, const std::string& reason) {
  return impl_->run_on_io([&] { return impl_->core_.disconnect(id, code, reason); });
}

std::vector<connection_id> embedded_relay::drop_fraction(double fraction, std::uint64_t seed,
                                                         std::uint16_t code,
                                                         const std::string& reason) {
  return impl_->run_on_io([&] { return impl_->core_.drop_fraction(fraction, seed, code, reason); });
}

void embedded_relay::pause_delivery() {
  impl_->run_on_io([&] { impl_->core_.pause_delivery(); });
}

void embedded_relay::resume_delivery() {
  impl_->run_on_io([&] {
    impl_->core_.resume_delivery();
    impl_->rearm();
  });
}

void embedded_relay::reset_streams() {
  impl_->run_on_io([&] { impl_->core_.reset_streams(); });
}

void embedded_relay::restart(const restart_options& options) {
  std::error_code ec;
  restart(options, ec);
  if (ec) throw std::system_error(ec, "embedded_relay::restart");
}

void embedded_relay::restart(const restart_options& options, std::error_code& ec) noexcept {
  try {
    impl_->restart(options, ec);
  } catch (const std::system_error& e) {
    ec = e.code();  // the reason, not a generic "cancelled"
  } catch (const std::bad_alloc&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
  } catch (const std::exception& e) {
    ec = std::make_error_code(std::errc::io_error);
    if (impl_->options_.hooks.log) {
      impl_->options_.hooks.log(std::string("embedded_relay::restart failed: ") + e.what());
    }
  }
}

relay_stats embedded_relay::stats() const {
  return impl_->run_on_io([&] { return impl_->core_.stats(); });
}

const relay_config& embedded_relay::config() const noexcept { return impl_->core_.config(); }

}  // namespace relayload::relay
