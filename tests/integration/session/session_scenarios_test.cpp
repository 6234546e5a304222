// realistic-session, async-delivery and steady-messaging through scenario::runner against
// the embedded relay on 127.0.0.1 port 0, with short timings: every pair and every message
// must be accounted for (attempted == successful + failed, sent == received + failed), the
// relay must see the command counts of protocol.md §4.5, and a relay restart or a stop
// mid-run must still give a complete report. Every wait is bounded.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "relay_fixture.hpp"
#include "relayload/metrics/report.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "relayload/scenario/runner.hpp"
#include "relayload/wire/command.hpp"
#include "scenario_fixture.hpp"

namespace {

using namespace std::chrono_literals;
using namespace relayload;
using namespace relayload::test;
using relayload::relay::embedded_relay;
namespace sc = relayload::scenario;

sc::run_options base_options(const embedded_relay& relay, const std::string& scenario,
                             std::uint64_t pairs) {
  sc::run_options o = session_run_options(relay, scenario, pairs, 1234);
  o.messages_per_session = 2;
  o.duration = 3s;
  o.delay = 1s;
  return o;
}

/// Runs the scenario; `during` runs on this thread while the shards work.
metrics::report run(const sc::run_options& o, const std::function<void(sc::runner&)>& during = {}) {
  REQUIRE(o.validate().empty());
  const sc::scenario_info& info = builtin_scenario(o.scenario);
  REQUIRE(info.uses_pairs);
  return run_scenario(info, o, 180s, during);
}

/// Sum of counter `name` over every interval of series `s`.
std::uint64_t total(const metrics::time_series& s, const char* name) {
  const auto id = s.counter_id(name);
  REQUIRE(id);
  std::uint64_t n = 0;
  for (const auto& i : s.intervals()) n += i.counters[*id];
  return n;
}

/// The time series tell the same story as the totals: every handshake started, completed or
/// failed, every message and recovery outcome in the interval it happened; every WebSocket
/// (both sides of each pair; async-delivery's returning wallet too) opened once, and none
/// open at the end of a run that completed.
void check_series(const metrics::report& r) {
  const auto& hs = r.series.at(metrics::handshakes_series);
  CHECK(total(hs, "started") == r.counters.get("pairs.started"));
  CHECK(total(hs, "completed") == r.handshake->successful);
  CHECK(total(hs, "failed") + r.counters.get("pairs.notStarted") == r.handshake->failed);
  std::uint64_t hs_latencies = 0;
  for (const auto& i : hs.intervals()) hs_latencies += i.latency ? i.latency->count() : 0;
  CHECK(hs_latencies == r.handshake->successful);
  const auto& conns = r.series.at(metrics::connections_series);
  REQUIRE(r.connections_opened);
  CHECK(total(conns, "opened") == *r.connections_opened);
  // Both sides of each pair that completed its handshake, and each wallet that came back.
  CHECK(*r.connections_opened >=
        2 * r.handshake->successful + (r.recovery ? r.recovery->received : 0));
  REQUIRE_FALSE(conns.intervals().empty());
  if (!r.partial) CHECK(conns.intervals().back().gauges[0] == 0);
  if (r.messages) {
    const auto& ms = r.steady_messaging ? r.steady_messaging->latency_over_time
                                        : r.series.at(metrics::messages_series);
    CHECK(total(ms, "completed") == r.messages->received);
    CHECK(total(ms, "failed") == r.messages->failed);
  }
  if (r.recovery) {
    const auto& rec = r.series.at(metrics::recovery_series);
    CHECK(total(rec, "received") == r.recovery->received);
    CHECK(total(rec, "failed") + r.counters.get("pairs.notStarted") == r.recovery->failed);
  }
  // Every series of a run shares the interval planned from its options.
  for (const auto& [name, s] : r.series) {
    INFO(name);
    CHECK(s.options().interval == hs.options().interval);
  }
}

/// Every pair and every message has exactly one outcome.
void check_accounted(const metrics::report& r, std::uint64_t pairs) {
  CHECK(r.connections.attempted == pairs);
  CHECK(r.connections.attempted == r.connections.successful + r.connections.failed);
  REQUIRE(r.handshake);
  CHECK(r.handshake->attempted == pairs);
  CHECK(r.handshake->attempted == r.handshake->successful + r.handshake->failed);
  CHECK(r.handshake->latency.count() == r.handshake->successful);
  CHECK(r.histograms.at("handshake.walletSide").count() == r.handshake->successful);
  CHECK(r.histograms.at("handshake.dappSide").count() == r.handshake->successful);
  CHECK_FALSE(r.connect_time);
  if (r.messages) {
    CHECK(r.messages->sent == r.messages->received + r.messages->failed);
    CHECK(r.messages->latency.count() == r.messages->received);
    CHECK(r.histograms.at("messages.latencyIncludingFailures").count() == r.messages->sent);
    CHECK(r.counters.get("messages.inFlight") == 0);
  }
  if (r.recovery) {
    CHECK(r.recovery->attempted == pairs);
    CHECK(r.recovery->attempted == r.recovery->received + r.recovery->failed);
    CHECK(r.recovery->latency.count() == r.recovery->received);
  }
  check_series(r);
}

std::uint64_t commands(const relay::relay_stats& s, wire::method m) { return s.commands_of(m); }

/// The relay may still be finishing close handshakes when the report is out.
bool relay_drained(const embedded_relay& relay) {
  for (int i = 0; i < 300; ++i) {
    if (relay.stats().connections_current == 0) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

/// The wallet's think time is measured and left out of every message time, exactly: each
/// exchange's service time (request sent → response back, minus think) is the sum of its two
/// one-way legs, and its latency is that plus how late the request went out. Histogram sums
/// are exact integer nanoseconds, so the relations hold for the totals too.
void check_think_time_excluded(const metrics::report& r) {
  REQUIRE(r.messages);
  REQUIRE(r.messages->failed == 0);  // the legs and think time are recorded for successes
  const auto& latency = r.messages->latency;
  const auto& service = r.histograms.at("messages.serviceTime");
  const auto& request = r.histograms.at("messages.requestLeg");
  const auto& response = r.histograms.at("messages.responseLeg");
  const auto& think = r.histograms.at("messages.thinkTime");
  CHECK(r.histograms.at("messages.latencyIncludingFailures") == latency);
  for (const auto* h : {&latency, &service, &request, &response, &think}) {
    CHECK(h->count() == r.messages->received);
    CHECK(h->underflow_count() == 0);  // nothing clamped: the sums are exact
    CHECK(h->overflow_count() == 0);
  }
  REQUIRE(r.messages->received > 0);
  CHECK(think.min() > 0);
  const auto sum = [](const metrics::histogram& h) { return static_cast<std::uint64_t>(h.sum()); };
  // service = request leg + response leg: had think time stayed in, service would exceed the
  // legs by exactly think.sum().
  CHECK(sum(service) == sum(request) + sum(response));
  // latency = service + send lateness (intended → sent), never less, per exchange ...
  CHECK(sum(latency) >= sum(service));
  CHECK(latency.min() >= service.min());
  CHECK(latency.max() >= service.max());
  // ... and the lateness is all that separates them: had think time stayed in the latency,
  // the difference would be at least think.sum().
  CHECK(sum(latency) - sum(service) < sum(think));
}

}  // namespace

TEST_CASE("realistic-session: 200 trusted pairs, every handshake and message, the §4.5 load",
          "[integration][session][realistic]") {
  raise_open_file_limit();
  auto relay = start_relay();
  const auto before = relay->stats();
  auto o = base_options(*relay, "realistic-session", 200);
  const auto r = run(o);
  check_accounted(r, 200);
  CHECK_FALSE(r.partial);
  CHECK(r.connections.successful == 200);
  REQUIRE(r.messages);
  CHECK(r.messages->sent == 400);
  CHECK(r.messages->received == 400);
  CHECK(r.errors.empty());
  CHECK(r.histograms.at("messages.thinkTime").min() >= 50'000'000);  // measured, >= nominal
  CHECK(r.total_time > 1s);

  // What the relay saw per trusted pair (protocol.md §4.5): 2 connects, 4 subscribes,
  // 4 histories, 1 offer + 2 publishes per exchange, 2 unsubscribes in the handshake and
  // 2 at the end.
  const auto s = relay->stats();
  CHECK(commands(s, wire::method::connect) - commands(before, wire::method::connect) == 400);
  CHECK(commands(s, wire::method::subscribe) - commands(before, wire::method::subscribe) == 800);
  CHECK(commands(s, wire::method::history) - commands(before, wire::method::history) == 800);
  CHECK(commands(s, wire::method::publish) - commands(before, wire::method::publish) ==
        200 + 2 * 400);
  CHECK(commands(s, wire::method::unsubscribe) - commands(before, wire::method::unsubscribe) ==
        800);
  CHECK(relay_drained(*relay));
}

TEST_CASE("realistic-session: untrusted pairs type the OTP and ack",
          "[integration][session][realistic][untrusted]") {
  raise_open_file_limit();
  auto relay = start_relay();
  const auto before = relay->stats();
  auto o = base_options(*relay, "realistic-session", 100);
  o.mode = sc::handshake_mode::untrusted;
  o.otp_entry_delay = 20ms;
  const auto r = run(o);
  check_accounted(r, 100);
  CHECK(r.connections.successful == 100);
  CHECK(r.messages->received == 200);
  // One ack per pair on top of the trusted load.
  const auto s = relay->stats();
  CHECK(commands(s, wire::method::publish) - commands(before, wire::method::publish) ==
        100 + 100 + 2 * 200);
  // The headline includes the simulated OTP typing.
  CHECK(r.handshake->latency.min() >= 20'000'000);
}

TEST_CASE("realistic-session: real ECIES on both sides",
          "[integration][session][realistic][ecies]") {
  raise_open_file_limit();
  auto relay = start_relay();
  auto o = base_options(*relay, "realistic-session", 20);
  o.crypto = sc::crypto_kind::ecies;
  o.mode = sc::handshake_mode::untrusted;
  const auto r = run(o);
  check_accounted(r, 20);
  CHECK(r.connections.successful == 20);
  CHECK(r.messages->received == 40);
  CHECK(r.errors.empty());
}

TEST_CASE("async-delivery: 200 wallets get their request from history after the delay",
          "[integration][session][async]") {
  raise_open_file_limit();
  auto relay = start_relay();
  auto o = base_options(*relay, "async-delivery", 200);
  const auto r = run(o);
  check_accounted(r, 200);
  CHECK_FALSE(r.partial);
  REQUIRE(r.recovery);
  CHECK(r.recovery->received == 200);
  CHECK_FALSE(r.messages);
  // Each pair was offline for at least --delay, measured from its own send.
  CHECK(r.histograms.at("recovery.offlineTime").min() >= 1'000'000'000);
  CHECK(r.counters.get("transport.fromHistory") >= 200);
  CHECK(relay_drained(*relay));
}

TEST_CASE("async-delivery with ECIES", "[integration][session][async][ecies]") {
  raise_open_file_limit();
  auto relay = start_relay();
  auto o = base_options(*relay, "async-delivery", 20);
  o.crypto = sc::crypto_kind::ecies;
  const auto r = run(o);
  check_accounted(r, 20);
  CHECK(r.recovery->received == 20);
}

TEST_CASE("steady-messaging: 200 pairs on an open schedule, every exchange accounted",
          "[integration][session][steady]") {
  raise_open_file_limit();
  auto relay = start_relay();
  auto o = base_options(*relay, "steady-messaging", 200);
  const auto r = run(o);
  check_accounted(r, 200);
  CHECK_FALSE(r.partial);
  CHECK(r.connections.successful == 200);
  REQUIRE(r.messages);
  CHECK(r.messages->failed == 0);
  // One request every 2 × 0.2 s inside the ~3 s window after each handshake: several each.
  CHECK(r.messages->sent >= 200 * 4);
  REQUIRE(r.steady_messaging);
  CHECK(r.steady_messaging->disconnects == 0);
  CHECK(r.steady_messaging->message_interval == std::chrono::milliseconds(200));
  std::uint64_t in_series = 0;
  for (const auto& p : metrics::latency_over_time(r.steady_messaging->latency_over_time)) {
    in_series += p.exchanges;
  }
  CHECK(in_series == r.messages->received);
  check_think_time_excluded(r);
  CHECK(r.histograms.at("messages.thinkTime").min() >= 200'000'000);  // the interval, measured
}

TEST_CASE("steady-messaging: a relay restart mid-run still gives a complete report",
          "[integration][session][steady][restart]") {
  raise_open_file_limit();
  auto relay = start_relay();
  auto o = base_options(*relay, "steady-messaging", 200);
  o.duration = 4s;
  const auto r = run(o, [&](sc::runner&) {
    std::this_thread::sleep_for(2500ms);  // ramp done, messages flowing
    relay::restart_options ro;
    ro.keep_history = true;
    relay->restart(ro);
  });
  check_accounted(r, 200);
  CHECK_FALSE(r.partial);
  REQUIRE(r.steady_messaging);
  // Every WebSocket drop is counted from the clients' events (F9): both sides of each pair.
  CHECK(r.steady_messaging->disconnects >= 200);
  CHECK(r.counters.get("links.restored") >= 200);
  CHECK(r.messages->received > 0);
  // The clients reconnected with recovery and went on exchanging.
  CHECK(r.messages->received >= r.messages->sent / 2);
}

TEST_CASE("stop mid-run: a partial report in which everything is still accounted",
          "[integration][session][stop]") {
  raise_open_file_limit();
  auto relay = start_relay();
  auto o = base_options(*relay, "realistic-session", 200);
  o.ramp_up = 4s;
  o.messages_per_session = 3;
  const auto r = run(o, [&](sc::runner& runner) {
    std::this_thread::sleep_for(1500ms);
    runner.stop();
  });
  check_accounted(r, 200);
  CHECK(r.partial);
  CHECK(r.counters.get("pairs.notStarted") > 0);
  CHECK(r.connections.failed >= r.counters.get("pairs.notStarted"));
  CHECK(relay_drained(*relay));
}

TEST_CASE("sessions.active counts the sessions up at a snapshot, 0 once the pairs are closed",
          "[integration][session][steady][active]") {
  raise_open_file_limit();
  auto relay = start_relay();
  auto o = base_options(*relay, "steady-messaging", 50);
  o.duration = 60s;  // held until this test stops it
  std::uint64_t completed = 0, active = 0;
  const auto r = run(o, [&](sc::runner& runner) {
    // Until every handshake is done (bounded), then stop the run.
    for (int i = 0; i < 120 && completed < 50; ++i) {
      std::this_thread::sleep_for(250ms);
      const metrics::report live = runner.progress(1s);
      completed = live.handshake ? live.handshake->successful : 0;
      active = live.counters.get("sessions.active");
    }
    runner.stop();
  });
  REQUIRE(completed == 50);
  CHECK(active == 50);  // every session up: the snapshot that saw the 50th handshake
  CHECK(r.counters.values().count("sessions.active") == 1);
  CHECK(r.counters.get("sessions.active") == 0);  // the final report: every pair closed
}
