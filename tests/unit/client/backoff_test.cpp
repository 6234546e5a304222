// The reconnect backoff and the close-code / error-code rules of centrifuge-js 5.4.0.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "relayload/client/backoff.hpp"
#include "relayload/client/client_error.hpp"
#include "relayload/client/connect_outcome.hpp"
#include "relayload/client/reconnect_decision.hpp"
#include "relayload/metrics/error_tally.hpp"

using namespace relayload;
using namespace relayload::client;
using std::chrono::milliseconds;

TEST_CASE("backoff delay follows the full-jitter formula at its extremes", "[client][backoff]") {
  const backoff_policy raw = backoff_policy::raw();
  // random 0 → min; random max → min(max, min + min(max, min·2^step))
  CHECK(backoff::delay(raw, 0, 0) == milliseconds(500));
  CHECK(backoff::delay(raw, 0, UINT64_MAX) == milliseconds(1000));
  CHECK(backoff::delay(raw, 1, UINT64_MAX) == milliseconds(1500));
  CHECK(backoff::delay(raw, 2, UINT64_MAX) == milliseconds(2500));
  CHECK(backoff::delay(raw, 3, UINT64_MAX) == milliseconds(4500));
  CHECK(backoff::delay(raw, 4, UINT64_MAX) == milliseconds(5000));
  CHECK(backoff::delay(raw, 31, UINT64_MAX) == milliseconds(5000));
  CHECK(backoff::delay(raw, 1000, UINT64_MAX) == milliseconds(5000));  // step capped at 31
  CHECK(backoff::delay(raw, 1000, 0) == milliseconds(500));

  const backoff_policy mwp = backoff_policy::mwp();
  CHECK(mwp.min == milliseconds(100));
  CHECK(mwp.max == milliseconds(30000));
  CHECK(backoff::delay(mwp, 0, UINT64_MAX) == milliseconds(200));
  CHECK(backoff::delay(mwp, 8, UINT64_MAX) == milliseconds(25700));
  CHECK(backoff::delay(mwp, 9, UINT64_MAX) == milliseconds(30000));
  CHECK(backoff_policy::resubscribe().max == milliseconds(20000));
}

TEST_CASE("uniform_inclusive covers both ends of the range", "[client][backoff]") {
  CHECK(backoff::uniform_inclusive(0, 1000) == 0);
  CHECK(backoff::uniform_inclusive(UINT64_MAX, 1000) == 1000);
  CHECK(backoff::uniform_inclusive(UINT64_MAX / 2, 1000) == 500);
  CHECK(backoff::uniform_inclusive(12345, 0) == 0);
}

TEST_CASE("a seeded backoff gives a reproducible sequence within the bounds", "[client][backoff]") {
  const backoff_policy raw = backoff_policy::raw();
  backoff a(42);
  backoff b(42);
  backoff c(43);
  std::vector<milliseconds> sa, sb, sc;
  for (int i = 0; i < 8; ++i) {
    sa.push_back(a.next(raw));
    sb.push_back(b.next(raw));
    sc.push_back(c.next(raw));
  }
  CHECK(sa == sb);
  CHECK(sa != sc);
  CHECK(a.step() == 8);
  for (std::uint32_t step = 0; step < sa.size(); ++step) {
    const auto hi = std::min<std::int64_t>(5000, 500 + std::min<std::int64_t>(5000, 500LL << step));
    CHECK(sa[step].count() >= 500);
    CHECK(sa[step].count() <= hi);
  }
  // next() is exactly the pure formula fed with the generator's numbers.
  backoff d(42);
  backoff rng(42);
  for (std::uint32_t step = 0; step < 8; ++step) {
    CHECK(d.next(raw) == backoff::delay(raw, step, rng.next_random()));
  }
  d.reset();
  CHECK(d.step() == 0);
  CHECK(d.next(raw).count() <= 1000);  // step 0 again
}

TEST_CASE("jitter spreads over the whole window", "[client][backoff]") {
  backoff b(7);
  const backoff_policy raw = backoff_policy::raw();
  std::int64_t lo = 1 << 30, hi = 0, sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const auto d = backoff::delay(raw, 0, b.next_random()).count();
    lo = std::min(lo, d);
    hi = std::max(hi, d);
    sum += d;
  }
  CHECK(lo < 510);
  CHECK(hi > 990);
  CHECK(sum / 10000 > 730);
  CHECK(sum / 10000 < 770);
}

