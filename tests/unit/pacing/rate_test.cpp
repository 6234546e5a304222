#include <catch2/catch.hpp>

#include <limits>

#include "relayload/error.hpp"
#include "relayload/pacing/rate.hpp"

using relayload::errc;
using relayload::pacing::rate;

TEST_CASE("rate: whole and fractional rates are exact in micro-events per second", "[pacing]") {
  CHECK(rate::per_second(1000).micro_hz() == 1'000'000'000ULL);
  CHECK(rate::per_second(100) + rate::per_second(50) == rate::per_second(150));
  CHECK(rate::per_second(10) - rate::per_second(50) == rate{});
  CHECK(rate::per_second(1) < rate::per_second(2));

  auto fractional = rate::from_double(1.5);
  REQUIRE(fractional);
  CHECK(fractional->micro_hz() == 1'500'000ULL);
  CHECK(fractional->to_double() == 1.5);
  // Rounded to the nearest µHz.
  CHECK(rate::from_double(0.0000004)->micro_hz() == 0);
  CHECK(rate::from_double(0.0000006)->micro_hz() == 1);
}

TEST_CASE("rate: unusable numbers are rejected and never wrapped", "[pacing]") {
  CHECK(rate::from_double(-1.0).error() == errc::invalid_argument);
  CHECK(rate::from_double(std::numeric_limits<double>::quiet_NaN()).error() ==
        errc::invalid_argument);
  CHECK(rate::from_double(std::numeric_limits<double>::infinity()).error() ==
        errc::invalid_argument);
  CHECK(rate::from_double(1e14).error() == errc::invalid_argument);
}
