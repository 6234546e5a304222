// report::ranks — the processes (MPI ranks, --shard runs) a report covers: written and read
// back as JSON, joined by merge(), and refused when the parts cannot be one run.
#include <catch2/catch.hpp>

#include <string>

#include "relayload/error.hpp"
#include "relayload/metrics/report.hpp"
#include "relayload/metrics/report_json.hpp"

using namespace relayload::metrics;
using relayload::errc;

namespace {

report shard_report(std::uint32_t rank, std::uint32_t count, std::uint64_t attempted) {
  report r;
  r.scenario = "connection-storm";
  r.target = "ws://127.0.0.1:8000/connection/websocket";
  r.connections.attempted = attempted;
  r.connections.successful = attempted;
  r.connect_time.emplace();
  for (std::uint64_t i = 0; i < attempted; ++i) {
    r.connect_time->record(static_cast<std::int64_t>((rank + 1) * 1'000'000 + i));
  }
  rank_info k;
  k.rank = rank;
  k.shard_count = count;
  k.host = "node-" + std::to_string(rank);
  r.ranks.push_back(k);
  return r;
}

std::string with(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("ranks round-trip through JSON, failed ranks with their reason", "[metrics][ranks]") {
  report r = shard_report(0, 3, 5);
  rank_info failed;
  failed.rank = 2;
  failed.shard_count = 3;
  failed.host = "node-2";
  failed.ok = false;
  failed.error = "reached nothing: all 5 attempts failed (connection_refused ×5)";
  r.ranks.push_back(failed);
  const std::string text = to_json(r);
  CHECK(text.find(R"("ranks": [)") != std::string::npos);
  CHECK(text.find(R"("error": null)") != std::string::npos);
  CHECK(text.find(R"("ok": false)") != std::string::npos);
  auto back = parse_report(text);
  REQUIRE(back.has_value());
  CHECK(*back == r);
  CHECK(to_json(*back) == text);
}

TEST_CASE("an unsharded report writes no ranks and reads back without them", "[metrics][ranks]") {
  report r = shard_report(0, 1, 2);
  r.ranks.clear();
  const std::string text = to_json(r);
  CHECK(text.find("\"ranks\"") == std::string::npos);
  auto back = parse_report(text);
  REQUIRE(back.has_value());
  CHECK(back->ranks.empty());
}

TEST_CASE("malformed ranks are refused with where and what", "[metrics][ranks]") {
  report r = shard_report(1, 2, 1);
  const std::string good = to_json(r);
  struct bad_case {
    const char* from;
    const char* to;
    const char* message;
  };
  const bad_case cases[] = {
      {R"("shardCount": 2)", R"("shardCount": 0)", "ranks[0]: rank must be below shardCount"},
      {R"("rank": 1)", R"("rank": 2)", "ranks[0]: rank must be below shardCount"},
      {R"("ok": true)", R"("ok": "yes")", "ranks[0].ok: expected true or false"},
      {R"("error": null)", R"("error": 5)", "ranks[0].error: expected a string or null"},
      {R"("host": "node-1")", R"("host": 1)", "ranks[0].host: expected a string"},
  };
  for (const auto& c : cases) {
    INFO(c.to);
    std::string why;
    auto back = parse_report(with(good, c.from, c.to), &why);
    REQUIRE_FALSE(back.has_value());
    CHECK(back.error() == errc::corrupt_data);
    CHECK(why.find(c.message) != std::string::npos);
  }
  // The same rank twice, or ranks of different counts, cannot be one document.
  report two = shard_report(0, 2, 1);
  two.ranks.push_back(two.ranks[0]);
  std::string why;
  CHECK_FALSE(parse_report(to_json(two), &why).has_value());
  CHECK(why.find("listed once, in rank order") != std::string::npos);
}

TEST_CASE("merge joins the ranks in order and adds their data exactly", "[metrics][ranks]") {
  report a = shard_report(2, 3, 4);
  const report b = shard_report(0, 3, 7);
  const report c = shard_report(1, 3, 2);
  REQUIRE(a.merge(b).has_value());
  REQUIRE(a.merge(c).has_value());
  REQUIRE(a.ranks.size() == 3);
  CHECK(a.ranks[0].rank == 0);
  CHECK(a.ranks[1].rank == 1);
  CHECK(a.ranks[2].rank == 2);
  CHECK(a.ranks[1].host == "node-1");
  CHECK(a.connections.attempted == 13);
  CHECK(a.connect_time->count() == 13);
  CHECK(a.connect_time->min() == b.connect_time->min());
}

TEST_CASE("merge refuses ranks that cannot be parts of one run", "[metrics][ranks]") {
  const report r0 = shard_report(0, 2, 3);
  SECTION("the same rank twice") {
    report m = r0;
    CHECK(m.merge(r0).error() == errc::invalid_argument);
    CHECK(m == r0);
  }
  SECTION("different shard counts") {
    report m = r0;
    CHECK(m.merge(shard_report(1, 3, 3)).error() == errc::invalid_argument);
    CHECK(m == r0);
  }
  SECTION("a sharded and an unsharded report") {
    report whole = shard_report(0, 1, 3);
    whole.ranks.clear();
    report m = r0;
    CHECK(m.merge(whole).error() == errc::invalid_argument);
    CHECK(whole.merge(r0).error() == errc::invalid_argument);
  }
}
