// reconnect-storm through scenario::runner against the embedded relay on 127.0.0.1 port 0:
// every held connection comes back and resubscribes, milestones are ordered, messages
// published during the outage are recovered from history — and a relay that forgets its
// history on restart is reported as loss, not hidden. The drops the storm's trigger makes on
// purpose are the storm (drops, reconnectStorm.droppedByRelay with the relay's
// disconnect_all, reconnectStorm.droppedByClient with the client-side trigger), never
// errors; what goes wrong besides them (a relay refusing the reconnects, closing a
// connection a second time, closing with another code) still is.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "relay_fixture.hpp"
#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/storm_summary.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "relayload/scenario/runner.hpp"
#include "scenario_fixture.hpp"

using namespace std::chrono_literals;
using namespace relayload::test;
namespace sc = relayload::scenario;
namespace mt = relayload::metrics;
using relayload::relay::embedded_relay;

namespace {

sc::run_options storm_options(const embedded_relay& relay, std::uint64_t n, bool pairs) {
  sc::run_options o = run_options_for(relay, "reconnect-storm", 11);
  o.connections = n;
  o.connection_pairs = n;
  o.storm_pairs = pairs;
  o.storm_after = 1s;
  o.duration = 60s;  // observation window; the run ends as soon as everything is back
  o.message_timeout = 5s;
  o.messages_per_session = 3;
  return o;
}

mt::report run(const sc::run_options& o) {
  return run_scenario(builtin_scenario("reconnect-storm"), o, 120s);
}

void check_milestones(const mt::storm_summary& s) {
  REQUIRE(s.time_to_50);
  REQUIRE(s.time_to_95);
  REQUIRE(s.time_to_100);
  CHECK(*s.time_to_50 <= *s.time_to_95);
  CHECK(*s.time_to_95 <= *s.time_to_100);
  CHECK(s.time_to_50->count() > 0);
}

}  // namespace

TEST_CASE("reconnect-storm: 500 connections dropped by the relay, all back and subscribed",
          "[integration][faults][storm]") {
  raise_open_file_limit();
  auto relay = start_relay();
  auto o = storm_options(*relay, 500, false);
  o.storm_trigger = [&relay] { relay->disconnect_all(); };
  const auto rep = run(o);
  CHECK_FALSE(rep.partial);
  CHECK(rep.connections.attempted == 500);
  CHECK(rep.connections.successful == 500);
  const auto s = mt::storm_summary::of(rep);
  REQUIRE(s);
  CHECK(s->held == 500);
  CHECK(s->back == 500);
  CHECK(s->never_recovered == 0);
  check_milestones(*s);
  CHECK(rep.counters.get("drops") == 500);
  CHECK(rep.counters.get("reconnects") == 500);
  // The relay's 3001 "shutdown" to everyone is the storm, counted as such, not as errors.
  CHECK(rep.counters.get("reconnectStorm.droppedByRelay") == 500);
  CHECK(rep.counters.get("reconnectStorm.droppedByClient") == 0);
  CHECK(rep.errors.count("close_3001") == 0);
  CHECK(rep.errors.total() == 0);
  CHECK(s->recovered_streams == 500);  // nothing published: empty gap, recovered
  // The same story over time: the "recovery" series has every connection back, with its
  // time away, and the "connections" series every drop and reconnect.
  const auto& rec = rep.series.at(mt::recovery_series);
  std::uint64_t back = 0, streams = 0, timed = 0;
  for (const auto& i : rec.intervals()) {
    back += i.counters[0];
    streams += i.counters[1];
    timed += i.latency ? i.latency->count() : 0;
  }
  CHECK(back == 500);
  CHECK(streams == 500);
  CHECK(timed == 500);
  const auto& conns = rep.series.at(mt::connections_series);
  CHECK(conns.options().interval == rec.options().interval);
  std::uint64_t drops = 0;
  for (const auto& i : conns.intervals()) drops += i.counters[*conns.counter_id("drops")];
  CHECK(drops == 500);
  CHECK(rep.connections_opened == std::optional<std::uint64_t>(500));
  const auto json = mt::to_json(rep);
  CHECK(json.find("\"reconnectStorm\"") != std::string::npos);
  CHECK(json.find("\"timeTo95PctMs\"") != std::string::npos);
  CHECK(json.find("\"close_3001\"") == std::string::npos);
}

