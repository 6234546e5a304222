#include "relayload/pacing/pacer.hpp"

#include <algorithm>
#include <limits>

namespace relayload::pacing {

std::vector<std::string> pacer_options::validate() const {
  std::vector<std::string> problems;
  if (late_threshold.count() < 0) problems.emplace_back("late_threshold must not be negative");
  if (max_lag.count() < 0) problems.emplace_back("max_lag must not be negative");
  if (max_lag < late_threshold) {
    problems.emplace_back("max_lag must be at least late_threshold");
  }
  if (max_burst == 0) problems.emplace_back("max_burst must be at least 1");
  return problems;
}

namespace {

pacer_options usable(pacer_options o) noexcept {
  using std::chrono::nanoseconds;
  o.late_threshold = std::max(o.late_threshold, nanoseconds(0));
  o.max_lag = std::max(o.max_lag, o.late_threshold);
  o.max_burst = std::max<std::size_t>(o.max_burst, 1);
  return o;
}

std::chrono::nanoseconds saturating_add(std::chrono::nanoseconds a,
                                        std::chrono::nanoseconds b) noexcept {
  const auto limit = std::chrono::nanoseconds::max();
  return b > limit - a ? limit : a + b;  // both are non-negative here
}

}  // namespace

pacer::pacer(schedule events, time_point t0, pacer_options options) noexcept
    : events_(std::move(events)), t0_(t0), options_(usable(options)) {}

std::optional<pacer::time_point> pacer::next_due() const noexcept {
  const auto event = events_.peek();
  if (!event) return std::nullopt;
  return t0_ + event->offset;
}

std::optional<std::uint64_t> pacer::next_index() const noexcept {
  const auto event = events_.peek();
  if (!event) return std::nullopt;
  return event->index;
}

std::chrono::nanoseconds pacer::wait_time(time_point now) const noexcept {
  const auto due = next_due();
  if (!due) return std::chrono::nanoseconds::max();
  return *due > now ? std::chrono::duration_cast<std::chrono::nanoseconds>(*due - now)
                    : std::chrono::nanoseconds(0);
}

std::chrono::nanoseconds pacer::lag(time_point now) const noexcept {
  const auto due = next_due();
  if (!due || *due >= now) return std::chrono::nanoseconds(0);
  return std::chrono::duration_cast<std::chrono::nanoseconds>(now - *due);
}

std::optional<due_event> pacer::next(time_point now) noexcept {
  const auto event = events_.peek();
  if (!event) return std::nullopt;
  const time_point intended = t0_ + event->offset;
  if (intended > now) return std::nullopt;
  events_.advance();

  const auto lateness = std::chrono::duration_cast<std::chrono::nanoseconds>(now - intended);
  ++stats_.started;
  if (lateness > options_.late_threshold) ++stats_.late;
  const bool beyond = lateness > options_.max_lag;
  if (beyond) {
    ++stats_.beyond_clamp;
    if (!beyond_clamp_now_) ++stats_.overload_episodes;
  }
  beyond_clamp_now_ = beyond;
  stats_.max_lateness = std::max(stats_.max_lateness, lateness);
  stats_.total_lateness = saturating_add(stats_.total_lateness, lateness);
  return due_event{event->index, intended, lateness};
}

}  // namespace relayload::pacing
