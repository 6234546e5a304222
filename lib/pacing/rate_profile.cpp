#include "relayload/pacing/rate_profile.hpp"

#include <algorithm>
#include <cmath>

#include "pacing/wide_math_impl.hpp"
#include "relayload/error.hpp"

namespace relayload::pacing {

namespace {

using detail::u128;

// Λ is counted in units of 1/(2·10^15) events: a rate in µHz times a time in ns is 10^-15
// events, and a linear segment's trapezoid halves that, so (start + end)·duration is whole.
constexpr std::uint64_t units_per_event = 2 * 1'000'000'000ULL * rate::micro;
// The most units whose event count, ceil(units / units_per_event), still fits 64 bits.
constexpr u128 max_units = static_cast<u128>(units_per_event) * detail::u64_max;

// 256-bit unsigned arithmetic, just enough to compare a segment's quadratic exactly: its terms
// reach about 2^192 (a 64-bit rate times two 63-bit times), beyond any native type.
struct u256 {
  std::uint64_t limb[4] = {0, 0, 0, 0};  // least significant first
};

u256 widen(u128 v) noexcept {
  u256 r;
  r.limb[0] = static_cast<std::uint64_t>(v);
  r.limb[1] = static_cast<std::uint64_t>(v >> 64);
  return r;
}

// a·m; every product the callers form stays far below 2^256.
u256 mul(const u256& a, std::uint64_t m) noexcept {
  u256 r;
  u128 carry = 0;
  for (int i = 0; i < 4; ++i) {
    const u128 p = static_cast<u128>(a.limb[i]) * m + carry;
    r.limb[i] = static_cast<std::uint64_t>(p);
    carry = p >> 64;
  }
  return r;
}

u256 add(const u256& a, const u256& b) noexcept {
  u256 r;
  u128 carry = 0;
  for (int i = 0; i < 4; ++i) {
    const u128 s = static_cast<u128>(a.limb[i]) + b.limb[i] + carry;
    r.limb[i] = static_cast<std::uint64_t>(s);
    carry = s >> 64;
  }
  return r;
}

bool less_equal(const u256& a, const u256& b) noexcept {
  for (int i = 3; i >= 0; --i) {
    if (a.limb[i] != b.limb[i]) return a.limb[i] < b.limb[i];
  }
  return true;
}

// floor(τ) for the τ in [0, d) at which a segment of duration d > 0 going from r0 to r1 µHz
// has gathered `target` units, for 0 <= target < (r0 + r1)·d (so the segment's rate is
// positive on its interior and the root is unique).
//
// From the segment's start the segment holds G(τ) = 2·r0·τ + (r1 − r0)·τ²/d units, increasing
// in τ, so floor(τ) is the largest whole n with G(n) <= target. A long double root of the
// quadratic is the first guess; exact comparisons of d·G(n) with d·target then gallop to a
// bracket around it and bisect it, usually after two comparisons.
std::uint64_t floor_time_in_segment(std::uint64_t d, std::uint64_t r0, std::uint64_t r1,
                                    u128 target) noexcept {
  if (r0 == r1) return static_cast<std::uint64_t>(target / (2 * static_cast<u128>(r0)));
  if (target == 0) return 0;

  const u256 target_d = mul(widen(target), d);
  const auto within = [&](std::uint64_t n) noexcept {  // G(n) <= target
    const u256 linear = mul(mul(widen(r0), n), d);
    const u256 twice_linear = add(linear, linear);
    const u256 n_squared = widen(static_cast<u128>(n) * n);
    if (r1 > r0) return less_equal(add(twice_linear, mul(n_squared, r1 - r0)), target_d);
    return less_equal(twice_linear, add(target_d, mul(n_squared, r0 - r1)));
  };

  // τ = target / (r0 + sqrt(r0² + (r1 − r0)·target/d)): the root of G(τ) = target written
  // without the cancellation of the textbook formula (and finite when r0 = 0).
  const long double x = static_cast<long double>(target);
  const long double a = static_cast<long double>(r0);
  const long double b = static_cast<long double>(r1);
  const long double len = static_cast<long double>(d);
  long double disc = a * a + (b - a) * x / len;
  if (!(disc > 0)) disc = 0;  // rounding near the end of a falling ramp
  const long double denom = a + std::sqrt(disc);
  const long double guess = denom > 0 ? x / denom : 0;
  std::uint64_t n = 0;
  if (guess >= len - 1) {
    n = d - 1;
  } else if (guess > 0) {
    n = static_cast<std::uint64_t>(guess);
  }

  // within(0) always holds (G(0) = 0) and within(d) never does (G(d) is the segment's total).
  std::uint64_t lo = 0;
  std::uint64_t hi = d;
  if (within(n)) {
    lo = n;
    // step stays a power of two below d − lo < 2^63, so doubling it cannot wrap.
    for (std::uint64_t step = 1; step < d - lo; step *= 2) {
      if (!within(lo + step)) {
        hi = lo + step;
        break;
      }
      lo += step;
    }
  } else {
    hi = n;  // n > 0 here
    for (std::uint64_t step = 1; step < hi; step *= 2) {
      if (within(hi - step)) {
        lo = hi - step;
        break;
      }
      hi -= step;
    }
  }
  while (hi - lo > 1) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (within(mid)) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// The header spells the 128-bit counts as two halves so that it needs no compiler extension.
u128 native(std::uint64_t hi, std::uint64_t lo) noexcept {
  return (static_cast<u128>(hi) << 64) | lo;
}

}  // namespace

result<rate_profile> rate_profile::from_segments(std::vector<segment> segments) {
  if (segments.size() > max_segments) return unexpected(errc::invalid_argument);
  rate_profile p;
  p.starts_.reserve(segments.size());
  p.before_.reserve(segments.size());
  u128 total = 0;
  std::uint64_t start = 0;  // ns
  for (const auto& s : segments) {
    if (s.duration.count() < 0) return unexpected(errc::invalid_argument);
    const auto d = static_cast<std::uint64_t>(s.duration.count());
    if (d > detail::i64_max - start) return unexpected(errc::invalid_argument);
    p.starts_.emplace_back(static_cast<std::int64_t>(start));
    p.before_.push_back(
        wide{static_cast<std::uint64_t>(total >> 64), static_cast<std::uint64_t>(total)});
    // The segment's trapezoid, (start + end)·d units; refused before it could overflow.
    const u128 rates = static_cast<u128>(s.start.micro_hz()) + s.end.micro_hz();
    if (d != 0 && rates > (max_units - total) / d) return unexpected(errc::invalid_argument);
    total += rates * d;
    start += d;
  }
  p.segments_ = std::move(segments);
  p.total_ = wide{static_cast<std::uint64_t>(total >> 64), static_cast<std::uint64_t>(total)};
  p.count_ =
      static_cast<std::uint64_t>(total / units_per_event + (total % units_per_event != 0 ? 1 : 0));
  p.span_ = std::chrono::nanoseconds(static_cast<std::int64_t>(start));
  return p;
}

result<rate_profile> rate_profile::from_stages(
    const std::vector<std::pair<std::chrono::nanoseconds, rate>>& stages) {
  if (stages.size() > max_segments) return unexpected(errc::invalid_argument);
  std::vector<segment> segments;
  segments.reserve(stages.size());
  rate previous;  // k6 starts the first stage from zero
  for (const auto& [duration, target] : stages) {
    segments.push_back(segment{duration, previous, target});
    previous = target;
  }
  return from_segments(std::move(segments));
}

result<rate_profile> rate_profile::constant(rate r, std::chrono::nanoseconds span) {
  return from_segments({segment{span, r, r}});
}

result<rate_profile> rate_profile::steps(
    const std::vector<std::pair<std::chrono::nanoseconds, rate>>& steps) {
  if (steps.size() > max_segments) return unexpected(errc::invalid_argument);
  std::vector<segment> segments;
  segments.reserve(steps.size());
  for (const auto& [duration, r] : steps) segments.push_back(segment{duration, r, r});
  return from_segments(std::move(segments));
}

rate rate_profile::rate_at(std::chrono::nanoseconds t) const noexcept {
  if (t.count() < 0 || t >= span_) return rate{};
  // The last segment starting at or before t; zero-length segments share their start with the
  // next one, so this is the segment t lies inside (and the later side of a jump).
  const auto s = static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), t) -
                                          starts_.begin() - 1);
  const segment& seg = segments_[s];
  const auto tau = static_cast<std::uint64_t>((t - starts_[s]).count());
  const auto d = static_cast<std::uint64_t>(seg.duration.count());
  const std::uint64_t r0 = seg.start.micro_hz();
  const std::uint64_t r1 = seg.end.micro_hz();
  // |r1 − r0|·τ < 2^127: exact in 128 bits.
  if (r1 >= r0) {
    return rate::from_micro_hz(r0 +
                               static_cast<std::uint64_t>(static_cast<u128>(r1 - r0) * tau / d));
  }
  const u128 drop = static_cast<u128>(r0 - r1) * tau;
  return rate::from_micro_hz(r0 - static_cast<std::uint64_t>(drop / d + (drop % d != 0 ? 1 : 0)));
}

