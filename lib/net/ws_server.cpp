#include "net/wspp_impl.hpp"  // first: see the note on ASIO_NO_DEPRECATED there

#include <fcntl.h>

#include <sys/socket.h>

#include <deque>
#include <unordered_map>
#include <utility>

#include "net/error_map_impl.hpp"
#include "net/util_impl.hpp"
#include "relayload/error.hpp"
#include "relayload/net/ws_server.hpp"

namespace relayload::net {

/// The interface ws_server forwards to; one implementation per transport (ws, wss).
class ws_server::impl : public std::enable_shared_from_this<ws_server::impl> {
 public:
  impl(asio::io_context& io, ws_server_options options) : io_(io), options_(std::move(options)) {}
  virtual ~impl() = default;
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  virtual result<void> listen() = 0;
  virtual void stop_listening() noexcept = 0;
  virtual std::error_code send(connection_id id, std::string_view text) noexcept = 0;
  virtual std::error_code close(connection_id id, std::uint16_t code,
                                std::string_view reason) noexcept = 0;
  virtual std::error_code abort(connection_id id) noexcept = 0;
  virtual void close_all(std::uint16_t code, std::string_view reason) noexcept = 0;
  virtual std::size_t buffered_amount(connection_id id) const noexcept = 0;
  virtual asio::ip::tcp::endpoint remote_endpoint(connection_id id) const noexcept = 0;
  virtual std::string_view request_target(connection_id id) const noexcept = 0;
  /// Drops everything without callbacks (the ws_server is being destroyed).
  virtual void detach() noexcept = 0;

  ws_server_callbacks callbacks_;
  asio::io_context& io_;
  const ws_server_options options_;
  std::uint16_t port_ = 0;
  bool listening_ = false;
  std::size_t open_count_ = 0;
};

namespace detail {
namespace {

template <class Endpoint>
class server_core final : public ws_server::impl {
  using con_ptr = typename Endpoint::connection_ptr;
  using message_ptr = typename Endpoint::message_ptr;
  using clock = std::chrono::steady_clock;

  enum class con_state { handshaking, reserved, open, closed };
  struct entry {
    con_ptr con;
    con_state state;
  };

 public:
  server_core(asio::io_context& io, ws_server_options options)
      : impl(io, std::move(options)), acceptor_(io), retry_timer_(io), handshake_timer_(io) {
    std::error_code ec;
    ep_.init_asio(&io_, ec);  // cannot fail with an external io_context
    ep_.set_user_agent("");   // no Server header
    ep_.set_max_message_size(options_.max_message_size);
    ep_.set_close_handshake_timeout(static_cast<long>(options_.close_timeout.count()));
    ep_.set_open_handshake_timeout(0);  // our handshake deadline queue does it

    // Handlers are installed once per endpoint and copied into each connection; they
    // capture only `this`, which each connection keeps alive (server_con_base::server).
    ep_.set_validate_handler([this](websocketpp::connection_hdl h) { return on_validate(h); });
    ep_.set_http_handler([this](websocketpp::connection_hdl h) { on_http(h); });
    ep_.set_open_handler([this](websocketpp::connection_hdl h) { on_open(h); });
    ep_.set_close_handler([this](websocketpp::connection_hdl h) { on_close(h); });
    ep_.set_fail_handler([this](websocketpp::connection_hdl h) { on_fail(h); });
    ep_.set_message_handler(
        [this](websocketpp::connection_hdl h, message_ptr m) { on_message(h, m); });
    if constexpr (is_tls_server<Endpoint>) {
      ep_.set_tls_init_handler([this](const websocketpp::connection_hdl&) { return ssl_; });
    }
  }

  ~server_core() override = default;

