// The error taxonomy of connection attempts: which causes are permanent (the client stops at
// once, counted once under its cause) and which are transient (backoff), and the pre-flight
// probe's diagnosis built from a failure. Deterministic: no sockets, fake transport and clock.
#include <openssl/x509_vfy.h>
#include <catch2/catch.hpp>

#include <asio/error.hpp>
#include <optional>
#include <string>
#include <vector>

#include "fake_transport.hpp"
#include "relayload/client/centrifuge_client.hpp"
#include "relayload/client/probe.hpp"
#include "relayload/client/reconnect_decision.hpp"
#include "relayload/error.hpp"

using namespace relayload;
using namespace relayload::client;
using namespace relayload::client::test;

namespace {

net::close_info attempt_failure(std::error_code ec, net::close_phase phase, int status = 0) {
  net::close_info info;
  info.phase = phase;
  info.error = ec;
  info.detail = ec;
  info.http_status = status;
  return info;
}

net::close_info rejected_certificate(long verify, std::string reason) {
  net::close_info info =
      attempt_failure(make_error_code(errc::certificate_rejected), net::close_phase::tls_handshake);
  info.tls_verify_result = verify;
  info.tls_verify_reason = std::move(reason);
  return info;
}

net::close_info http_refusal(int status, std::string reason) {
  net::close_info info = attempt_failure(make_error_code(errc::handshake_rejected),
                                         net::close_phase::ws_upgrade, status);
  info.http_reason = std::move(reason);
  return info;
}

const net::ws_url tls_url = *net::ws_url::parse("wss://127.0.0.1:8443/connection/websocket");
const net::ws_url plain_url = *net::ws_url::parse("ws://relay.test:8000/connection/websocket");

probe_failure transport_failure(net::close_info info, std::uint32_t attempts = 1,
                                std::chrono::milliseconds elapsed = std::chrono::milliseconds(0)) {
  probe_failure f;
  f.error.error = info.error;
  f.transport = std::move(info);
  f.attempts = attempts;
  f.elapsed = elapsed;
  return f;
}

client_options test_options() {
  client_options o = client_options::raw_scenario();
  o.url = plain_url;
  return o;
}

}  // namespace

TEST_CASE("on_attempt_failure: permanent causes stop, transient ones reconnect",
          "[client][errors]") {
  using d = reconnect_decision;
  const auto refused = std::make_error_code(std::errc::connection_refused);
  CHECK(on_attempt_failure(rejected_certificate(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
                                                "self-signed certificate")) == d::stop);
  CHECK(on_attempt_failure(http_refusal(404, "Not Found")) == d::stop);
  CHECK(on_attempt_failure(http_refusal(403, "Forbidden")) == d::stop);
  CHECK(on_attempt_failure(http_refusal(401, "Unauthorized")) == d::stop);
  CHECK(on_attempt_failure(http_refusal(400, "Bad Request")) == d::stop);
  CHECK(on_attempt_failure(attempt_failure(make_error_code(errc::invalid_argument),
                                           net::close_phase::tcp_connect)) == d::stop);
  // Transient: overload, rate limits, the network, timeouts, DNS, other TLS failures.
  CHECK(on_attempt_failure(http_refusal(503, "Service Unavailable")) == d::reconnect);
  CHECK(on_attempt_failure(http_refusal(500, "Internal Server Error")) == d::reconnect);
  CHECK(on_attempt_failure(http_refusal(429, "Too Many Requests")) == d::reconnect);
  CHECK(on_attempt_failure(http_refusal(408, "Request Timeout")) == d::reconnect);
  CHECK(on_attempt_failure(attempt_failure(make_error_code(errc::handshake_rejected),
                                           net::close_phase::ws_upgrade)) == d::reconnect);
  CHECK(on_attempt_failure(attempt_failure(refused, net::close_phase::tcp_connect)) ==
        d::reconnect);
  CHECK(on_attempt_failure(attempt_failure(make_error_code(errc::connect_timeout),
                                           net::close_phase::tcp_connect)) == d::reconnect);
  CHECK(on_attempt_failure(attempt_failure(asio::error::host_not_found,
                                           net::close_phase::resolve)) == d::reconnect);
  CHECK(on_attempt_failure(attempt_failure(make_error_code(errc::tls_handshake_failed),
                                           net::close_phase::tls_handshake)) == d::reconnect);
  // A connection that was open is never judged by this rule (close codes decide).
  CHECK(on_attempt_failure(attempt_failure(make_error_code(errc::certificate_rejected),
                                           net::close_phase::open)) == d::reconnect);
}

