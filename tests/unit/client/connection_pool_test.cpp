// connection_pool against fake transports and a manual clock: paced starts from intended
// times, exact event counting of drops and reconnects, graceful close with a bound, and
// exact snapshot merging.
#include <catch2/catch.hpp>

#include <set>

#include "fake_transport.hpp"
#include "relayload/client/connection_pool.hpp"
#include "relayload/pacing/constant_rate_schedule.hpp"

using namespace relayload;
using namespace relayload::client;
using namespace relayload::client::test;

namespace {

pool_options test_pool_options() {
  pool_options o;
  o.client.url = *net::ws_url::parse("ws://127.0.0.1:8000/connection/websocket");
  return o;
}

pacing::schedule spread(std::uint64_t n, std::chrono::nanoseconds ramp) {
  return pacing::schedule(*pacing::constant_rate_schedule::spread(n, ramp));
}

std::int64_t ns(std::chrono::nanoseconds d) { return d.count(); }

}  // namespace

TEST_CASE("pool opens each connection at its intended offset with one pool timer",
          "[pool][pacing]") {
  harness h;
  auto_server server(h);
  connection_pool pool(h.ctx, test_pool_options());
  int settled = 0;
  std::vector<std::uint64_t> outcome_indices;
  pool.callbacks().on_settled = [&] { ++settled; };
  pool.callbacks().on_outcome = [&](std::uint64_t i, const connect_outcome& o) {
    outcome_indices.push_back(i);
    CHECK(o.kind == outcome_kind::immediate);
  };
  const time_point t0 = h.now + 1s;
  REQUIRE(!pool.start(spread(100, 1s), t0));
  CHECK(pool.start(spread(1, 1s), t0) == make_error_code(errc::invalid_argument));
  h.pump();
  CHECK(pool.size() == 0);
  CHECK(h.ctx.pending_deadlines() == 1);  // the pool's one timer entry
  h.advance_to(t0 + 1s);
  REQUIRE(pool.size() == 100);
  REQUIRE(h.transports.size() == 100);
  for (std::size_t i = 0; i < 100; ++i) {
    INFO(i);
    CHECK(h.transports[i]->connect_times.at(0) == t0 + std::chrono::milliseconds(10 * i));
  }
  CHECK(settled == 1);
  CHECK(pool.settled());
  CHECK(outcome_indices.size() == 100);
  const pool_counters k = pool.counters();
  CHECK(k.planned == 100);
  CHECK(k.started == 100);
  CHECK(k.immediate == 100);
  CHECK(k.pending() == 0);
  CHECK(k.connected_now == 100);
  CHECK(k.attempts == 100);
  const pool_snapshot s = pool.snapshot();
  CHECK(s.connect_time.count() == 100);
  CHECK(s.generator.started == 100);
  CHECK(s.generator.late == 0);
}

TEST_CASE("a late generator: connect time counts from the intended start", "[pool][pacing]") {
  harness h;
  auto_server server(h);
  connection_pool pool(h.ctx, test_pool_options());
  const time_point t0 = h.now;
  REQUIRE(!pool.start(spread(10, 1s), t0));
  h.now = t0 + 500ms;  // the loop stalled for half a second
  h.ctx.run_due();
  h.pump();
  CHECK(pool.size() == 6);  // events at 0..500 ms are due
  const pool_snapshot s = pool.snapshot();
  CHECK(s.connect_time.count() == 6);
  CHECK(s.connect_time.max() == ns(500ms));
  CHECK(s.connect_time.min() == 1000);  // 0 ns, clamped to the 1 µs floor
  CHECK(s.service_time.max() < ns(1ms));
  CHECK(s.generator.late == 5);
}

TEST_CASE("pool spreads connections over source addresses round-robin", "[pool]") {
  harness h;
  auto_server server(h);
  pool_options o = test_pool_options();
  o.source_addresses = {asio::ip::make_address("127.0.0.1"), asio::ip::make_address("127.0.0.2"),
                        asio::ip::make_address("127.0.0.3")};
  connection_pool pool(h.ctx, o);
  REQUIRE(!pool.start(spread(7, 0s), h.now));
  h.advance(1ms);
  REQUIRE(h.transports.size() == 7);
  for (std::size_t i = 0; i < 7; ++i) {
    CHECK(h.transports[i]->connects.at(0).source_address == o.source_addresses[i % 3]);
  }
}

