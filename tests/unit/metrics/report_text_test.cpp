// The text summary counts pairs as pairs and says how many connections they opened; single
// connections keep the original's lines.
#include "relayload/metrics/report_text.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

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

}  // namespace

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