TEST_CASE("reconnect-storm dropped by the relay: refused reconnects and a second close are errors",
          "[integration][faults][storm]") {
  raise_open_file_limit();
  // The relay accepts the first connect of each of the n clients and the first k reconnects,
  // then refuses every later token with 3500 "invalid token" (terminal). Once every client
  // has tried to reconnect once, the k that got back are closed again with 3001 "shutdown":
  // the same close as the storm's, but a second one, after the storm.
  constexpr std::uint64_t n = 100, k = 30;
  auto verified = std::make_shared<std::atomic<std::uint64_t>>(0);
  relayload::relay::embedded_relay_options ro;
  ro.hooks.verify_token = [verified](std::string_view) -> std::optional<std::string> {
    if (verified->fetch_add(1) < n + k) return std::string("storm-user");
    return std::nullopt;
  };
  embedded_relay relay(std::move(ro));
  relay.start();
  std::future<std::size_t> second_close;  // how many the second disconnect_all closed
  auto o = storm_options(relay, n, false);
  o.token = "storm-token";
  o.storm_trigger = [&relay, &second_close, verified] {
    relay.disconnect_all();
    second_close = std::async(std::launch::async, [&relay, verified]() -> std::size_t {
      for (int i = 0; i < 800 && verified->load() < 2 * n; ++i) {
        std::this_thread::sleep_for(10ms);
      }
      return verified->load() < 2 * n ? 0 : relay.disconnect_all();
    });
  };
  // Observation window: most never come back, so the run lasts all of it; the reconnects
  // are due 0.5-1 s after each close (the raw client's first backoff).
  o.duration = 10s;
  const auto rep = run(o);
  REQUIRE(second_close.valid());
  CHECK(second_close.get() == k);
  CHECK_FALSE(rep.partial);
  CHECK(rep.connections.successful == n);
  const auto s = mt::storm_summary::of(rep);
  REQUIRE(s);
  CHECK(s->held == n);
  CHECK(s->back <= k);
  // The storm's drops are the storm: one per connection held, none of them an error...
  CHECK(rep.counters.get("reconnectStorm.droppedByRelay") == n);
  // ...the second close of the k that got back is an error, though its code is the same...
  CHECK(rep.errors.count("close_3001") == k);
  // ...and so is every refused reconnect: n - k at first, then the k closed again.
  CHECK(verified->load() == 2 * n + k);
  CHECK(rep.errors.count("close_3500") == n);
  CHECK(rep.errors.count(relayload::condition::remote_rejected) == n);
  CHECK(rep.errors.total() == n + k);
}

TEST_CASE("reconnect-storm: a relay trigger that closes with another code is counted as errors",
          "[integration][faults][storm]") {
  raise_open_file_limit();
  auto relay = start_relay();
  auto o = storm_options(*relay, 100, false);
  // 3011 "force reconnect" is not the close of the storm's trigger (3001 "shutdown").
  o.storm_trigger = [&relay] {
    relay->disconnect_all(relayload::relay::disconnect_code::force_reconnect, "force reconnect");
  };
  const auto rep = run(o);
  CHECK_FALSE(rep.partial);
  const auto s = mt::storm_summary::of(rep);
  REQUIRE(s);
  CHECK(s->held == 100);
  CHECK(s->back == 100);
  CHECK(rep.counters.get("drops") == 100);
  CHECK(rep.counters.get("reconnectStorm.droppedByRelay") == 0);
  CHECK(rep.errors.count("close_3011") == 100);
  CHECK(rep.errors.total() == 100);
}

TEST_CASE("reconnect-storm: client-side drop (remote relay) brings every connection back",
          "[integration][faults][storm]") {
  raise_open_file_limit();
  auto relay = start_relay();
  auto o = storm_options(*relay, 300, false);  // no trigger: clients drop themselves
  const auto rep = run(o);
  CHECK_FALSE(rep.partial);
  const auto s = mt::storm_summary::of(rep);
  REQUIRE(s);
  CHECK(s->held == 300);
  CHECK(s->back == 300);
  check_milestones(*s);
  // The storm's own drops are counted as drops and as the storm, not as errors.
  CHECK(rep.counters.get("drops") == 300);
  CHECK(rep.counters.get("reconnects") == 300);
  CHECK(rep.counters.get("reconnectStorm.droppedByClient") == 300);
  CHECK(rep.counters.get("reconnectStorm.droppedByRelay") == 0);
  CHECK(rep.errors.count("cancelled") == 0);
  CHECK(rep.errors.total() == 0);
  const auto json = mt::to_json(rep);
  CHECK(json.find("\"cancelled\"") == std::string::npos);
}

TEST_CASE("reconnect-storm with pairs, client-side drop: both sides' drops are not errors",
          "[integration][faults][storm][pairs]") {
  raise_open_file_limit();
  auto relay = start_relay();
  auto o = storm_options(*relay, 50, true);  // no trigger: dApps and wallets drop themselves
  const auto rep = run(o);
  CHECK_FALSE(rep.partial);
  const auto s = mt::storm_summary::of(rep);
  REQUIRE(s);
  CHECK(s->held == 100);
  CHECK(s->back == 100);
  CHECK(s->lost == 0);
  CHECK(rep.counters.get("drops") == 100);
  CHECK(rep.counters.get("reconnectStorm.droppedByClient") == 100);
  CHECK(rep.errors.total() == 0);
}

