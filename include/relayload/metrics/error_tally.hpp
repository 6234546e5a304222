// relayload::metrics::error_tally — failures counted by cause and by coarse condition.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "relayload/error.hpp"

namespace relayload::metrics {

/// Counts failures by cause. A cause is a stable name: relayload::to_string(errc) for the
/// library's own codes ("reply_timeout"), "<category>:<value>" for other error codes
/// ("system:111"), or a name the caller chooses (a WebSocket close code as "close_3012").
/// Each cause also carries the coarse relayload::condition it belongs to, so reports can
/// say how many failures were, say, local_resource problems rather than remote rejections.
/// A condition value of 0 means "unclassified".
///
/// Output order is deterministic: by cause name, then by condition. The first add() of a
/// (cause, condition) allocates.
class error_tally {
 public:
  struct entry {
    std::string cause;
    condition cls{};
    std::uint64_t count = 0;

    friend bool operator==(const entry& a, const entry& b) {
      return a.cause == b.cause && a.cls == b.cls && a.count == b.count;
    }
  };

  /// Adds `n` failures of `cause` in condition `cls`. Counts saturate at 2^64 - 1.
  void add(std::string_view cause, condition cls, std::uint64_t n = 1);
  /// Adds `n` failures of `ec`, named by cause_of() and classified by relayload::classify().
  void add(const std::error_code& ec, std::uint64_t n = 1);

  /// The stable cause name of an error code: relayload::to_string(ec) (see the class comment).
  static std::string cause_of(const std::error_code& ec);
  /// The relayload condition of an error code, or condition{} (0) when it has none.
  static condition condition_of(const std::error_code& ec) noexcept;

  /// Adds every count of `other` to this tally.
  void merge(const error_tally& other);

  /// Every failure counted.
  std::uint64_t total() const noexcept;
  /// Failures of `cause`, over every condition.
  std::uint64_t count(std::string_view cause) const noexcept;
  /// Failures in condition `cls`.
  std::uint64_t count(condition cls) const noexcept;
  /// Totals per condition, in the order of the condition's value (0 first).
  std::vector<std::pair<condition, std::uint64_t>> by_condition() const;
  /// Every (cause, condition, count), sorted by cause then condition.
  std::vector<entry> entries() const;
  bool empty() const noexcept { return counts_.empty(); }

  friend bool operator==(const error_tally& a, const error_tally& b) {
    return a.counts_ == b.counts_;
  }
  friend bool operator!=(const error_tally& a, const error_tally& b) { return !(a == b); }

 private:
  std::map<std::pair<std::string, int>, std::uint64_t> counts_;
};

/// Parses a condition name written by relayload::to_string(condition); "unknown" is the
/// unclassified condition{}. std::nullopt for any other text.
std::optional<condition> condition_from_string(std::string_view name) noexcept;

}  // namespace relayload::metrics
