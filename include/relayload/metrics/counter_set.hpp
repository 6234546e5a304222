// relayload::metrics::counter_set — named event counters, mergeable, in name order.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace relayload::metrics {

/// Named 64-bit counters for a report (for example "generatorLateStarts"). Additions
/// saturate at 2^64 - 1 instead of wrapping. Iteration is in name order, so output is
/// deterministic. The first add() of a name allocates; keep hot-path counters as plain
/// integers and copy them in at the end of a run.
class counter_set {
 public:
  using map_type = std::map<std::string, std::uint64_t, std::less<>>;

  void add(std::string_view name, std::uint64_t n = 1);
  /// The value of `name`; 0 when it was never added to.
  std::uint64_t get(std::string_view name) const noexcept;
  /// Adds every counter of `other` to this one.
  void merge(const counter_set& other);

  const map_type& values() const noexcept { return values_; }
  bool empty() const noexcept { return values_.empty(); }

  friend bool operator==(const counter_set& a, const counter_set& b) {
    return a.values_ == b.values_;
  }
  friend bool operator!=(const counter_set& a, const counter_set& b) { return !(a == b); }

 private:
  map_type values_;
};

}  // namespace relayload::metrics
