#include "relayload/pacing/constant_rate_schedule.hpp"

#include "pacing/wide_math_impl.hpp"
#include "relayload/error.hpp"

namespace relayload::pacing {

namespace {
// With the rate in µHz, i events take i · 1e15 / µHz nanoseconds.
constexpr std::uint64_t ns_micro_per_second = 1'000'000'000ULL * rate::micro;
}  // namespace

result<constant_rate_schedule> constant_rate_schedule::spread(
    std::uint64_t count, std::chrono::nanoseconds ramp) noexcept {
  if (ramp.count() < 0) return unexpected(errc::invalid_argument);
  if (count == 0) return constant_rate_schedule(0, 0, 1, ramp);
  // offset(i) = floor(i·R/N) < R for every i < N, so every offset fits.
  return constant_rate_schedule(count, static_cast<std::uint64_t>(ramp.count()), count, ramp);
}

result<constant_rate_schedule> constant_rate_schedule::for_duration(
    rate r, std::chrono::nanoseconds duration) noexcept {
  if (duration.count() < 0) return unexpected(errc::invalid_argument);
  if (r.is_zero()) return constant_rate_schedule(0, 0, 1, duration);
  // Events i with floor(i·P/Q) < D, i.e. i·P < D·Q (D is whole): i < D·Q/P, so ceil(D·Q/P).
  std::uint64_t count = 0;
  if (!detail::mul_div_ceil(static_cast<std::uint64_t>(duration.count()), r.micro_hz(),
                            ns_micro_per_second, count)) {
    return unexpected(errc::invalid_argument);
  }
  return constant_rate_schedule(count, ns_micro_per_second, r.micro_hz(), duration);
}

result<constant_rate_schedule> constant_rate_schedule::for_count(rate r,
                                                                 std::uint64_t count) noexcept {
  if (count == 0) return constant_rate_schedule(0, 0, 1, std::chrono::nanoseconds(0));
  if (r.is_zero()) return unexpected(errc::invalid_argument);
  // The span, floor(N·P/Q), bounds every offset; it must fit a signed 64-bit nanosecond count.
  std::uint64_t span = 0;
  if (!detail::mul_div_floor(count, ns_micro_per_second, r.micro_hz(), span) ||
      span > detail::i64_max) {
    return unexpected(errc::invalid_argument);
  }
  return constant_rate_schedule(count, ns_micro_per_second, r.micro_hz(),
                                std::chrono::nanoseconds(static_cast<std::int64_t>(span)));
}

std::chrono::nanoseconds constant_rate_schedule::offset(std::uint64_t i) const noexcept {
  // The factories guarantee the quotient fits int64 for every i < count_.
  return std::chrono::nanoseconds(
      static_cast<std::int64_t>(detail::mul_div_floor_unchecked(i, period_, per_)));
}

}  // namespace relayload::pacing
