// http_get over real loopback sockets: a metrics_server's body; canned answers (chunked,
// read to the close, 500, not HTTP); a server that accepts and never answers (the deadline);
// a refused port; and the URL parser's errors.
#include "relayload/net/http_get.hpp"

#include <asio.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "relayload/error.hpp"
#include "relayload/net/metrics_server.hpp"

using namespace relayload::net;
using std::chrono::milliseconds;

namespace {

// Accepts connections on 127.0.0.1:0 on its own thread; each one reads the request headers
// and is answered with `answer` and closed, or (answer empty) held open, unanswered, until
// the server is destroyed.
class canned_server {
 public:
  explicit canned_server(std::string answer) : answer_(std::move(answer)) {
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~canned_server() {
    asio::post(io_, [this] {
      std::error_code ignored;
      acceptor_.close(ignored);
      for (auto& s : held_) s->close(ignored);
      io_.stop();
    });
    thread_.join();
  }
  http_url url() const { return {"127.0.0.1", acceptor_.local_endpoint().port(), "/metrics"}; }

 private:
  void accept() {
    acceptor_.async_accept([this](std::error_code ec, asio::ip::tcp::socket s) {
      if (ec) return;
      auto sock = std::make_shared<asio::ip::tcp::socket>(std::move(s));
      auto buf = std::make_shared<std::string>();
      asio::async_read_until(
          *sock, asio::dynamic_buffer(*buf), "\r\n\r\n",
          [this, sock, buf](std::error_code e, std::size_t) {
            if (e) return;
            if (answer_.empty()) {
              held_.push_back(sock);
              return;
            }
            asio::async_write(*sock, asio::buffer(answer_), [sock](std::error_code, std::size_t) {
              std::error_code ignored;
              sock->shutdown(asio::socket_base::shutdown_both, ignored);
            });
          });
      accept();
    });
  }

  std::string answer_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_{io_};
  std::vector<std::shared_ptr<asio::ip::tcp::socket>> held_;
  std::thread thread_;
};

}  // namespace

TEST_CASE("http_get reads a metrics_server's body", "[net][integration][http_get]") {
  metrics_server_options o;
  o.render = [] { return std::string("# TYPE x gauge\nx 1\n"); };
  metrics_server server(o);
  server.start();
  http_url url;
  REQUIRE_FALSE(parse_http_url(server.url(), url));
  std::string why;
  const auto r = http_get(url, {}, &why);
  INFO(why);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->reason == "OK");
  CHECK(r->content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(r->body == "# TYPE x gauge\nx 1\n");

  url.target = "/other";
  const auto missing = http_get(url);
  REQUIRE(missing);
  CHECK(missing->status == 404);
}

TEST_CASE("http_get: chunked, to the close, 500 and garbage answers",
          "[net][integration][http_get]") {
  {
    canned_server s(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "4\r\na 1\n\r\nA\r\nbb{x=\"y\"} \r\n3\r\n22\n\r\n0\r\n\r\n");
    const auto r = http_get(s.url());
    REQUIRE(r);
    CHECK(r->body == "a 1\nbb{x=\"y\"} 22\n");
  }
  {
    canned_server s("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nup 1\n");
    const auto r = http_get(s.url());
    REQUIRE(r);
    CHECK(r->body == "up 1\n");
  }
  {
    canned_server s("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\noops!");
    const auto r = http_get(s.url());
    REQUIRE(r);
    CHECK(r->status == 500);
    CHECK(r->reason == "Internal Server Error");
    CHECK(r->body == "oops!");
  }
  {
    canned_server s("SSH-2.0-OpenSSH_9.2\r\n\r\n");
    std::string why;
    const auto r = http_get(s.url(), {}, &why);
    REQUIRE_FALSE(r);
    CHECK(r.error() == relayload::errc::malformed_frame);
    CHECK_THAT(why, Catch::StartsWith("not an HTTP response: 'S"));
  }
  {
    canned_server s("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort");
    std::string why;
    const auto r = http_get(s.url(), {}, &why);
    REQUIRE_FALSE(r);
    CHECK(why == "the connection closed before the body ended");
  }
}

TEST_CASE("http_get: a server that never answers times out, a closed port is refused",
          "[net][integration][http_get]") {
  canned_server silent("");
  http_get_options o;
  o.timeout = milliseconds(300);
  std::string why;
  const auto r = http_get(silent.url(), o, &why);
  REQUIRE_FALSE(r);
  CHECK(r.error() == std::errc::timed_out);
  CHECK(why == "no answer within 300 ms");

  http_url closed;
  {
    canned_server gone("x");
    closed = gone.url();
  }
  const auto refused = http_get(closed, o, &why);
  REQUIRE_FALSE(refused);
  CHECK(refused.error() == std::errc::connection_refused);
  CHECK(why == "Connection refused");
}

TEST_CASE("parse_http_url: what it accepts and what it names", "[net][http_get]") {
  http_url u;
  REQUIRE_FALSE(parse_http_url("http://127.0.0.1:9100/metrics", u));
  CHECK(u.host == "127.0.0.1");
  CHECK(u.port == 9100);
  CHECK(u.target == "/metrics");
  REQUIRE_FALSE(parse_http_url("HTTP://relay.example", u));
  CHECK(u.port == 80);
  CHECK(u.target == "/");
  REQUIRE_FALSE(parse_http_url("http://[::1]:8000/m?x=1#frag", u));
  CHECK(u.host == "::1");
  CHECK(u.target == "/m?x=1");
  CHECK(u.to_string() == "http://[::1]:8000/m?x=1");

  const auto error = [](const char* text) {
    http_url x;
    const auto e = parse_http_url(text, x);
    REQUIRE(e);
    return *e;
  };
  CHECK_THAT(error("https://relay.example/metrics"), Catch::Contains("https is not supported"));
  CHECK(error("ws://relay.example/") == "'ws://relay.example/': the scheme must be http://");
  CHECK(error("http:///metrics") == "'http:///metrics' has no host");
  CHECK(error("http://h:70000/") == "'http://h:70000/': port '70000' is not 1 to 65535");
  CHECK(error("http://h:/") == "'http://h:/': port '' is not 1 to 65535");
  CHECK(error("http://::1:9100/") ==
        "'http://::1:9100/': write an IPv6 host in brackets (http://[::1]:9100/metrics)");
  CHECK(error("http://u@h/") == "'http://u@h/': user info (user@) is not supported");
  CHECK(error("http://h /") == "'http://h /' contains whitespace or a control character");
}
