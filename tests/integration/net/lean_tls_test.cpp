// The lean WebSocket client over wss:// (asio::ssl) against the websocketpp server with a
// certificate made by the test: trust through ca_file, OpenSSL's reason for a certificate
// this side refuses, host name verification, insecure, handshake failures and the
// attempt's deadline over the TLS handshake. Every ending is reported exactly once.
#include <catch2/catch.hpp>

#include <openssl/x509_vfy.h>

#include <asio/ssl.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "relayload/error.hpp"
#include "relayload/net/lean_ws_client.hpp"
#include "support.hpp"

using namespace net_test;
using relayload::condition;
using relayload::errc;

namespace {

/// Records a lean client's events; counts closes to prove exactly-once.
struct tls_recorder final : net::lean_ws_handler {
  explicit tls_recorder(net::lean_ws_client_context& ctx)
      : client(std::make_unique<net::lean_ws_client>(ctx)) {
    client->set_handler(this);
  }
  void on_ws_open(const net::connect_timings& t) override {
    ++opens;
    timings = t;
  }
  void on_ws_message(std::string_view text) override { messages.emplace_back(text); }
  void on_ws_close(const net::close_info& info) override {
    ++closes;
    last_close = info;
  }

  std::unique_ptr<net::lean_ws_client> client;
  int opens = 0;
  int closes = 0;
  net::connect_timings timings;
  net::close_info last_close;
  std::vector<std::string> messages;
};

net::ws_url url_on(const std::string& scheme_host, std::uint16_t port) {
  return *net::ws_url::parse(scheme_host + ":" + std::to_string(port) + "/connection/websocket");
}

/// Runs `c` to its close (bounded) and checks that exactly one close came, never inside
/// connect().
void run_to_close(asio::io_context& io, tls_recorder& c, const net::ws_url& url,
                  net::ws_connect_options o = {}) {
  REQUIRE_FALSE(c.client->connect(url, o));
  CHECK(c.closes == 0);
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  run_for(io, 50ms);
  CHECK(c.closes == 1);
  CHECK(c.opens == 0);
  CHECK(c.client->state() == net::ws_client_state::closed);
}

}  // namespace

TEST_CASE("lean wss: trusted through ca_file, echo, close handshake, reconnect",
          "[net][integration][lean][tls]") {
  tls_certs f;
  asio::io_context io;
  echo_server srv(io, f.server_options());
  net::ws_client_context_options o;
  o.ca_file = f.cert;
  net::lean_ws_client_context ctx(io, o);
  tls_recorder c(ctx);
  REQUIRE_FALSE(c.client->connect(srv.url()));  // wss://127.0.0.1:port
  CHECK(c.client->state() == net::ws_client_state::connecting);
  REQUIRE(run_until(io, [&] { return c.opens == 1 || c.closes == 1; }));
  INFO("close: " << c.last_close.error.message() << " / " << c.last_close.detail.message());
  REQUIRE(c.opens == 1);
  const auto& t = c.timings;
  CHECK(t.resolved <= t.tcp_connected);
  CHECK(t.tcp_connected < t.tls_done);  // a real TLS phase
  CHECK(t.tls_done <= t.upgraded);
  CHECK(t.tls_handshake() > std::chrono::nanoseconds(0));

  // Messages larger than a TLS record (16 KB) and than the shared read buffer (64 KB), sent
  // back to back so that several arrive in one burst.
  const std::string big(300000, 'b');
  const std::string utf8 = "h\xC3\xA9llo \xF0\x9F\x98\x80";
  REQUIRE_FALSE(c.client->send("hello"));
  REQUIRE_FALSE(c.client->send(big));
  REQUIRE_FALSE(c.client->send(utf8));
  for (int i = 0; i < 50; ++i) REQUIRE_FALSE(c.client->send("n" + std::to_string(i)));
  REQUIRE(run_until(io, [&] { return c.messages.size() == 53 || c.closes > 0; }));
  REQUIRE(c.messages.size() == 53);
  CHECK(c.messages[0] == "hello");
  CHECK(c.messages[1] == big);
  CHECK(c.messages[2] == utf8);
  CHECK(c.messages[52] == "n49");
  CHECK(srv.messages.size() == 53);

  REQUIRE_FALSE(c.client->close());
  CHECK(c.client->state() == net::ws_client_state::closing);
  REQUIRE(run_until(io, [&] { return c.closes == 1 && srv.closes.size() == 1; }));
  run_for(io, 50ms);
  CHECK(c.closes == 1);
  CHECK(c.last_close.clean());
  CHECK(c.last_close.local_code == net::close_code::no_status);
  CHECK(c.last_close.remote_code == net::close_code::normal);
  CHECK(srv.closes.at(0).info.remote_code == net::close_code::no_status);

  // The same client again over wss://, then over ws:// to a plain server.
  REQUIRE_FALSE(c.client->connect(srv.url()));
  REQUIRE(run_until(io, [&] { return c.opens == 2 || c.closes == 2; }));
  REQUIRE(c.opens == 2);
  REQUIRE_FALSE(c.client->close(4001, "done"));
  REQUIRE(run_until(io, [&] { return c.closes == 2; }));
  CHECK(c.last_close.clean());
  CHECK(c.last_close.remote_code == 4001);

  echo_server plain(io);
  REQUIRE_FALSE(c.client->connect(plain.url()));
  REQUIRE(run_until(io, [&] { return c.opens == 3 || c.closes == 3; }));
  REQUIRE(c.opens == 3);
  CHECK(c.timings.tcp_connected == c.timings.tls_done);  // no TLS phase on ws://
  REQUIRE_FALSE(c.client->send("plain"));
  REQUIRE(run_until(io, [&] { return c.messages.size() == 54; }));
  CHECK(c.messages.back() == "plain");
  REQUIRE_FALSE(c.client->close());
  REQUIRE(run_until(io, [&] { return c.closes == 3; }));
  CHECK(c.last_close.clean());
}

