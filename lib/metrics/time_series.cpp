#include "relayload/metrics/time_series.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <set>
#include <system_error>
#include <utility>

#include "relayload/error.hpp"

namespace relayload::metrics {

namespace {
std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  return b > std::numeric_limits<std::uint64_t>::max() - a
             ? std::numeric_limits<std::uint64_t>::max()
             : a + b;
}

// Gauge levels of shards add up; a wrapped sum would be meaningless, so saturate.
std::int64_t saturating_add(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) {
    return b > 0 ? std::numeric_limits<std::int64_t>::max()
                 : std::numeric_limits<std::int64_t>::min();
  }
  return out;
}

void check_names(const std::vector<std::string>& names, const char* what,
                 std::vector<std::string>& problems) {
  std::set<std::string> seen;
  for (const std::string& n : names) {
    if (n.empty()) problems.push_back(std::string(what) + " names must not be empty");
    if (!seen.insert(n).second) {
      problems.push_back(std::string(what) + " name \"" + n + "\" is defined twice");
    }
  }
}
}  // namespace

std::vector<std::string> time_series_options::validate() const {
  std::vector<std::string> problems;
  if (interval <= std::chrono::nanoseconds::zero()) {
    problems.push_back("the interval must be positive");
  }
  for (std::string& p : layout.validate()) problems.push_back("layout: " + std::move(p));
  check_names(counters, "counter", problems);
  check_names(gauges, "gauge", problems);
  return problems;
}

time_series::time_series() = default;

time_series::time_series(time_series_options options) : options_(std::move(options)) {
  if (!options_.validate().empty()) {
    throw std::system_error(make_error_code(errc::invalid_argument));
  }
}

result<time_series> time_series::create(time_series_options options) {
  if (!options.validate().empty()) return unexpected(errc::invalid_argument);
  return time_series(std::move(options));
}

std::optional<std::size_t> time_series::counter_id(std::string_view name) const noexcept {
  const auto& v = options_.counters;
  const auto it = std::find(v.begin(), v.end(), name);
  if (it == v.end()) return std::nullopt;
  return static_cast<std::size_t>(it - v.begin());
}

std::optional<std::size_t> time_series::gauge_id(std::string_view name) const noexcept {
  const auto& v = options_.gauges;
  const auto it = std::find(v.begin(), v.end(), name);
  if (it == v.end()) return std::nullopt;
  return static_cast<std::size_t>(it - v.begin());
}

std::uint64_t time_series::index_at(std::chrono::nanoseconds offset) const noexcept {
  if (offset <= std::chrono::nanoseconds::zero()) return 0;
  return static_cast<std::uint64_t>(offset / options_.interval);
}

void time_series::extend_to(std::uint64_t index) {
  if (index >= max_intervals) index = max_intervals - 1;
  while (intervals_.size() <= index) {
    interval_snapshot next;
    next.index = intervals_.size();
    next.counters.assign(options_.counters.size(), 0);
    next.gauges = intervals_.empty() ? std::vector<std::int64_t>(options_.gauges.size(), 0)
                                     : intervals_.back().gauges;
    intervals_.push_back(std::move(next));
  }
}

interval_snapshot* time_series::at(std::uint64_t index) {
  if (index >= max_intervals) return nullptr;
  extend_to(index);
  return &intervals_[static_cast<std::size_t>(index)];
}

void time_series::record(std::uint64_t index, std::int64_t value, std::uint64_t n) {
  interval_snapshot* s = at(index);
  if (s == nullptr) {
    dropped_ = saturating_add(dropped_, n);
    return;
  }
  if (!s->latency) s->latency.emplace(options_.layout);
  s->latency->record(value, n);
}

void time_series::count(std::uint64_t index, std::size_t id, std::uint64_t n) {
  if (id >= options_.counters.size()) return;
  interval_snapshot* s = at(index);
  if (s == nullptr) {
    dropped_ = saturating_add(dropped_, n);
    return;
  }
  s->counters[id] = saturating_add(s->counters[id], n);
}

void time_series::set_gauge(std::uint64_t index, std::size_t id, std::int64_t level) {
  if (id >= options_.gauges.size()) return;
  if (at(index) == nullptr) {
    dropped_ = saturating_add(dropped_, std::uint64_t{1});
    return;
  }
  for (auto i = static_cast<std::size_t>(index); i < intervals_.size(); ++i) {
    intervals_[i].gauges[id] = level;
  }
}

