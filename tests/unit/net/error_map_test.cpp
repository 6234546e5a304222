// websocketpp's error categories are unknown to relayload::classify(); the net layer must
// translate them so that every failure a user sees is counted under a condition.
#include "net/wspp_impl.hpp"  // first: websocketpp needs Asio's deprecated names

#include <catch2/catch.hpp>

#include "net/error_map_impl.hpp"
#include "net/util_impl.hpp"
#include "relayload/error.hpp"

using relayload::condition;
using relayload::errc;
using relayload::net::detail::translate_connect_error;
using relayload::net::detail::translate_error;

namespace {
std::error_condition cls(const std::error_code& ec) { return relayload::classify(ec); }
}  // namespace

TEST_CASE("success stays success", "[net][errors]") {
  CHECK_FALSE(translate_error({}));
  CHECK_FALSE(translate_connect_error({}));
}

TEST_CASE("websocketpp library errors become relayload errc", "[net][errors]") {
  namespace e = websocketpp::error;
  CHECK(translate_error(e::make_error_code(e::open_handshake_timeout)) == errc::connect_timeout);
  CHECK(translate_error(e::make_error_code(e::close_handshake_timeout)) == errc::reply_timeout);
  CHECK(translate_error(e::make_error_code(e::rejected)) == errc::handshake_rejected);
  CHECK(translate_error(e::make_error_code(e::http_parse_error)) == errc::malformed_frame);
  CHECK(translate_error(e::make_error_code(e::invalid_state)) == errc::disconnected);
  CHECK(translate_error(e::make_error_code(e::invalid_close_code)) == errc::invalid_argument);
  CHECK(translate_error(e::make_error_code(e::operation_canceled)) == errc::cancelled);
}

TEST_CASE("websocketpp transport errors become Asio or relayload codes", "[net][errors]") {
  namespace t = websocketpp::transport::error;
  const std::error_code eof = translate_error(t::make_error_code(t::eof));
  CHECK(eof == asio::error::eof);
  CHECK(cls(eof) == condition::transport_failure);
  CHECK(translate_error(t::make_error_code(t::tls_short_read)) == asio::error::eof);
  CHECK(translate_error(t::make_error_code(t::timeout)) == errc::connect_timeout);
  CHECK(translate_error(t::make_error_code(t::operation_aborted)) == errc::cancelled);
  CHECK(translate_error(t::make_error_code(t::pass_through)) == errc::disconnected);
  CHECK(translate_error(t::make_error_code(t::tls_error)) == errc::disconnected);
}

TEST_CASE("TLS handshake failures are tls_handshake_failed, a rejection", "[net][errors]") {
  namespace s = websocketpp::transport::asio::socket::error;
  namespace sock = websocketpp::transport::asio::socket;
  const std::error_code failed = translate_error(sock::make_error_code(s::tls_handshake_failed));
  CHECK(failed == errc::tls_handshake_failed);
  CHECK(cls(failed) == condition::remote_rejected);
  CHECK(translate_error(sock::make_error_code(s::tls_handshake_timeout)) == errc::connect_timeout);
  CHECK(translate_error(sock::make_error_code(s::invalid_tls_context)) == errc::invalid_argument);
  // An OpenSSL error straight from Asio.
  const std::error_code ssl(0x0A000086, asio::error::get_ssl_category());
  CHECK(translate_error(ssl) == errc::tls_handshake_failed);
  CHECK(translate_error(asio::ssl::error::stream_truncated) == asio::error::eof);
}

TEST_CASE("protocol errors map onto the frame errc", "[net][errors]") {
  namespace p = websocketpp::processor::error;
  CHECK(translate_error(p::make_error_code(p::message_too_big)) == errc::frame_too_large);
  CHECK(translate_error(p::make_error_code(p::invalid_utf8)) == errc::invalid_utf8);
  CHECK(translate_error(p::make_error_code(p::invalid_http_status)) == errc::handshake_rejected);
  CHECK(translate_error(p::make_error_code(p::masking_required)) == errc::malformed_frame);
  CHECK(cls(translate_error(p::make_error_code(p::invalid_opcode))) ==
        condition::protocol_violation);
}

TEST_CASE("system codes pass through and are classified", "[net][errors]") {
  const std::error_code refused = asio::error::connection_refused;
  CHECK(translate_error(refused) == refused);
  CHECK(cls(translate_error(refused)) == condition::transport_failure);
  const std::error_code reset = asio::error::connection_reset;
  CHECK(translate_error(reset) == reset);
  CHECK(translate_error(asio::error::operation_aborted) == errc::cancelled);
  CHECK(translate_error(std::error_code(EMFILE, std::system_category())) ==
        errc::too_many_open_files);
  const std::error_code own = errc::connect_timeout;
  CHECK(translate_error(own) == own);
}

TEST_CASE("no local address or port is source_exhausted", "[net][errors]") {
  const std::error_code notavail(EADDRNOTAVAIL, std::system_category());
  CHECK(translate_connect_error(notavail) == errc::source_exhausted);
  CHECK(translate_connect_error(std::error_code(EADDRINUSE, std::system_category())) ==
        errc::source_exhausted);
  CHECK(cls(translate_connect_error(notavail)) == condition::local_resource);
  CHECK(translate_connect_error(asio::error::connection_refused) ==
        asio::error::connection_refused);
}

TEST_CASE("close reasons are cut at 123 bytes on a UTF-8 boundary", "[net][close]") {
  using relayload::net::detail::truncate_close_reason;
  CHECK(truncate_close_reason("bye") == "bye");
  CHECK(truncate_close_reason(std::string(200, 'a')).size() == 123);
  // 122 ASCII bytes then a 2-byte character that would straddle the limit.
  std::string s(122, 'a');
  s += "\xc3\xa9tail";
  const std::string cut = truncate_close_reason(s);
  CHECK(cut.size() == 122);
  CHECK(cut == std::string(122, 'a'));
}

TEST_CASE("only codes allowed on the wire may be sent", "[net][close]") {
  using relayload::net::detail::sendable_close_code;
  CHECK(sendable_close_code(1000));
  CHECK(sendable_close_code(1003));
  CHECK(sendable_close_code(1009));
  CHECK(sendable_close_code(3501));
  CHECK(sendable_close_code(4999));
  CHECK_FALSE(sendable_close_code(999));
  CHECK_FALSE(sendable_close_code(1004));
  CHECK_FALSE(sendable_close_code(1005));
  CHECK_FALSE(sendable_close_code(1006));
  CHECK_FALSE(sendable_close_code(1015));
  CHECK_FALSE(sendable_close_code(2000));
  CHECK_FALSE(sendable_close_code(5000));
}
