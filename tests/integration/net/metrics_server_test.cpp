// metrics_server over real loopback sockets: the scrape path, the statuses of everything
// else, bind errors, and a render callback that throws.
#include "relayload/net/metrics_server.hpp"

#include <asio.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <system_error>

namespace {

// One blocking HTTP exchange with a bounded wait; returns the whole response.
std::string exchange(std::uint16_t port, const std::string& request) {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(s, asio::buffer(request));
  std::string out;
  std::error_code ec;
  char buf[4096];
  for (;;) {
    const std::size_t n = s.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

}  // namespace

TEST_CASE("GET /metrics answers with the rendered body, other paths and methods do not",
          "[net][integration][metrics_server]") {
  relayload::net::metrics_server_options o;
  int renders = 0;
  o.render = [&renders] {
    ++renders;
    return std::string("# TYPE x gauge\nx 1\n");
  };
  relayload::net::metrics_server server(o);
  server.start();
  REQUIRE(server.port() != 0);
  CHECK(server.url() == "http://127.0.0.1:" + std::to_string(server.port()) + "/metrics");

  const std::string ok = exchange(server.port(), "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n");
  CHECK(ok.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK_THAT(ok, Catch::Contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
  CHECK_THAT(ok, Catch::Contains("Content-Length: 19\r\n"));
  CHECK_THAT(ok, Catch::EndsWith("\r\n\r\n# TYPE x gauge\nx 1\n"));

  const std::string head = exchange(server.port(), "HEAD /metrics HTTP/1.1\r\n\r\n");
  CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK_THAT(head, Catch::EndsWith("\r\n\r\n"));

  CHECK(exchange(server.port(), "GET / HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 404", 0) == 0);
  const std::string post = exchange(server.port(), "POST /metrics HTTP/1.1\r\n\r\n");
  CHECK(post.rfind("HTTP/1.1 405", 0) == 0);
  CHECK_THAT(post, Catch::Contains("Allow: GET, HEAD\r\n"));
  CHECK(exchange(server.port(), "garbage\r\n\r\n").rfind("HTTP/1.1 400", 0) == 0);
  CHECK(
      exchange(server.port(), "GET /metrics HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n")
          .rfind("HTTP/1.1 431", 0) == 0);
  CHECK(renders == 2);
  CHECK(server.requests() == 6);
  server.stop();
  server.stop();  // idempotent
}

TEST_CASE("a render that throws is a 500 naming the reason", "[net][integration][metrics_server]") {
  relayload::net::metrics_server_options o;
  o.render = []() -> std::string { throw std::runtime_error("snapshot lost"); };
  relayload::net::metrics_server server(o);
  server.start();
  const std::string r = exchange(server.port(), "GET /metrics HTTP/1.1\r\n\r\n");
  CHECK(r.rfind("HTTP/1.1 500", 0) == 0);
  CHECK_THAT(r, Catch::Contains("snapshot lost"));
}

TEST_CASE("bind errors come back as codes: port in use, not an address",
          "[net][integration][metrics_server]") {
  relayload::net::metrics_server first({});
  first.start();
  relayload::net::metrics_server_options o;
  o.port = first.port();
  relayload::net::metrics_server second(o);
  std::error_code ec;
  second.start(ec);
  CHECK(ec == std::errc::address_in_use);
  CHECK_THROWS_AS(second.start(), std::system_error);

  relayload::net::metrics_server_options bad;
  bad.host = "not-an-address";
  relayload::net::metrics_server third(bad);
  third.start(ec);
  CHECK(ec == std::errc::invalid_argument);
}