  result<void> listen() override {
    if (listening_) return unexpected(errc::invalid_argument);
    if (!options_.validate().empty()) return unexpected(errc::invalid_argument);
    if constexpr (is_tls_server<Endpoint>) {
      if (!ssl_) {
        auto ctx =
            make_server_ssl_context(options_.tls_certificate_file, options_.tls_private_key_file);
        if (!ctx) return unexpected(ctx.error());
        ssl_ = std::move(*ctx);
      }
    }
    std::error_code ec;
    const asio::ip::address address = asio::ip::make_address(options_.host, ec);
    if (ec) return unexpected(errc::invalid_argument);
    const asio::ip::tcp::endpoint where(address, port_ != 0 ? port_ : options_.port);

    const auto fail = [this](std::error_code e) {
      std::error_code ignored;
      acceptor_.close(ignored);
      return unexpected(e);
    };
    acceptor_.open(where.protocol(), ec);
    if (ec) return fail(translate_error(ec));  // EMFILE -> errc::too_many_open_files
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (ec) return fail(ec);
    if (options_.reuse_port) {
      const int one = 1;
      if (::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) !=
          0) {
        return fail(std::error_code(errno, std::system_category()));
      }
    }
    // A process that embeds the relay may spawn children (tests, tools); they must not
    // inherit the listening socket, or a restart on the same port finds it still in use.
    ::fcntl(acceptor_.native_handle(), F_SETFD, FD_CLOEXEC);
    acceptor_.bind(where, ec);
    if (ec) return fail(ec);  // e.g. address_in_use: passed through, classify() knows it
    acceptor_.listen(options_.listen_backlog, ec);
    if (ec) return fail(ec);
    port_ = acceptor_.local_endpoint(ec).port();
    if (ec) return fail(ec);
    listening_ = true;
    ++listen_generation_;
    start_accept();
    return {};
  }

  void stop_listening() noexcept override {
    if (!listening_) return;
    listening_ = false;
    ++listen_generation_;
    std::error_code ignored;
    acceptor_.close(ignored);
    cancel_quietly(retry_timer_);
  }

  std::error_code send(connection_id id, std::string_view text) noexcept override {
    entry* e = find_open(id);
    if (e == nullptr) return make_error_code(errc::disconnected);
    try {
      std::error_code ec;
      if constexpr (is_deflate_server<Endpoint>) {
        // Marked compressible: sent with RSV1 when this connection negotiated
        // permessage-deflate (websocketpp's pointer overload never compresses).
        message_ptr m = e->con->get_message(websocketpp::frame::opcode::text, text.size());
        m->append_payload(text.data(), text.size());
        m->set_compressed(true);
        ec = e->con->send(m);
      } else {
        ec = e->con->send(text.data(), text.size(), websocketpp::frame::opcode::text);
      }
      if (ec) return translate_send_error(ec);
    } catch (const std::bad_alloc&) {
      return std::make_error_code(std::errc::not_enough_memory);
    }
    return {};
  }

  std::error_code close(connection_id id, std::uint16_t code,
                        std::string_view reason) noexcept override {
    entry* e = find_open(id);
    if (e == nullptr) return make_error_code(errc::disconnected);
    return close_connection(*e->con, code, reason);
  }

  std::error_code abort(connection_id id) noexcept override {
    entry* e = find_open(id);
    if (e == nullptr) return make_error_code(errc::disconnected);
    post_terminate(e->con, make_error_code(errc::cancelled));
    return {};
  }

  void close_all(std::uint16_t code, std::string_view reason) noexcept override {
    for (auto& [id, e] : conns_) {
      if (e.state == con_state::open) {
        if (close_connection(*e.con, code, reason)) {
          post_terminate(e.con, make_error_code(errc::cancelled));
        }
      } else if (e.state != con_state::closed) {
        // Not announced yet: dropped silently, like any failed handshake.
        post_terminate(e.con, make_error_code(errc::cancelled));
      }
    }
  }

  std::size_t buffered_amount(connection_id id) const noexcept override {
    const auto it = conns_.find(id);
    if (it == conns_.end()) return 0;
    return it->second.con->get_buffered_amount();
  }

  asio::ip::tcp::endpoint remote_endpoint(connection_id id) const noexcept override {
    const auto it = conns_.find(id);
    if (it == conns_.end()) return {};
    try {
      std::error_code ec;
      auto ep = it->second.con->get_raw_socket().remote_endpoint(ec);
      return ec ? asio::ip::tcp::endpoint{} : ep;
    } catch (...) {
      return {};
    }
  }

