#include "relayload/metrics/time_series.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include <system_error>
#include <vector>

#include "relayload/error.hpp"
#include "relayload/metrics/interval_recorder.hpp"
#include "relayload/metrics/report.hpp"

using namespace std::chrono_literals;
using relayload::errc;
using relayload::metrics::histogram;
using relayload::metrics::histogram_layout;
using relayload::metrics::interval_recorder;
using relayload::metrics::interval_snapshot;
using relayload::metrics::latency_over_time;
using relayload::metrics::time_series;
using relayload::metrics::time_series_options;

namespace {

// A fake clock: instants are t0 plus an offset; nothing reads the real time.
const interval_recorder::clock::time_point t0{std::chrono::hours(1)};

time_series_options connection_options() {
  time_series_options o;
  o.interval = 1s;
  o.counters = {"connects", "errors"};
  o.gauges = {"active"};
  return o;
}

}  // namespace

TEST_CASE("time_series: events land in the interval of their time from t0", "[metrics][series]") {
  interval_recorder rec(t0, connection_options());
  const std::size_t connects = *rec.series().counter_id("connects");
  const std::size_t errors = *rec.series().counter_id("errors");
  const std::size_t active = *rec.series().gauge_id("active");

  rec.count(t0 + 100ms, connects);
  rec.count(t0 + 999ms, connects, 2);
  rec.set_gauge(t0 + 999ms, active, 3);
  rec.record(t0 + 500ms, 2ms);
  rec.count(t0 + 1s, errors);  // the boundary belongs to the next interval
  rec.record(t0 + 2500ms, 7ms);
  rec.record(t0 + 2600ms, 9ms);
  rec.set_gauge(t0 + 2700ms, active, 1);
  rec.count(t0 - 5s, connects);  // before t0: counted in interval 0
  rec.advance(t0 + 4200ms);      // quiet intervals 3 and 4 appear

  const time_series& s = rec.series();
  REQUIRE(s.intervals().size() == 5);
  CHECK(s.intervals()[0].counters == std::vector<std::uint64_t>{4, 0});
  CHECK(s.intervals()[1].counters == std::vector<std::uint64_t>{0, 1});
  CHECK(s.intervals()[2].counters == std::vector<std::uint64_t>{0, 0});
  // Gauges are levels: they hold until set again.
  CHECK(s.intervals()[0].gauges == std::vector<std::int64_t>{3});
  CHECK(s.intervals()[1].gauges == std::vector<std::int64_t>{3});
  CHECK(s.intervals()[2].gauges == std::vector<std::int64_t>{1});
  CHECK(s.intervals()[4].gauges == std::vector<std::int64_t>{1});
  REQUIRE(s.intervals()[0].latency);
  CHECK(s.intervals()[0].latency->count() == 1);
  CHECK_FALSE(s.intervals()[1].latency);
  REQUIRE(s.intervals()[2].latency);
  CHECK(s.intervals()[2].latency->count() == 2);
  CHECK(s.intervals()[2].latency->layout() == histogram_layout::for_intervals());
  CHECK(s.start_of(3) == 3s);
  for (std::size_t i = 0; i < s.intervals().size(); ++i) CHECK(s.intervals()[i].index == i);
}

TEST_CASE("time_series: late completions go back into their own interval", "[metrics][series]") {
  interval_recorder rec(t0, connection_options());
  rec.count(t0 + 3500ms, 0);
  rec.count(t0 + 1200ms, 0);  // reported late, still interval 1
  rec.set_gauge(t0 + 3100ms, 0, 9);
  rec.set_gauge(t0 + 1100ms, 0, 4);  // an earlier level overwrites later intervals too
  const time_series& s = rec.series();
  REQUIRE(s.intervals().size() == 4);
  CHECK(s.intervals()[1].counters[0] == 1);
  CHECK(s.intervals()[3].counters[0] == 1);
  CHECK(s.intervals()[3].gauges[0] == 4);
  CHECK(s.intervals()[0].gauges[0] == 0);
}

