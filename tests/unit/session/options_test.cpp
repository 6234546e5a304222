// validate() of the session layer's option types: every problem at once, none for defaults.
#include <catch2/catch.hpp>

#include "relayload/session/session_options.hpp"
#include "relayload/session/session_pair.hpp"
#include "relayload/session/transport_options.hpp"

using namespace std::chrono_literals;
using namespace relayload::session;

TEST_CASE("session options: defaults are the JS constants and valid", "[session][options]") {
  session_options s;
  CHECK(s.validate().empty());
  CHECK(s.request_ttl == 60s);
  CHECK(s.handshake_grace == 60s);
  CHECK(s.otp_ttl == 60s);
  CHECK(s.session_ttl == std::chrono::hours(24 * 30));
  CHECK(s.max_otp_attempts == 3);
  s.wall = [] { return relayload::unix_time_from_ms(1700000000000); };
  CHECK(relayload::unix_ms(s.wall_now()) == 1700000000000);

  s.request_ttl = 0ms;
  s.otp_ttl = -1ms;
  s.max_otp_attempts = 0;
  CHECK(s.validate().size() == 3);
}

TEST_CASE("transport options: MWP defaults, every problem reported", "[session][options]") {
  transport_options t;
  REQUIRE(t.client);
  CHECK(t.client->call_timeout == 5s);
  CHECK(t.publish_attempts == 5);
  CHECK(t.publish_backoff == 100ms);
  CHECK(t.history_limit == 50);
  // The default client options have no URL yet: that is one problem.
  CHECK(t.validate().size() == 1);
  t.publish_attempts = 0;
  t.subscribe_timeout = -1ms;
  t.history_limit = -1;
  t.client = nullptr;
  CHECK(t.validate().size() == 4);
}

TEST_CASE("pair options: the original's timings by default, every problem reported",
          "[session][options]") {
  pair_options p;
  CHECK(p.validate().empty());
  CHECK(p.wallet_connect_delay == 5s);
  CHECK(p.handshake_timeout == 60s);
  CHECK(p.message_timeout == 30s);
  p.wallet_connect_delay = -1ms;
  p.handshake_timeout = 0ms;
  p.message_timeout = 0ms;
  p.otp_entry_delay = -5ms;
  CHECK(p.validate().size() == 4);
}
