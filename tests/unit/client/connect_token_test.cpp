// Connect tokens: a fixed token and a per-attempt token provider go first in the connect
// request, in centrifuge-js's key order (token, data, name, version); without either the
// frame stays C1 byte for byte.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fake_transport.hpp"
#include "relayload/client/centrifuge_client.hpp"

using namespace relayload;
using namespace relayload::client;
using namespace relayload::client::test;

namespace {

client_options token_options() {
  client_options o = client_options::raw_scenario();
  o.url = *net::ws_url::parse("ws://127.0.0.1:8000/connection/websocket");
  return o;
}

std::string first_frame(harness& h, centrifuge_client& c) {
  REQUIRE(!c.connect());
  h.pump();
  h.last().server_open();
  h.pump();
  REQUIRE(!h.last().sent.empty());
  return h.last().sent.front();
}

}  // namespace

TEST_CASE("connect token: none keeps C1, a fixed token goes first", "[client][frames][token]") {
  {
    harness h;
    centrifuge_client c(h.ctx, token_options());
    CHECK(first_frame(h, c) == R"({"connect":{"name":"js"},"id":1})");
  }
  {
    harness h;
    auto o = token_options();
    o.token = "aaa.bbb.ccc";
    centrifuge_client c(h.ctx, o);
    CHECK(first_frame(h, c) == R"({"connect":{"token":"aaa.bbb.ccc","name":"js"},"id":1})");
  }
  {
    harness h;
    auto o = token_options();
    o.token = "t";
    o.name.clear();
    o.version = "1.0";
    centrifuge_client c(h.ctx, o);
    CHECK(first_frame(h, c) == R"({"connect":{"token":"t","version":"1.0"},"id":1})");
  }
}

TEST_CASE("connect token: the provider is asked on every attempt with the connection index",
          "[client][token]") {
  harness h;
  auto o = token_options();
  o.token = "ignored when a provider is set";
  auto calls = std::make_shared<std::vector<std::uint64_t>>();
  o.token_provider = [calls](std::uint64_t index) {
    calls->push_back(index);
    return "tok-" + std::to_string(index) + "-" + std::to_string(calls->size());
  };
  centrifuge_client c(h.ctx, o, 3);
  c.set_connection_index(41);
  CHECK(first_frame(h, c) == R"({"connect":{"token":"tok-41-1","name":"js"},"id":1})");
  // The relay says the token expired (109): the client reconnects with a fresh token.
  fake_transport& t = h.last();
  t.server_send(R"({"id":1,"error":{"code":109,"message":"token expired"}})");
  h.pump();
  CHECK(c.state() == client_state::waiting);
  h.advance(std::chrono::seconds(6));  // beyond the raw backoff's 5 s cap
  h.last().server_open();
  h.pump();
  REQUIRE(!h.last().sent.empty());
  CHECK(h.last().sent.back() == R"({"connect":{"token":"tok-41-2","name":"js"},"id":2})");
  CHECK(*calls == std::vector<std::uint64_t>{41, 41});
}