TEST_CASE("backoff policy validation", "[client][backoff]") {
  CHECK(backoff_policy::raw().validate().empty());
  CHECK(backoff_policy{milliseconds(10), milliseconds(5)}.validate().size() == 1);
  CHECK(backoff_policy{milliseconds(-1), milliseconds(-2)}.validate().size() == 3);
}

TEST_CASE("close codes: terminal ranges stop, everything else reconnects", "[client][codes]") {
  for (std::uint16_t code : {0, 1000, 1001, 1005, 1006, 1011, 2999, 3000, 3001, 3004, 3008, 3011,
                             3012, 3499, 4000, 4499, 5000, 6000}) {
    INFO(code);
    CHECK(on_close_code(code) == reconnect_decision::reconnect);
  }
  for (std::uint16_t code : {1009, 3500, 3501, 3502, 3503, 3504, 3507, 3999, 4500, 4999}) {
    INFO(code);
    CHECK(on_close_code(code) == reconnect_decision::stop);
  }
  CHECK(on_disconnect_push(3001) == reconnect_decision::reconnect);
  CHECK(on_disconnect_push(3503) == reconnect_decision::stop);
  CHECK(on_disconnect_push(4501) == reconnect_decision::stop);
  CHECK(std::string(to_string(reconnect_decision::stop)) == "stop");
}

TEST_CASE("connect and subscribe error replies: temporary or < 100 retry", "[client][codes]") {
  CHECK(on_connect_error(1, false) == reconnect_decision::reconnect);  // client timeout
  CHECK(on_connect_error(99, false) == reconnect_decision::reconnect);
  CHECK(on_connect_error(100, true) == reconnect_decision::reconnect);   // internal, temporary
  CHECK(on_connect_error(109, false) == reconnect_decision::reconnect);  // token expired
  CHECK(on_connect_error(111, true) == reconnect_decision::reconnect);   // too many requests
  CHECK(on_connect_error(101, false) == reconnect_decision::stop);       // unauthorized
  CHECK(on_connect_error(103, false) == reconnect_decision::stop);
  CHECK(on_connect_error(100, false) == reconnect_decision::stop);
  CHECK(on_subscribe_error(100, true) == reconnect_decision::reconnect);
  CHECK(on_subscribe_error(109, false) == reconnect_decision::reconnect);
  CHECK(on_subscribe_error(102, false) == reconnect_decision::stop);
  CHECK(on_subscribe_error(105, false) == reconnect_decision::stop);
  CHECK(on_unsubscribe_push(2500) == reconnect_decision::reconnect);
  CHECK(on_unsubscribe_push(2502) == reconnect_decision::reconnect);
  CHECK(on_unsubscribe_push(2000) == reconnect_decision::stop);
}

TEST_CASE("outcome classification: immediate, recovered, failed", "[client][outcome]") {
  CHECK(classify_outcome(true, 0) == outcome_kind::immediate);
  CHECK(classify_outcome(true, 1) == outcome_kind::recovered);
  CHECK(classify_outcome(true, 7) == outcome_kind::recovered);
  CHECK(classify_outcome(false, 0) == outcome_kind::failed);
  CHECK(classify_outcome(false, 3) == outcome_kind::failed);
  CHECK(std::string(to_string(outcome_kind::recovered)) == "recovered");
}

TEST_CASE("client_error cause names are stable", "[client][errors]") {
  client_error server;
  server.error = make_error_code(errc::server_error);
  server.server_code = 103;
  CHECK(server.cause() == "server_error_103");
  CHECK(server.condition_of() == condition::remote_rejected);

  client_error closed;
  closed.error = make_error_code(errc::disconnected);
  closed.close_code = 3012;
  CHECK(closed.cause() == "close_3012");
  CHECK(closed.condition_of() == condition::transport_failure);
  closed.close_code = 3504;
  CHECK(closed.cause() == "close_3504");
  CHECK(closed.condition_of() == condition::remote_rejected);

  client_error ping;
  ping.error = make_error_code(errc::no_ping);
  CHECK(ping.cause() == "no_ping");
  CHECK(ping.condition_of() == condition::timed_out);

  client_error refused;
  refused.error = std::make_error_code(std::errc::connection_refused);
  // Transport codes are named as metrics::error_tally names them.
  CHECK(refused.cause() == metrics::error_tally::cause_of(refused.error));
  CHECK(refused.condition_of() == condition::transport_failure);
}
