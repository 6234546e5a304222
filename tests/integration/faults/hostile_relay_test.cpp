// A hostile relay (hostile_relay.hpp) against the connection-storm scenario: each kind of
// misbehaviour ends every connection in exactly one outcome, counted under its own cause,
// and nothing crashes.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <string>

#include "hostile_relay.hpp"
#include "relayload/metrics/report_json.hpp"
#include "relayload/scenario/run_options.hpp"
#include "scenario_fixture.hpp"

using namespace std::chrono_literals;
using namespace relayload::test;
namespace sc = relayload::scenario;
namespace mt = relayload::metrics;

namespace {

mt::report storm_against(hostile_mode mode, std::uint64_t n) {
  hostile_relay relay(mode);
  sc::run_options o;
  o.target = relay.url();
  o.scenario = "connection-storm";
  o.connections = n;
  o.threads = 1;
  o.seed = 3;
  o.ramp_up = 0ms;
  o.connect_timeout = 3s;     // the initial connect gives up (with its retries) after this
  o.command_timeout = 500ms;  // bounds the WebSocket open and the connect reply
  auto rep = run_scenario(builtin_scenario("connection-storm"), o, 60s);
  CHECK(relay.accepted() >= n);
  return rep;
}

// Every connection ends failed, after retries all of which are errors of `cause`.
void check_all_failed_by(const mt::report& rep, std::uint64_t n, const std::string& cause) {
  INFO(mt::to_json(rep));
  CHECK(rep.connections.attempted == n);
  CHECK(rep.connections.failed == n);
  CHECK(rep.connections.successful == 0);
  CHECK(rep.errors.count(cause) >= n);
  CHECK(rep.errors.count(cause) == rep.errors.total());
  CHECK(rep.counters.get("attemptErrors") == rep.errors.total());
  CHECK(rep.counters.get("pendingAtEnd") == 0);
  // The initial connect retried until --connect-timeout, then gave up: one outcome each.
  CHECK(rep.counters.get("failedBy.connect_timeout") == n);
}

}  // namespace

TEST_CASE("hostile relay: malformed frames are counted as malformed_json",
          "[integration][faults][hostile]") {
  check_all_failed_by(storm_against(hostile_mode::malformed_frames, 5), 5, "malformed_json");
}

TEST_CASE("hostile relay: an oversized frame is refused as frame_too_large, not buffered",
          "[integration][faults][hostile]") {
  check_all_failed_by(storm_against(hostile_mode::oversized_frame, 3), 3, "frame_too_large");
}

TEST_CASE("hostile relay: a reply with the wrong id is ignored, the connect reply times out",
          "[integration][faults][hostile]") {
  check_all_failed_by(storm_against(hostile_mode::wrong_ids, 5), 5, "reply_timeout");
}

TEST_CASE("hostile relay: a relay that never answers gives reply timeouts",
          "[integration][faults][hostile]") {
  check_all_failed_by(storm_against(hostile_mode::never_answers, 5), 5, "reply_timeout");
}

TEST_CASE("hostile relay: closed right after the upgrade is an eof",
          "[integration][faults][hostile]") {
  check_all_failed_by(storm_against(hostile_mode::close_after_upgrade, 5), 5, "eof");
}

TEST_CASE("hostile relay: closed in the middle of the upgrade is an eof",
          "[integration][faults][hostile]") {
  check_all_failed_by(storm_against(hostile_mode::close_mid_upgrade, 5), 5, "eof");
}
