#include "net/wspp_impl.hpp"  // first: see the note on ASIO_NO_DEPRECATED there

#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <functional>
#include <optional>
#include <queue>
#include <unordered_map>

#include "net/deadline_queue_impl.hpp"
#include "net/dns_cache_impl.hpp"
#include "net/error_map_impl.hpp"
#include "net/lean_ws_client_impl.hpp"
#include "net/permessage_deflate_impl.hpp"
#include "net/util_impl.hpp"
#include "relayload/error.hpp"
#include "relayload/net/lean_ws_client.hpp"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24  // Linux >= 4.2; older glibc headers lack the name
#endif

namespace relayload::net {

namespace {

enum class deadline_kind : std::uint8_t { connect, close };
/// What a lean client's deadline is for: its attempt and which wait.
struct deadline_event {
  std::uint64_t attempt;
  deadline_kind kind;
};

// A wss:// connection's TLS layer, over the connection's own socket.
using tls_stream = asio::ssl::stream<asio::ip::tcp::socket&>;

// The shared read buffer: one read of this size serves every connection of the context in
// turn (a connection copies bytes out only while a message is partial).
constexpr std::size_t read_buffer_size = 64 * 1024;
// Reads per readiness event before yielding to other connections.
constexpr int reads_per_wakeup = 8;

}  // namespace

// ---------------------------------------------------------------------------------------
// lean_ws_client_context::impl

class lean_ws_client_context::impl : public std::enable_shared_from_this<impl> {
 public:
  using clock = std::chrono::steady_clock;
  using resolve_handler = dns_cache::handler;

  impl(asio::io_context& io, ws_client_context_options options)
      : io_(io), options_(std::move(options)), dns_(io), deadlines_(io) {
    if (!options_.validate().empty()) config_error_ = make_error_code(errc::invalid_argument);
  }

  asio::io_context& io() const noexcept { return io_; }
  const ws_client_context_options& options() const noexcept { return options_; }
  std::error_code config_error() const noexcept { return config_error_; }

  /// The context's read buffer (allocated on first use).
  std::vector<char>& read_buffer() {
    if (read_buffer_.empty()) read_buffer_.resize(read_buffer_size);
    return read_buffer_;
  }
  /// A cleared scratch string to build outgoing frames in; use it and let go before
  /// calling out.
  std::string& scratch() noexcept {
    scratch_.clear();
    return scratch_;
  }
  /// A second cleared scratch string: a compressed message before it becomes a frame.
  std::string& deflate_scratch() noexcept {
    deflate_scratch_.clear();
    return deflate_scratch_;
  }

  /// As ws_client_context's: cached, merged, the handler always runs later.
  void resolve(const std::string& host, std::uint16_t port, resolve_handler handler) {
    dns_.resolve(host, port, std::move(handler));
  }

  void add_deadline(clock::time_point when, std::weak_ptr<lean_ws_client::impl> client,
                    std::uint64_t attempt, deadline_kind kind) {
    deadlines_.add(when, std::move(client), deadline_event{attempt, kind}, weak_from_this());
  }

  /// The TLS client context (trust from ca_file or the system store, or none when
  /// insecure), built on the first wss:// connect and shared by every connection of this
  /// context; nullptr with `error` set when it cannot be built (an unreadable ca_file).
  asio::ssl::context* ssl_context(std::error_code& error);

 private:

