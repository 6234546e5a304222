// Regression tests for relay configurations that once crashed or were silently accepted
// (the recursive parser overflowed the stack; trailing text was ignored): each is refused
// with a diagnostic naming the problem.
#include <catch2/catch.hpp>

#include <string>

#include "relayload/relay/relay_config.hpp"

using relayload::relay::relay_config;

TEST_CASE("relay config: deeply nested JSON is refused without exhausting the stack",
          "[relay][config][fuzz]") {
  std::string diag;
  const std::string deep = "{\"client\":" + std::string(1000000, '[');
  CHECK_FALSE(relay_config::from_json(deep, "deep.json", diag));
  CHECK(diag.rfind("deep.json: invalid JSON at byte ", 0) == 0);
  const std::string closed = std::string(200000, '[') + std::string(200000, ']');
  CHECK_FALSE(relay_config::from_json(closed, "deep.json", diag));
  CHECK(diag == "deep.json: the configuration must be a JSON object");
}

TEST_CASE("relay config: text after the JSON object is an error", "[relay][config][fuzz]") {
  std::string diag;
  CHECK_FALSE(relay_config::from_json(R"({"client":{}} {"channel":{}})", "two.json", diag));
  CHECK(diag.rfind("two.json: invalid JSON at byte 14: ", 0) == 0);
  CHECK(relay_config::from_json("{}\n  \n", "ws.json", diag));  // trailing whitespace is fine
}
