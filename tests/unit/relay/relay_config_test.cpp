#include <catch2/catch.hpp>

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "relayload/error.hpp"
#include "relayload/relay/relay_config.hpp"

using namespace std::chrono_literals;
using relayload::relay::namespace_options;
using relayload::relay::parse_go_duration;
using relayload::relay::relay_config;

namespace {

// The upstream MWP backend/config.json (Centrifugo v6 layout), as shipped.
constexpr const char* upstream_config = R"({
  "client": {
    "allowed_origins": ["*"],
    "allow_anonymous_connect_without_token": true
  },
  "channel": {
    "namespaces": [
      {
        "name": "handshake",
        "history_size": 5,
        "history_ttl": "300s",
        "force_positioning": true,
        "force_recovery": true,
        "allow_subscribe_for_client": true,
        "allow_subscribe_for_anonymous": true,
        "allow_publish_for_client": true,
        "allow_publish_for_anonymous": true,
        "allow_history_for_client": true,
        "allow_history_for_anonymous": true,
        "channel_regex": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
      },
      {
        "name": "session",
        "history_size": 20,
        "history_ttl": "300s",
        "force_positioning": true,
        "force_recovery": true,
        "allow_subscribe_for_client": true,
        "allow_subscribe_for_anonymous": true,
        "allow_publish_for_client": true,
        "allow_publish_for_anonymous": true,
        "allow_history_for_client": true,
        "allow_history_for_anonymous": true,
        "channel_regex": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
      }
    ]
  },
  "admin": {"enabled": false},
  "http_api": {"key": "secret"}
})";

std::string diagnose(const std::string& json) {
  std::string diagnostic;
  const auto r = relay_config::from_json(json, "relay.json", diagnostic);
  CHECK_FALSE(r.has_value());
  CHECK(r.error() == relayload::errc::invalid_argument);
  return diagnostic;
}

}  // namespace

TEST_CASE("the built-in default equals the upstream MWP backend/config.json", "[relay][config]") {
  const auto c = relay_config::mwp_default();
  REQUIRE(c.namespaces.size() == 2);
  const auto* hs = c.find_namespace("handshake");
  const auto* se = c.find_namespace("session");
  REQUIRE(hs != nullptr);
  REQUIRE(se != nullptr);
  CHECK(hs->history_size == 5);
  CHECK(se->history_size == 20);
  CHECK(hs->history_ttl == 300s);
  CHECK(se->history_ttl == 300s);
  CHECK(hs->force_positioning);
  CHECK(hs->force_recovery);
  CHECK(hs->allow_subscribe_for_anonymous);
  CHECK(hs->allow_publish_for_anonymous);
  CHECK(hs->allow_history_for_anonymous);
  CHECK_FALSE(hs->presence);
  CHECK(hs->channel_regex == "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  CHECK(c.find_namespace("foo") == nullptr);
  // Centrifugo v6 defaults.
  CHECK(c.allow_anonymous_connect_without_token);
  CHECK(c.ping_interval == 25s);
  CHECK(c.pong_timeout == 8s);
  CHECK(c.stale_close_delay == 10s);
  CHECK(c.channel_limit == 128);
  CHECK(c.channel_max_length == 255);
  CHECK(c.history_max_publication_limit == 300);
  CHECK(c.recovery_max_publication_limit == 300);
  CHECK(c.message_size_limit == 65536);
  CHECK(c.queue_max_size == 1048576);
  CHECK(c.version == "6.9.1 OSS");
  CHECK_FALSE(c.without_namespace.allow_subscribe_for_client);
  CHECK(c.validate().empty());

  // Parsing the upstream file gives exactly the built-in default.
  CHECK(relay_config::from_json(upstream_config, "backend/config.json") == c);
}

TEST_CASE("config: v5 layout with top-level namespaces and client_ keys", "[relay][config]") {
  const auto c = relay_config::from_json(R"({
    "allow_anonymous_connect_without_token": false,
    "client_channel_limit": 4,
    "client_stale_close_delay": "3s",
    "history_size": 2, "history_ttl": "10s", "allow_subscribe_for_client": true,
    "namespaces": [{"name": "chat", "history_size": 1, "history_ttl": "1m", "presence": true}]
  })");
  CHECK_FALSE(c.allow_anonymous_connect_without_token);
  CHECK(c.channel_limit == 4);
  CHECK(c.stale_close_delay == 3s);
  CHECK(c.without_namespace.history_size == 2);
  CHECK(c.without_namespace.allow_subscribe_for_client);
  REQUIRE(c.namespaces.size() == 1);
  CHECK(c.namespaces[0].name == "chat");
  CHECK(c.namespaces[0].history_ttl == 60s);
  CHECK(c.namespaces[0].presence);
}