  asio::io_context& io_;
  const ws_client_context_options options_;
  std::error_code config_error_;
  detail::ssl_context_ptr ssl_;  // built on the first wss:// connect
  std::vector<char> read_buffer_;
  std::string scratch_;
  std::string deflate_scratch_;
  dns_cache dns_;
  detail::deadline_queue<lean_ws_client::impl, deadline_event> deadlines_;
};

// ---------------------------------------------------------------------------------------
// lean_ws_client::impl

class lean_ws_client::impl final : public std::enable_shared_from_this<lean_ws_client::impl>,
                                   private detail::frame_sink {
 public:
  explicit impl(std::shared_ptr<lean_ws_client_context::impl> ctx)
      : ctx_(std::move(ctx)), socket_(ctx_->io()) {}

  std::error_code connect(const ws_url& url, const ws_connect_options& options);
  std::error_code send(std::string_view text) noexcept;
  std::error_code close(std::uint16_t code, std::string_view reason) noexcept;
  std::error_code abort() noexcept;
  void detach() noexcept;
  std::size_t buffered_amount() const noexcept {
    return writes_ ? writes_->sending.size() + writes_->queued.size() : 0;
  }
  void on_deadline(const deadline_event& deadline);

  lean_ws_handler* handler_ = nullptr;
  ws_client_state state_ = ws_client_state::idle;
  /// permessage-deflate state, only while a connection negotiated it.
  std::unique_ptr<detail::permessage_deflate> deflate_;

 private:
  // Only while connecting: freed when the socket opens.
  struct connecting_state {
    connect_timings timings;
    endpoint_list_ptr endpoints;
    std::size_t next_endpoint = 0;
    std::optional<asio::ip::address> source;
    std::error_code last_connect_error;
    std::string request;   // the upgrade request, until written
    std::string response;  // the answer so far
    std::array<char, 28> accept{};
    std::vector<std::string> subprotocols;
    bool offer_deflate = false;  // Sec-WebSocket-Extensions: permessage-deflate was sent
  };
  // Only while bytes wait for the socket.
  struct write_queue {
    std::string sending;  // handed to async_write
    std::string queued;   // appended meanwhile
  };

  bool current(std::uint64_t attempt) const noexcept {
    return attempt == attempt_ && !detached_ && !aborting_ &&
           (state_ == ws_client_state::connecting || state_ == ws_client_state::open ||
            state_ == ws_client_state::closing);
  }

  void on_resolved(std::uint64_t attempt, const std::error_code& ec, endpoint_list_ptr eps);
  void start_tcp(std::uint64_t attempt);
  void on_tcp_connected(std::uint64_t attempt, const std::error_code& ec);
  void on_tls_done(std::uint64_t attempt, const std::error_code& ec);
  /// TCP (and TLS) are up: writes the upgrade request and waits for the answer.
  void send_upgrade();
  void wait_readable();
  void on_readable(std::uint64_t attempt, const std::error_code& ec);
  /// Bytes read; false when the connection ended or changed while they were handled.
  bool consume(const char* data, std::size_t n);
  bool consume_upgrade(const char* data, std::size_t n);
  bool feed_frames(const char* data, std::size_t n);

  /// Writes bytes now if the socket takes them, queues the rest. A socket error is returned.
  std::error_code write_bytes(std::string_view bytes);
  std::error_code write_frame(std::uint8_t opcode, std::string_view payload);
  void start_write();
  void on_written(std::uint64_t attempt, const std::error_code& ec);
  /// Ends the attempt or connection from outside an I/O handler (posted).
  void post_error(const std::error_code& ec);

  void on_transport_error(const std::error_code& ec);
  void fail_protocol(const detail::ws_failure& f);
  void fail_attempt(const std::error_code& error, const std::error_code& detail,
                    int http_status = 0, std::string_view http_reason = {},
                    std::string_view problem = {});
  void begin_close_wait();
  /// The single exit of an attempt: closes the socket, then exactly one on_ws_close.
  void finish(close_info info);
  void release() noexcept;

  // frame_sink
  bool on_frame_text(std::string_view message) override;
  bool on_frame_ping(std::string_view payload) override;
  bool on_frame_pong(std::string_view payload) override;
  bool on_frame_close(std::uint16_t code, std::string_view reason) override;

  std::shared_ptr<lean_ws_client_context::impl> ctx_;
  asio::ip::tcp::socket socket_;
  // wss:// only, from connect() to the end of the attempt: TLS over socket_. Shared with
  // the handlers of its pending operations, which may outlive the attempt.
  std::shared_ptr<tls_stream> tls_;
  std::unique_ptr<connecting_state> connecting_;
  std::unique_ptr<write_queue> writes_;
  std::unique_ptr<close_info> closing_;  // from the first close frame either way, or a failure
  detail::frame_parser parser_;
  std::uint64_t attempt_ = 0;
  close_phase phase_ = close_phase::resolve;
  bool detached_ = false;
  bool aborting_ = false;
  bool close_sent_ = false;
  bool close_received_ = false;
  bool writing_ = false;
  bool end_after_flush_ = false;
};

// ---------------------------------------------------------------------------------------
// context

asio::ssl::context* lean_ws_client_context::impl::ssl_context(std::error_code& error) {
  if (!ssl_) {
    auto made = detail::make_client_ssl_context(options_);
    if (!made) {
      error = made.error();
      return nullptr;
    }
    ssl_ = std::move(*made);
  }
  return ssl_.get();
}


// ---------------------------------------------------------------------------------------
// connect

std::error_code lean_ws_client::impl::connect(const ws_url& url,
                                              const ws_connect_options& options) {
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
  std::shared_ptr<tls_stream> tls;
  if (url.tls) {
    std::error_code tls_ec;
    asio::ssl::context* ssl = ctx_->ssl_context(tls_ec);
    if (ssl == nullptr) return tls_ec;
    try {
      tls = std::make_shared<tls_stream>(socket_, *ssl);
    } catch (const std::bad_alloc&) {
      return std::make_error_code(std::errc::not_enough_memory);
    } catch (const std::system_error& e) {  // SSL_new failed
      return e.code();
    }
    SSL* s = tls->native_handle();
    // SNI carries host names only (RFC 6066 §3), as websocketpp's client sends it.
    // (SSL_set_tlsext_host_name, without the macro's old-style cast.)
    if (!is_ip && SSL_ctrl(s, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                           const_cast<char*>(url.host.c_str())) != 1) {
      return make_error_code(errc::invalid_argument);
    }
    if (const std::error_code e = detail::set_peer_name(s, url.host, is_ip)) return e;
  }
  try {
    auto c = std::make_unique<connecting_state>();
    const std::array<char, 24> key = detail::make_websocket_key();
    c->accept = detail::websocket_accept(std::string_view(key.data(), key.size()));
    std::string& r = c->request;
    r.reserve(160 + url.target.size() + url.host.size() + options.origin.size());
    r.append("GET ").append(url.target).append(" HTTP/1.1\r\nHost: ").append(url.host_header());
    r.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
    r.append(key.data(), key.size());
    r.append("\r\nSec-WebSocket-Version: 13\r\n");
    if (!options.origin.empty()) r.append("Origin: ").append(options.origin).append("\r\n");
    if (!options.subprotocols.empty()) {
      r.append("Sec-WebSocket-Protocol: ");
      for (std::size_t i = 0; i < options.subprotocols.size(); ++i) {
        if (i > 0) r.append(", ");
        r.append(options.subprotocols[i]);
      }
      r.append("\r\n");
      c->subprotocols = options.subprotocols;
    }
    if (!ctx_->options().user_agent.empty()) {
      r.append("User-Agent: ").append(ctx_->options().user_agent).append("\r\n");
    }
    if (options.compression) {
      r.append("Sec-WebSocket-Extensions: ")
          .append(detail::permessage_deflate_offer)
          .append("\r\n");
      c->offer_deflate = true;
    }
    r.append("\r\n");
    c->source = options.source_address;
    connecting_ = std::move(c);
    tls_ = std::move(tls);
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }

  const std::uint64_t attempt = ++attempt_;
  state_ = ws_client_state::connecting;
  phase_ = close_phase::resolve;
  aborting_ = close_sent_ = close_received_ = writing_ = end_after_flush_ = false;
  writes_.reset();
  closing_.reset();
  parser_.reset();
  deflate_.reset();
  connect_timings& t = connecting_->timings;
  t.started = connect_timings::clock::now();
  ctx_->add_deadline(t.started + options.connect_timeout, weak_from_this(), attempt,
                     deadline_kind::connect);
  if (is_ip) {
    std::error_code addr_ec;
    const auto address = asio::ip::make_address(url.host, addr_ec);
    connecting_->endpoints = std::make_shared<endpoint_list>(
        endpoint_list{asio::ip::tcp::endpoint(address, url.port)});
    t.resolved = t.started;
    asio::post(ctx_->io(), [self = shared_from_this(), attempt] {
      if (self->current(attempt)) self->start_tcp(attempt);
    });
  } else {
    ctx_->resolve(url.host, url.port,
                  [w = weak_from_this(), attempt](const std::error_code& e, endpoint_list_ptr eps) {
                    if (auto self = w.lock()) self->on_resolved(attempt, e, std::move(eps));
                  });
  }
  return {};
}

void lean_ws_client::impl::on_resolved(std::uint64_t attempt, const std::error_code& ec,
                                       endpoint_list_ptr eps) {
  if (!current(attempt) || state_ != ws_client_state::connecting) return;
  if (ec) {
    fail_attempt(detail::translate_error(ec), ec);
    return;
  }
  connecting_->timings.resolved = connect_timings::clock::now();
  connecting_->endpoints = std::move(eps);
  start_tcp(attempt);
}

void lean_ws_client::impl::start_tcp(std::uint64_t attempt) {
  phase_ = close_phase::tcp_connect;
  connecting_state& c = *connecting_;
  bool family_mismatch = false;
  while (c.endpoints && c.next_endpoint < c.endpoints->size()) {
    const asio::ip::tcp::endpoint target = (*c.endpoints)[c.next_endpoint++];
    if (c.source && c.source->is_v4() != target.address().is_v4()) {
      family_mismatch = true;
      continue;
    }
    std::error_code ec;
    socket_.close(ec);
    socket_.open(target.protocol(), ec);
    if (!ec) socket_.non_blocking(true, ec);
    if (ec) {
      fail_attempt(detail::translate_connect_error(ec), ec);
      return;
    }
    if (c.source) {
      const int one = 1;
      ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
      socket_.bind(asio::ip::tcp::endpoint(*c.source, 0), ec);
      if (ec) {
        fail_attempt(detail::translate_connect_error(ec), ec);
        return;
      }
    }
    socket_.async_connect(target, [self = shared_from_this(), attempt](const std::error_code& e) {
      self->on_tcp_connected(attempt, e);
    });
    return;
  }
  if (c.last_connect_error) {
    const std::error_code last = c.last_connect_error;
    fail_attempt(detail::translate_connect_error(last), last);
  } else if (family_mismatch) {
    fail_attempt(make_error_code(errc::invalid_argument), {});
  } else {
    fail_attempt(asio::error::host_not_found, asio::error::host_not_found);
  }
}

void lean_ws_client::impl::on_tcp_connected(std::uint64_t attempt, const std::error_code& ec) {
  if (!current(attempt) || state_ != ws_client_state::connecting) return;
  if (ec) {
    connecting_->last_connect_error = ec;
    start_tcp(attempt);
    return;
  }
  connect_timings& t = connecting_->timings;
  t.tcp_connected = t.tls_done = connect_timings::clock::now();
  std::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  if (tls_) {
    // The attempt's deadline covers the handshake: when it expires, release() closes the
    // socket and the handshake ends with operation_aborted, which is ignored below.
    phase_ = close_phase::tls_handshake;
    tls_->async_handshake(asio::ssl::stream_base::client,
                          [self = shared_from_this(), tls = tls_, attempt](const std::error_code& e) {
                            self->on_tls_done(attempt, e);
                          });
    return;
  }
  send_upgrade();
}

void lean_ws_client::impl::on_tls_done(std::uint64_t attempt, const std::error_code& ec) {
  if (!current(attempt) || state_ != ws_client_state::connecting) return;
  if (ec) {
    // As ws_client: every handshake failure is tls_handshake_failed, unless this side
    // refused the certificate, which names OpenSSL's reason.
    close_info info;
    info.phase = close_phase::tls_handshake;
    info.error = make_error_code(errc::tls_handshake_failed);
    info.detail = ec;
    SSL* ssl = tls_->native_handle();
    if ((SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) != 0) {
      const long verify = SSL_get_verify_result(ssl);
      if (verify != X509_V_OK) {
        info.error = make_error_code(errc::certificate_rejected);
        info.tls_verify_result = verify;
        info.tls_verify_reason = X509_verify_cert_error_string(verify);
      }
    }
    finish(std::move(info));
    return;
  }
  connecting_->timings.tls_done = connect_timings::clock::now();
  send_upgrade();
}

void lean_ws_client::impl::send_upgrade() {
  phase_ = close_phase::ws_upgrade;
  const std::string request = std::move(connecting_->request);
  connecting_->request = std::string();
  try {
    if (const std::error_code e = write_bytes(request)) {
      fail_attempt(detail::translate_error(e), e);
      return;
    }
  } catch (const std::bad_alloc&) {
    fail_attempt(std::make_error_code(std::errc::not_enough_memory), {});
    return;
  }
  if (tls_) {
    // The handshake may have left bytes in the TLS layer that the socket will not signal.
    asio::post(ctx_->io(), [self = shared_from_this(), attempt = attempt_] {
      self->on_readable(attempt, {});
    });
    return;
  }
  wait_readable();
}

// ---------------------------------------------------------------------------------------
// reading

void lean_ws_client::impl::wait_readable() {
  socket_.async_wait(asio::socket_base::wait_read,
                     [self = shared_from_this(), attempt = attempt_](const std::error_code& ec) {
                       self->on_readable(attempt, ec);
                     });
}

void lean_ws_client::impl::on_readable(std::uint64_t attempt, const std::error_code& ec) {
  if (!current(attempt)) return;
  if (ec) {
    on_transport_error(ec);
    return;
  }
  std::vector<char>& buf = ctx_->read_buffer();
  // A TLS read returns one record at most and may leave decrypted or undecrypted bytes in
  // the TLS layer, which the socket does not signal: read until the socket has nothing.
  const std::shared_ptr<tls_stream> tls = tls_;  // an event may end the attempt meanwhile
  bool drained = false;
  for (int round = 0; round < reads_per_wakeup; ++round) {
    std::error_code rec;
    const std::size_t n =
        tls ? tls->read_some(asio::buffer(buf), rec) : socket_.read_some(asio::buffer(buf), rec);
    if (rec == asio::error::would_block || rec == asio::error::try_again) {
      drained = true;
      break;
    }
    if (rec) {
      on_transport_error(rec);
      return;
    }
    bool go = false;
    try {
      go = consume(buf.data(), n);
    } catch (const std::bad_alloc&) {  // a partial message or a queued write: no memory
      if (current(attempt)) on_transport_error(std::make_error_code(std::errc::not_enough_memory));
      return;
    }
    if (!go) return;
    if (!tls && n < buf.size()) break;
  }
  if (tls && !drained) {
    asio::post(ctx_->io(), [self = shared_from_this(), attempt] { self->on_readable(attempt, {}); });
    return;
  }
  wait_readable();
}

bool lean_ws_client::impl::consume(const char* data, std::size_t n) {
  if (state_ == ws_client_state::connecting) return consume_upgrade(data, n);
  return feed_frames(data, n);
}

bool lean_ws_client::impl::consume_upgrade(const char* data, std::size_t n) {
  connecting_state& c = *connecting_;
  c.response.append(data, n);
  detail::deflate_params deflate;
  const detail::upgrade_response r = detail::parse_upgrade_response(
      c.response, std::string_view(c.accept.data(), c.accept.size()), c.subprotocols,
      c.offer_deflate ? &deflate : nullptr);
  using st = detail::upgrade_response::status;
  switch (r.result) {
    case st::incomplete:
      return true;
    case st::rejected:
      fail_attempt(make_error_code(errc::handshake_rejected), make_error_code(errc::handshake_rejected),
                   r.http_status, r.reason);
      return false;
    case st::invalid:
      if (r.http_status == 101) {
        // As websocketpp: a 101 with a wrong accept key or missing header is a refusal.
        // local_reason says what was wrong (e.g. a bad permessage-deflate answer).
        fail_attempt(make_error_code(errc::handshake_rejected),
                     make_error_code(errc::malformed_frame), r.http_status, r.reason, r.problem);
      } else {
        fail_attempt(make_error_code(errc::malformed_frame), make_error_code(errc::malformed_frame));
      }
      return false;
    case st::accepted:
      break;
  }
  // Open: the request/response storage goes; bytes after the head are frames already.
  const std::string rest = c.response.substr(r.header_size);
  connect_timings timings = c.timings;
  timings.upgraded = connect_timings::clock::now();
  connecting_.reset();
  if (r.deflate) {
    try {
      deflate_ = std::make_unique<detail::permessage_deflate>(deflate);
    } catch (const std::bad_alloc&) {
      fail_attempt(std::make_error_code(std::errc::not_enough_memory),
                   std::make_error_code(std::errc::not_enough_memory));
      return false;
    }
    parser_.set_inflater(deflate_.get());
  }
  state_ = ws_client_state::open;
  phase_ = close_phase::open;
  const std::uint64_t attempt = attempt_;
  if (handler_ != nullptr) {
    auto keep = shared_from_this();
    handler_->on_ws_open(timings);
    if (!current(attempt)) return false;
  }
  if (rest.empty()) return true;
  return feed_frames(rest.data(), rest.size());
}

bool lean_ws_client::impl::feed_frames(const char* data, std::size_t n) {
  const std::uint64_t attempt = attempt_;
  const auto s = parser_.feed(data, n, ctx_->options().max_message_size, *this);
  if (s == detail::frame_parser::status::stopped) return false;
  if (s == detail::frame_parser::status::failed) {
    fail_protocol(parser_.failure());
    return current(attempt);
  }
  return current(attempt);
}

bool lean_ws_client::impl::on_frame_text(std::string_view message) {
  if (state_ != ws_client_state::open || handler_ == nullptr) return true;
  const std::uint64_t attempt = attempt_;
  auto keep = shared_from_this();
  handler_->on_ws_message(message);
  return current(attempt);
}

bool lean_ws_client::impl::on_frame_ping(std::string_view payload) {
  if (close_sent_) return true;
  if (const std::error_code e = write_frame(0xA, payload)) {
    on_transport_error(e);
    return false;
  }
  return true;
}

bool lean_ws_client::impl::on_frame_pong(std::string_view) { return true; }

bool lean_ws_client::impl::on_frame_close(std::uint16_t code, std::string_view reason) {
  if (!closing_) closing_ = std::make_unique<close_info>();
  closing_->remote_code = code;
  closing_->remote_reason.assign(reason.data(), reason.size());
  close_received_ = true;
  if (!close_sent_) {
    // Echo the code (RFC 6455 §5.5.1); a frame without a code gets one without a code.
    char payload[2];
    std::size_t len = 0;
    if (code != close_code::no_status) {
      payload[0] = static_cast<char>(code >> 8);
      payload[1] = static_cast<char>(code & 0xFF);
      len = 2;
    }
    closing_->local_code = code;
    close_sent_ = true;
    state_ = ws_client_state::closing;
    if (const std::error_code e = write_frame(0x8, std::string_view(payload, len))) {
      on_transport_error(e);
      return false;
    }
    begin_close_wait();
  }
  // Both close frames are out: the server closes TCP now (we read until EOF).
  return true;
}

// ---------------------------------------------------------------------------------------
// writing

std::error_code lean_ws_client::impl::write_bytes(std::string_view bytes) {
  std::size_t done = 0;
  if (!writes_) {
    // TLS: always the stream's asynchronous write. A synchronous one on the non-blocking
    // socket could lose encrypted bytes the socket did not take.
    if (!tls_) {
      std::error_code ec;
      done = socket_.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) {
        done = 0;
      } else if (ec) {
        return ec;
      }
      if (done == bytes.size()) return {};
    }
    writes_ = std::make_unique<write_queue>();
  }
  writes_->queued.append(bytes.data() + done, bytes.size() - done);
  if (!writing_) start_write();
  return {};
}