TEST_CASE("drops and reconnects during the hold are counted exactly as events", "[pool][hold]") {
  harness h;
  auto_server server(h);
  connection_pool pool(h.ctx, test_pool_options());
  const time_point t0 = h.now;
  REQUIRE(!pool.start(spread(50, 0s), t0));
  h.advance(1ms);
  REQUIRE(pool.counters().connected_now == 50);

  // A drop before the hold: counted, but not as a hold drop.
  h.transports[49]->server_close(3001, "shutdown");
  h.pump();
  h.advance(6s);
  pool.begin_hold();
  CHECK(pool.counters().down_now == 0);

  // Ten connections killed at once, then three of them again after they came back.
  for (int i = 0; i < 10; ++i) h.transports[i]->server_close(3011, "force reconnect");
  h.pump();
  pool_counters k = pool.counters();
  CHECK(k.drops == 11);
  CHECK(k.hold_drops == 10);
  CHECK(k.down_now == 10);
  CHECK(k.peak_down == 10);
  CHECK(k.connected_now == 40);
  h.advance(6s);  // every backoff (<= 1 s at step 0) has elapsed
  k = pool.counters();
  CHECK(k.down_now == 0);
  CHECK(k.reconnects == 11);
  CHECK(k.hold_reconnects == 10);
  for (int i = 0; i < 3; ++i)
    h.transports[i]->drop(std::make_error_code(std::errc::connection_reset));
  h.pump();
  h.advance(6s);
  pool.end_hold();
  k = pool.counters();
  CHECK(k.drops == 14);
  CHECK(k.hold_drops == 13);
  CHECK(k.hold_reconnects == 13);
  // 13 drop events, but the three that dropped twice are the same connections: 10 distinct
  // connections were down at some moment of the hold (what stability counts).
  CHECK(k.hold_dropped_connections == 10);
  CHECK(k.peak_down == 10);
  CHECK(k.hold_peak_down == 10);
  CHECK(k.down_at_hold_start == 0);
  CHECK(k.down_at_hold_end == 0);
  CHECK(k.immediate == 50);  // drops never change outcomes

  const pool_snapshot s = pool.snapshot();
  CHECK(s.time_to_reconnect.count() == 14);
  CHECK(s.disconnects.count("close_3011") == 10);
  CHECK(s.disconnects.count("close_3001") == 1);
  CHECK(s.disconnects.count(cause_of(std::errc::connection_reset)) == 3);
  CHECK(s.down_log.size() == 28);
  CHECK(pool_snapshot::peak_of(s.down_log) == 10);
  CHECK(pool_snapshot::peak_of(s.down_log, s.hold_begin_ns, s.hold_end_ns) == 10);
  // The activity series saw the drops and reconnects too.
  const auto drops_id = *s.activity.counter_id("drops");
  std::uint64_t series_drops = 0;
  for (const auto& iv : s.activity.intervals()) series_drops += iv.counters[drops_id];
  CHECK(series_drops == 14);
  const auto active_id = *s.activity.gauge_id("active");
  CHECK(s.activity.intervals().back().gauges[active_id] == 50);

  int done = 0;
  pool_snapshot final_snapshot;
  pool.close_all([&](const pool_snapshot& f) {
    ++done;
    final_snapshot = f;
  });
  CHECK(done == 0);
  h.pump();
  CHECK(done == 1);
  CHECK(final_snapshot.counters.closed == 50);
  CHECK(final_snapshot.counters.connected_now == 0);
  CHECK(final_snapshot.counters.drops == 14);  // closing is not a drop
}

TEST_CASE("a connection stopped by a terminal code stays down", "[pool][hold]") {
  harness h;
  auto_server server(h);
  connection_pool pool(h.ctx, test_pool_options());
  REQUIRE(!pool.start(spread(5, 0s), h.now));
  h.advance(1ms);
  pool.begin_hold();
  h.transports[2]->server_close(3503, "force disconnect");
  h.pump();
  h.advance(30s);
  pool.end_hold();
  const pool_counters k = pool.counters();
  CHECK(k.down_now == 1);
  CHECK(k.down_at_hold_end == 1);
  CHECK(k.stopped_early == 1);
  CHECK(k.reconnects == 0);
}

