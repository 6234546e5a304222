// ws_server and ws_client over real loopback sockets: the paths a relay and a load
// generator use every time.
#include <catch2/catch.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "relayload/error.hpp"
#include "support.hpp"

using namespace net_test;
using relayload::condition;
using relayload::errc;

TEST_CASE("echo round trip with phase timings", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  net::ws_client_context ctx(io);
  recording_client c(ctx);
  c.client.callbacks().on_open = [&](const net::connect_timings& t) {
    ++c.opens;
    c.timings = t;
    CHECK(c.client.send("{\"connect\":{\"name\":\"js\"},\"id\":1}") == std::error_code{});
  };
  REQUIRE_FALSE(c.client.connect(srv.url()));
  CHECK(c.client.state() == net::ws_client_state::connecting);
  REQUIRE(run_until(io, [&] { return c.messages.size() == 1; }));

  CHECK(c.messages[0] == "{\"connect\":{\"name\":\"js\"},\"id\":1}");
  CHECK(srv.messages == c.messages);
  CHECK(c.opens == 1);
  CHECK(c.client.state() == net::ws_client_state::open);
  const auto& t = c.timings;
  CHECK(t.started <= t.resolved);
  CHECK(t.resolved <= t.tcp_connected);
  CHECK(t.tls_done == t.tcp_connected);  // ws: no TLS phase
  CHECK(t.tcp_connected <= t.upgraded);
  CHECK(t.total() > std::chrono::nanoseconds(0));
  REQUIRE(srv.opened.size() == 1);
  CHECK(srv.server.connection_count() == 1);
  CHECK(srv.server.request_target(srv.opened[0]) == "/connection/websocket");
  CHECK(srv.server.remote_endpoint(srv.opened[0]).address() == asio::ip::make_address("127.0.0.1"));
  CHECK(c.client.local_endpoint().port() == srv.server.remote_endpoint(srv.opened[0]).port());

  // centrifuge-js closes without a status code: the server must see 1005.
  REQUIRE_FALSE(c.client.close());
  CHECK(c.client.state() == net::ws_client_state::closing);
  REQUIRE(run_until(io, [&] { return c.closes == 1 && srv.closes.size() == 1; }));
  CHECK(srv.closes[0].info.remote_code == net::close_code::no_status);
  CHECK(srv.closes[0].info.clean());
  CHECK(c.last_close.phase == net::close_phase::open);
  CHECK(c.last_close.local_code == net::close_code::no_status);
  CHECK(c.last_close.clean());
  CHECK(c.client.state() == net::ws_client_state::closed);
  CHECK(srv.server.connection_count() == 0);
  CHECK(c.client.send("late") == errc::disconnected);
  run_for(io, 50ms);
  CHECK(c.closes == 1);
}

TEST_CASE("500 connections open and close with exact counts", "[net][integration]") {
  constexpr int n = 500;
  asio::io_context io;
  echo_server srv(io);
  net::ws_client_context ctx(io);
  std::vector<std::unique_ptr<recording_client>> clients;
  for (int i = 0; i < n; ++i) {
    clients.push_back(std::make_unique<recording_client>(ctx));
    REQUIRE_FALSE(clients.back()->client.connect(srv.url()));
  }
  const auto opened = [&] {
    int k = 0;
    for (auto& c : clients) k += c->opens;
    return k;
  };
  REQUIRE(run_until(
      io, [&] { return opened() == n && srv.opened.size() == n; }, 30s));
  CHECK(srv.server.connection_count() == n);
  CHECK(std::set<net::connection_id>(srv.opened.begin(), srv.opened.end()).size() == n);

  for (int i = 0; i < n; ++i) {
    auto& c = clients[static_cast<std::size_t>(i)]->client;
    // Half close like centrifuge-js (no code), half with a code and a reason.
    const std::error_code ec = i % 2 == 0 ? c.close() : c.close(1000, "done");
    REQUIRE_FALSE(ec);
  }
  const auto closed = [&] {
    int k = 0;
    for (auto& c : clients) k += c->closes;
    return k;
  };
  REQUIRE(run_until(
      io, [&] { return closed() == n && srv.closes.size() == n; }, 30s));
  run_for(io, 50ms);
  for (auto& c : clients) {
    CHECK(c->opens == 1);
    CHECK(c->closes == 1);  // exactly once each
    CHECK(c->last_close.clean());
  }
  CHECK(srv.closes.size() == n);
  CHECK(srv.server.connection_count() == 0);
  int no_status = 0;
  for (const auto& cl : srv.closes) no_status += cl.info.remote_code == net::close_code::no_status;
  CHECK(no_status == n / 2);
}