std::error_code lean_ws_client::impl::write_frame(std::uint8_t opcode, std::string_view payload) {
  std::string& out = ctx_->scratch();
  detail::append_client_frame(out, opcode, payload);
  return write_bytes(out);
}

void lean_ws_client::impl::start_write() {
  writes_->sending.swap(writes_->queued);
  writes_->queued.clear();
  writing_ = true;
  if (tls_) {
    asio::async_write(*tls_, asio::buffer(writes_->sending),
                      [self = shared_from_this(), tls = tls_, attempt = attempt_](
                          const std::error_code& ec, std::size_t) { self->on_written(attempt, ec); });
    return;
  }
  asio::async_write(socket_, asio::buffer(writes_->sending),
                    [self = shared_from_this(), attempt = attempt_](const std::error_code& ec,
                                                                    std::size_t) {
                      self->on_written(attempt, ec);
                    });
}

void lean_ws_client::impl::on_written(std::uint64_t attempt, const std::error_code& ec) {
  if (!current(attempt) || !writes_) return;
  writing_ = false;
  if (ec) {
    on_transport_error(ec);
    return;
  }
  if (!writes_->queued.empty()) {
    start_write();
    return;
  }
  writes_.reset();
  if (end_after_flush_) {
    close_info info = *closing_;
    finish(std::move(info));
  }
}

