#include "relayload/pacing/staircase_schedule.hpp"

#include <algorithm>
#include <utility>

#include "pacing/wide_math_impl.hpp"
#include "relayload/error.hpp"

namespace relayload::pacing {

result<staircase_schedule> staircase_schedule::from_steps(
    std::vector<constant_rate_schedule> steps) {
  if (steps.size() > max_steps) return unexpected(errc::invalid_argument);
  staircase_schedule s;
  s.starts_.reserve(steps.size());
  s.first_.reserve(steps.size());
  std::uint64_t size = 0;
  std::uint64_t start = 0;  // ns; every span is non-negative
  for (const auto& step : steps) {
    s.starts_.emplace_back(static_cast<std::int64_t>(start));
    s.first_.push_back(size);
    const auto span = static_cast<std::uint64_t>(step.span().count());
    if (step.size() > detail::u64_max - size || span > detail::i64_max - start) {
      return unexpected(errc::invalid_argument);
    }
    size += step.size();
    start += span;
  }
  s.steps_ = std::move(steps);
  s.size_ = size;
  s.span_ = std::chrono::nanoseconds(static_cast<std::int64_t>(start));
  return s;
}

result<staircase_schedule> staircase_schedule::linear(rate start, rate increment,
                                                      std::chrono::nanoseconds step_duration,
                                                      rate max) {
  if (step_duration.count() <= 0 || start > max) return unexpected(errc::invalid_argument);
  std::uint64_t raises = 0;  // steps after the first
  if (start < max) {
    if (increment.is_zero()) return unexpected(errc::invalid_argument);
    raises = (max.micro_hz() - start.micro_hz()) / increment.micro_hz();
  }
  if (raises >= max_steps) return unexpected(errc::invalid_argument);
  const std::uint64_t count = raises + 1;
  std::vector<constant_rate_schedule> steps;
  steps.reserve(static_cast<std::size_t>(count));
  rate r = start;
  for (std::uint64_t k = 0; k < count; ++k, r = r + increment) {
    auto step = constant_rate_schedule::for_duration(r, step_duration);
    if (!step) return unexpected(step.error());
    steps.push_back(*step);
  }
  return from_steps(std::move(steps));
}

result<staircase_schedule> staircase_schedule::increments(std::uint64_t first,
                                                          std::uint64_t increment,
                                                          std::chrono::nanoseconds step_duration,
                                                          std::uint64_t total) {
  if (step_duration.count() <= 0 || first > total) return unexpected(errc::invalid_argument);
  const std::uint64_t rest = total - first;
  std::uint64_t more = 0;  // steps after the first; the last one may be partial
  if (rest > 0) {
    if (increment == 0) return unexpected(errc::invalid_argument);
    more = rest / increment;
    if (more >= max_steps) return unexpected(errc::invalid_argument);
    more += rest % increment != 0 ? 1 : 0;
  }
  if (more >= max_steps) return unexpected(errc::invalid_argument);
  const std::uint64_t count = more + 1;
  std::vector<constant_rate_schedule> steps;
  steps.reserve(static_cast<std::size_t>(count));
  std::uint64_t left = total;
  for (std::uint64_t k = 0; k < count; ++k) {
    const std::uint64_t n = k == 0 ? first : std::min(increment, left);
    auto step = constant_rate_schedule::spread(n, step_duration);
    if (!step) return unexpected(step.error());
    steps.push_back(*step);
    left -= n;
  }
  return from_steps(std::move(steps));
}

std::size_t staircase_schedule::step_of(std::uint64_t i) const noexcept {
  // The last step whose first index is <= i. An empty step shares its first index with the
  // step after it, so "last" skips over empty steps to the one that holds event i.
  const auto it = std::upper_bound(first_.begin(), first_.end(), i);
  return static_cast<std::size_t>(it - first_.begin()) - 1;
}

std::chrono::nanoseconds staircase_schedule::offset(std::uint64_t i) const noexcept {
  const std::size_t s = step_of(i);
  return starts_[s] + steps_[s].offset(i - first_[s]);
}

}  // namespace relayload::pacing
