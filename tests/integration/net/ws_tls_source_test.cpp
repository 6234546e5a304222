// wss with a self-signed certificate made by the test, and source-address binding.
#include <catch2/catch.hpp>

#include <openssl/x509_vfy.h>

#include <string>

#include "relayload/error.hpp"
#include "support.hpp"

using namespace net_test;
using relayload::condition;
using relayload::errc;

TEST_CASE("wss: a self-signed certificate fails verification by default",
          "[net][integration][tls]") {
  tls_certs f;
  asio::io_context io;
  echo_server srv(io, f.server_options());
  CHECK(srv.server.url().rfind("wss://127.0.0.1:", 0) == 0);
  net::ws_client_context ctx(io);  // system CA store
  recording_client c(ctx);
  REQUIRE_FALSE(c.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  CHECK(c.opens == 0);
  CHECK(c.last_close.phase == net::close_phase::tls_handshake);
  // This side refused the certificate: its own cause, with OpenSSL's reason.
  CHECK(c.last_close.error == errc::certificate_rejected);
  CHECK(relayload::classify(c.last_close.error) == condition::tls_verification);
  CHECK(c.last_close.tls_verify_result == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
  CHECK(c.last_close.tls_verify_reason == "self-signed certificate");
  CHECK(srv.opened.empty());
  run_for(io, 50ms);
  CHECK(c.closes == 1);
}

TEST_CASE("wss: trusted through ca_file with every phase timed", "[net][integration][tls]") {
  tls_certs f;
  asio::io_context io;
  echo_server srv(io, f.server_options());
  net::ws_client_context_options o;
  o.ca_file = f.cert;
  net::ws_client_context ctx(io, o);
  recording_client c(ctx);
  c.client.callbacks().on_open = [&](const net::connect_timings& t) {
    ++c.opens;
    c.timings = t;
    c.client.send("over tls");
  };
  REQUIRE_FALSE(c.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return c.messages.size() == 1; }));
  CHECK(c.messages[0] == "over tls");
  const auto& t = c.timings;
  CHECK(t.tcp_connected < t.tls_done);  // a real TLS phase
  CHECK(t.tls_done <= t.upgraded);
  CHECK(t.tls_handshake() > std::chrono::nanoseconds(0));

  // By host name too (SNI + name check against DNS:localhost).
  recording_client by_name(ctx);
  REQUIRE_FALSE(by_name.client.connect(*net::ws_url::parse(
      "wss://localhost:" + std::to_string(srv.server.port()) + "/connection/websocket")));
  REQUIRE(run_until(io, [&] { return by_name.opens == 1 || by_name.closes == 1; }));
  CHECK(by_name.opens == 1);

  REQUIRE_FALSE(c.client.close());
  REQUIRE(run_until(io, [&] { return c.closes == 1 && srv.closes.size() == 1; }));
  CHECK(srv.closes[0].info.remote_code == net::close_code::no_status);
}

TEST_CASE("wss: a trusted certificate for another name is refused", "[net][integration][tls]") {
  tls_certs f;
  asio::io_context io;
  echo_server srv(io, f.server_options(/*other=*/true));  // only DNS:relay.test
  net::ws_client_context_options o;
  o.ca_file = f.other_cert;
  net::ws_client_context ctx(io, o);
  recording_client c(ctx);
  REQUIRE_FALSE(c.client.connect(srv.url()));  // connects to 127.0.0.1
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  CHECK(c.opens == 0);
  CHECK(c.last_close.phase == net::close_phase::tls_handshake);
  CHECK(c.last_close.error == errc::certificate_rejected);
  CHECK(c.last_close.tls_verify_result == X509_V_ERR_IP_ADDRESS_MISMATCH);
  CHECK(c.last_close.tls_verify_reason == "IP address mismatch");
}