TEST_CASE("lean wss: by host name, with SNI and the name checked", "[net][integration][lean][tls]") {
  tls_certs f;
  asio::io_context io;
  echo_server srv(io, f.server_options());
  net::ws_client_context_options o;
  o.ca_file = f.cert;
  net::lean_ws_client_context ctx(io, o);
  tls_recorder c(ctx);
  // The server's certificate names localhost: the verification passes by name.
  REQUIRE_FALSE(c.client->connect(url_on("wss://localhost", srv.server.port())));
  REQUIRE(run_until(io, [&] { return c.opens == 1 || c.closes == 1; }));
  INFO("close: " << c.last_close.error.message() << " " << c.last_close.tls_verify_reason);
  CHECK(c.opens == 1);
  srv.server.close_all(1001, "going away");
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  CHECK(c.last_close.clean());
  CHECK(c.last_close.remote_code == 1001);
  CHECK(c.last_close.remote_reason == "going away");
}

TEST_CASE("lean wss: SNI carries the host name, never an IP address",
          "[net][integration][lean][tls]") {
  tls_certs f;
  asio::io_context io;
  // A bare TLS server that records the server name (SNI) of each handshake.
  asio::ssl::context server_tls(asio::ssl::context::tls_server);
  server_tls.use_certificate_chain_file(f.cert);
  server_tls.use_private_key_file(f.key, asio::ssl::context::pem);
  std::vector<std::string> names;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  const std::uint16_t port = acceptor.local_endpoint().port();
  using server_stream = asio::ssl::stream<asio::ip::tcp::socket>;
  std::vector<std::unique_ptr<server_stream>> peers;
  int handshakes = 0;
  std::function<void()> accept_next = [&] {
    peers.push_back(std::make_unique<server_stream>(io, server_tls));
    server_stream& s = *peers.back();
    acceptor.async_accept(s.next_layer(), [&](const std::error_code& ec) {
      if (ec) return;
      s.async_handshake(asio::ssl::stream_base::server, [&](const std::error_code& hec) {
        if (hec) return;
        ++handshakes;
        const char* name = SSL_get_servername(s.native_handle(), TLSEXT_NAMETYPE_host_name);
        names.emplace_back(name != nullptr ? name : "");
      });
      accept_next();
    });
  };
  accept_next();

  net::ws_client_context_options o;
  o.ca_file = f.cert;
  net::lean_ws_client_context ctx(io, o);
  net::ws_connect_options co;
  co.connect_timeout = 300ms;  // the bare server never answers the upgrade
  tls_recorder by_name(ctx);
  run_to_close(io, by_name, url_on("wss://localhost", port), co);
  CHECK(by_name.last_close.phase == net::close_phase::ws_upgrade);  // TLS was done
  CHECK(by_name.last_close.error == errc::connect_timeout);
  tls_recorder by_ip(ctx);
  run_to_close(io, by_ip, url_on("wss://127.0.0.1", port), co);
  CHECK(by_ip.last_close.phase == net::close_phase::ws_upgrade);
  CHECK(handshakes == 2);
  REQUIRE(names.size() == 2);
  CHECK(names[0] == "localhost");
  CHECK(names[1].empty());
}