TEST_CASE("reconnect-storm, client-side drop: reconnects the relay refuses are still errors",
          "[integration][faults][storm]") {
  raise_open_file_limit();
  // The relay accepts the first connect of each of the n clients, then refuses every later
  // token with 3500 "invalid token" (terminal: the client stops, never comes back).
  constexpr std::uint64_t n = 100;
  auto verified = std::make_shared<std::atomic<std::uint64_t>>(0);
  relayload::relay::embedded_relay_options ro;
  ro.hooks.verify_token = [verified](std::string_view) -> std::optional<std::string> {
    if (verified->fetch_add(1) < n) return std::string("storm-user");
    return std::nullopt;
  };
  embedded_relay relay(std::move(ro));
  relay.start();
  auto o = storm_options(relay, n, false);
  o.token = "storm-token";
  // Observation window: nobody comes back, so the run lasts all of it; the refused
  // reconnects are due 0.5-1 s after the drop (the raw client's first backoff).
  o.duration = 10s;
  const auto rep = run(o);
  CHECK_FALSE(rep.partial);
  CHECK(rep.connections.successful == n);
  const auto s = mt::storm_summary::of(rep);
  REQUIRE(s);
  CHECK(s->held == n);
  CHECK(s->back == 0);
  CHECK(s->never_recovered == n);
  // The intended drops are the storm, not errors...
  CHECK(rep.counters.get("drops") == n);
  CHECK(rep.counters.get("reconnectStorm.droppedByClient") == n);
  CHECK(rep.errors.count("cancelled") == 0);
  // ...and every refused reconnect is an error under its own cause and condition.
  CHECK(verified->load() == 2 * n);
  CHECK(rep.errors.count("close_3500") == n);
  CHECK(rep.errors.count(relayload::condition::remote_rejected) == n);
  CHECK(rep.errors.total() == n);
}

TEST_CASE("reconnect-storm with pairs: every message published during the outage is recovered",
          "[integration][faults][storm][pairs]") {
  raise_open_file_limit();
  auto relay = start_relay();
  auto o = storm_options(*relay, 200, true);
  o.storm_outage = 1500ms;  // wallets stay away; dApps come back within 0.5-1 s and publish
  o.storm_trigger = [&relay] { relay->disconnect_all(); };
  const auto rep = run(o);
  CHECK_FALSE(rep.partial);
  CHECK(rep.connections.attempted == 400);
  const auto s = mt::storm_summary::of(rep);
  REQUIRE(s);
  CHECK(s->pairs);
  CHECK(s->held == 400);
  CHECK(s->back == 400);
  check_milestones(*s);
  // Exact accounting: every publish attempted has one outcome; every acknowledged message
  // is either received or lost.
  CHECK(rep.counters.get("reconnectStorm.publishAttempted") == 600);
  CHECK(s->published + s->publish_failed == 600);
  CHECK(s->published == 600);
  CHECK(s->received + s->lost == s->published);
  CHECK(s->lost == 0);
  CHECK(s->duplicates == 0);
  CHECK(s->received_by_recovery + s->received_live == s->received);
  CHECK(s->published_during_outage > 0);
  CHECK(s->received_by_recovery >= s->published_during_outage);
  CHECK(s->recovery_failed == 0);
  // Both sides' drops by the relay are the storm, not errors.
  CHECK(rep.counters.get("reconnectStorm.droppedByRelay") == 400);
  CHECK(rep.errors.total() == 0);
}

TEST_CASE("reconnect-storm with pairs: a relay restart that loses history is reported as loss",
          "[integration][faults][storm][pairs]") {
  raise_open_file_limit();
  auto relay = start_relay();
  auto o = storm_options(*relay, 100, true);
  o.storm_outage = 1500ms;
  o.message_timeout = 2s;
  o.storm_trigger = [&relay] {
    relayload::relay::restart_options ro;
    ro.keep_history = false;
    relay->restart(ro);
  };
  const auto rep = run(o);
  CHECK_FALSE(rep.partial);
  const auto s = mt::storm_summary::of(rep);
  REQUIRE(s);
  CHECK(s->held == 200);
  CHECK(s->back == 200);
  // The restart ends every connection with 3001 "shutdown", as disconnect_all does.
  CHECK(rep.counters.get("reconnectStorm.droppedByRelay") == 200);
  // Every resubscribe asked to recover a stream the relay no longer has.
  CHECK(s->recovery_failed == 200);
  CHECK(s->recovered_streams == 0);
  CHECK(s->published == 300);
  CHECK(s->received + s->lost == s->published);
  // What the dApps published before their wallets came back is gone, and the report says so.
  CHECK(s->lost >= s->published_during_outage);
  CHECK(s->published_during_outage > 0);
  CHECK(s->lost > 0);
}

TEST_CASE("reconnect-storm: stopped before the storm gives a partial report, all accounted",
          "[integration][faults][storm]") {
  raise_open_file_limit();
  auto relay = start_relay();
  auto o = storm_options(*relay, 100, false);
  o.storm_after = 30s;
  sc::runner r(builtin_scenario("reconnect-storm"), o);
  auto future = r.start();
  REQUIRE(future.wait_for(2s) == std::future_status::timeout);
  r.stop();
  REQUIRE(future.wait_for(30s) == std::future_status::ready);
  auto rep = future.get();
  REQUIRE(rep.has_value());
  CHECK(rep->partial);
  CHECK(rep->connections.attempted == 100);
  CHECK(rep->connections.successful + rep->connections.failed == 100);
  CHECK(rep->counters.get("reconnectStorm.stormHappened") == 0);
}
