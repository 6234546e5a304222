// Failure causes at the session level: every failed connect attempt of a dapp_client reaches
// party_callbacks::on_connect_failed with its cause, and a permanent one (HTTP 404 on the
// upgrade, a self-signed certificate) fails the handshake at once instead of redialing until
// give_up_after. Real
// sockets on 127.0.0.1; every wait bounded; assertions on events, not on elapsed time.
#include <catch2/catch.hpp>

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "party_shard.hpp"
#include "relay_fixture.hpp"
#include "relayload/client/run_until.hpp"
#include "relayload/session/dapp_client.hpp"
#include "tls_files.hpp"

namespace {

using namespace std::chrono_literals;
using namespace relayload;
using relayload::client::run_until;
using relayload::test::shard;

/// MWP's client, but one that would redial for ten minutes before giving up: a failure
/// reported sooner than that is the cause itself, not the connect timeout.
client::client_options patient_client() {
  client::client_options o = client::client_options::mwp();
  o.give_up_after = std::chrono::minutes(10);
  o.reconnect.min = 20ms;  // redial quickly, so that several attempts are seen
  o.reconnect.max = 50ms;
  return o;
}

/// A port nothing listens on: bound, then closed again.
std::uint16_t closed_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  const std::uint16_t port = a.local_endpoint().port();
  a.close();
  return port;
}

struct recorder {
  std::vector<session::connect_failure> failures;
  std::optional<session::party_error> error;
  void attach(session::party& p) {
    p.callbacks().on_connect_failed = [this](const session::connect_failure& f) {
      failures.push_back(f);
    };
    p.callbacks().on_error = [this](const session::party_error& e) {
      if (e.fatal && !error) error = e;
    };
  }
};

}  // namespace

TEST_CASE("a refused connect reaches the party with its cause, and the party redials",
          "[session][connect_failure]") {
  shard s("ws://127.0.0.1:" + std::to_string(closed_port()) + "/connection/websocket",
          patient_client());
  session::dapp_client dapp(*s.ctx);
  recorder r;
  r.attach(dapp);
  REQUIRE(dapp.connect({}));
  REQUIRE(run_until(s.io, [&] { return r.failures.size() >= 2 || r.error; }, 20s));
  CHECK_FALSE(r.error);  // transient: no verdict yet, the party still connects
  REQUIRE(r.failures.size() >= 2);
  const session::connect_failure& f = r.failures[0];
  CHECK(f.attempt == 1);
  CHECK(r.failures[1].attempt == 2);
  CHECK(f.error == asio::error::connection_refused);
  CHECK(f.cause == "connection_refused");
  CHECK(f.detail.find("connection refused") != std::string::npos);
  CHECK_FALSE(f.permanent);
  CHECK(f.http_status == 0);
  CHECK(dapp.state() == session::party_state::connecting);
}

TEST_CASE("an upgrade refused with HTTP 404 fails the handshake at once with that cause",
          "[session][connect_failure]") {
  auto relay = test::start_relay();
  auto url = *net::ws_url::parse(relay->url());
  url.target = "/no/such/path";
  shard s(url.to_string(), patient_client());
  session::dapp_client dapp(*s.ctx);
  recorder r;
  r.attach(dapp);
  REQUIRE(dapp.connect({}));
  // give_up_after is ten minutes and the offer wait longer still: only the cause itself can
  // end the handshake within this wait.
  REQUIRE(run_until(s.io, [&] { return r.error.has_value(); }, 30s));
  REQUIRE(r.failures.size() == 1);  // no redial
  const session::connect_failure& f = r.failures[0];
  CHECK(f.attempt == 1);
  CHECK(f.error == make_error_code(errc::handshake_rejected));
  CHECK(f.cause == "handshake_rejected");
  CHECK(f.http_status == 404);
  CHECK(f.detail.find("HTTP 404") != std::string::npos);
  CHECK(f.permanent);
  CHECK(r.error->stage == session::party_stage::connect);
  CHECK(r.error->error == make_error_code(errc::handshake_rejected));
  CHECK(dapp.state() == session::party_state::failed);
}

TEST_CASE("a self-signed relay certificate fails the handshake at once with OpenSSL's reason",
          "[session][connect_failure][tls]") {
  test::temp_dir dir;
  const std::string cert = dir.file("cert.pem");
  const std::string key = dir.file("key.pem");
  test::make_self_signed(cert, key, "IP:127.0.0.1,DNS:localhost");
  relay::embedded_relay_options o;
  o.tls_certificate_file = cert;
  o.tls_private_key_file = key;
  relay::embedded_relay relay(std::move(o));
  relay.start();
  shard s(relay.url(), patient_client());  // wss://, verified against the system trust store
  session::dapp_client dapp(*s.ctx);
  recorder r;
  r.attach(dapp);
  REQUIRE(dapp.connect({}));
  REQUIRE(run_until(s.io, [&] { return r.error.has_value(); }, 30s));
  REQUIRE(r.failures.size() == 1);
  const session::connect_failure& f = r.failures[0];
  CHECK(f.error == make_error_code(errc::certificate_rejected));
  CHECK(f.cause == "certificate_rejected");
  CHECK(f.detail.find("self-signed certificate") != std::string::npos);
  CHECK(f.hint.find("--ca-file") != std::string::npos);
  CHECK(f.permanent);
  CHECK(r.error->error == make_error_code(errc::certificate_rejected));
}