void lean_ws_client::impl::post_error(const std::error_code& ec) {
  asio::post(ctx_->io(), [self = shared_from_this(), attempt = attempt_, ec] {
    if (self->current(attempt)) self->on_transport_error(ec);
  });
}

std::error_code lean_ws_client::impl::send(std::string_view text) noexcept {
  if (state_ != ws_client_state::open || aborting_) return make_error_code(errc::disconnected);
  try {
    if (deflate_) {
      std::string& packed = ctx_->deflate_scratch();
      if (!deflate_->deflate(text, packed)) {
        return std::make_error_code(std::errc::not_enough_memory);
      }
      std::string& out = ctx_->scratch();
      detail::append_client_frame(out, 0x1, packed, true);
      if (const std::error_code e = write_bytes(out)) post_error(e);
      return {};
    }
    if (const std::error_code e = write_frame(0x1, text)) post_error(e);
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }
  return {};
}

std::error_code lean_ws_client::impl::close(std::uint16_t code, std::string_view reason) noexcept {
  if (state_ != ws_client_state::open || aborting_) return make_error_code(errc::disconnected);
  const bool no_code = code == close_code::none || code == close_code::no_status;
  if (!no_code && !detail::sendable_close_code(code)) return make_error_code(errc::invalid_argument);
  try {
    auto info = std::make_unique<close_info>();
    std::string payload;
    if (!no_code) {
      info->local_reason = detail::truncate_close_reason(reason);
      payload.push_back(static_cast<char>(code >> 8));
      payload.push_back(static_cast<char>(code & 0xFF));
      payload.append(info->local_reason);
    }
    info->local_code = no_code ? close_code::no_status : code;
    closing_ = std::move(info);
    close_sent_ = true;
    state_ = ws_client_state::closing;
    if (const std::error_code e = write_frame(0x8, payload)) post_error(e);
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }
  begin_close_wait();
  return {};
}