TEST_CASE("a rejected certificate stops the client at once, counted once under its cause",
          "[client][errors]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  int errors = 0;
  std::optional<connect_outcome> outcome;
  std::optional<stop_reason> stopped;
  c.callbacks().on_error = [&](const client_error& e) {
    ++errors;
    CHECK(e.cause() == "certificate_rejected");
    CHECK(e.condition_of() == condition::tls_verification);
  };
  c.callbacks().on_outcome = [&](const connect_outcome& o) { outcome = o; };
  c.callbacks().on_stopped = [&](stop_reason r, const client_error&) { stopped = r; };
  REQUIRE(!c.connect());
  h.pump();
  h.last().fail_with(
      rejected_certificate(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, "self-signed certificate"));
  h.pump();
  CHECK(c.state() == client_state::stopped);
  REQUIRE(outcome);
  CHECK(outcome->kind == outcome_kind::failed);
  CHECK(outcome->cause.cause() == "certificate_rejected");
  CHECK(outcome->retries == 0);
  REQUIRE(stopped);
  CHECK(*stopped == stop_reason::terminal);
  h.advance(std::chrono::seconds(60));  // no retry storm: nothing more happens
  CHECK(errors == 1);
  CHECK(c.attempts() == 1);
  CHECK(h.transports.size() == 1);
}

TEST_CASE("an upgrade answered 404 stops, 503 and refused keep today's backoff",
          "[client][errors]") {
  SECTION("404") {
    harness h;
    centrifuge_client c(h.ctx, test_options());
    REQUIRE(!c.connect());
    h.pump();
    h.last().fail_with(http_refusal(404, "Not Found"));
    h.pump();
    CHECK(c.state() == client_state::stopped);
    h.advance(std::chrono::seconds(60));
    CHECK(c.attempts() == 1);
  }
  SECTION("503") {
    harness h;
    centrifuge_client c(h.ctx, test_options());
    REQUIRE(!c.connect());
    h.pump();
    h.last().fail_with(http_refusal(503, "Service Unavailable"));
    h.pump();
    CHECK(c.state() == client_state::waiting);
    h.advance(std::chrono::seconds(6));  // raw backoff: at most 5 s
    CHECK(c.attempts() == 2);
  }
  SECTION("refused") {
    harness h;
    centrifuge_client c(h.ctx, test_options());
    REQUIRE(!c.connect());
    h.pump();
    h.last().fail(std::make_error_code(std::errc::connection_refused));
    h.pump();
    CHECK(c.state() == client_state::waiting);
    h.advance(std::chrono::seconds(6));
    CHECK(c.attempts() == 2);
  }
}

TEST_CASE("on_attempt_failed gives each failed attempt's close_info and whether it is retried",
          "[client][errors]") {
  harness h;
  centrifuge_client c(h.ctx, test_options());
  struct seen {
    client_error error;
    std::optional<net::close_info> transport;
    bool will_retry = false;
  };
  std::vector<seen> attempts;
  int errors = 0;
  c.callbacks().on_attempt_failed = [&](const client_error& e, const net::close_info* t,
                                        bool will_retry) {
    CHECK(errors == static_cast<int>(attempts.size()));  // just before on_error
    attempts.push_back({e, t != nullptr ? std::optional<net::close_info>(*t) : std::nullopt,
                        will_retry});
  };
  c.callbacks().on_error = [&](const client_error&) { ++errors; };
  REQUIRE(!c.connect());
  h.pump();
  h.last().fail_with(http_refusal(503, "Service Unavailable"));
  h.pump();
  h.advance(std::chrono::seconds(6));  // the redial
  REQUIRE(c.attempts() == 2);
  h.last().fail_with(http_refusal(404, "Not Found"));
  h.pump();
  REQUIRE(attempts.size() == 2);
  CHECK(errors == 2);
  CHECK(attempts[0].error.cause() == "handshake_rejected");
  REQUIRE(attempts[0].transport);
  CHECK(attempts[0].transport->http_status == 503);
  CHECK(attempts[0].will_retry);
  REQUIRE(attempts[1].transport);
  CHECK(attempts[1].transport->http_status == 404);
  CHECK(attempts[1].transport->http_reason == "Not Found");
  CHECK_FALSE(attempts[1].will_retry);  // permanent: the client stops
  CHECK(c.state() == client_state::stopped);
  // The probe's verdict on the same attempt agrees.
  probe_failure f;
  f.error = attempts[1].error;
  f.transport = attempts[1].transport;
  CHECK(diagnose(c.options().url, f).permanent);
}