TEST_CASE("wss: an expired certificate is refused with OpenSSL's reason",
          "[net][integration][tls]") {
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
  o.ca_file = cert;  // trusted, but out of date
  net::ws_client_context ctx(io, o);
  recording_client c(ctx);
  REQUIRE_FALSE(c.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  CHECK(c.last_close.error == errc::certificate_rejected);
  CHECK(c.last_close.tls_verify_result == X509_V_ERR_CERT_HAS_EXPIRED);
  CHECK(c.last_close.tls_verify_reason == "certificate has expired");
}

TEST_CASE("wss: insecure skips verification", "[net][integration][tls]") {
  tls_certs f;
  asio::io_context io;
  echo_server srv(io, f.server_options(/*other=*/true));
  net::ws_client_context_options o;
  o.insecure = true;
  net::ws_client_context ctx(io, o);
  recording_client c(ctx);
  REQUIRE_FALSE(c.client.connect(srv.url()));
  REQUIRE(run_until(io, [&] { return c.opens == 1 || c.closes == 1; }));
  CHECK(c.opens == 1);
  srv.server.close_all(1001, "going away");
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  CHECK(c.last_close.remote_code == 1001);
}

TEST_CASE("wss: a plain ws client talking to a TLS server fails cleanly",
          "[net][integration][tls]") {
  tls_certs f;
  asio::io_context io;
  net::ws_server_options so = f.server_options();
  so.handshake_timeout = 500ms;
  echo_server srv(io, so);
  net::ws_client_context ctx(io);
  recording_client c(ctx);
  net::ws_connect_options co;
  co.connect_timeout = 5s;
  REQUIRE_FALSE(
      c.client.connect(*net::ws_url::parse("ws://127.0.0.1:" + std::to_string(srv.server.port()) +
                                           "/connection/websocket"),
                       co));
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  CHECK(c.opens == 0);
  CHECK_FALSE(c.last_close.clean());
  CHECK(c.last_close.phase == net::close_phase::ws_upgrade);
  CHECK(srv.opened.empty());
}

TEST_CASE("source address binding to 127.0.0.2", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  net::ws_client_context ctx(io);
  recording_client c(ctx);
  net::ws_connect_options o;
  o.source_address = asio::ip::make_address("127.0.0.2");
  REQUIRE_FALSE(c.client.connect(srv.url(), o));
  REQUIRE(run_until(io, [&] { return c.opens == 1 || c.closes == 1; }));
  REQUIRE(c.opens == 1);
  REQUIRE(srv.opened.size() == 1);
  CHECK(srv.server.remote_endpoint(srv.opened[0]).address() == asio::ip::make_address("127.0.0.2"));
  CHECK(c.client.local_endpoint().address() == asio::ip::make_address("127.0.0.2"));
}

TEST_CASE("a source address this host does not have: source_exhausted", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  net::ws_client_context ctx(io);
  recording_client c(ctx);
  net::ws_connect_options o;
  o.source_address = asio::ip::make_address("192.0.2.1");  // TEST-NET-1, never local
  REQUIRE_FALSE(c.client.connect(srv.url(), o));
  CHECK(c.closes == 0);  // reported later, not from inside connect()
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  CHECK(c.opens == 0);
  CHECK(c.last_close.phase == net::close_phase::tcp_connect);
  CHECK(c.last_close.error == errc::source_exhausted);
  CHECK(relayload::classify(c.last_close.error) == condition::local_resource);
}

TEST_CASE("an IPv6 source for an IPv4-only target is refused as invalid", "[net][integration]") {
  asio::io_context io;
  echo_server srv(io);
  net::ws_client_context ctx(io);
  recording_client c(ctx);
  net::ws_connect_options o;
  o.source_address = asio::ip::make_address("::1");
  REQUIRE_FALSE(c.client.connect(srv.url(), o));
  REQUIRE(run_until(io, [&] { return c.closes == 1; }));
  CHECK(c.last_close.error == errc::invalid_argument);
}
