#include "relayload/metrics/error_tally.hpp"

#include <limits>

namespace relayload::metrics {

namespace {
std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  return b > std::numeric_limits<std::uint64_t>::max() - a
             ? std::numeric_limits<std::uint64_t>::max()
             : a + b;
}
constexpr condition all_conditions[] = {
    condition::transport_failure, condition::protocol_violation, condition::local_resource,
    condition::remote_rejected,   condition::timed_out,          condition::invalid_input,
    condition::tls_verification,
};
}  // namespace

void error_tally::add(std::string_view cause, condition cls, std::uint64_t n) {
  auto& slot = counts_[{std::string(cause), static_cast<int>(cls)}];
  slot = saturating_add(slot, n);
}

void error_tally::add(const std::error_code& ec, std::uint64_t n) {
  add(cause_of(ec), condition_of(ec), n);
}

std::string error_tally::cause_of(const std::error_code& ec) {
  return relayload::to_string(ec);
}

condition error_tally::condition_of(const std::error_code& ec) noexcept {
  const std::error_condition c = classify(ec);
  if (c.category() != condition_category()) return condition{};
  return static_cast<condition>(c.value());
}

void error_tally::merge(const error_tally& other) {
  for (const auto& [key, n] : other.counts_) {
    auto& slot = counts_[key];
    slot = saturating_add(slot, n);
  }
}

std::uint64_t error_tally::total() const noexcept {
  std::uint64_t sum = 0;
  for (const auto& kv : counts_) sum = saturating_add(sum, kv.second);
  return sum;
}

std::uint64_t error_tally::count(std::string_view cause) const noexcept {
  std::uint64_t sum = 0;
  for (const auto& [key, n] : counts_) {
    if (key.first == cause) sum = saturating_add(sum, n);
  }
  return sum;
}

std::uint64_t error_tally::count(condition cls) const noexcept {
  std::uint64_t sum = 0;
  for (const auto& [key, n] : counts_) {
    if (key.second == static_cast<int>(cls)) sum = saturating_add(sum, n);
  }
  return sum;
}

std::vector<std::pair<condition, std::uint64_t>> error_tally::by_condition() const {
  std::map<int, std::uint64_t> sums;
  for (const auto& [key, n] : counts_) sums[key.second] = saturating_add(sums[key.second], n);
  std::vector<std::pair<condition, std::uint64_t>> out;
  out.reserve(sums.size());
  for (const auto& [cls, n] : sums) out.emplace_back(static_cast<condition>(cls), n);
  return out;
}

std::vector<error_tally::entry> error_tally::entries() const {
  std::vector<entry> out;
  out.reserve(counts_.size());
  for (const auto& [key, n] : counts_) {
    out.push_back({key.first, static_cast<condition>(key.second), n});
  }
  return out;
}

std::optional<condition> condition_from_string(std::string_view name) noexcept {
  if (name == "unknown") return condition{};
  for (const condition c : all_conditions) {
    if (name == to_string(c)) return c;
  }
  return std::nullopt;
}

}  // namespace relayload::metrics