void lean_ws_client::impl::begin_close_wait() {
  ctx_->add_deadline(std::chrono::steady_clock::now() + ctx_->options().close_timeout,
                     weak_from_this(), attempt_, deadline_kind::close);
}

// ---------------------------------------------------------------------------------------
// endings

void lean_ws_client::impl::on_transport_error(const std::error_code& ec) {
  if (state_ == ws_client_state::connecting) {
    fail_attempt(detail::translate_error(ec), ec);
    return;
  }
  close_info info = closing_ ? *closing_ : close_info{};
  info.phase = close_phase::open;
  if (close_sent_ && close_received_ && !info.error) {
    finish(std::move(info));  // the handshake is complete: however TCP ends, it is clean
    return;
  }
  if (!close_sent_) info.local_code = close_code::abnormal;
  if (!close_received_) info.remote_code = close_code::abnormal;
  if (!info.error) {
    info.error = detail::translate_error(ec);
    // A broken TLS record stream after the handshake: disconnected, as ws_client counts it.
    if (ec.category() == asio::error::get_ssl_category()) {
      info.error = make_error_code(errc::disconnected);
    }
    info.detail = ec;
  }
  finish(std::move(info));
}

void lean_ws_client::impl::fail_protocol(const detail::ws_failure& f) {
  if (!closing_) closing_ = std::make_unique<close_info>();
  close_info& info = *closing_;
  info.phase = close_phase::open;
  info.error = make_error_code(f.error);
  info.detail = info.error;
  if (!close_received_) info.remote_code = close_code::abnormal;
  state_ = ws_client_state::closing;
  if (!close_sent_) {
    info.local_code = f.code;
    info.local_reason = f.reason;
    close_sent_ = true;
    std::string payload;
    payload.push_back(static_cast<char>(f.code >> 8));
    payload.push_back(static_cast<char>(f.code & 0xFF));
    payload.append(f.reason);
    // The peer broke the protocol: tell it why, then drop TCP without waiting for its close.
    if (!write_frame(0x8, payload) && writes_) {
      end_after_flush_ = true;
      begin_close_wait();
      return;
    }
  }
  close_info copy = info;
  finish(std::move(copy));
}

