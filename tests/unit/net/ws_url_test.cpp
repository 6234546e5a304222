#include <catch2/catch.hpp>

#include <string>

#include "relayload/error.hpp"
#include "relayload/net/ws_url.hpp"

using relayload::errc;
using relayload::net::ws_url;

TEST_CASE("ws_url parses the relay URLs users pass", "[net][url]") {
  auto u = ws_url::parse("wss://mm-sdk-relay.api.cx.metamask.io/connection/websocket");
  REQUIRE(u);
  CHECK(u->tls);
  CHECK(u->host == "mm-sdk-relay.api.cx.metamask.io");
  CHECK(u->port == 443);
  CHECK(u->target == "/connection/websocket");
  CHECK_FALSE(u->host_is_ip());
  CHECK(u->host_header() == "mm-sdk-relay.api.cx.metamask.io");

  u = ws_url::parse("ws://localhost:8000/connection/websocket");
  REQUIRE(u);
  CHECK_FALSE(u->tls);
  CHECK(u->host == "localhost");
  CHECK(u->port == 8000);
  CHECK(u->host_header() == "localhost:8000");
  CHECK(u->to_string() == "ws://localhost:8000/connection/websocket");
}

TEST_CASE("ws_url defaults the port and the path and keeps the query", "[net][url]") {
  auto u = ws_url::parse("ws://127.0.0.1");
  REQUIRE(u);
  CHECK(u->port == 80);
  CHECK(u->target == "/");
  CHECK(u->host_is_ip());
  CHECK(u->to_string() == "ws://127.0.0.1:80/");

  u = ws_url::parse("WSS://Relay.Example:9443?format=json");
  REQUIRE(u);
  CHECK(u->tls);
  CHECK(u->host == "relay.example");  // scheme and host are case-insensitive
  CHECK(u->port == 9443);
  CHECK(u->target == "/?format=json");

  u = ws_url::parse("ws://h/connection/websocket?cf_protocol=json&x=1");
  REQUIRE(u);
  CHECK(u->target == "/connection/websocket?cf_protocol=json&x=1");
}

TEST_CASE("ws_url accepts bracketed IPv6 literals", "[net][url]") {
  auto u = ws_url::parse("ws://[::1]:8000/connection/websocket");
  REQUIRE(u);
  CHECK(u->host == "::1");
  CHECK(u->port == 8000);
  CHECK(u->host_is_ip());
  CHECK(u->host_header() == "[::1]:8000");
  CHECK(u->to_string() == "ws://[::1]:8000/connection/websocket");

  u = ws_url::parse("wss://[2001:db8::7]/");
  REQUIRE(u);
  CHECK(u->port == 443);
  CHECK(u->host_header() == "[2001:db8::7]");
}

TEST_CASE("ws_url rejects what is not a usable ws/wss URL", "[net][url]") {
  const char* bad[] = {
      "",
      "localhost:8000",       // no scheme
      "http://localhost/",    // wrong scheme
      "wss:/relay/",          // malformed separator
      "ws://",                // no host
      "ws:///path",           // empty host
      "ws://:8000/",          // empty host with port
      "ws://host:/",          // empty port
      "ws://host:0/",         // port 0
      "ws://host:65536/",     // port too large
      "ws://host:80a/",       // non-digit port
      "ws://host:123456/",    // too many digits
      "ws://user:pw@host/",   // user info
      "ws://host/path#frag",  // fragment
      "ws://ho st/",          // space
      "ws://host/pa th",      // space in the path
      "ws://host/\x01",       // control character
      "ws://[::1/",           // unclosed bracket
      "ws://[not-an-ip]/",    // bracketed non-IPv6
      "ws://[::1]x/",         // garbage after the bracket
      "ws://host\xc3\xa9/",   // non-ASCII must be encoded
  };
  for (const char* text : bad) {
    INFO(text);
    const auto u = ws_url::parse(text);
    CHECK_FALSE(u);
    CHECK(u.error() == errc::invalid_argument);
  }
}

TEST_CASE("ws_url compares by value", "[net][url]") {
  CHECK(*ws_url::parse("ws://a:1/x") == *ws_url::parse("WS://A:1/x"));
  CHECK(*ws_url::parse("ws://a:1/x") != *ws_url::parse("wss://a:1/x"));
  CHECK(*ws_url::parse("ws://a/x") == *ws_url::parse("ws://a:80/x"));
}