TEST_CASE("diagnose: certificate problems name OpenSSL's reason and hint at --ca-file",
          "[client][probe]") {
  const probe_result self_signed =
      diagnose(tls_url, transport_failure(rejected_certificate(
                            X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, "self-signed certificate")));
  CHECK_FALSE(self_signed.ok);
  CHECK(self_signed.error == errc::certificate_rejected);
  CHECK(self_signed.cause == "certificate_rejected");
  CHECK(self_signed.cls == condition::tls_verification);
  CHECK(self_signed.permanent);
  CHECK(self_signed.diagnosis ==
        "TLS certificate of 127.0.0.1:8443 rejected: self-signed certificate");
  CHECK(self_signed.hint.find("--ca-file") != std::string::npos);
  CHECK(self_signed.hint.find("--insecure") != std::string::npos);

  const probe_result unknown_ca = diagnose(
      tls_url, transport_failure(rejected_certificate(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                                                      "unable to get local issuer certificate")));
  CHECK(unknown_ca.diagnosis ==
        "TLS certificate of 127.0.0.1:8443 rejected: unable to get local issuer certificate");
  CHECK(unknown_ca.hint.find("--ca-file") != std::string::npos);

  const probe_result expired =
      diagnose(tls_url, transport_failure(rejected_certificate(X509_V_ERR_CERT_HAS_EXPIRED,
                                                               "certificate has expired")));
  CHECK(expired.diagnosis == "TLS certificate of 127.0.0.1:8443 rejected: certificate has expired");
  CHECK(expired.hint.find("renew") != std::string::npos);

  const probe_result name =
      diagnose(tls_url, transport_failure(rejected_certificate(X509_V_ERR_IP_ADDRESS_MISMATCH,
                                                               "IP address mismatch")));
  CHECK(name.diagnosis == "TLS certificate of 127.0.0.1:8443 rejected: IP address mismatch");
  CHECK(name.hint.find("another name") != std::string::npos);
}

TEST_CASE("diagnose: a refused upgrade shows its status line", "[client][probe]") {
  const probe_result not_found =
      diagnose(plain_url, transport_failure(http_refusal(404, "Not Found")));
  CHECK(not_found.cause == "handshake_rejected");
  CHECK(not_found.cls == condition::remote_rejected);
  CHECK(not_found.permanent);
  CHECK(
      not_found.diagnosis ==
      "WebSocket upgrade of ws://relay.test:8000/connection/websocket refused: HTTP 404 Not Found");
  CHECK(not_found.hint.find("path") != std::string::npos);

  const probe_result forbidden =
      diagnose(plain_url, transport_failure(http_refusal(403, "Forbidden")));
  CHECK(forbidden.permanent);
  CHECK(forbidden.hint.find("Origin") != std::string::npos);

  // 5xx is transient: the line says what was tried.
  const probe_result unavailable =
      diagnose(plain_url, transport_failure(http_refusal(503, "Service Unavailable"), 3,
                                            std::chrono::milliseconds(600)));
  CHECK_FALSE(unavailable.permanent);
  CHECK(unavailable.diagnosis ==
        "WebSocket upgrade of ws://relay.test:8000/connection/websocket refused: HTTP 503 "
        "Service Unavailable (3 attempts in 0.6 s)");
}