TEST_CASE("time_series: merging shards by interval equals one recorder", "[metrics][series]") {
  std::mt19937_64 rng(2024);
  interval_recorder all(t0, connection_options());
  interval_recorder shard_a(t0, connection_options());
  interval_recorder shard_b(t0, connection_options());
  std::int64_t level_a = 0, level_b = 0;
  for (int i = 0; i < 4'000; ++i) {
    const auto at = t0 + std::chrono::milliseconds(rng() % 9'000);
    const auto latency = std::chrono::microseconds(100 + rng() % 50'000);
    const bool to_a = rng() % 2 == 0;
    interval_recorder& shard = to_a ? shard_a : shard_b;
    shard.record(at, latency);
    all.record(at, latency);
    shard.count(at, rng() % 2);
  }
  // Shard counters go to "all" separately, so they match exactly.
  for (const auto* shard : {&shard_a, &shard_b}) {
    for (const interval_snapshot& iv : shard->series().intervals()) {
      for (std::size_t c = 0; c < iv.counters.size(); ++c) {
        all.count(t0 + std::chrono::seconds(iv.index), c, iv.counters[c]);
      }
    }
  }
  // Levels: shard a ends early at 5 active, shard b runs longer; the sum at every
  // interval end is what a single recorder of the total level sees.
  for (int sec = 0; sec < 11; ++sec) {
    const auto at = t0 + std::chrono::seconds(sec) + 500ms;
    if (sec <= 6) {
      level_a = sec == 6 ? 5 : sec * 10;
      shard_a.set_gauge(at, 0, level_a);
    }
    level_b = 100 - sec;
    shard_b.set_gauge(at, 0, level_b);
    all.set_gauge(at, 0, level_a + level_b);
  }
  REQUIRE(shard_a.series().intervals().size() < shard_b.series().intervals().size());

  time_series merged = shard_a.series();
  REQUIRE(merged.merge(shard_b.series()));
  CHECK(merged == all.series());

  time_series other_order = shard_b.series();
  REQUIRE(other_order.merge(shard_a.series()));
  CHECK(other_order == all.series());

  // Percentiles per interval are those of the combined data.
  for (std::size_t i = 0; i < merged.intervals().size(); ++i) {
    const auto& m = merged.intervals()[i].latency;
    const auto& a = all.series().intervals()[i].latency;
    REQUIRE(m.has_value() == a.has_value());
    if (m) CHECK(m->value_at_percentile(99) == a->value_at_percentile(99));
  }
}

TEST_CASE("time_series: merge refuses different options and leaves the series unchanged",
          "[metrics][series]") {
  interval_recorder rec(t0, connection_options());
  rec.count(t0 + 10ms, 0);
  time_series a = rec.series();
  const time_series before = a;

  time_series_options other_interval = connection_options();
  other_interval.interval = 2s;
  time_series_options other_layout = connection_options();
  other_layout.layout = histogram_layout{};
  time_series_options other_names = connection_options();
  other_names.counters = {"errors", "connects"};
  for (const auto& o : {other_interval, other_layout, other_names}) {
    const auto r = a.merge(time_series(o));
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::layout_mismatch);
    CHECK(a == before);
  }
}

TEST_CASE("time_series: events beyond the interval limit are dropped and counted",
          "[metrics][series]") {
  time_series_options o = connection_options();
  o.interval = 1ns;
  interval_recorder rec(t0, o);
  rec.count(t0 + std::chrono::nanoseconds(time_series::max_intervals + 5), 0, 3);
  rec.record(t0 + 1h, 1ms);
  rec.set_gauge(t0 + 1h, 0, 1);
  CHECK(rec.series().dropped() == 5);
  CHECK(rec.series().intervals().empty());
  rec.advance(t0 + 1h);  // advancing stops at the limit instead of allocating without bound
  CHECK(rec.series().intervals().size() == time_series::max_intervals);
}

TEST_CASE("time_series: options are validated", "[metrics][series]") {
  CHECK(connection_options().validate().empty());
  time_series_options bad;
  bad.interval = 0s;
  bad.counters = {"a", "a", ""};
  bad.gauges = {""};
  bad.layout.significant_digits = 0;
  CHECK(bad.validate().size() == 5);
  CHECK_THROWS_AS(time_series(bad), std::system_error);
  const auto r = time_series::create(bad);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);
  CHECK_THROWS_AS(interval_recorder(t0, bad), std::system_error);
}