TEST_CASE("config: v6 client, channel and websocket options are read", "[relay][config]") {
  const auto c = relay_config::from_json(R"({
    "client": {"ping_interval": "2s", "pong_timeout": "500ms", "channel_limit": 3,
               "queue_max_size": 4096,
               "connection_limit": 10, "history_max_publication_limit": 7,
               "recovery_max_publication_limit": 9, "stale_close_delay": "1s"},
    "channel": {"max_length": 64, "history_meta_ttl": "1h",
                "without_namespace": {"allow_subscribe_for_client": true},
                "namespaces": []},
    "websocket": {"message_size_limit": 1024},
    "unknown_section": {"x": [1, 2, 3]}
  })");
  CHECK(c.ping_interval == 2s);
  CHECK(c.pong_timeout == 500ms);
  CHECK(c.queue_max_size == 4096);
  CHECK(c.channel_limit == 3);
  CHECK(c.connection_limit == 10);
  CHECK(c.history_max_publication_limit == 7);
  CHECK(c.recovery_max_publication_limit == 9);
  CHECK(c.stale_close_delay == 1s);
  CHECK(c.channel_max_length == 64);
  CHECK(c.history_meta_ttl == 1h);
  CHECK(c.message_size_limit == 1024);
  CHECK(c.without_namespace.allow_subscribe_for_client);
  CHECK(c.namespaces.empty());
}

TEST_CASE("config: a file without namespaces configures none", "[relay][config]") {
  const auto c = relay_config::from_json(R"({"client": {}})");
  CHECK(c.namespaces.empty());
  CHECK(c.ping_interval == 25s);
}

TEST_CASE("config: malformed files give a diagnostic naming file and field", "[relay][config]") {
  CHECK(diagnose("{").find("relay.json: invalid JSON at byte") == 0);
  CHECK(diagnose("[1]") == "relay.json: the configuration must be a JSON object");
  CHECK(diagnose(R"({"channel":{"namespaces":[{"name":"session","history_size":5,
        "history_ttl":"5x"}]}})") ==
        "relay.json: channel.namespaces[0].history_ttl: \"5x\" is not a Go duration");
  CHECK(diagnose(R"({"channel":{"namespaces":[{"name":"ab"},{"name":"cd","history_size":-1}]}})") ==
        "relay.json: channel.namespaces[1].history_size: expected a non-negative integer");
  CHECK(diagnose(R"({"channel":{"namespaces":[{"name":"ab","history_ttl":300}]}})")
            .find("channel.namespaces[0].history_ttl: expected a Go duration string") !=
        std::string::npos);
  CHECK(diagnose(R"({"channel":{"namespaces":[{"history_size":1}]}})") ==
        "relay.json: channel.namespaces[0].name: missing");
  CHECK(diagnose(R"({"channel":{"namespaces":{"name":"x"}}})") ==
        "relay.json: channel.namespaces: expected an array of namespace objects");
  CHECK(diagnose(R"({"channel":{"namespaces":[17]}})") ==
        "relay.json: channel.namespaces[0]: expected an object");
  CHECK(diagnose(R"({"client":{"allow_anonymous_connect_without_token":"yes"}})") ==
        "relay.json: client.allow_anonymous_connect_without_token: expected true or false");
  CHECK(diagnose(R"({"client":[]})") == "relay.json: client: expected an object");
  CHECK(diagnose(R"({"client":{"ping_interval":"-5s"}})") ==
        "relay.json: client.ping_interval: must not be negative");
}

TEST_CASE("config: a channel_regex repetition count above 1000 is refused, not compiled",
          "[relay][config]") {
  // 19+ digits overflowed libstdc++'s regex compiler (undefined behaviour; fuzz_relay_config).
  const auto huge = diagnose(R"({"channel":{"namespaces":[
      {"name":"a1","channel_regex":"^[0-9a.f]{4}-5[0-9a-f]{1277777777777777777777777777}$"}]}})");
  CHECK(huge.find("channel.namespaces[0].channel_regex: repetition count "
                  "1277777777777777777777777777 is larger than 1000") != std::string::npos);
  const auto lower = diagnose(R"({"channel":{"namespaces":[
      {"name":"a1","channel_regex":"^a{2,1001}$"}]}})");
  CHECK(lower.find("repetition count 1001 is larger than 1000") != std::string::npos);
  // At the limit, inside a bracket expression and escaped, it is no repetition count too big.
  for (const char* ok : {R"(^a{1000}$)", R"(^a{0001000,1000}$)", R"(^[{]99999$)",
                         R"(^\\{99999\\}$)"}) {
    CAPTURE(ok);
    const std::string json =
        std::string(R"({"channel":{"namespaces":[{"name":"a1","channel_regex":")") + ok +
        R"("}]}})";
    std::string diagnostic;
    CHECK(relay_config::from_json(json, "relay.json", diagnostic).has_value());
    CHECK(diagnostic.empty());
  }
}