void lean_ws_client::impl::fail_attempt(const std::error_code& error,
                                        const std::error_code& detail, int http_status,
                                        std::string_view http_reason, std::string_view problem) {
  close_info info;
  info.phase = phase_;
  info.error = error;
  info.detail = detail ? detail : error;
  info.http_status = http_status;
  info.http_reason.assign(http_reason.data(), http_reason.size());
  info.local_reason.assign(problem.data(), problem.size());
  finish(std::move(info));
}

void lean_ws_client::impl::on_deadline(const deadline_event& deadline) {
  if (!current(deadline.attempt)) return;
  if (deadline.kind == deadline_kind::connect) {
    if (state_ != ws_client_state::connecting) return;
    fail_attempt(make_error_code(errc::connect_timeout), make_error_code(errc::connect_timeout));
    return;
  }
  if (state_ != ws_client_state::closing || !closing_) return;
  close_info info = *closing_;
  if (!close_received_) {
    info.remote_code = close_code::abnormal;
    if (!info.error) {
      info.error = make_error_code(errc::reply_timeout);  // as websocketpp's close timeout
      info.detail = info.error;
    }
  }
  finish(std::move(info));
}

void lean_ws_client::impl::release() noexcept {
  std::error_code ignored;
  socket_.close(ignored);  // cancels the pending wait, connect and write
  tls_.reset();            // pending TLS operations keep the stream until they end
  connecting_.reset();
  closing_.reset();
  writes_.reset();
  writing_ = false;
  parser_.reset();
  deflate_.reset();
}