long double rate_profile::events_before(std::chrono::nanoseconds t) const noexcept {
  if (t.count() <= 0 || segments_.empty()) return 0;
  if (t >= span_) return total_events();
  const auto s = static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), t) -
                                          starts_.begin() - 1);
  const segment& seg = segments_[s];
  const auto tau = static_cast<long double>((t - starts_[s]).count());
  const auto d = static_cast<long double>(seg.duration.count());
  const auto r0 = static_cast<long double>(seg.start.micro_hz());
  const auto r1 = static_cast<long double>(seg.end.micro_hz());
  const long double inside = 2 * r0 * tau + (r1 - r0) * tau * tau / d;
  const long double before = static_cast<long double>(native(before_[s].hi, before_[s].lo));
  return (before + inside) / static_cast<long double>(units_per_event);
}

long double rate_profile::total_events() const noexcept {
  return static_cast<long double>(native(total_.hi, total_.lo)) /
         static_cast<long double>(units_per_event);
}

std::optional<std::chrono::nanoseconds> rate_profile::time_at(
    std::uint64_t events, std::uint64_t femto_events) const noexcept {
  // Both terms are below 2^116: no overflow.
  const u128 target =
      static_cast<u128>(events) * units_per_event + static_cast<u128>(femto_events) * 2;
  if (target >= native(total_.hi, total_.lo)) return std::nullopt;
  // The last segment whose starting Λ is <= target. A segment that holds nothing (zero length
  // or zero rate) shares its starting Λ with the next one and is skipped, which is what makes
  // the inverse inf{t : Λ(t) > x}. before_[0] = 0 <= target, so s >= 0.
  const auto it = std::upper_bound(
      before_.begin(), before_.end(), target,
      [](u128 value, const wide& w) noexcept { return value < native(w.hi, w.lo); });
  const auto s = static_cast<std::size_t>(it - before_.begin() - 1);
  const segment& seg = segments_[s];
  const u128 inside = target - native(before_[s].hi, before_[s].lo);
  const std::uint64_t tau = floor_time_in_segment(static_cast<std::uint64_t>(seg.duration.count()),
                                                  seg.start.micro_hz(), seg.end.micro_hz(), inside);
  return starts_[s] + std::chrono::nanoseconds(static_cast<std::int64_t>(tau));
}

std::optional<std::chrono::nanoseconds> rate_profile::time_at(long double events) const noexcept {
  if (std::isnan(events)) return std::nullopt;
  if (!(events > 0)) events = 0;
  // Λ(span) < 2^64 events (from_segments checks it), so anything larger is past the end.
  if (events >= 18446744073709551616.0L) return std::nullopt;
  const long double whole = std::floor(events);
  const auto femto = static_cast<std::uint64_t>(std::floor((events - whole) * 1e15L));
  return time_at(static_cast<std::uint64_t>(whole), femto);
}

}  // namespace relayload::pacing