  std::string_view request_target(connection_id id) const noexcept override {
    const auto it = conns_.find(id);
    if (it == conns_.end() || it->second.state == con_state::handshaking) return {};
    return it->second.con->get_resource();
  }

  void detach() noexcept override {
    detached_ = true;
    stop_listening();
    cancel_quietly(handshake_timer_);
    // terminate() may run handlers inline (plain sockets); they see detached_ and
    // return. The map is moved out first so nothing iterates a changing container.
    auto conns = std::move(conns_);
    conns_.clear();
    for (auto& [id, e] : conns) {
      if (e.state == con_state::closed) continue;
      try {
        e.con->terminate(make_error_code(errc::cancelled));
      } catch (...) {
        // Out of memory while tearing down: the socket closes with the connection.
      }
    }
    open_count_ = 0;
    reserved_count_ = 0;
    // callbacks_ stay: a callback may be running (the connections' handlers keep this
    // object alive and check detached_ before calling any).
  }

 private:
  static void cancel_quietly(asio::steady_timer& t) noexcept {
    try {
      t.cancel();
    } catch (const std::system_error&) {
      // cancel() fails only for an invalid timer; nothing left to stop then.
    }
  }

  entry* find_open(connection_id id) noexcept {
    const auto it = conns_.find(id);
    if (it == conns_.end() || it->second.state != con_state::open) return nullptr;
    return &it->second;
  }

  entry* find(websocketpp::connection_hdl h, con_ptr& con) {
    std::error_code ec;
    con = ep_.get_con_from_hdl(std::move(h), ec);
    if (ec || !con || detached_) return nullptr;
    const auto it = conns_.find(con->id);
    return it == conns_.end() ? nullptr : &it->second;
  }

  void post_terminate(const con_ptr& con, std::error_code why) {
    // Never terminate inline: on plain sockets websocketpp runs the close handler from
    // inside terminate(), which would re-enter the caller.
    asio::post(io_, [con, why] { con->terminate(why); });
  }

  void start_accept() {
    con_ptr con = ep_.get_connection();
    if (!con) {  // TLS context refused to make a session: try again later
      retry_accept_later();
      return;
    }
    con->server = shared_from_this();
    // The one place a connection leaves the map: websocketpp calls it last for every
    // started connection (failed handshake, plain HTTP request, or closed WebSocket).
    con->set_termination_handler([this](const con_ptr& c) { on_terminated(c); });
    const std::uint64_t generation = listen_generation_;
    acceptor_.async_accept(
        con->get_raw_socket(),
        [this, con, generation](const std::error_code& ec) { on_accept(con, generation, ec); });
  }

  void on_accept(const con_ptr& con, std::uint64_t generation, const std::error_code& ec) {
    if (detached_) return;
    if (!ec) {
      const connection_id id = next_id_++;
      con->id = id;
      std::error_code ignored;
      // Small frames (replies, pushes) must not wait for Nagle and delayed ACKs.
      con->get_raw_socket().set_option(asio::ip::tcp::no_delay(true), ignored);
      ::fcntl(con->get_raw_socket().native_handle(), F_SETFD, FD_CLOEXEC);
      conns_.emplace(id, entry{con, con_state::handshaking});
      add_handshake_deadline(id);
      con->start();  // runs no user callback: the first is on_open, after async reads
    }
    if (generation != listen_generation_ || !listening_) return;
    if (ec == asio::error::operation_aborted) return;
    if (is_errno(ec, EMFILE) || is_errno(ec, ENFILE) || is_errno(ec, ENOBUFS) ||
        is_errno(ec, ENOMEM)) {
      // Accepting again at once would spin; the backlog keeps the clients meanwhile.
      retry_accept_later();
      return;
    }
    start_accept();
  }

  void retry_accept_later() {
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    const std::uint64_t generation = listen_generation_;
    retry_timer_.async_wait(
        [this, keep = shared_from_this(), generation](const std::error_code& ec) {
          if (ec || detached_ || generation != listen_generation_ || !listening_) return;
          start_accept();
        });
  }