TEST_CASE("time_series: append accepts only the next, well-formed interval", "[metrics][series]") {
  time_series s(connection_options());
  interval_snapshot good;
  good.index = 0;
  good.counters = {1, 2};
  good.gauges = {3};
  REQUIRE(s.append(good));

  interval_snapshot wrong_index = good;  // index 0 again
  CHECK(s.append(wrong_index).error() == errc::corrupt_data);
  interval_snapshot wrong_sizes = good;
  wrong_sizes.index = 1;
  wrong_sizes.counters = {1};
  CHECK(s.append(wrong_sizes).error() == errc::corrupt_data);
  interval_snapshot wrong_layout = good;
  wrong_layout.index = 1;
  wrong_layout.latency = histogram{};
  CHECK(s.append(wrong_layout).error() == errc::corrupt_data);
  CHECK(s.intervals().size() == 1);
}

TEST_CASE("time_series: take() hands over the series and starts afresh", "[metrics][series]") {
  interval_recorder rec(t0, connection_options());
  rec.count(t0 + 1s, 0);
  const time_series taken = rec.take();
  CHECK(taken.intervals().size() == 2);
  CHECK(rec.series().intervals().empty());
  CHECK(rec.series().options() == connection_options());
}

TEST_CASE("latency_over_time: one point per interval with latencies", "[metrics][series]") {
  time_series_options o;
  o.interval = 10s;
  interval_recorder rec(t0, o);
  for (int i = 1; i <= 100; ++i) rec.record(t0 + 3s, std::chrono::milliseconds(i));
  rec.record(t0 + 25s, 4ms);
  rec.advance(t0 + 45s);
  const auto points = latency_over_time(rec.series());
  REQUIRE(points.size() == 2);
  CHECK(points[0].timestamp_ms == 10'000);
  CHECK(points[0].exchanges == 100);
  CHECK(points[0].p50 == Approx(50.0).epsilon(0.01));
  CHECK(points[0].p99 == Approx(99.0).epsilon(0.01));
  CHECK(points[1].timestamp_ms == 30'000);
  CHECK(points[1].exchanges == 1);
  CHECK(points[1].p50 == 4.0);
}

TEST_CASE("series_interval_for: 100 to 300 round intervals, whatever the run's length",
          "[metrics][series]") {
  using relayload::metrics::series_interval_for;
  using relayload::metrics::series_points_max;
  using std::chrono::nanoseconds;
  // Round steps a reader can count on an axis.
  const std::vector<nanoseconds> ladder = {
      10ms, 20ms, 25ms, 50ms, 100ms, 200ms, 250ms, 500ms, 1s, 2s, 5s,  10s, 15s,
      30s,  1min, 2min, 5min, 10min, 15min, 30min, 1h,    2h, 6h, 12h, 24h};
  // Examples: the planned lengths of typical runs.
  CHECK(series_interval_for(0s) == 10ms);
  CHECK(series_interval_for(1s) == 10ms);
  CHECK(series_interval_for(3s) == 10ms);      // 300 intervals
  CHECK(series_interval_for(3001ms) == 20ms);  // 151
  CHECK(series_interval_for(11s) == 50ms);     // realistic-session's defaults: 220
  CHECK(series_interval_for(60s) == 200ms);    // 300
  CHECK(series_interval_for(70s) == 250ms);    // steady-state's defaults: 280
  CHECK(series_interval_for(10min) == 2s);
  CHECK(series_interval_for(1h) == 15s);
  CHECK(series_interval_for(24h) == 5min);
  CHECK(series_interval_for(24h * 365) == 24h);  // beyond 300 days: one point a day
  CHECK(series_interval_for(nanoseconds(-5)) == 10ms);

  // Every planned length above 3 s: a step of the ladder, 100 < intervals <= 300.
  std::mt19937_64 rng(20260131);
  for (int i = 0; i < 20'000; ++i) {
    // Log-uniform between 3 s and 300 days.
    const double lo = std::log(3.0), hi = std::log(300.0 * 86400.0);
    const double secs =
        std::exp(lo + (hi - lo) * std::uniform_real_distribution<double>(0, 1)(rng));
    const auto planned = nanoseconds(static_cast<std::int64_t>(secs * 1e9)) + 1ns;
    const nanoseconds step = series_interval_for(planned);
    INFO(planned.count());
    REQUIRE(std::find(ladder.begin(), ladder.end(), step) != ladder.end());
    const std::int64_t intervals = (planned.count() + step.count() - 1) / step.count();
    CHECK(intervals <= series_points_max);
    CHECK(intervals > 100);
  }
  // Monotonic: a longer run never gets a shorter interval.
  nanoseconds last = 0ns;
  for (nanoseconds p = 0ns; p < 2h; p += 997ms) {
    const nanoseconds step = series_interval_for(p);
    CHECK(step >= last);
    last = step;
  }
}

TEST_CASE("time_series: the session-pair series merge across shards of different lengths",
          "[metrics][series]") {
  // "connections" of two shards (gauge "active" sampled at each interval's end, counters
  // "opened", "drops", "reconnects") and "handshakes" (counters and latency): the merge is
  // the series one recorder of both shards' events would have made.
  time_series_options conn;
  conn.interval = 25ms;
  conn.counters = {"opened", "drops", "reconnects"};
  conn.gauges = {"active"};
  time_series_options hs;
  hs.interval = 25ms;
  hs.counters = {"started", "completed", "failed"};

  interval_recorder a(t0, conn), b(t0, conn), both(t0, conn);
  interval_recorder ha(t0, hs), hb(t0, hs), hboth(t0, hs);
  std::mt19937_64 rng(7);
  std::int64_t open_a = 0, open_b = 0;
  for (int k = 0; k < 40; ++k) {
    const auto at = t0 + k * 25ms + 24ms;  // the sample at the end of interval k
    const int opened_a = static_cast<int>(rng() % 3), opened_b = k < 25 ? 2 : 0;
    open_a += opened_a;
    open_b += opened_b;
    if (k == 30) open_b = 0;  // shard b's pairs are done and disconnected
    a.count(at, 0, opened_a);
    b.count(at, 0, opened_b);
    both.count(at, 0, opened_a + opened_b);
    a.set_gauge(at, 0, open_a);
    if (k <= 30) b.set_gauge(at, 0, open_b);  // b's run ends after interval 30
    both.set_gauge(at, 0, open_a + open_b);
    const auto lat = std::chrono::microseconds(500 + rng() % 5000);
    ha.count(at, 0);
    hboth.count(at, 0);
    if (k % 4 != 3) {
      ha.record(at, lat);
      ha.count(at, 1);
      hboth.record(at, lat);
      hboth.count(at, 1);
    }
    if (k < 25) {
      hb.count(at, 0);
      hb.count(at, 2);
      hboth.count(at, 0);
      hboth.count(at, 2);
    }
  }
  time_series merged = a.series();
  REQUIRE(merged.merge(b.series()));
  CHECK(merged == both.series());
  time_series hmerged = hb.series();  // the shorter one first: merge is symmetric
  REQUIRE(hmerged.merge(ha.series()));
  CHECK(hmerged == hboth.series());
  // Shards of one run share the interval (series_interval_for of the same options); a
  // shard with another interval is refused rather than mixed up.
  time_series_options other = conn;
  other.interval = 50ms;
  time_series odd(other);
  CHECK(merged.merge(odd).error() == errc::layout_mismatch);
}
