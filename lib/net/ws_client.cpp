#include "net/wspp_impl.hpp"  // first: see the note on ASIO_NO_DEPRECATED there

#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include "net/client_impl.hpp"
#include "net/error_map_impl.hpp"
#include "net/util_impl.hpp"
#include "relayload/error.hpp"
#include "relayload/net/ws_client.hpp"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24  // Linux >= 4.2; older glibc headers lack the name
#endif

namespace relayload::net {

// ---------------------------------------------------------------------------------------
// ws_client_context::impl

ws_client_context::impl::impl(asio::io_context& io, ws_client_context_options options)
    : io_(io), options_(std::move(options)), dns_(io), deadlines_(io) {
  if (!options_.validate().empty()) config_error_ = make_error_code(errc::invalid_argument);
  std::error_code ec;
  plain_.init_asio(&io_, ec);  // cannot fail with an external io_context
  plain_.set_user_agent(options_.user_agent);
  plain_.set_max_message_size(options_.max_message_size);
  plain_.set_close_handshake_timeout(static_cast<long>(options_.close_timeout.count()));
  plain_.set_open_handshake_timeout(0);  // the context's deadline queue does it
  install_handlers(plain_);
}

ws_client_context::impl::~impl() = default;

detail::tls_client* ws_client_context::impl::tls_endpoint(std::error_code& error) {
  if (tls_) return tls_.get();
  if (!ssl_) {
    auto ctx = detail::make_client_ssl_context(options_);
    if (!ctx) {
      error = ctx.error();
      return nullptr;
    }
    ssl_ = std::move(*ctx);
  }
  auto ep = std::make_unique<detail::tls_client>();
  std::error_code ec;
  ep->init_asio(&io_, ec);
  ep->set_user_agent(options_.user_agent);
  ep->set_max_message_size(options_.max_message_size);
  ep->set_close_handshake_timeout(static_cast<long>(options_.close_timeout.count()));
  ep->set_open_handshake_timeout(0);
  ep->set_tls_init_handler([this](const websocketpp::connection_hdl&) { return ssl_; });
  install_handlers(*ep);
  tls_ = std::move(ep);
  return tls_.get();
}

template <class Endpoint>
void ws_client_context::impl::install_handlers(Endpoint& ep) {
  using con_ptr = typename Endpoint::connection_ptr;
  using message_ptr = typename Endpoint::message_ptr;
  // Installed once per endpoint, copied into every connection: the lambdas capture one
  // pointer (stored inline by std::function, no allocation per connection). The owner is
  // found through the connection's base; a null owner means the attempt is over.
  auto lookup = [](Endpoint* e, websocketpp::connection_hdl h,
                   con_ptr& con) -> std::shared_ptr<ws_client::impl> {
    std::error_code ec;
    con = e->get_con_from_hdl(std::move(h), ec);
    if (ec || !con || con->owner == nullptr) return nullptr;
    return con->owner->shared_from_this();  // alive for the whole dispatch
  };
  Endpoint* e = &ep;
  ep.set_tcp_post_init_handler([e, lookup](websocketpp::connection_hdl h) {
    con_ptr con;
    if (auto owner = lookup(e, std::move(h), con)) owner->handle_tls_done(*con);
  });
  ep.set_open_handler([e, lookup](websocketpp::connection_hdl h) {
    con_ptr con;
    if (auto owner = lookup(e, std::move(h), con)) owner->handle_open(*con);
  });
  ep.set_fail_handler([e, lookup](websocketpp::connection_hdl h) {
    con_ptr con;
    if (auto owner = lookup(e, std::move(h), con)) owner->handle_fail(*con);
  });
  ep.set_close_handler([e, lookup](websocketpp::connection_hdl h) {
    con_ptr con;
    if (auto owner = lookup(e, std::move(h), con)) owner->handle_close(*con);
  });
  ep.set_message_handler([e, lookup](websocketpp::connection_hdl h, message_ptr msg) {
    con_ptr con;
    if (auto owner = lookup(e, std::move(h), con)) {
      owner->handle_message(msg->get_payload(),
                            msg->get_opcode() != websocketpp::frame::opcode::text);
    }
  });
}


// ---------------------------------------------------------------------------------------
// ws_client::impl

ws_client::impl::~impl() {
  if (plain_) plain_->owner = nullptr;
  if (tls_) tls_->owner = nullptr;
}

std::error_code ws_client::impl::connect(const ws_url& url, const ws_connect_options& options) {
  if (state_ == ws_client_state::connecting || state_ == ws_client_state::open ||
      state_ == ws_client_state::closing || detached_) {
    return make_error_code(errc::invalid_argument);
  }
  if (ctx_->config_error()) return ctx_->config_error();
  if (url.host.empty() || url.port == 0 || url.target.empty() || url.target.front() != '/' ||
      !options.validate().empty()) {
    return make_error_code(errc::invalid_argument);
  }
  const bool is_ip = url.host_is_ip();
  std::error_code ec;
  try {
    // websocketpp builds the Host header from the uri's host: IPv6 needs brackets.
    const bool v6 = url.host.find(':') != std::string::npos;
    auto uri = std::make_shared<websocketpp::uri>(url.tls, v6 ? "[" + url.host + "]" : url.host,
                                                  url.port, url.target);
    const auto prepare = [&](auto& con) -> std::error_code {
      con.owner = this;
      con.context = ctx_;
      // Our own connect path replaces websocketpp's, which would have told the transport
      // (and with it the TLS layer, for SNI) the URI.
      using transport = typename std::decay_t<decltype(con)>::transport_con_type;
      static_cast<transport&>(con).set_uri(uri);
      if (!options.origin.empty()) con.replace_header("Origin", options.origin);
      for (const std::string& p : options.subprotocols) {
        std::error_code sub_ec;
        con.add_subprotocol(p, sub_ec);
        if (sub_ec) return make_error_code(errc::invalid_argument);
      }
      return {};
    };
    if (url.tls) {
      detail::tls_client* ep = ctx_->tls_endpoint(ec);
      if (ep == nullptr) return ec;
      auto con = ep->get_connection(uri, ec);
      if (ec || !con) return make_error_code(errc::invalid_argument);
      if (auto e = prepare(*con)) {
        con->owner = nullptr;
        return e;
      }
      if (auto e = detail::set_peer_name(con->get_socket().native_handle(), url.host, is_ip)) {
        con->owner = nullptr;
        return e;
      }
      tls_ = std::move(con);
    } else {
      auto con = ctx_->plain_endpoint().get_connection(uri, ec);
      if (ec || !con) return make_error_code(errc::invalid_argument);
      if (auto e = prepare(*con)) {
        con->owner = nullptr;
        return e;
      }
      plain_ = std::move(con);
    }
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }

  const std::uint64_t attempt = ++attempt_;
  closed_by_user_ = false;
  state_ = ws_client_state::connecting;
  phase_ = close_phase::resolve;
  timings_ = connect_timings{};
  timings_.started = connect_timings::clock::now();
  endpoints_.reset();
  next_endpoint_ = 0;
  source_ = options.source_address;
  last_connect_error_.clear();
  ctx_->add_deadline(timings_.started + options.connect_timeout, weak_from_this(), attempt);

  if (is_ip) {
    std::error_code addr_ec;
    const auto address = asio::ip::make_address(url.host, addr_ec);
    endpoints_ =
        std::make_shared<endpoint_list>(endpoint_list{asio::ip::tcp::endpoint(address, url.port)});
    timings_.resolved = timings_.started;
    // Binding and connecting may fail at once; the failure must still reach on_close
    // from outside this call.
    asio::post(ctx_->io(), [self = shared_from_this(), attempt] {
      if (self->attempt_ == attempt && self->state_ == ws_client_state::connecting &&
          !self->detached_) {
        self->start_tcp(attempt);
      }
    });
  } else {
    ctx_->resolve(url.host, url.port,
                  [w = weak_from_this(), attempt](const std::error_code& e, endpoint_list_ptr eps) {
                    if (auto self = w.lock()) self->on_resolved(attempt, e, std::move(eps));
                  });
  }
  return {};
}

void ws_client::impl::on_resolved(std::uint64_t attempt, const std::error_code& ec,
                                  endpoint_list_ptr eps) {
  if (attempt != attempt_ || state_ != ws_client_state::connecting || detached_) return;
  if (ec) {
    fail_attempt(detail::translate_error(ec), ec);
    return;
  }
  timings_.resolved = connect_timings::clock::now();
  endpoints_ = std::move(eps);
  start_tcp(attempt);
}

ws_client::impl::raw_socket_type* ws_client::impl::raw_socket() noexcept {
  if (tls_) return &tls_->get_raw_socket();
  if (plain_) return &plain_->get_raw_socket();
  return nullptr;
}

void ws_client::impl::start_tcp(std::uint64_t attempt) {
  phase_ = close_phase::tcp_connect;
  raw_socket_type* sock = raw_socket();
  bool family_mismatch = false;
  while (sock != nullptr && endpoints_ && next_endpoint_ < endpoints_->size()) {
    const asio::ip::tcp::endpoint target = (*endpoints_)[next_endpoint_++];
    if (source_ && source_->is_v4() != target.address().is_v4()) {
      family_mismatch = true;
      continue;
    }
    std::error_code ec;
    sock->close(ec);
    sock->open(target.protocol(), ec);
    if (ec) {
      fail_attempt(detail::translate_connect_error(ec), ec);
      return;
    }
    if (source_) {
      // Lets the kernel choose the port at connect() time, per destination, instead of
      // reserving one at bind() time: many source addresses then share the port range.
      const int one = 1;
      ::setsockopt(sock->native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
      sock->bind(asio::ip::tcp::endpoint(*source_, 0), ec);
      if (ec) {
        fail_attempt(detail::translate_connect_error(ec), ec);
        return;
      }
    }
    sock->async_connect(target, [self = shared_from_this(), attempt](const std::error_code& e) {
      self->on_tcp_connected(attempt, e);
    });
    return;
  }
  if (last_connect_error_) {
    fail_attempt(detail::translate_connect_error(last_connect_error_), last_connect_error_);
  } else if (family_mismatch) {
    // The host has no address of the source address's family.
    fail_attempt(make_error_code(errc::invalid_argument), {});
  } else {
    fail_attempt(asio::error::host_not_found, asio::error::host_not_found);
  }
}

void ws_client::impl::on_tcp_connected(std::uint64_t attempt, const std::error_code& ec) {
  if (attempt != attempt_ || state_ != ws_client_state::connecting || detached_) return;
  if (ec) {
    last_connect_error_ = ec;
    start_tcp(attempt);  // next address, or the failure
    return;
  }
  timings_.tcp_connected = connect_timings::clock::now();
  std::error_code ignored;
  // Like Node's ws: small frames must not wait for Nagle and delayed ACKs.
  raw_socket()->set_option(asio::ip::tcp::no_delay(true), ignored);
  if (tls_) {
    phase_ = close_phase::tls_handshake;
  } else {
    phase_ = close_phase::ws_upgrade;
    timings_.tls_done = timings_.tcp_connected;
  }
  // Runs the TLS handshake (wss) and the upgrade; failures come back through the fail
  // handler, possibly from inside start() (we are in an I/O handler, so that is fine).
  auto keep = shared_from_this();
  if (tls_) {
    auto con = tls_;  // start() may end the attempt and release our reference
    con->start();
  } else {
    auto con = plain_;
    con->start();
  }
}

template <class Connection>
void ws_client::impl::handle_tls_done(Connection& con) {
  if (state_ != ws_client_state::connecting || phase_ != close_phase::tls_handshake) return;
  if constexpr (std::is_same_v<Connection, detail::tls_client::connection_type>) {
    // websocketpp calls this after a failed handshake too; the fail handler follows.
    if (SSL_is_init_finished(con.get_socket().native_handle()) != 1) return;
  }
  timings_.tls_done = connect_timings::clock::now();
  phase_ = close_phase::ws_upgrade;
}

template <class Connection>
void ws_client::impl::handle_open(Connection&) {
  if (state_ != ws_client_state::connecting) return;
  timings_.upgraded = connect_timings::clock::now();
  state_ = ws_client_state::open;
  phase_ = close_phase::open;
  endpoints_.reset();
  if (detached_ || !callbacks_.on_open) return;
  // A copy, so that the callback may reassign callbacks_.on_open or reconnect.
  const auto on_open = callbacks_.on_open;
  on_open(timings_);
}

template <class Connection>
void ws_client::impl::handle_fail(Connection& con) {
  if (state_ != ws_client_state::connecting) return;
  close_info info;
  info.phase = phase_;
  const std::error_code ec = con.get_ec();
  const std::error_code transport = con.get_transport_ec();
  info.detail = transport ? transport : ec;
  info.error = detail::translate_error(ec);
  if (transport && info.error == make_error_code(errc::disconnected)) {
    info.error = detail::translate_error(transport);
  }
  if constexpr (std::is_same_v<Connection, detail::tls_client::connection_type>) {
    // A failed verification is this side's refusal, not the peer's: name OpenSSL's reason
    // (self-signed, unknown CA, expired, host name mismatch) instead of "handshake failed".
    SSL* ssl = con.get_socket().native_handle();
    if (phase_ == close_phase::tls_handshake && ssl != nullptr &&
        (SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) != 0) {
      const long verify = SSL_get_verify_result(ssl);
      if (verify != X509_V_OK) {
        info.error = make_error_code(errc::certificate_rejected);
        info.tls_verify_result = verify;
        info.tls_verify_reason = X509_verify_cert_error_string(verify);
      }
    }
  }
  if (phase_ == close_phase::ws_upgrade) {
    const int status = static_cast<int>(con.get_response_code());
    if (status != 0 && status != 101) {
      info.http_status = status;
      info.http_reason = con.get_response_msg();
      info.error = make_error_code(errc::handshake_rejected);
    }
  }
  if (!info.error) info.error = make_error_code(errc::disconnected);
  release_connection(false, {});
  finish(info);
}

template <class Connection>
void ws_client::impl::handle_close(Connection& con) {
  if (state_ != ws_client_state::open && state_ != ws_client_state::closing) return;
  close_info info = detail::make_close_info(con);
  // websocketpp closes 1002/1003/1007/1009 itself on a bad frame, binary data, invalid UTF-8
  // or an oversize message and reports no error: a clean-looking end. Name the cause, as the
  // lean client does (found by the conformance test against npm's ws server). A code the
  // user closed with through close() stays theirs.
  if (!info.error && !closed_by_user_) {
    switch (info.local_code) {
      case close_code::protocol_error:
      case close_code::unsupported_data:
        info.error = make_error_code(errc::malformed_frame);
        break;
      case close_code::invalid_payload:
        info.error = make_error_code(errc::invalid_utf8);
        break;
      case close_code::message_too_big:
        info.error = make_error_code(errc::frame_too_large);
        break;
      default:
        break;
    }
  }
  release_connection(false, {});
  finish(info);
}

namespace {

// True when valid UTF-8 up to its last bytes stops inside a multi-byte character. websocketpp
// validates every fragment of a text message but delivers a fragmented one whose last
// character is cut off; only the last 1-3 bytes need a look, the rest it has checked.
bool ends_inside_a_character(std::string_view text) noexcept {
  const std::size_t n = text.size();
  for (std::size_t back = 1; back <= 4 && back <= n; ++back) {
    const auto b = static_cast<unsigned char>(text[n - back]);
    if ((b & 0xC0) == 0x80) continue;  // a continuation byte: the lead is further back
    const std::size_t length = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
    return length > back;
  }
  return false;
}

}  // namespace

void ws_client::impl::handle_message(std::string_view text, bool binary) {
  if (state_ != ws_client_state::open || detached_) return;
  if (!binary && ends_inside_a_character(text)) {
    with_connection([](auto& con) {
      detail::close_connection(con, close_code::invalid_payload,
                               "text ends inside a UTF-8 character");
    });
    state_ = ws_client_state::closing;
    return;
  }
  if (binary) {
    with_connection([](auto& con) {
      detail::close_connection(con, close_code::unsupported_data,
                               "binary frames are not supported");
    });
    state_ = ws_client_state::closing;
    return;
  }
  if (callbacks_.on_message) callbacks_.on_message(text);
}

void ws_client::impl::on_deadline(std::uint64_t attempt) {
  if (attempt != attempt_ || state_ != ws_client_state::connecting || detached_) return;
  close_info info;
  info.phase = phase_;
  info.error = make_error_code(errc::connect_timeout);
  info.detail = info.error;
  release_connection(true, info.error);
  finish(info);
}

void ws_client::impl::fail_attempt(const std::error_code& error, const std::error_code& detail) {
  close_info info;
  info.phase = phase_;
  info.error = error;
  info.detail = detail ? detail : error;
  release_connection(true, error);
  finish(info);
}

void ws_client::impl::release_connection(bool terminate, const std::error_code& why) {
  const bool started = phase_ == close_phase::tls_handshake || phase_ == close_phase::ws_upgrade ||
                       phase_ == close_phase::open;
  const auto drop = [&](auto& con_ptr) {
    if (!con_ptr) return;
    con_ptr->owner = nullptr;
    if (terminate) {
      if (started) {
        // Posted: terminate() may run websocketpp handlers inline on plain sockets.
        asio::post(ctx_->io(), [con = con_ptr, why] { con->terminate(why); });
      } else {
        std::error_code ignored;
        con_ptr->get_raw_socket().close(ignored);  // cancels a pending connect
      }
    }
    con_ptr.reset();
  };
  drop(plain_);
  drop(tls_);
}

void ws_client::impl::finish(const close_info& info) {
  if (state_ == ws_client_state::closed || state_ == ws_client_state::idle) return;
  state_ = ws_client_state::closed;
  endpoints_.reset();
  source_.reset();
  if (detached_ || !callbacks_.on_close) return;
  auto keep = shared_from_this();
  const auto on_close = callbacks_.on_close;  // the callback may reassign or reconnect
  on_close(info);
}

std::error_code ws_client::impl::send(std::string_view text) noexcept {
  if (state_ != ws_client_state::open || !has_connection()) {
    return make_error_code(errc::disconnected);
  }
  try {
    const std::error_code ec = with_connection([&](auto& con) {
      return con.send(text.data(), text.size(), websocketpp::frame::opcode::text);
    });
    return detail::translate_send_error(ec);
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }
}

std::error_code ws_client::impl::close(std::uint16_t code, std::string_view reason) noexcept {
  if (state_ != ws_client_state::open || !has_connection()) {
    return make_error_code(errc::disconnected);
  }
  const std::error_code ec =
      with_connection([&](auto& con) { return detail::close_connection(con, code, reason); });
  if (!ec) {
    state_ = ws_client_state::closing;
    closed_by_user_ = true;
  }
  return ec;
}

std::error_code ws_client::impl::abort() noexcept {
  if (state_ != ws_client_state::connecting && state_ != ws_client_state::open &&
      state_ != ws_client_state::closing) {
    return make_error_code(errc::disconnected);
  }
  close_info info;
  info.phase = phase_;
  if (phase_ == close_phase::open) {
    info.local_code = close_code::abnormal;
    info.remote_code = close_code::abnormal;
  }
  info.error = make_error_code(errc::cancelled);
  info.detail = info.error;
  release_connection(true, info.error);
  state_ = ws_client_state::closing;  // until the posted on_close
  try {
    asio::post(ctx_->io(),
               [self = shared_from_this(), attempt = attempt_, info = std::move(info)]() {
                 if (self->attempt_ == attempt) self->finish(info);
               });
  } catch (const std::bad_alloc&) {
    state_ = ws_client_state::closed;  // no on_close can be queued: say so, stay usable
    return std::make_error_code(std::errc::not_enough_memory);
  }
  return {};
}

std::size_t ws_client::impl::buffered_amount() const noexcept {
  if (tls_) return tls_->get_buffered_amount();
  if (plain_) return plain_->get_buffered_amount();
  return 0;
}

asio::ip::tcp::endpoint ws_client::impl::local_endpoint() const noexcept {
  std::error_code ec;
  asio::ip::tcp::endpoint ep;
  if (tls_) ep = tls_->get_raw_socket().local_endpoint(ec);
  if (plain_) ep = plain_->get_raw_socket().local_endpoint(ec);
  return ec ? asio::ip::tcp::endpoint{} : ep;
}

void ws_client::impl::detach() noexcept {
  detached_ = true;
  if (has_connection()) release_connection(true, make_error_code(errc::cancelled));
  state_ = ws_client_state::closed;
}

// ---------------------------------------------------------------------------------------
// public classes

ws_client_context::ws_client_context(asio::io_context& io, ws_client_context_options options)
    : impl_(std::make_shared<impl>(io, std::move(options))) {}
ws_client_context::~ws_client_context() = default;
asio::io_context& ws_client_context::io_context() const noexcept { return impl_->io(); }
const ws_client_context_options& ws_client_context::options() const noexcept {
  return impl_->options();
}
void ws_client_context::clear_dns_cache() noexcept { impl_->clear_dns_cache(); }

ws_client::ws_client(ws_client_context& context) : impl_(std::make_shared<impl>(context.impl_)) {}
ws_client::~ws_client() {
  if (impl_) impl_->detach();
}
ws_client_callbacks& ws_client::callbacks() noexcept { return impl_->callbacks_; }
std::error_code ws_client::connect(const ws_url& url, const ws_connect_options& options) {
  return impl_->connect(url, options);
}
std::error_code ws_client::send(std::string_view text) noexcept { return impl_->send(text); }
std::error_code ws_client::close() noexcept { return impl_->close(close_code::none, {}); }
std::error_code ws_client::close(std::uint16_t code, std::string_view reason) noexcept {
  if (const std::error_code e = detail::check_user_close_code(code)) return e;
  return impl_->close(code, reason);
}
std::error_code ws_client::abort() noexcept { return impl_->abort(); }
ws_client_state ws_client::state() const noexcept { return impl_->state_; }
std::size_t ws_client::buffered_amount() const noexcept { return impl_->buffered_amount(); }
asio::ip::tcp::endpoint ws_client::local_endpoint() const noexcept {
  return impl_->local_endpoint();
}

}  // namespace relayload::net
