#include <catch2/catch.hpp>

#include <asio/error.hpp>
#include <cerrno>
#include <ios>
#include <string>

#include "relayload/error.hpp"
#include "relayload/result.hpp"

using relayload::condition;
using relayload::errc;

TEST_CASE("errc converts to std::error_code with a readable message", "[base]") {
  std::error_code ec = errc::reply_timeout;
  CHECK(ec.category().name() == std::string("relayload"));
  CHECK(ec.message() == "reply timeout");
  CHECK(relayload::to_string(errc::reply_timeout) == std::string("reply_timeout"));
}

TEST_CASE("errc maps onto the coarse conditions metrics count by", "[base]") {
  CHECK(std::error_code(errc::malformed_json) == condition::protocol_violation);
  CHECK(std::error_code(errc::server_error) == condition::remote_rejected);
  CHECK(std::error_code(errc::reply_timeout) == condition::timed_out);
  CHECK(std::error_code(errc::source_exhausted) == condition::local_resource);
  CHECK(std::error_code(errc::source_exhausted) != condition::transport_failure);
}

TEST_CASE("a certificate this side refused is its own cause and condition", "[base]") {
  const std::error_code cert = errc::certificate_rejected;
  CHECK(relayload::to_string(errc::certificate_rejected) == std::string("certificate_rejected"));
  CHECK(relayload::to_string(condition::tls_verification) == std::string("tls_verification"));
  CHECK(cert == condition::tls_verification);
  CHECK(cert != condition::remote_rejected);  // the relay did not say no: we did
  CHECK(relayload::classify(cert) == condition::tls_verification);
  CHECK(cert.message().find("certificate") != std::string::npos);
  // Other TLS failures stay the peer's refusal.
  CHECK(std::error_code(errc::tls_handshake_failed) == condition::remote_rejected);
  // Values are stable: appended after tls_handshake_failed, the conditions after invalid_input.
  CHECK(static_cast<int>(errc::certificate_rejected) ==
        static_cast<int>(errc::tls_handshake_failed) + 1);
  CHECK(static_cast<int>(condition::tls_verification) ==
        static_cast<int>(condition::invalid_input) + 1);
}

TEST_CASE("system and Asio codes pass through unchanged and still classify", "[base]") {
  const std::error_code refused = asio::error::connection_refused;
  CHECK(refused == condition::transport_failure);
  CHECK(std::error_code(EMFILE, std::system_category()) == condition::local_resource);
  CHECK(std::error_code(asio::error::eof) == condition::transport_failure);
  CHECK_FALSE(relayload::classify(std::error_code{}));
}

TEST_CASE("result<T> holds a value or an error", "[base]") {
  relayload::result<int> ok = 42;
  REQUIRE(ok.has_value());
  CHECK(*ok == 42);
  CHECK_FALSE(ok.error());

  relayload::result<int> bad = relayload::unexpected(errc::corrupt_data);
  CHECK_FALSE(bad.has_value());
  CHECK(bad.error() == errc::corrupt_data);
  CHECK(bad.value_or(7) == 7);
  CHECK_THROWS_AS(bad.value(), std::system_error);

  relayload::result<void> fine;
  CHECK(fine.has_value());
  relayload::result<void> failed = relayload::unexpected(errc::cancelled);
  CHECK(failed.error() == errc::cancelled);
  CHECK_THROWS_AS(failed.value(), std::system_error);
}

TEST_CASE("to_string(error_code) names every code stably", "[base]") {
  using relayload::to_string;
  // relayload codes: the errc names.
  CHECK(to_string(std::error_code(errc::reply_timeout)) == "reply_timeout");
  CHECK(to_string(std::error_code(errc::certificate_rejected)) ==
        to_string(errc::certificate_rejected));
  // Everyday socket errors by name, whichever category carries them.
  CHECK(to_string(std::make_error_code(std::errc::connection_refused)) == "connection_refused");
  CHECK(to_string(std::error_code(ECONNRESET, std::system_category())) == "connection_reset");
  CHECK(to_string(asio::error::make_error_code(asio::error::connection_refused)) ==
        "connection_refused");
  CHECK(to_string(asio::error::make_error_code(asio::error::eof)) == "eof");
  CHECK(to_string(asio::error::make_error_code(asio::error::host_not_found)) == "dns_1");
  // Anything else: "<category>:<value>".
  CHECK(to_string(std::error_code(EDOM, std::generic_category())) ==
        "generic:" + std::to_string(EDOM));
  CHECK(to_string(std::error_code(1234, std::iostream_category())) == "iostream:1234");
  CHECK(to_string(std::error_code()) == "system:0");
}