TEST_CASE("diagnose: Centrifugo refusals at connect carry their code's name", "[client][probe]") {
  probe_failure closed;
  closed.error.error = make_error_code(errc::disconnected);
  closed.error.close_code = 3500;
  net::close_info info;
  info.remote_code = 3500;
  info.remote_reason = "invalid token";
  closed.transport = info;
  const probe_result invalid_token = diagnose(plain_url, closed);
  CHECK(invalid_token.cause == "close_3500");
  CHECK(invalid_token.permanent);
  CHECK(invalid_token.diagnosis ==
        "relay closed the connection at connect: 3500 \"invalid token\"");
  CHECK(invalid_token.hint.find("--token-hmac-secret") != std::string::npos);

  closed.error.close_code = 3501;
  const probe_result bad_request = diagnose(plain_url, closed);
  CHECK(bad_request.cause == "close_3501");
  CHECK(bad_request.diagnosis == "relay closed the connection at connect: 3501 \"bad request\"");

  // A transient close code at connect (3004 internal) is not a verdict.
  closed.error.close_code = 3004;
  const probe_result internal = diagnose(plain_url, closed);
  CHECK_FALSE(internal.permanent);
  CHECK(
      internal.diagnosis ==
      "relay closed the connection at connect: 3004 \"internal server error\" (1 attempt in 0 s)");

  probe_failure reply;
  reply.error.error = make_error_code(errc::server_error);
  reply.error.server_code = 101;
  const probe_result unauthorized = diagnose(plain_url, reply);
  CHECK(unauthorized.cause == "server_error_101");
  CHECK(unauthorized.cls == condition::remote_rejected);
  CHECK(unauthorized.permanent);
  CHECK(unauthorized.diagnosis == "relay refused the connect: error 101 \"unauthorized\"");

  // 109: a fresh token may pass (centrifuge-js refreshes), the same fixed token never will.
  reply.error.server_code = 109;
  reply.attempts = 3;
  reply.elapsed = std::chrono::milliseconds(520);
  const probe_result expired_fresh = diagnose(plain_url, reply);
  CHECK_FALSE(expired_fresh.permanent);
  CHECK(expired_fresh.diagnosis ==
        "relay refused the connect: error 109 \"token expired\" (3 attempts in 0.52 s)");
  reply.fixed_token = true;
  const probe_result expired_fixed = diagnose(plain_url, reply);
  CHECK(expired_fixed.permanent);
  CHECK(expired_fixed.diagnosis == "relay refused the connect: error 109 \"token expired\"");
  CHECK(expired_fixed.hint.find("--token") != std::string::npos);
}

TEST_CASE("diagnose: DNS, refused and timeouts are transient and say what was tried",
          "[client][probe]") {
  const probe_result refused = diagnose(
      plain_url,
      transport_failure(attempt_failure(std::make_error_code(std::errc::connection_refused),
                                        net::close_phase::tcp_connect),
                        3, std::chrono::milliseconds(503)));
  CHECK(refused.cause == "connection_refused");
  CHECK(refused.cls == condition::transport_failure);
  CHECK_FALSE(refused.permanent);
  CHECK(refused.diagnosis == "connection refused by relay.test:8000 (3 attempts in 0.503 s)");
  CHECK(refused.hint == "is the relay running and listening on port 8000?");

  const probe_result dns = diagnose(
      plain_url,
      transport_failure(attempt_failure(asio::error::host_not_found, net::close_phase::resolve), 2,
                        std::chrono::milliseconds(250)));
  CHECK(dns.cause == "dns_1");
  CHECK_FALSE(dns.permanent);
  CHECK(dns.diagnosis.rfind("cannot resolve relay.test: ", 0) == 0);
  CHECK(dns.diagnosis.find("(2 attempts in 0.25 s)") != std::string::npos);

  const probe_result timeout =
      diagnose(plain_url, transport_failure(attempt_failure(make_error_code(errc::connect_timeout),
                                                            net::close_phase::tcp_connect),
                                            1, std::chrono::milliseconds(5000)));
  CHECK(timeout.cause == "connect_timeout");
  CHECK(timeout.cls == condition::timed_out);
  CHECK(timeout.diagnosis ==
        "connecting to relay.test:8000 timed out during the TCP connect (1 attempt in 5 s)");

  probe_failure silent;
  silent.error.error = make_error_code(errc::reply_timeout);
  silent.elapsed = std::chrono::milliseconds(2000);
  CHECK(diagnose(plain_url, silent).diagnosis ==
        "relay.test:8000 opened the WebSocket but sent no reply to the connect command "
        "(1 attempt in 2 s)");
}

TEST_CASE("probe: unusable options fail at once, permanent, naming the problem",
          "[client][probe]") {
  probe_options o;  // no URL
  o.max_attempts = 0;
  const probe_result r = probe(o);
  CHECK_FALSE(r.ok);
  CHECK(r.error == errc::invalid_argument);
  CHECK(r.permanent);
  CHECK(r.attempts == 0);
  CHECK(r.diagnosis.find("no host") != std::string::npos);
  CHECK(r.diagnosis.find("at least 1 attempt") != std::string::npos);
}