  void add_handshake_deadline(connection_id id) {
    // Every connection gets the same timeout, so deadlines arrive in accept order and
    // a FIFO with one timer replaces one timer per connection.
    const auto deadline = clock::now() + options_.handshake_timeout;
    deadlines_.emplace_back(deadline, id);
    if (!handshake_timer_armed_) arm_handshake_timer();
  }

  void arm_handshake_timer() {
    if (deadlines_.empty()) return;
    handshake_timer_armed_ = true;
    handshake_timer_.expires_at(deadlines_.front().first);
    handshake_timer_.async_wait([this, keep = shared_from_this()](const std::error_code& ec) {
      handshake_timer_armed_ = false;
      if (ec || detached_) return;
      const auto now = clock::now();
      while (!deadlines_.empty() && deadlines_.front().first <= now) {
        const connection_id id = deadlines_.front().second;
        deadlines_.pop_front();
        const auto it = conns_.find(id);
        if (it != conns_.end() && (it->second.state == con_state::handshaking ||
                                   it->second.state == con_state::reserved)) {
          post_terminate(it->second.con, make_error_code(errc::connect_timeout));
        }
      }
      arm_handshake_timer();
    });
  }

  bool on_validate(websocketpp::connection_hdl h) {
    con_ptr con;
    entry* e = find(std::move(h), con);
    if (e == nullptr) return false;
    const std::string& resource = con->get_resource();
    const std::string_view path = std::string_view(resource).substr(0, resource.find('?'));
    if (path != options_.path) {
      con->set_status(websocketpp::http::status_code::not_found);
      return false;
    }
    if (options_.max_connections != 0 &&
        open_count_ + reserved_count_ >= options_.max_connections) {
      con->set_status(websocketpp::http::status_code::service_unavailable);
      return false;
    }
    if (!options_.subprotocols.empty()) {
      for (const std::string& requested : con->get_requested_subprotocols()) {
        bool found = false;
        for (const std::string& offered : options_.subprotocols) {
          if (requested == offered) {
            std::error_code ignored;
            con->select_subprotocol(requested, ignored);
            found = true;
            break;
          }
        }
        if (found) break;
      }
    }
    e->state = con_state::reserved;
    ++reserved_count_;
    return true;
  }

  void on_http(websocketpp::connection_hdl h) {
    // A plain HTTP request (no upgrade): 426 on our path, 404 elsewhere.
    con_ptr con;
    std::error_code ec;
    con = ep_.get_con_from_hdl(std::move(h), ec);
    if (ec || !con) return;
    const std::string& resource = con->get_resource();
    const std::string_view path = std::string_view(resource).substr(0, resource.find('?'));
    con->set_status(path == options_.path ? websocketpp::http::status_code::upgrade_required
                                          : websocketpp::http::status_code::not_found);
  }

  void on_open(websocketpp::connection_hdl h) {
    con_ptr con;
    entry* e = find(std::move(h), con);
    if (e == nullptr) return;
    if (e->state == con_state::reserved) --reserved_count_;
    e->state = con_state::open;
    ++open_count_;
    if (callbacks_.on_open) callbacks_.on_open(con->id);
  }

  void on_close(websocketpp::connection_hdl h) {
    con_ptr con;
    entry* e = find(std::move(h), con);
    if (e == nullptr) return;
    const connection_id id = con->id;
    if (e->state == con_state::open) {
      e->state = con_state::closed;
      --open_count_;
      if (callbacks_.on_close) {
        const close_info info = make_close_info(*con);
        callbacks_.on_close(id, info);
      }
    } else if (e->state == con_state::reserved) {
      --reserved_count_;
      e->state = con_state::closed;
    }
  }

  void on_fail(websocketpp::connection_hdl h) {
    con_ptr con;
    entry* e = find(std::move(h), con);
    if (e == nullptr) return;
    if (e->state == con_state::reserved) --reserved_count_;
    e->state = con_state::closed;
  }