TEST_CASE("a server close with code and reason reaches the client", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  srv.server.callbacks().on_open = [&](net::connection_id id) {
    srv.opened.push_back(id);
    CHECK_FALSE(srv.server.close(id, 3501, "bad request"));
    CHECK(srv.server.send(id, "after close") == errc::disconnected);
  };
  net::ws_client_context ctx(io);
  recording_client c(ctx);
  REQUIRE_FALSE(c.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return c.closes == 1 && srv.closes.size() == 1; }));
  CHECK(c.opens == 1);
  CHECK(c.last_close.phase == net::close_phase::open);
  CHECK(c.last_close.remote_code == 3501);
  CHECK(c.last_close.remote_reason == "bad request");
  CHECK(c.last_close.clean());
  CHECK(srv.closes[0].info.local_code == 3501);
  CHECK(srv.closes[0].info.local_reason == "bad request");
}

TEST_CASE("server close refuses codes that may not be sent", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  net::ws_client_context ctx(io);
  recording_client c(ctx);
  REQUIRE_FALSE(c.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return srv.opened.size() == 1 && c.opens == 1; }));
  const auto id = srv.opened[0];
  CHECK(srv.server.close(id, 1006, "no") == errc::invalid_argument);
  CHECK(srv.server.close(id, 999, "no") == errc::invalid_argument);
  CHECK(c.client.close(1006, "no") == errc::invalid_argument);
  CHECK(c.client.close(5000, "no") == errc::invalid_argument);
  // Still open after the refused calls.
  REQUIRE_FALSE(c.client.send("still here"));
  REQUIRE(run_until(io, [&] { return c.messages.size() == 1; }));
  CHECK(c.closes == 0);
}

TEST_CASE("an oversize message closes only that connection with 1009", "[net][integration]") {
  asio::io_context io;
  net::ws_server_options o;
  o.max_message_size = 1024;
  echo_server srv(io, o);
  net::ws_client_context ctx(io);
  recording_client big(ctx);
  recording_client small(ctx);
  REQUIRE_FALSE(big.client.connect(srv.url()));
  REQUIRE_FALSE(small.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return big.opens == 1 && small.opens == 1; }));

  REQUIRE_FALSE(big.client.send(std::string(1025, 'x')));
  REQUIRE(run_until(io, [&] { return big.closes == 1 && srv.closes.size() == 1; }));
  CHECK(big.last_close.remote_code == net::close_code::message_too_big);
  CHECK(srv.closes[0].info.local_code == net::close_code::message_too_big);
  CHECK(srv.messages.empty());

  REQUIRE_FALSE(small.client.send(std::string(1024, 'y')));  // at the limit: fine
  REQUIRE(run_until(io, [&] { return small.messages.size() == 1; }));
  CHECK(small.messages[0].size() == 1024);
  CHECK(small.closes == 0);
  CHECK(srv.server.connection_count() == 1);
}

TEST_CASE("server abort drops the TCP connection and the client sees a transport failure",
          "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  net::ws_client_context ctx(io);
  recording_client c(ctx);
  REQUIRE_FALSE(c.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return srv.opened.size() == 1 && c.opens == 1; }));
  REQUIRE_FALSE(srv.server.abort(srv.opened[0]));
  REQUIRE(run_until(io, [&] { return c.closes == 1 && srv.closes.size() == 1; }));
  CHECK(c.last_close.phase == net::close_phase::open);
  CHECK(c.last_close.remote_code == net::close_code::abnormal);
  CHECK_FALSE(c.last_close.clean());
  CHECK(relayload::classify(c.last_close.error) == condition::transport_failure);
  CHECK(srv.closes[0].info.error == errc::cancelled);
  run_for(io, 50ms);
  CHECK(c.closes == 1);
  CHECK(srv.closes.size() == 1);
}

TEST_CASE("client abort gives one on_close with cancelled and the server sees 1006",
          "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  net::ws_client_context ctx(io);
  recording_client c(ctx);
  REQUIRE_FALSE(c.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return srv.opened.size() == 1 && c.opens == 1; }));
  REQUIRE_FALSE(c.client.abort());
  CHECK(c.closes == 0);  // never from inside the call
  CHECK(c.client.send("x") == errc::disconnected);
  REQUIRE(run_until(io, [&] { return c.closes == 1 && srv.closes.size() == 1; }));
  CHECK(c.last_close.error == errc::cancelled);
  CHECK(srv.closes[0].info.remote_code == net::close_code::abnormal);
  CHECK(relayload::classify(srv.closes[0].info.error) == condition::transport_failure);
  run_for(io, 50ms);
  CHECK(c.closes == 1);
}