result<void> time_series::append(interval_snapshot snapshot) {
  if (snapshot.index != intervals_.size() || intervals_.size() >= max_intervals ||
      snapshot.counters.size() != options_.counters.size() ||
      snapshot.gauges.size() != options_.gauges.size() ||
      (snapshot.latency && snapshot.latency->layout() != options_.layout)) {
    return unexpected(errc::corrupt_data);
  }
  intervals_.push_back(std::move(snapshot));
  return {};
}

result<void> time_series::merge(const time_series& other) {
  if (options_ != other.options_) return unexpected(errc::layout_mismatch);
  // Histogram merges can fail only on count overflow; check first so a failure leaves this
  // series unchanged.
  const std::size_t common = std::min(intervals_.size(), other.intervals_.size());
  for (std::size_t i = 0; i < common; ++i) {
    const auto& mine = intervals_[i].latency;
    const auto& theirs = other.intervals_[i].latency;
    if (mine && theirs &&
        theirs->count() > std::numeric_limits<std::uint64_t>::max() - mine->count()) {
      return unexpected(errc::invalid_argument);
    }
  }
  const std::vector<std::int64_t> zeros(options_.gauges.size(), 0);
  const std::vector<std::int64_t> my_last = intervals_.empty() ? zeros : intervals_.back().gauges;
  const std::vector<std::int64_t> their_last =
      other.intervals_.empty() ? zeros : other.intervals_.back().gauges;
  const std::size_t mine_before = intervals_.size();
  if (other.intervals_.size() > intervals_.size()) {
    intervals_.reserve(other.intervals_.size());
  }
  for (std::size_t i = 0; i < other.intervals_.size(); ++i) {
    const interval_snapshot& theirs = other.intervals_[i];
    if (i >= mine_before) {
      interval_snapshot copy = theirs;
      for (std::size_t g = 0; g < copy.gauges.size(); ++g) {
        copy.gauges[g] = saturating_add(copy.gauges[g], my_last[g]);
      }
      intervals_.push_back(std::move(copy));
      continue;
    }
    interval_snapshot& mine = intervals_[i];
    for (std::size_t c = 0; c < mine.counters.size(); ++c) {
      mine.counters[c] = saturating_add(mine.counters[c], theirs.counters[c]);
    }
    for (std::size_t g = 0; g < mine.gauges.size(); ++g) {
      mine.gauges[g] = saturating_add(mine.gauges[g], theirs.gauges[g]);
    }
    if (theirs.latency) {
      if (mine.latency) {
        (void)mine.latency->merge(*theirs.latency);  // cannot fail: checked above
      } else {
        mine.latency = theirs.latency;
      }
    }
  }
  for (std::size_t i = other.intervals_.size(); i < mine_before; ++i) {
    for (std::size_t g = 0; g < intervals_[i].gauges.size(); ++g) {
      intervals_[i].gauges[g] = saturating_add(intervals_[i].gauges[g], their_last[g]);
    }
  }
  dropped_ = saturating_add(dropped_, other.dropped_);
  return {};
}

std::chrono::nanoseconds series_interval_for(std::chrono::nanoseconds planned) noexcept {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  using std::chrono::minutes;
  using std::chrono::seconds;
  // Round numbers a reader can count on an axis; no step is more than 3× the one before, so
  // the first that fits leaves more than series_points_max / 3 intervals.
  static constexpr std::chrono::nanoseconds ladder[] = {
      milliseconds(10),  milliseconds(20),  milliseconds(25),  milliseconds(50), milliseconds(100),
      milliseconds(200), milliseconds(250), milliseconds(500), seconds(1),       seconds(2),
      seconds(5),        seconds(10),       seconds(15),       seconds(30),      minutes(1),
      minutes(2),        minutes(5),        minutes(10),       minutes(15),      minutes(30),
      hours(1),          hours(2),          hours(6),          hours(12),        hours(24)};
  for (const std::chrono::nanoseconds step : ladder) {
    if (planned <= step * series_points_max) return step;
  }
  return ladder[std::size(ladder) - 1];
}

}  // namespace relayload::metrics