TEST_CASE("every connection gets exactly one outcome when the relay refuses", "[pool][outcome]") {
  harness h;
  h.on_connect = [&](fake_transport& t) {
    t.fail(std::make_error_code(std::errc::connection_refused));
  };
  pool_options o = test_pool_options();
  o.client.give_up_after = 3s;
  connection_pool pool(h.ctx, o);
  int settled = 0;
  pool.callbacks().on_settled = [&] { ++settled; };
  REQUIRE(!pool.start(spread(20, 1s), h.now));
  h.advance(10s);
  CHECK(settled == 1);
  const pool_snapshot s = pool.snapshot();
  CHECK(s.counters.failed == 20);
  CHECK(s.counters.outcomes() == 20);
  CHECK(s.failures.count("connect_timeout") == 20);
  CHECK(s.time_to_failure.count() == 20);
  CHECK(s.time_to_failure.min() >= ns(3s));
  CHECK(s.counters.errors == s.errors.count(cause_of(std::errc::connection_refused)));
  CHECK(s.counters.retries == s.counters.errors);
  CHECK(s.connect_time.count() == 0);
  CHECK(s.counters.stopped_early == 20);
}

TEST_CASE("close_all bounds the wait and aborts what does not close", "[pool][close]") {
  harness h;
  auto_server server(h);
  pool_options o = test_pool_options();
  o.close_timeout = 2s;
  connection_pool pool(h.ctx, o);
  REQUIRE(!pool.start(spread(4, 0s), h.now));
  h.advance(1ms);
  h.transports[1]->auto_complete_close = false;  // this peer never answers the close
  h.transports[3]->auto_complete_close = false;
  int done = 0;
  pool_counters final_counters;
  pool.close_all([&](const pool_snapshot& f) {
    ++done;
    final_counters = f.counters;
  });
  h.pump();
  CHECK(done == 0);
  h.advance(2s);
  CHECK(done == 1);
  CHECK(final_counters.closed == 2);
  CHECK(final_counters.aborted == 2);
  CHECK(h.transports[1]->aborts == 1);
}

TEST_CASE("close_all before the schedule ends: unstarted and in-flight are accounted",
          "[pool][close]") {
  harness h;
  h.on_connect = [&](fake_transport&) {};  // nobody answers: connects hang
  connection_pool pool(h.ctx, test_pool_options());
  REQUIRE(!pool.start(spread(10, 10s), h.now));
  h.advance(2500ms);  // 3 started (0, 1, 2 s)
  int done = 0;
  pool_counters k;
  pool.close_all([&](const pool_snapshot& f) {
    ++done;
    k = f.counters;
  });
  h.advance(10s);
  CHECK(done == 1);
  CHECK(k.started == 3);
  CHECK(k.not_started == 7);
  CHECK(k.failed == 3);
  CHECK(k.pending() == 0);
  CHECK(pool.size() == 3);
}

TEST_CASE("stop() aborts everything and calls nothing more", "[pool][close]") {
  harness h;
  auto_server server(h);
  connection_pool pool(h.ctx, test_pool_options());
  int outcomes = 0;
  pool.callbacks().on_outcome = [&](std::uint64_t, const connect_outcome&) { ++outcomes; };
  REQUIRE(!pool.start(spread(10, 1s), h.now));
  h.advance(450ms);
  CHECK(outcomes == 5);
  pool.stop();
  h.advance(5s);
  CHECK(outcomes == 5);
  CHECK(pool.size() == 5);
  for (auto* t : h.transports) CHECK(t->aborts == 1);
}

TEST_CASE("pool options are validated at start", "[pool]") {
  harness h;
  connection_pool pool(h.ctx, pool_options{});  // no URL
  CHECK(pool.start(spread(1, 0s), h.now) == make_error_code(errc::invalid_argument));
  pool_options o = test_pool_options();
  o.close_timeout = -1s;
  o.series_interval = 0s;
  CHECK(o.validate().size() == 2);
}

// ---- snapshot arithmetic ------------------------------------------------------------------

namespace {
std::int64_t drop_at(std::chrono::nanoseconds t) { return t.count() * 2 + 1; }
std::int64_t back_at(std::chrono::nanoseconds t) { return t.count() * 2; }
}  // namespace

