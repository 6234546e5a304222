#include <pthread.h>

#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <exception>
#include <string_view>
#include <thread>
#include <utility>

#include "relayload/net/metrics_server.hpp"

namespace relayload::net {

namespace {

constexpr std::size_t max_request = 8 * 1024;
constexpr std::chrono::seconds request_timeout{10};

// One request, one response, then the socket closes. Owned by its own handlers.
class http_connection : public std::enable_shared_from_this<http_connection> {
 public:
  http_connection(asio::ip::tcp::socket socket, const metrics_server_options& options,
                  std::atomic<std::uint64_t>& requests)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        options_(options),
        requests_(requests) {}

  void start() {
    timer_.expires_after(request_timeout);
    timer_.async_wait([self = shared_from_this()](std::error_code ec) {
      if (!ec) {
        std::error_code ignored;
        self->socket_.close(ignored);
      }
    });
    asio::async_read_until(
        socket_, asio::dynamic_buffer(request_, max_request), "\r\n\r\n",
        [self = shared_from_this()](std::error_code ec, std::size_t) { self->on_request(ec); });
  }

 private:
  void on_request(std::error_code ec) {
    if (ec == asio::error::not_found) {  // the buffer's limit: headers too large
      respond("431 Request Header Fields Too Large", "text/plain", "request too large\n", true);
      return;
    }
    if (ec) {
      timer_.cancel();
      return;
    }
    const std::string_view text(request_);
    const auto line_end = text.find("\r\n");
    const std::string_view line = text.substr(0, line_end);
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) {
      respond("400 Bad Request", "text/plain", "bad request\n", true);
      return;
    }
    const std::string_view method = line.substr(0, sp1);
    std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    target = target.substr(0, target.find('?'));
    const bool head = method == "HEAD";
    if (method != "GET" && !head) {
      respond("405 Method Not Allowed", "text/plain", "only GET and HEAD\n", !head, "GET, HEAD");
      return;
    }
    if (target != options_.path) {
      respond("404 Not Found", "text/plain", "not found; metrics are at " + options_.path + "\n",
              !head);
      return;
    }
    std::string body;
    std::string status = "200 OK";
    std::string type = options_.content_type;
    try {
      if (options_.render) body = options_.render();
    } catch (const std::exception& e) {
      status = "500 Internal Server Error";
      type = "text/plain";
      body = std::string("cannot render the metrics: ") + e.what() + "\n";
    }
    respond(status, type, std::move(body), !head);
  }

  void respond(std::string_view status, std::string_view type, std::string body, bool with_body,
               std::string_view allow = {}) {
    ++requests_;
    response_ = "HTTP/1.1 ";
    response_ += status;
    response_ += "\r\nContent-Type: ";
    response_ += type;
    response_ += "\r\nContent-Length: " + std::to_string(body.size());
    if (!allow.empty()) {
      response_ += "\r\nAllow: ";
      response_ += allow;
    }
    response_ += "\r\nConnection: close\r\n\r\n";
    if (with_body) response_ += body;
    asio::async_write(socket_, asio::buffer(response_),
                      [self = shared_from_this()](std::error_code, std::size_t) {
                        std::error_code ignored;
                        self->socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
                        self->socket_.close(ignored);
                        self->timer_.cancel();
                      });
  }

  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  const metrics_server_options& options_;
  std::atomic<std::uint64_t>& requests_;
  std::string request_;
  std::string response_;
};

}  // namespace

class metrics_server::impl {
 public:
  explicit impl(metrics_server_options options) : options_(std::move(options)), acceptor_(io_) {}

  void start(std::error_code& ec) {
    ec.clear();
    if (thread_.joinable()) return;
    const asio::ip::address address = asio::ip::make_address(options_.host, ec);
    if (ec) {
      ec = std::make_error_code(std::errc::invalid_argument);
      return;
    }
    const asio::ip::tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      // Asio reports errno values in its own "asio.system" category, which compares unequal
      // to std::errc; the caller gets the same value in std::system_category.
      if (ec.category() == asio::system_category()) {
        ec = std::error_code(ec.value(), std::system_category());
      }
      std::error_code ignored;
      acceptor_.close(ignored);
      return;
    }
    port_ = acceptor_.local_endpoint(ec).port();
    accept();
    thread_ = std::thread([this] { io_.run(); });
    // Named, so that its CPU time can be told apart (/proc/PID/task/*/comm; the benchmark
    // of the endpoint's cost reads it).
    ::pthread_setname_np(thread_.native_handle(), "rl-metrics");
  }

  void stop() noexcept {
    if (!thread_.joinable()) return;
    asio::post(io_, [this] {
      std::error_code ignored;
      acceptor_.close(ignored);
    });
    io_.stop();  // open connections are destroyed with the io_context's handlers
    thread_.join();
  }

  ~impl() { stop(); }

  std::uint16_t port() const noexcept { return port_; }
  std::string url() const {
    const bool v6 = options_.host.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + options_.host + "]" : options_.host) + ":" +
           std::to_string(port_) + options_.path;
  }
  std::uint64_t requests() const noexcept { return requests_.load(); }

 private:
  void accept() {
    acceptor_.async_accept([this](std::error_code ec, asio::ip::tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) {
        std::make_shared<http_connection>(std::move(socket), options_, requests_)->start();
        accept();
        return;
      }
      // Out of descriptors, for example: try again shortly rather than spin.
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([this](std::error_code wait_ec) {
        if (!wait_ec) accept();
      });
    });
  }

  metrics_server_options options_;
  asio::io_context io_{1};
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer retry_{io_};
  std::thread thread_;
  std::uint16_t port_ = 0;
  std::atomic<std::uint64_t> requests_{0};
};

metrics_server::metrics_server(metrics_server_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}

metrics_server::~metrics_server() = default;

void metrics_server::start() {
  std::error_code ec;
  start(ec);
  if (ec) throw std::system_error(ec, "cannot listen on " + impl_->url());
}

void metrics_server::start(std::error_code& ec) { impl_->start(ec); }
void metrics_server::stop() noexcept { impl_->stop(); }
std::uint16_t metrics_server::port() const noexcept { return impl_->port(); }
std::string metrics_server::url() const { return impl_->url(); }
std::uint64_t metrics_server::requests() const noexcept { return impl_->requests(); }

}  // namespace relayload::net
