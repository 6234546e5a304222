#include "relayload/metrics/error_tally.hpp"

#include <catch2/catch.hpp>

#include <asio/error.hpp>
#include <cerrno>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

#include "relayload/error.hpp"
#include "relayload/metrics/counter_set.hpp"

using relayload::condition;
using relayload::errc;
using relayload::metrics::condition_from_string;
using relayload::metrics::counter_set;
using relayload::metrics::error_tally;

TEST_CASE("error_tally: causes are named and classified", "[metrics][errors]") {
  error_tally t;
  t.add(errc::reply_timeout);
  t.add(errc::reply_timeout, 2);
  t.add(std::error_code(ECONNREFUSED, std::system_category()));
  t.add("close_3012", condition::remote_rejected);
  t.add(errc::source_exhausted);

  CHECK(error_tally::cause_of(errc::reply_timeout) == "reply_timeout");
  CHECK(error_tally::cause_of(std::error_code(ECONNREFUSED, std::system_category())) ==
        "connection_refused");
  CHECK(error_tally::cause_of(std::error_code(asio::error::connection_reset)) ==
        "connection_reset");
  CHECK(error_tally::cause_of(std::error_code(asio::error::eof)) == "eof");
  // Codes without a readable name keep "<category>:<value>".
  CHECK(error_tally::cause_of(std::error_code(EDOM, std::generic_category())) ==
        "generic:" + std::to_string(EDOM));
  CHECK(t.total() == 6);
  CHECK(t.count("reply_timeout") == 3);
  CHECK(t.count(condition::timed_out) == 3);
  CHECK(t.count(condition::transport_failure) == 1);
  CHECK(t.count(condition::remote_rejected) == 1);
  CHECK(t.count(condition::local_resource) == 1);
  CHECK(t.count(condition::protocol_violation) == 0);
}

TEST_CASE("error_tally: codes that fit no condition are kept as unclassified",
          "[metrics][errors]") {
  error_tally t;
  t.add(std::error_code(EDOM, std::generic_category()));
  const auto entries = t.entries();
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].cause == "generic:" + std::to_string(EDOM));
  CHECK(entries[0].cls == condition{});
  CHECK(std::string(relayload::to_string(entries[0].cls)) == "unknown");
  CHECK(t.by_condition().front().first == condition{});
}

TEST_CASE("error_tally: output order is deterministic whatever the insertion order",
          "[metrics][errors]") {
  error_tally a, b;
  a.add("zeta", condition::timed_out);
  a.add("alpha", condition::transport_failure, 4);
  a.add("alpha", condition::local_resource);
  b.add("alpha", condition::local_resource);
  b.add("zeta", condition::timed_out);
  b.add("alpha", condition::transport_failure, 4);
  CHECK(a == b);
  const std::vector<error_tally::entry> expected = {
      {"alpha", condition::transport_failure, 4},
      {"alpha", condition::local_resource, 1},
      {"zeta", condition::timed_out, 1},
  };
  CHECK(a.entries() == expected);
  const auto by = a.by_condition();
  REQUIRE(by.size() == 3);
  CHECK(by[0] == std::make_pair(condition::transport_failure, std::uint64_t{4}));
  CHECK(by[1] == std::make_pair(condition::local_resource, std::uint64_t{1}));
  CHECK(by[2] == std::make_pair(condition::timed_out, std::uint64_t{1}));
}

TEST_CASE("error_tally: merge equals counting everything in one tally", "[metrics][errors]") {
  error_tally shard1, shard2, all;
  for (int i = 0; i < 5; ++i) {
    shard1.add(errc::connect_timeout);
    all.add(errc::connect_timeout);
  }
  shard2.add(errc::connect_timeout, 2);
  all.add(errc::connect_timeout, 2);
  shard2.add("close_3012", condition::remote_rejected);
  all.add("close_3012", condition::remote_rejected);
  error_tally merged = shard1;
  merged.merge(shard2);
  CHECK(merged == all);
  CHECK(merged.count("connect_timeout") == 7);
}

TEST_CASE("error_tally: counts saturate instead of wrapping", "[metrics][errors]") {
  error_tally t;
  t.add("x", condition::timed_out, std::numeric_limits<std::uint64_t>::max());
  t.add("x", condition::timed_out, 5);
  CHECK(t.count("x") == std::numeric_limits<std::uint64_t>::max());
  t.add("y", condition::timed_out, 1);
  CHECK(t.total() == std::numeric_limits<std::uint64_t>::max());
}

TEST_CASE("condition_from_string reverses to_string(condition)", "[metrics][errors]") {
  for (const condition c :
       {condition::transport_failure, condition::protocol_violation, condition::local_resource,
        condition::remote_rejected, condition::timed_out, condition::invalid_input,
        condition::tls_verification, condition{}}) {
    const auto back = condition_from_string(relayload::to_string(c));
    REQUIRE(back);
    CHECK(*back == c);
  }
  CHECK_FALSE(condition_from_string("timed out"));
  CHECK_FALSE(condition_from_string(""));
}

TEST_CASE("counter_set: add, get, merge, saturation and name order", "[metrics][counters]") {
  counter_set a, b;
  a.add("zeta", 3);
  a.add("alpha");
  b.add("alpha", 2);
  b.add("mid", std::numeric_limits<std::uint64_t>::max());
  a.merge(b);
  CHECK(a.get("alpha") == 3);
  CHECK(a.get("zeta") == 3);
  CHECK(a.get("missing") == 0);
  a.merge(b);
  CHECK(a.get("mid") == std::numeric_limits<std::uint64_t>::max());
  std::vector<std::string> names;
  for (const auto& kv : a.values()) names.push_back(kv.first);
  CHECK(names == std::vector<std::string>{"alpha", "mid", "zeta"});
  CHECK(counter_set{}.empty());
}
