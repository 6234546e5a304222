// relayload::metrics::config_map — the run configuration a report echoes (its "config"
// object), in insertion order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace relayload::metrics {

/// A configuration value as JSON can hold it: null, boolean, integer, number or string.
using config_value = std::variant<std::nullptr_t, bool, std::int64_t, double, std::string>;

/// Ordered key → value map. Keys keep the order in which they were first set, so a report's
/// "config" object lists connections, durationSec, rampUpSec, … as the original tool did.
class config_map {
 public:
  using entry = std::pair<std::string, config_value>;

  /// Sets `key`, replacing its value in place when it exists.
  void set(std::string_view key, config_value value);
  /// The value of `key`, or nullptr.
  const config_value* find(std::string_view key) const noexcept;
  const std::vector<entry>& entries() const noexcept { return entries_; }
  std::size_t size() const noexcept { return entries_.size(); }
  bool empty() const noexcept { return entries_.empty(); }

  friend bool operator==(const config_map& a, const config_map& b) {
    return a.entries_ == b.entries_;
  }
  friend bool operator!=(const config_map& a, const config_map& b) { return !(a == b); }

 private:
  std::vector<entry> entries_;
};

}  // namespace relayload::metrics