  void on_terminated(const con_ptr& con) {
    if (detached_) return;
    const auto it = conns_.find(con->id);
    if (it == conns_.end()) return;
    // A plain HTTP request ends without the fail handler; settle its slot here.
    if (it->second.state == con_state::reserved) --reserved_count_;
    if (it->second.state == con_state::open) --open_count_;  // not reached: close runs first
    conns_.erase(it);
  }

  void on_message(websocketpp::connection_hdl h, const message_ptr& msg) {
    con_ptr con;
    entry* e = find(std::move(h), con);
    if (e == nullptr || e->state != con_state::open) return;
    if (msg->get_opcode() != websocketpp::frame::opcode::text) {
      std::error_code ignored;
      con->close(close_code::unsupported_data, "binary frames are not supported", ignored);
      return;
    }
    if (callbacks_.on_message) callbacks_.on_message(con->id, msg->get_payload());
  }

  Endpoint ep_;
  std::shared_ptr<asio::ssl::context> ssl_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  asio::steady_timer handshake_timer_;
  bool handshake_timer_armed_ = false;
  std::deque<std::pair<clock::time_point, connection_id>> deadlines_;
  std::unordered_map<connection_id, entry> conns_;
  connection_id next_id_ = 1;
  std::size_t reserved_count_ = 0;
  std::uint64_t listen_generation_ = 0;
  bool detached_ = false;
};

}  // namespace
}  // namespace detail

ws_server::ws_server(asio::io_context& io, ws_server_options options) {
  if (options.tls() && options.compression) {
    impl_ =
        std::make_shared<detail::server_core<detail::tls_deflate_server>>(io, std::move(options));
  } else if (options.compression) {
    impl_ =
        std::make_shared<detail::server_core<detail::plain_deflate_server>>(io, std::move(options));
  } else if (options.tls()) {
    impl_ = std::make_shared<detail::server_core<detail::tls_server>>(io, std::move(options));
  } else {
    impl_ = std::make_shared<detail::server_core<detail::plain_server>>(io, std::move(options));
  }
}

ws_server::~ws_server() {
  if (impl_) impl_->detach();
}

ws_server_callbacks& ws_server::callbacks() noexcept { return impl_->callbacks_; }
const ws_server_options& ws_server::options() const noexcept { return impl_->options_; }
result<void> ws_server::listen() { return impl_->listen(); }
std::uint16_t ws_server::port() const noexcept { return impl_->port_; }
bool ws_server::listening() const noexcept { return impl_->listening_; }
void ws_server::stop_listening() noexcept { impl_->stop_listening(); }

std::string ws_server::url() const {
  const ws_server_options& o = impl_->options_;
  const bool v6 = o.host.find(':') != std::string::npos;
  std::string out = o.tls() ? "wss://" : "ws://";
  out += v6 ? "[" + o.host + "]" : o.host;
  out += ":" + std::to_string(impl_->port_) + o.path;
  return out;
}

std::error_code ws_server::send(connection_id id, std::string_view text) noexcept {
  return impl_->send(id, text);
}
std::error_code ws_server::close(connection_id id, std::uint16_t code,
                                 std::string_view reason) noexcept {
  return impl_->close(id, code, reason);
}
std::error_code ws_server::abort(connection_id id) noexcept { return impl_->abort(id); }
void ws_server::close_all(std::uint16_t code, std::string_view reason) noexcept {
  impl_->close_all(code, reason);
}
void ws_server::stop(std::uint16_t code, std::string_view reason) noexcept {
  impl_->stop_listening();
  impl_->close_all(code, reason);
}
std::size_t ws_server::connection_count() const noexcept { return impl_->open_count_; }
std::size_t ws_server::buffered_amount(connection_id id) const noexcept {
  return impl_->buffered_amount(id);
}
asio::ip::tcp::endpoint ws_server::remote_endpoint(connection_id id) const noexcept {
  return impl_->remote_endpoint(id);
}
std::string_view ws_server::request_target(connection_id id) const noexcept {
  return impl_->request_target(id);
}

}  // namespace relayload::net