TEST_CASE("lean wss: a self-signed certificate fails verification by default",
          "[net][integration][lean][tls]") {
  tls_certs f;
  asio::io_context io;
  echo_server srv(io, f.server_options());
  net::lean_ws_client_context ctx(io);  // the system CA store
  tls_recorder c(ctx);
  run_to_close(io, c, srv.url());
  CHECK(c.last_close.phase == net::close_phase::tls_handshake);
  CHECK(c.last_close.error == errc::certificate_rejected);
  CHECK(relayload::classify(c.last_close.error) == condition::tls_verification);
  CHECK(c.last_close.tls_verify_result == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
  CHECK(c.last_close.tls_verify_reason == "self-signed certificate");
  CHECK(srv.opened.empty());
}

TEST_CASE("lean wss: a trusted certificate for another name is refused",
          "[net][integration][lean][tls]") {
  tls_certs f;
  asio::io_context io;
  echo_server srv(io, f.server_options(/*other=*/true));  // only DNS:relay.test
  net::ws_client_context_options o;
  o.ca_file = f.other_cert;  // trusted
  net::lean_ws_client_context ctx(io, o);

  SECTION("by IP address") {
    tls_recorder c(ctx);
    run_to_close(io, c, srv.url());
    CHECK(c.last_close.phase == net::close_phase::tls_handshake);
    CHECK(c.last_close.error == errc::certificate_rejected);
    CHECK(c.last_close.tls_verify_result == X509_V_ERR_IP_ADDRESS_MISMATCH);
    CHECK(c.last_close.tls_verify_reason == "IP address mismatch");
  }
  SECTION("by host name") {
    tls_recorder c(ctx);
    run_to_close(io, c, url_on("wss://localhost", srv.server.port()));
    CHECK(c.last_close.phase == net::close_phase::tls_handshake);
    CHECK(c.last_close.error == errc::certificate_rejected);
    CHECK(c.last_close.tls_verify_result == X509_V_ERR_HOSTNAME_MISMATCH);
    CHECK(c.last_close.tls_verify_reason == "hostname mismatch");
  }
  CHECK(srv.opened.empty());
}

TEST_CASE("lean wss: an expired certificate is refused with OpenSSL's reason",
          "[net][integration][lean][tls]") {
  temp_dir dir;
  const std::string cert = dir.file("expired.pem");
  const std::string key = dir.file("expired-key.pem");
  make_self_signed(cert, key, "IP:127.0.0.1", -std::chrono::hours(1));
  net::ws_server_options so;
  so.tls_certificate_file = cert;
  so.tls_private_key_file = key;
  asio::io_context io;
  echo_server srv(io, so);
  net::ws_client_context_options o;
  o.ca_file = cert;
  net::lean_ws_client_context ctx(io, o);
  tls_recorder c(ctx);
  run_to_close(io, c, srv.url());
  CHECK(c.last_close.error == errc::certificate_rejected);
  CHECK(c.last_close.tls_verify_result == X509_V_ERR_CERT_HAS_EXPIRED);
  CHECK(c.last_close.tls_verify_reason == "certificate has expired");
}

TEST_CASE("lean wss: insecure skips verification of the certificate and the name",
          "[net][integration][lean][tls]") {
  tls_certs f;
  asio::io_context io;
  echo_server srv(io, f.server_options(/*other=*/true));  // untrusted, another name
  net::ws_client_context_options o;
  o.insecure = true;
  net::lean_ws_client_context ctx(io, o);
  tls_recorder c(ctx);
  REQUIRE_FALSE(c.client->connect(srv.url()));
  REQUIRE(run_until(io, [&] { return c.opens == 1 || c.closes == 1; }));
  REQUIRE(c.opens == 1);
  REQUIRE_FALSE(c.client->send("insecure"));
  REQUIRE(run_until(io, [&] { return c.messages.size() == 1 || c.closes == 1; }));
  CHECK(c.messages == std::vector<std::string>{"insecure"});
  REQUIRE_FALSE(srv.server.close(srv.opened.at(0), 3501, "bye"));
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  CHECK(c.last_close.clean());
  CHECK(c.last_close.remote_code == 3501);
  CHECK(c.last_close.remote_reason == "bye");
}

TEST_CASE("lean wss: an unreadable ca_file is refused by connect, ws:// still works",
          "[net][integration][lean][tls]") {
  asio::io_context io;
  echo_server plain(io);
  net::ws_client_context_options o;
  o.ca_file = "/nonexistent/relayload-ca.pem";
  net::lean_ws_client_context ctx(io, o);
  tls_recorder c(ctx);
  CHECK(c.client->connect(*net::ws_url::parse("wss://127.0.0.1:1/")) == errc::invalid_argument);
  run_for(io, 20ms);
  CHECK(c.closes == 0);
  CHECK(c.client->state() == net::ws_client_state::idle);
  // The TLS context is needed only by wss://.
  REQUIRE_FALSE(c.client->connect(plain.url()));
  REQUIRE(run_until(io, [&] { return c.opens == 1 || c.closes == 1; }));
  CHECK(c.opens == 1);
}

TEST_CASE("lean wss: handshake failures and the deadline over the handshake",
          "[net][integration][lean][tls]") {
  asio::io_context io;
  net::ws_client_context_options o;
  o.insecure = true;
  net::lean_ws_client_context ctx(io, o);

  SECTION("a plain WebSocket server answers the ClientHello: tls_handshake_failed") {
    net::ws_server_options so;
    so.handshake_timeout = 500ms;
    echo_server plain(io, so);
    tls_recorder c(ctx);
    run_to_close(io, c, url_on("wss://127.0.0.1", plain.server.port()));
    CHECK(c.last_close.phase == net::close_phase::tls_handshake);
    CHECK(c.last_close.error == errc::tls_handshake_failed);
    CHECK(c.last_close.tls_verify_result == 0);
    CHECK(plain.opened.empty());
  }
  SECTION("a server that accepts TCP and never answers: connect_timeout in tls_handshake") {
    asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
    asio::ip::tcp::socket held(io);
    silent.async_accept(held, [](const std::error_code&) {});
    tls_recorder c(ctx);
    net::ws_connect_options co;
    co.connect_timeout = 300ms;
    run_to_close(io, c, url_on("wss://127.0.0.1", silent.local_endpoint().port()), co);
    CHECK(c.last_close.phase == net::close_phase::tls_handshake);
    CHECK(c.last_close.error == errc::connect_timeout);
  }
  SECTION("a TCP close during the handshake: tls_handshake_failed") {
    asio::ip::tcp::acceptor closing(io, {asio::ip::make_address("127.0.0.1"), 0});
    asio::ip::tcp::socket peer(io);
    closing.async_accept(peer, [&](const std::error_code& ec) {
      if (!ec) peer.close();
    });
    tls_recorder c(ctx);
    run_to_close(io, c, url_on("wss://127.0.0.1", closing.local_endpoint().port()));
    CHECK(c.last_close.phase == net::close_phase::tls_handshake);
    CHECK(c.last_close.error == errc::tls_handshake_failed);
  }
}

TEST_CASE("lean wss: abort and destruction during the handshake",
          "[net][integration][lean][tls]") {
  tls_certs f;
  asio::io_context io;
  echo_server srv(io, f.server_options());
  net::ws_client_context_options o;
  o.ca_file = f.cert;
  net::lean_ws_client_context ctx(io, o);

  SECTION("abort while connecting: cancelled, once") {
    tls_recorder c(ctx);
    REQUIRE_FALSE(c.client->connect(srv.url()));
    run_for(io, 1ms);  // somewhere in TCP or TLS
    REQUIRE_FALSE(c.client->abort());
    REQUIRE(run_until(io, [&] { return c.closes == 1; }));
    run_for(io, 50ms);
    CHECK(c.closes == 1);
    CHECK(c.last_close.error == errc::cancelled);
  }
  SECTION("abort while open: cancelled, once") {
    tls_recorder c(ctx);
    REQUIRE_FALSE(c.client->connect(srv.url()));
    REQUIRE(run_until(io, [&] { return c.opens == 1 || c.closes == 1; }));
    REQUIRE(c.opens == 1);
    REQUIRE_FALSE(c.client->abort());
    REQUIRE(run_until(io, [&] { return c.closes == 1; }));
    run_for(io, 50ms);
    CHECK(c.closes == 1);
    CHECK(c.last_close.error == errc::cancelled);
    CHECK(c.last_close.local_code == net::close_code::abnormal);
  }
  SECTION("destroyed while the handshake is pending: no event, nothing left behind") {
    std::vector<std::unique_ptr<tls_recorder>> cs;
    for (int i = 0; i < 10; ++i) {
      cs.push_back(std::make_unique<tls_recorder>(ctx));
      REQUIRE_FALSE(cs.back()->client->connect(srv.url()));
    }
    run_for(io, 2ms);
    int closes = 0;
    for (auto& c : cs) {
      closes += c->closes;
      c->client.reset();
    }
    CHECK(closes == 0);
    run_for(io, 200ms);  // the pending operations end without their clients
    // The server's connections end too.
    tls_recorder after(ctx);
    REQUIRE_FALSE(after.client->connect(srv.url()));
    REQUIRE(run_until(io, [&] { return after.opens == 1 || after.closes == 1; }));
    CHECK(after.opens == 1);
  }
}

TEST_CASE("lean wss: 50 connections share the read buffer and the TLS context",
          "[net][integration][lean][tls]") {
  tls_certs f;
  asio::io_context io;
  echo_server srv(io, f.server_options());
  net::ws_client_context_options o;
  o.ca_file = f.cert;
  net::lean_ws_client_context ctx(io, o);
  constexpr int n = 50;
  std::vector<std::unique_ptr<tls_recorder>> cs;
  for (int i = 0; i < n; ++i) {
    cs.push_back(std::make_unique<tls_recorder>(ctx));
    REQUIRE_FALSE(cs.back()->client->connect(srv.url()));
  }
  const auto all = [&](auto pred) {
    for (auto& c : cs) {
      if (!pred(*c)) return false;
    }
    return true;
  };
  REQUIRE(run_until(io, [&] { return all([](tls_recorder& c) { return c.opens + c.closes > 0; }); },
                    20s));
  REQUIRE(all([](tls_recorder& c) { return c.opens == 1; }));
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < 5; ++k) {
      REQUIRE_FALSE(cs[i]->client->send("c" + std::to_string(i) + "-" + std::to_string(k)));
    }
  }
  REQUIRE(run_until(io, [&] { return all([](tls_recorder& c) { return c.messages.size() == 5; }); },
                    20s));
  for (int i = 0; i < n; ++i) {
    CHECK(cs[i]->messages.front() == "c" + std::to_string(i) + "-0");
    CHECK(cs[i]->messages.back() == "c" + std::to_string(i) + "-4");
  }
  for (auto& c : cs) REQUIRE_FALSE(c->client->close());
  REQUIRE(run_until(io, [&] { return all([](tls_recorder& c) { return c.closes == 1; }); }, 20s));
  CHECK(all([](tls_recorder& c) { return c.last_close.clean(); }));
}