TEST_CASE("abort while connecting ends the attempt once", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  net::ws_client_context ctx(io);
  recording_client c(ctx);
  REQUIRE_FALSE(c.client.connect(srv.url()));
  REQUIRE_FALSE(c.client.abort());
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  run_for(io, 100ms);
  CHECK(c.opens == 0);
  CHECK(c.closes == 1);
  CHECK(c.last_close.error == errc::cancelled);
  CHECK(c.last_close.phase == net::close_phase::resolve);
  CHECK(srv.opened.empty());
}

TEST_CASE("a client may be destroyed or reconnected from inside its callbacks",
          "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  net::ws_client_context ctx(io);

  // Destroyed inside on_message.
  auto doomed = std::make_unique<net::ws_client>(ctx);
  bool got = false;
  doomed->callbacks().on_open = [&](const net::connect_timings&) { doomed->send("bye"); };
  doomed->callbacks().on_message = [&](std::string_view) {
    got = true;
    doomed.reset();
  };
  REQUIRE_FALSE(doomed->connect(srv.url()));
  REQUIRE(run_until(io, [&] { return got && srv.closes.size() == 1; }));
  CHECK(doomed == nullptr);

  // Reconnects from inside on_close, then is destroyed inside the second on_close.
  auto again = std::make_unique<net::ws_client>(ctx);
  int opens = 0;
  int closes = 0;
  again->callbacks().on_open = [&](const net::connect_timings&) {
    ++opens;
    again->close();
  };
  again->callbacks().on_close = [&](const net::close_info&) {
    ++closes;
    if (closes == 1) {
      CHECK_FALSE(again->connect(srv.url()));
    } else {
      again.reset();
    }
  };
  REQUIRE_FALSE(again->connect(srv.url()));
  REQUIRE(run_until(io, [&] { return again == nullptr; }));
  CHECK(opens == 2);
  CHECK(closes == 2);
  REQUIRE(run_until(io, [&] { return srv.server.connection_count() == 0; }));
}

TEST_CASE("destroying a connected client drops it without callbacks", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  net::ws_client_context ctx(io);
  int closes = 0;
  {
    net::ws_client c(ctx);
    c.callbacks().on_close = [&](const net::close_info&) { ++closes; };
    REQUIRE_FALSE(c.connect(srv.url()));
    REQUIRE(run_until(io, [&] { return srv.opened.size() == 1; }));
  }
  REQUIRE(run_until(io, [&] { return srv.closes.size() == 1; }));
  CHECK(closes == 0);
  CHECK(srv.closes[0].info.remote_code == net::close_code::abnormal);
}

TEST_CASE("stop closes every connection with the code and stops accepting", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  net::ws_client_context ctx(io);
  std::vector<std::unique_ptr<recording_client>> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(std::make_unique<recording_client>(ctx));
    REQUIRE_FALSE(clients.back()->client.connect(srv.url()));
  }
  REQUIRE(run_until(io, [&] { return srv.opened.size() == 5; }));
  srv.server.stop(3001, "shutdown");
  CHECK_FALSE(srv.server.listening());
  REQUIRE(run_until(io, [&] {
    int k = 0;
    for (auto& c : clients) k += c->closes;
    return k == 5 && srv.closes.size() == 5;
  }));
  for (auto& c : clients) {
    CHECK(c->last_close.remote_code == 3001);
    CHECK(c->last_close.remote_reason == "shutdown");
  }
  CHECK(srv.server.connection_count() == 0);

  recording_client late(ctx);
  REQUIRE_FALSE(late.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return late.closes == 1; }));
  CHECK(late.opens == 0);
  CHECK(late.last_close.phase == net::close_phase::tcp_connect);
  CHECK(late.last_close.error == asio::error::connection_refused);
}

TEST_CASE("a host name is resolved (localhost)", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  net::ws_client_context ctx(io);
  recording_client a(ctx);
  recording_client b(ctx);
  const auto url = *net::ws_url::parse("ws://localhost:" + std::to_string(srv.server.port()) +
                                       "/connection/websocket");
  // Two lookups of the same name at once share one resolution; the server listens on
  // 127.0.0.1 only, so a ::1 answer must fall through to the next address.
  REQUIRE_FALSE(a.client.connect(url));
  REQUIRE_FALSE(b.client.connect(url));
  REQUIRE(run_until(io, [&] { return a.opens == 1 && b.opens == 1; }));
  CHECK(a.timings.resolved >= a.timings.started);
  CHECK(srv.server.connection_count() == 2);
}
