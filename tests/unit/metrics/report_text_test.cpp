// The text summary counts pairs as pairs and says how many connections they opened; single
// connections keep the original's lines; a reconnect storm's own drops are the storm.
#include "relayload/metrics/report_text.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "relayload/metrics/storm_summary.hpp"

using namespace relayload::metrics;

namespace {

report pair_report(std::uint64_t pairs, std::uint64_t successful) {
  report r;
  r.scenario = "realistic-session";
  r.connections = {pairs, successful, pairs - successful, successful, 0};
  r.connections_opened = 2 * successful;
  r.total_time = std::chrono::seconds(4);
  handshake_section hs;
  hs.attempted = pairs;
  hs.successful = successful;
  hs.failed = pairs - successful;
  r.handshake = hs;
  return r;
}

// A reconnect-storm report of `n` connections, all held and back within a second.
report storm_report(std::uint64_t n) {
  report r;
  r.scenario = "reconnect-storm";
  r.connections = {n, n, 0, n, 0};
  r.connections_opened = n;
  r.total_time = std::chrono::seconds(3);
  histogram h;
  for (std::uint64_t i = 0; i < n; ++i) h.record(std::chrono::milliseconds(500 + i));
  r.histograms.emplace(storm_recovery_histogram, h);
  r.counters.add("reconnectStorm.held", n);
  r.counters.add("reconnectStorm.back", n);
  r.counters.add("drops", n);
  return r;
}

}  // namespace

TEST_CASE("summary: a reconnect storm's own drops are the storm, not errors", "[text][storm]") {
  SECTION("dropped by the relay") {
    report r = storm_report(200);
    r.counters.add("reconnectStorm.droppedByRelay", 200);
    const std::string text = render_summary(r);
    CHECK_THAT(text, Catch::Contains("Reconnect Storm\n"
                                     "  Back:        200/200 (0 never recovered)\n"
                                     "  Back at:     50% "));
    const auto dropped = text.find("  Dropped:     200 by the relay (the storm's trigger)\n");
    REQUIRE(dropped != std::string::npos);
    CHECK(dropped > text.find("  Back at:"));  // in the block, after the milestones
    CHECK(text.find("Errors by cause") == std::string::npos);
  }
  SECTION("dropped by the clients") {
    report r = storm_report(300);
    r.counters.add("reconnectStorm.droppedByClient", 300);
    CHECK_THAT(render_summary(r),
               Catch::Contains("  Dropped:     300 by the clients (the storm's trigger)\n"));
  }
  SECTION("a merged report of both kinds names both") {
    report r = storm_report(10);
    r.counters.add("reconnectStorm.droppedByRelay", 4);
    r.counters.add("reconnectStorm.droppedByClient", 6);
    CHECK_THAT(render_summary(r),
               Catch::Contains("  Dropped:     4 by the relay, 6 by the clients (the storm's "
                               "trigger)\n"));
  }
  SECTION("a genuine failure is still an error beside the storm's drops") {
    report r = storm_report(200);
    r.counters.add("reconnectStorm.droppedByRelay", 199);
    r.errors.add("close_3500", relayload::condition::remote_rejected);
    const std::string text = render_summary(r);
    CHECK_THAT(text, Catch::Contains("  Dropped:     199 by the relay (the storm's trigger)\n"));
    CHECK_THAT(text, Catch::Contains("Errors by cause\n"));
    CHECK_THAT(text, Catch::Contains("close_3500"));
  }
  SECTION("no trigger drops counted (an older report): no line") {
    CHECK(render_summary(storm_report(5)).find("Dropped:") == std::string::npos);
  }
}

TEST_CASE("summary: session pairs are pairs, with the connections they opened", "[text]") {
  const std::string text = render_summary(pair_report(20, 20));
  CHECK_THAT(text, Catch::Contains(
                       "Connection Pairs: 20 attempted, 20 successful (100.0%), 40 connections "
                       "opened\n"));
  CHECK_THAT(text, Catch::Contains("Rate:             5.0 pairs/sec\n"));
  CHECK(text.find("conn/sec") == std::string::npos);
  CHECK(text.find("Connections:") == std::string::npos);

  // One pair half open: one connection.
  report one = pair_report(1, 0);
  one.connections_opened = 1;
  CHECK_THAT(render_summary(one),
             Catch::Contains("Connection Pairs: 1 attempted, 0 successful (0.0%), 1 connection "
                             "opened\n"));
  // A report that does not know its connections (an older relayload's) does not guess.
  report old = pair_report(20, 20);
  old.connections_opened.reset();
  CHECK_THAT(render_summary(old),
             Catch::Contains("Connection Pairs: 20 attempted, 20 successful (100.0%)\n"));
}

TEST_CASE("summary: single connections keep the original's lines", "[text]") {
  report r;
  r.scenario = "connection-storm";
  r.connections = {300, 300, 0, 300, 0};
  r.connections_opened = 300;
  r.total_time = std::chrono::seconds(3);
  const std::string text = render_summary(r);
  CHECK_THAT(text, Catch::Contains("Connections:      300 attempted, 300 successful (100.0%)\n"));
  CHECK_THAT(text, Catch::Contains("Rate:             100.0 conn/sec\n"));
  CHECK(text.find("opened") == std::string::npos);
}
