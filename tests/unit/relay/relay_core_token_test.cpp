// Connect tokens verified as HS256 JWTs with relay_config::token_hmac_secret_key: the
// relay's answers to valid, expired, forged and missing tokens (protocol.md §1.10, §1.11).
#include <catch2/catch.hpp>

#include "golden_frames.hpp"
#include "relay_harness.hpp"
#include "relayload/auth/jwt.hpp"

using namespace relay_test;
namespace auth = relayload::auth;

namespace {

constexpr const char* secret = "relay-secret";
constexpr std::int64_t wall_now = 1800000000;  // the harness's fixed wall clock

relayload::relay::relay_core_hooks fixed_wall_clock() {
  relayload::relay::relay_core_hooks hooks;
  hooks.wall_clock = [] {
    return std::chrono::system_clock::time_point(std::chrono::seconds(wall_now));
  };
  return hooks;
}

relay_config token_config(bool allow_anonymous) {
  relay_config c = relay_config::mwp_default();
  c.token_hmac_secret_key = secret;
  c.allow_anonymous_connect_without_token = allow_anonymous;
  return c;
}

std::string connect_with(const std::string& token, int id = 1) {
  return R"({"connect":{"token":")" + token + R"(","name":"js"},"id":)" + std::to_string(id) + "}";
}

}  // namespace

TEST_CASE("jwt tokens: a valid token connects and its sub is the user", "[relay][connect][jwt]") {
  harness h(token_config(false), fixed_wall_clock());
  h.client_ids = {"c1"};
  h.open(1);
  const auto tok = auth::sign_hs256({"user-42", wall_now + 60, wall_now}, secret);
  const auto reply = h.call1(1, connect_with(tok));
  CHECK(reply.rfind(R"({"id":1,"connect":{"client":"c1")", 0) == 0);
  h.call(1, subscribe_cmd(ss, 2));
  const auto f = h.call1(1, publish_cmd(ss, "1", 3));
  CHECK(lines(f)[0] ==
        R"({"push":{"channel":")" + std::string(ss) +
            R"(","pub":{"data":1,"info":{"user":"user-42","client":"c1"},"offset":1}}})");
  // A token without exp never expires; one without sub is an anonymous user.
  h.open(2);
  CHECK(h.call1(2, connect_with(auth::sign_hs256({"", std::nullopt, std::nullopt}, secret)))
            .find(R"("connect":{"client":)") != std::string::npos);
}

TEST_CASE("jwt tokens: expired → error 109, the connection stays open and may retry",
          "[relay][connect][jwt]") {
  harness h(token_config(false), fixed_wall_clock());
  h.open(1);
  const auto expired = auth::sign_hs256({"user-1", wall_now, wall_now - 3600}, secret);
  CHECK(h.call1(1, connect_with(expired)) ==
        R"({"id":1,"error":{"code":109,"message":"token expired"}})");
  CHECK_FALSE(h.closed(1).has_value());
  // centrifuge-js refreshes the token and connects again.
  const auto fresh = auth::sign_hs256({"user-1", wall_now + 1, wall_now}, secret);
  CHECK(h.call1(1, connect_with(fresh, 2)).rfind(R"({"id":2,"connect":)", 0) == 0);
  const auto s = h.core->stats();
  CHECK(s.errors_of(109) == 1);
  CHECK(s.connections_connected == 1);
}

TEST_CASE("jwt tokens: forged, malformed or foreign tokens close with 3500",
          "[relay][connect][jwt]") {
  harness h(token_config(true), fixed_wall_clock());
  const std::vector<std::string> bad = {
      auth::sign_hs256({"admin", wall_now + 60, wall_now}, "another-secret"),  // wrong key
      "not-a-jwt",
      "a.b.c",
      auth::base64url_encode(R"({"alg":"none"})") + "." +
          auth::base64url_encode(R"({"sub":"admin"})") + ".",
  };
  connection_id id = 1;
  for (const auto& tok : bad) {
    INFO(tok);
    h.open(id);
    h.frame(id, connect_with(tok));
    h.expect_closed(id, 3500, "invalid token");
    ++id;
  }
  CHECK(h.core->stats().disconnects_of(3500) == bad.size());
  // Anonymous connects are still allowed in this configuration.
  h.open(id);
  CHECK(h.call1(id, golden::c1).find(R"("connect":{"client":)") != std::string::npos);
}

TEST_CASE("jwt tokens: required tokens refuse a tokenless connect with 3501",
          "[relay][connect][jwt]") {
  harness h(token_config(false), fixed_wall_clock());
  h.open(1);
  h.frame(1, golden::c1);
  h.expect_closed(1, 3501, "bad request");
  CHECK(h.core->stats().disconnects_of(3501) == 1);
}

TEST_CASE("jwt tokens: a custom verify_token hook takes precedence over the secret",
          "[relay][connect][jwt]") {
  auto hooks = fixed_wall_clock();
  hooks.verify_token = [](std::string_view t) -> std::optional<std::string> {
    if (t == "opaque") return std::string("u");
    return std::nullopt;
  };
  harness h(token_config(false), hooks);
  h.open(1);
  CHECK(h.call1(1, connect_with("opaque")).find(R"("connect":)") != std::string::npos);
  h.open(2);
  h.frame(2, connect_with(auth::sign_hs256({"u", wall_now + 60, wall_now}, secret)));
  h.expect_closed(2, 3500, "invalid token");
}

TEST_CASE("jwt tokens: the default wall clock is the system clock", "[relay][connect][jwt]") {
  harness h(token_config(false));
  const auto now = auth::unix_seconds(std::chrono::system_clock::now());
  h.open(1);
  CHECK(h.call1(1, connect_with(auth::sign_hs256({"u", now + 3600, now}, secret)))
            .find(R"("connect":)") != std::string::npos);
  h.open(2);
  CHECK(h.call1(2, connect_with(auth::sign_hs256({"u", now - 3600, now - 7200}, secret))) ==
        R"({"id":1,"error":{"code":109,"message":"token expired"}})");
}

TEST_CASE("jwt tokens: the secret is read from v6 client.token and v5 token_hmac_secret_key",
          "[relay][config][jwt]") {
  const auto v6 = relay_config::from_json(
      R"({"client":{"allow_anonymous_connect_without_token":false,
                    "token":{"hmac_secret_key":"k6"}}})");
  CHECK(v6.token_hmac_secret_key == "k6");
  CHECK_FALSE(v6.allow_anonymous_connect_without_token);
  const auto v5 = relay_config::from_json(R"({"token_hmac_secret_key":"k5"})");
  CHECK(v5.token_hmac_secret_key == "k5");
  CHECK(relay_config::from_json("{}").token_hmac_secret_key.empty());
  CHECK(v6 != relay_config::from_json(R"({"client":{"allow_anonymous_connect_without_token":
                                          false}})"));

  std::string diag;
  CHECK_FALSE(relay_config::from_json(R"({"client":{"token":"k"}})", "relay.json", diag));
  CHECK(diag == "relay.json: client.token: expected an object");
  CHECK_FALSE(
      relay_config::from_json(R"({"client":{"token":{"hmac_secret_key":1}}})", "relay.json", diag));
  CHECK(diag == "relay.json: client.token.hmac_secret_key: expected a string");
  CHECK_FALSE(relay_config::from_json(R"({"token_hmac_secret_key":true})", "relay.json", diag));
  CHECK(diag == "relay.json: token_hmac_secret_key: expected a string");
}
