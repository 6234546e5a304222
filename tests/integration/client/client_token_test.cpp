// Connect tokens over real sockets: clients that make HS256 tokens per connection against
// an embedded relay that requires them (relay_config::token_hmac_secret_key).
#include <catch2/catch.hpp>

#include <asio.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "event_loop.hpp"
#include "relay_fixture.hpp"
#include "relayload/auth/token_provider.hpp"
#include "relayload/client/centrifuge_client.hpp"
#include "relayload/client/connection_pool.hpp"
#include "relayload/pacing/constant_rate_schedule.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "transport_param.hpp"

namespace {

using namespace std::chrono_literals;
using namespace relayload;
using namespace relayload::client;
using namespace relayload::test;

constexpr const char* secret = "integration-secret";

std::unique_ptr<relay::embedded_relay> token_relay() {
  relay::relay_config c = relay::relay_config::mwp_default();
  c.token_hmac_secret_key = secret;
  c.allow_anonymous_connect_without_token = false;
  return start_relay(c);
}

client_options options_for(const relay::embedded_relay& r, const std::string& key) {
  client_options o = client_options_for(r);
  o.give_up_after = 3s;
  if (!key.empty()) {
    auth::token_provider_options t;
    t.secret = key;
    t.user = "it-{n}";
    t.ttl = 60s;
    o.token_provider = auth::hs256_token_provider(t);
  }
  return o;
}

connect_outcome connect_once(asio::io_context& io, client_context& ctx, client_options o) {
  centrifuge_client c(ctx, std::move(o));
  std::optional<connect_outcome> outcome;
  c.callbacks().on_outcome = [&](const connect_outcome& x) { outcome = x; };
  REQUIRE(!c.connect());
  REQUIRE(run_until(
      io, [&] { return outcome.has_value(); }, 10s));
  return *outcome;
}

}  // namespace

TEMPLATE_TEST_CASE("tokens: a pool with generated tokens connects to a relay that requires them",
                   "[integration][client][token]", websocketpp_transport, lean_transport) {
  auto relay = token_relay();
  asio::io_context io;
  client_context ctx(io, context_options_for<TestType>());
  pool_options o;
  o.client = options_for(*relay, secret);
  connection_pool pool(ctx, o);
  bool settled = false;
  pool.callbacks().on_settled = [&] { settled = true; };
  REQUIRE(!pool.start(pacing::schedule(*pacing::constant_rate_schedule::spread(20, 200ms)),
                      std::chrono::steady_clock::now()));
  REQUIRE(run_until(
      io, [&] { return settled; }, 30s));
  CHECK(pool.counters().immediate == 20);
  CHECK(relay->stats().connections_connected == 20);
  CHECK(relay->stats().disconnects_by_code.empty());
  std::optional<pool_snapshot> last;
  pool.close_all([&](const pool_snapshot& s) { last = s; });
  REQUIRE(run_until(
      io, [&] { return last.has_value(); }, 10s));
}

TEMPLATE_TEST_CASE("tokens: no token is closed with 3501, a forged one with 3500, neither retries",
                   "[integration][client][token]", websocketpp_transport, lean_transport) {
  auto relay = token_relay();
  asio::io_context io;
  client_context ctx(io, context_options_for<TestType>());

  const auto none = connect_once(io, ctx, options_for(*relay, ""));
  CHECK(none.kind == outcome_kind::failed);
  CHECK(none.cause.close_code == 3501);
  CHECK(none.retries == 0);  // terminal code: centrifuge-js does not reconnect
  CHECK(none.attempts == 1);

  const auto forged = connect_once(io, ctx, options_for(*relay, "not-the-secret"));
  CHECK(forged.kind == outcome_kind::failed);
  CHECK(forged.cause.close_code == 3500);
  CHECK(forged.cause.cause() == "close_3500");
  CHECK(forged.attempts == 1);

  const auto stats = relay->stats();
  CHECK(stats.disconnects_of(3501) == 1);
  CHECK(stats.disconnects_of(3500) == 1);
  CHECK(stats.connections_connected == 0);
}

TEMPLATE_TEST_CASE("tokens: an expired token gets error 109 and the client tries again",
                   "[integration][client][token]", websocketpp_transport, lean_transport) {
  auto relay = token_relay();
  asio::io_context io;
  client_context ctx(io, context_options_for<TestType>());
  auto o = options_for(*relay, "");
  auth::token_provider_options t;
  t.secret = secret;
  t.ttl = 1s;
  // Issued two hours ago: expired on every attempt, so the client keeps refreshing
  // (109 → new token → connect) until it gives up.
  t.wall_clock = [] { return std::chrono::system_clock::now() - 2h; };
  o.token_provider = auth::hs256_token_provider(t);
  o.give_up_after = 1500ms;
  const auto expired = connect_once(io, ctx, o);
  CHECK(expired.kind == outcome_kind::failed);
  REQUIRE_FALSE(expired.errors.empty());
  CHECK(expired.errors.front().server_code == 109);
  CHECK(expired.errors.front().cause() == "server_error_109");
  CHECK(expired.retries >= 1);
  CHECK(relay->stats().errors_of(109) >= 2);
}