TEST_CASE("config: a channel_regex backreference is refused, not compiled", "[relay][config]") {
  // A long one overflowed libstdc++'s regex compiler (undefined behaviour; fuzz_relay_config),
  // and Centrifugo's Go regexp has none.
  const auto huge = diagnose(R"({"channel":{"namespaces":[
      {"name":"a1","channel_regex":"^(a)\\\\\\2222222222222222222222222$"}]}})");
  CHECK(huge.find("channel.namespaces[0].channel_regex: backreference \\22222222222... is "
                  "not supported") != std::string::npos);
  const auto short_one = diagnose(R"({"channel":{"namespaces":[
      {"name":"a1","channel_regex":"^([a-z])\\1$"}]}})");
  CHECK(short_one.find("backreference \\1 is not supported") != std::string::npos);
  const auto in_class = diagnose(R"({"channel":{"namespaces":[
      {"name":"a1","channel_regex":"^[\\3a-z]+$"}]}})");
  CHECK(in_class.find("backreference \\3 is not supported") != std::string::npos);
  // An escaped backslash before a digit, and \0, are no backreferences.
  for (const char* ok : {R"(^a\\\\1$)", R"(^a\\0$)", R"(^[0-9]{2}$)"}) {
    CAPTURE(ok);
    const std::string json =
        std::string(R"({"channel":{"namespaces":[{"name":"a1","channel_regex":")") + ok +
        R"("}]}})";
    std::string diagnostic;
    CHECK(relay_config::from_json(json, "relay.json", diagnostic).has_value());
    CHECK(diagnostic.empty());
  }
}

TEST_CASE("config: semantic problems are all reported", "[relay][config]") {
  const auto d = diagnose(R"({"channel":{"namespaces":[
      {"name":"a"},
      {"name":"bad","channel_regex":"([a-z"},
      {"name":"bad"},
      {"name":"nohist","force_recovery":true}]},
    "client":{"ping_interval":"5s","pong_timeout":"6s"}})");
  CHECK(d.find("channel.namespaces[0].name") != std::string::npos);
  CHECK(d.find("channel.namespaces[1].channel_regex") != std::string::npos);
  CHECK(d.find("channel.namespaces[2].name: duplicate namespace \"bad\"") != std::string::npos);
  CHECK(d.find("channel.namespaces[3].force_recovery") != std::string::npos);
  CHECK(d.find("channel.namespaces[3].force_positioning") == std::string::npos);
  CHECK(d.find("client.pong_timeout: must be shorter") != std::string::npos);

  relay_config c = relay_config::mwp_default();
  CHECK(c.validate().empty());
  c.namespaces[0].history_ttl = 0s;
  const auto problems = c.validate();
  CHECK(problems.size() == 3);  // recovery, positioning, size/ttl mismatch
}

TEST_CASE("config: the throwing loader carries the diagnostic in what()", "[relay][config]") {
  try {
    (void)relay_config::from_json(R"({"channel":{"max_length":"x"}})", "c.json");
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(e.code() == relayload::errc::invalid_argument);
    CHECK(std::string(e.what()).find("c.json: channel.max_length: expected a non-negative") !=
          std::string::npos);
  }
}

TEST_CASE("config: from_file reads a file and reports a missing one", "[relay][config]") {
  const std::string path = "relay_config_test_" + std::to_string(::getpid()) + ".json";
  {
    std::ofstream out(path);
    out << upstream_config;
  }
  std::string diagnostic;
  const auto r = relay_config::from_file(path, diagnostic);
  std::remove(path.c_str());
  REQUIRE(r.has_value());
  CHECK(*r == relay_config::mwp_default());

  const auto missing = relay_config::from_file(path + ".does-not-exist", diagnostic);
  CHECK_FALSE(missing.has_value());
  CHECK(missing.error() == std::errc::no_such_file_or_directory);
  CHECK(diagnostic.find("does-not-exist: cannot open the file") != std::string::npos);
  CHECK_THROWS_AS(relay_config::from_file(path + ".does-not-exist"), std::system_error);
}

TEST_CASE("Go durations parse like time.ParseDuration", "[relay][config]") {
  auto ok = [](const char* s) {
    const auto r = parse_go_duration(s);
    REQUIRE(r.has_value());
    return *r;
  };
  CHECK(ok("300s") == 300s);
  CHECK(ok("5m") == 5min);
  CHECK(ok("1h30m") == 90min);
  CHECK(ok("1.5h") == 90min);
  CHECK(ok("100ms") == 100ms);
  CHECK(ok("10us") == 10us);
  CHECK(ok("10\xC2\xB5s") == 10us);
  CHECK(ok("10\xCE\xBCs") == 10us);
  CHECK(ok("7ns") == 7ns);
  CHECK(ok("0") == 0ns);
  CHECK(ok("+2s") == 2s);
  CHECK(ok("-2s") == -2s);
  CHECK(ok(".5s") == 500ms);
  CHECK(ok("1.s") == 1s);
  CHECK(ok("1h2m3s4ms5us6ns") == 1h + 2min + 3s + 4ms + 5us + 6ns);
  CHECK(ok("2562047h") == 2562047h);

  for (const char* bad : {"", "s", "5", "5x", "1.5", ".s", "-", "1h-2m", "5 s", "1e3s",
                          "9999999999999999999s", "2562048h", "0.0.1s"}) {
    INFO(bad);
    const auto r = parse_go_duration(bad);
    CHECK_FALSE(r.has_value());
    CHECK(r.error() == relayload::errc::invalid_argument);
  }
}