void lean_ws_client::impl::finish(close_info info) {
  if (state_ == ws_client_state::closed || state_ == ws_client_state::idle) return;
  state_ = ws_client_state::closed;
  release();
  if (detached_ || handler_ == nullptr) return;
  auto keep = shared_from_this();
  handler_->on_ws_close(info);
}

std::error_code lean_ws_client::impl::abort() noexcept {
  if (state_ != ws_client_state::connecting && state_ != ws_client_state::open &&
      state_ != ws_client_state::closing) {
    return make_error_code(errc::disconnected);
  }
  if (aborting_) return {};  // on_ws_close is already queued
  close_info info;
  info.phase = phase_;
  if (phase_ == close_phase::open) {
    info.local_code = close_code::abnormal;
    info.remote_code = close_code::abnormal;
  }
  info.error = make_error_code(errc::cancelled);
  info.detail = info.error;
  try {
    asio::post(ctx_->io(), [self = shared_from_this(), attempt = attempt_, info = std::move(info)] {
      if (self->attempt_ == attempt && self->aborting_) {
        self->aborting_ = false;
        self->finish(info);
      }
    });
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }
  aborting_ = true;
  state_ = ws_client_state::closing;
  std::error_code ignored;
  socket_.close(ignored);
  return {};
}

void lean_ws_client::impl::detach() noexcept {
  detached_ = true;
  handler_ = nullptr;
  if (state_ != ws_client_state::idle) state_ = ws_client_state::closed;
  release();
}