TEST_CASE("peak_of a down log, also within a window", "[pool][snapshot]") {
  const std::vector<std::int64_t> log = {drop_at(1s), drop_at(2s), back_at(3s), drop_at(4s),
                                         drop_at(5s), back_at(6s), back_at(7s), back_at(8s)};
  CHECK(pool_snapshot::peak_of(log) == 3);
  CHECK(pool_snapshot::peak_of(log, ns(2500ms), ns(4500ms)) == 2);  // starts at 2, stays
  CHECK(pool_snapshot::peak_of(log, ns(6500ms), -1) == 2);          // level at 6.5 s
  CHECK(pool_snapshot::peak_of(log, ns(9s), -1) == 0);
  CHECK(pool_snapshot::peak_of({}) == 0);
}

TEST_CASE("snapshots merge exactly: counters add, histograms merge, peaks recomputed",
          "[pool][snapshot]") {
  pool_snapshot a, b;
  a.counters.started = 3;
  a.counters.immediate = 2;
  a.counters.failed = 1;
  a.counters.drops = 1;
  a.counters.reconnects = 1;
  a.counters.peak_down = 1;
  a.down_log = {drop_at(1s), back_at(3s)};
  a.connect_time.record(ns(10ms));
  a.connect_time.record(ns(20ms));
  a.errors.add("close_3001", condition::transport_failure);
  b.counters.started = 2;
  b.counters.recovered = 2;
  b.counters.drops = 1;
  b.counters.reconnects = 1;
  b.counters.peak_down = 1;
  b.down_log = {drop_at(2s), back_at(4s)};
  b.connect_time.record(ns(30ms));
  b.errors.add("close_3001", condition::transport_failure);
  b.errors.add("no_ping", condition::timed_out);

  pool_snapshot m = a;
  REQUIRE(m.merge(b));
  CHECK(m.shards == 2);
  CHECK(m.counters.started == 5);
  CHECK(m.counters.outcomes() == 5);
  CHECK(m.counters.drops == 2);
  CHECK(m.counters.peak_down == 2);  // the two drops overlapped in time
  CHECK(m.connect_time.count() == 3);
  CHECK(m.connect_time.max() == ns(30ms));
  CHECK(m.errors.count("close_3001") == 2);
  CHECK(m.errors.total() == 3);

  // Merging is the same as having recorded everything in one place.
  metrics::histogram one;
  for (auto v : {10ms, 20ms, 30ms}) one.record(ns(v));
  CHECK(m.connect_time == one);

  // Drops that did not overlap: the peak stays 1 although each shard had 1.
  pool_snapshot c;
  c.counters.peak_down = 1;
  c.down_log = {drop_at(5s), back_at(6s)};
  pool_snapshot n = a;
  REQUIRE(n.merge(c));
  CHECK(n.counters.peak_down == 1);

  // Without complete logs the peak degrades to the sum (an upper bound).
  pool_snapshot d = c;
  d.down_log_complete = false;
  d.down_log.clear();
  pool_snapshot q = a;
  REQUIRE(q.merge(d));
  CHECK(q.counters.peak_down == 2);
  CHECK_FALSE(q.down_log_complete);
}

TEST_CASE("hold peaks merge over the union of the hold windows", "[pool][snapshot]") {
  pool_snapshot a, b;
  a.hold_begin_ns = ns(10s);
  a.hold_end_ns = ns(20s);
  b.hold_begin_ns = ns(10s) + 5;
  b.hold_end_ns = ns(20s) + 5;
  a.down_log = {drop_at(5s), drop_at(12s), back_at(13s), back_at(25s)};
  b.down_log = {drop_at(12500ms), back_at(14s)};
  REQUIRE(a.merge(b));
  CHECK(a.hold_begin_ns == ns(10s));
  CHECK(a.hold_end_ns == ns(20s) + 5);
  CHECK(a.counters.hold_peak_down == 3);  // 1 down since 5 s, plus two overlapping
  CHECK(a.counters.peak_down == 3);
}

TEST_CASE("snapshots with different layouts refuse to merge", "[pool][snapshot]") {
  pool_snapshot a;
  pool_snapshot b(metrics::histogram_layout{1000, 60'000'000'000, 2}, pool_series_options());
  a.counters.started = 1;
  CHECK(a.merge(b).error() == make_error_code(errc::layout_mismatch));
  CHECK(a.counters.started == 1);
  pool_snapshot c(metrics::histogram_layout{}, pool_series_options(std::chrono::seconds(5)));
  CHECK(a.merge(c).error() == make_error_code(errc::layout_mismatch));
}
