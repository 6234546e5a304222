// metrics::storm_summary: reconnect-storm milestones derived from the recovery histogram and
// the held count, exact at the ends, "never" when a share did not come back, unchanged by a
// JSON round trip and by merging shard reports.
#include <catch2/catch.hpp>

#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/storm_summary.hpp"

namespace mt = relayload::metrics;
using std::chrono::nanoseconds;

namespace {

mt::report storm_report(std::uint64_t held, const std::vector<std::int64_t>& back_ms) {
  mt::report r;
  r.scenario = "reconnect-storm";
  r.target = "ws://127.0.0.1:1/connection/websocket";
  mt::histogram h;
  for (auto ms : back_ms) h.record(ms * 1'000'000);
  r.histograms.emplace(mt::storm_recovery_histogram, h);
  r.counters.add("reconnectStorm.held", held);
  return r;
}

}  // namespace

TEST_CASE("storm_summary: milestones are ranks of the held count", "[metrics][storm]") {
  std::vector<std::int64_t> ms;
  for (std::int64_t i = 1; i <= 100; ++i) ms.push_back(i * 10);  // 10 ms … 1000 ms
  const auto s = mt::storm_summary::of(storm_report(100, ms));
  REQUIRE(s);
  CHECK(s->held == 100);
  CHECK(s->back == 100);
  CHECK(s->never_recovered == 0);
  REQUIRE(s->time_to_50);
  REQUIRE(s->time_to_95);
  REQUIRE(s->time_to_100);
  // Top of the bucket of the exact 50th / 95th value (3 significant digits), exact at 100 %.
  CHECK(s->time_to_50->count() >= 500'000'000);
  CHECK(s->time_to_50->count() < 500'500'000);
  CHECK(s->time_to_95->count() >= 950'000'000);
  CHECK(s->time_to_95->count() < 951'000'000);
  CHECK(*s->time_to_100 == nanoseconds(1'000'000'000));
}

TEST_CASE("storm_summary: a share that never came back is never, not hidden", "[metrics][storm]") {
  // 10 held, 9 back: 50 % and 95 % (rank 10 of 10) — 95 % needs all ten.
  const auto s = mt::storm_summary::of(storm_report(10, {1, 2, 3, 4, 5, 6, 7, 8, 9}));
  REQUIRE(s);
  CHECK(s->back == 9);
  CHECK(s->never_recovered == 1);
  REQUIRE(s->time_to_50);
  CHECK(s->time_to_50->count() >= 5'000'000);  // the 5th value, top of its bucket
  CHECK(s->time_to_50->count() < 5'005'000);
  CHECK_FALSE(s->time_to_95);
  CHECK_FALSE(s->time_to_100);
  // No storm data at all: no summary.
  CHECK_FALSE(mt::storm_summary::of(mt::report{}));
  // Nothing held: no milestones, nothing never-recovered.
  const auto none = mt::storm_summary::of(storm_report(0, {}));
  REQUIRE(none);
  CHECK_FALSE(none->time_to_50);
  CHECK(none->never_recovered == 0);
}

TEST_CASE("storm_summary: survives JSON and merges exactly", "[metrics][storm]") {
  auto a = storm_report(4, {100, 200, 300, 400});
  auto b = storm_report(4, {150, 250, 350, 450});
  const auto json = mt::to_json(a);
  CHECK(json.find("\"reconnectStorm\"") != std::string::npos);
  CHECK(json.find("\"timeTo100PctMs\": 400") != std::string::npos);
  auto parsed = mt::parse_report(json);
  REQUIRE(parsed);
  const auto sp = mt::storm_summary::of(*parsed);
  REQUIRE(sp);
  CHECK(sp->time_to_100 == mt::storm_summary::of(a)->time_to_100);
  REQUIRE(a.merge(b));
  const auto m = mt::storm_summary::of(a);
  REQUIRE(m);
  CHECK(m->held == 8);
  CHECK(m->back == 8);
  CHECK(*m->time_to_100 == nanoseconds(450'000'000));
  CHECK(m->time_to_50->count() >= 250'000'000);  // 4th of 8
  CHECK(m->time_to_50->count() < 250'300'000);
}