// ---------------------------------------------------------------------------------------
// public classes

lean_ws_client_context::lean_ws_client_context(asio::io_context& io,
                                               ws_client_context_options options)
    : impl_(std::make_shared<impl>(io, std::move(options))) {}
lean_ws_client_context::~lean_ws_client_context() = default;
asio::io_context& lean_ws_client_context::io_context() const noexcept { return impl_->io(); }
const ws_client_context_options& lean_ws_client_context::options() const noexcept {
  return impl_->options();
}

lean_ws_client::lean_ws_client(lean_ws_client_context& context)
    : impl_(std::make_shared<impl>(context.impl_)) {}
lean_ws_client::~lean_ws_client() {
  if (impl_) impl_->detach();
}
void lean_ws_client::set_handler(lean_ws_handler* handler) noexcept { impl_->handler_ = handler; }
bool lean_ws_client::compression_active() const noexcept { return impl_->deflate_ != nullptr; }

std::error_code lean_ws_client::connect(const ws_url& url, const ws_connect_options& options) {
  return impl_->connect(url, options);
}
std::error_code lean_ws_client::send(std::string_view text) noexcept { return impl_->send(text); }
std::error_code lean_ws_client::close() noexcept { return impl_->close(close_code::none, {}); }
std::error_code lean_ws_client::close(std::uint16_t code, std::string_view reason) noexcept {
  if (const std::error_code e = detail::check_user_close_code(code)) return e;
  return impl_->close(code, reason);
}
std::error_code lean_ws_client::abort() noexcept { return impl_->abort(); }
ws_client_state lean_ws_client::state() const noexcept { return impl_->state_; }
std::size_t lean_ws_client::buffered_amount() const noexcept { return impl_->buffered_amount(); }

}  // namespace relayload::net
