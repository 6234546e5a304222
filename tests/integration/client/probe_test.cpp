// The pre-flight probe over real sockets against the embedded relay (127.0.0.1, port 0): each
// misconfiguration ends the probe with its cause and diagnosis; transient causes are retried.
#include <catch2/catch.hpp>

#include <asio.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "relay_fixture.hpp"
#include "relayload/auth/token_provider.hpp"
#include "relayload/client/probe.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "tls_files.hpp"

namespace {

using namespace std::chrono_literals;
using namespace relayload;
using namespace relayload::client;
using namespace relayload::test;

probe_options probe_of(const std::string& url) {
  probe_options o;
  o.client = client_options::raw_scenario();
  o.client.url = *net::ws_url::parse(url);
  o.client.call_timeout = 5s;
  o.total_timeout = 5s;
  return o;
}

std::string host_port(const relay::embedded_relay& r) {
  return "127.0.0.1:" + std::to_string(r.port());
}

struct tls_relay {
  tls_relay() {
    cert = dir.file("cert.pem");
    key = dir.file("key.pem");
    make_self_signed(cert, key, "IP:127.0.0.1,DNS:localhost");
    relay::embedded_relay_options o;
    o.tls_certificate_file = cert;
    o.tls_private_key_file = key;
    relay = std::make_unique<relay::embedded_relay>(std::move(o));
    relay->start();
  }
  temp_dir dir;
  std::string cert, key;
  std::unique_ptr<relay::embedded_relay> relay;
};

std::unique_ptr<relay::embedded_relay> token_relay() {
  relay::relay_config c = relay::relay_config::mwp_default();
  c.token_hmac_secret_key = "probe-secret";
  c.allow_anonymous_connect_without_token = false;
  return start_relay(c);
}

void sign_with(probe_options& o, const std::string& secret) {
  auth::token_provider_options t;
  t.secret = secret;
  o.client.token_provider = auth::hs256_token_provider(std::move(t));
}

}  // namespace

TEST_CASE("probe: a healthy relay connects at the first attempt", "[client][integration][probe]") {
  auto relay = start_relay();
  const probe_result r = probe(probe_of(relay->url()));
  CHECK(r.ok);
  CHECK(r.attempts == 1);
  CHECK(r.connect_time > 0ns);
  CHECK(r.diagnosis.empty());
  CHECK_FALSE(r.error);
}

TEST_CASE("probe: a self-signed certificate is rejected with OpenSSL's reason",
          "[client][integration][probe][tls]") {
  tls_relay t;
  probe_options o = probe_of(t.relay->url());
  const probe_result r = probe(o);
  CHECK_FALSE(r.ok);
  CHECK(r.cause == "certificate_rejected");
  CHECK(r.cls == condition::tls_verification);
  CHECK(r.permanent);
  CHECK(r.attempts == 1);  // permanent: not retried
  CHECK(r.diagnosis ==
        "TLS certificate of " + host_port(*t.relay) + " rejected: self-signed certificate");
  CHECK(r.hint.find("--ca-file") != std::string::npos);

  o.ws.ca_file = t.cert;
  CHECK(probe(o).ok);
  o.ws.ca_file.clear();
  o.ws.insecure = true;
  CHECK(probe(o).ok);
}

TEST_CASE("probe: a wrong path is an HTTP 404 with its status line",
          "[client][integration][probe]") {
  auto relay = start_relay();
  const std::string url = "ws://" + host_port(*relay) + "/wrong/path";
  const probe_result r = probe(probe_of(url));
  CHECK(r.cause == "handshake_rejected");
  CHECK(r.permanent);
  CHECK(r.attempts == 1);
  CHECK(r.diagnosis == "WebSocket upgrade of " + url + " refused: HTTP 404 Not Found");
}

TEST_CASE("probe: tokens the relay refuses name the Centrifugo code",
          "[client][integration][probe]") {
  auto relay = token_relay();
  probe_options o = probe_of(relay->url());
  SECTION("no token: 3501") {
    const probe_result r = probe(o);
    CHECK(r.cause == "close_3501");
    CHECK(r.permanent);
    CHECK(r.attempts == 1);
    CHECK(r.diagnosis == "relay closed the connection at connect: 3501 \"bad request\"");
  }
  SECTION("wrong secret: 3500") {
    sign_with(o, "another-secret");
    const probe_result r = probe(o);
    CHECK(r.cause == "close_3500");
    CHECK(r.permanent);
    CHECK(r.diagnosis == "relay closed the connection at connect: 3500 \"invalid token\"");
  }
  SECTION("the relay's secret: connected") {
    sign_with(o, "probe-secret");
    CHECK(probe(o).ok);
  }
}

TEST_CASE("probe: a refused connection is retried, then reported with what was tried",
          "[client][integration][probe]") {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t port = a.local_endpoint().port();
  a.close();
  probe_options o = probe_of("ws://127.0.0.1:" + std::to_string(port) + "/connection/websocket");
  o.retry_delay = 50ms;
  const probe_result r = probe(o);
  CHECK_FALSE(r.ok);
  CHECK(r.cause == "connection_refused");
  CHECK_FALSE(r.permanent);
  CHECK(r.attempts == 3);
  CHECK(r.diagnosis.rfind(
            "connection refused by 127.0.0.1:" + std::to_string(port) + " (3 attempts in ", 0) ==
        0);
}
