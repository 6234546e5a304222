#include "relayload/metrics/counter_set.hpp"

#include <limits>

namespace relayload::metrics {

namespace {
std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  return b > std::numeric_limits<std::uint64_t>::max() - a
             ? std::numeric_limits<std::uint64_t>::max()
             : a + b;
}
}  // namespace

void counter_set::add(std::string_view name, std::uint64_t n) {
  auto it = values_.find(name);
  if (it == values_.end()) it = values_.emplace(std::string(name), 0).first;
  it->second = saturating_add(it->second, n);
}

std::uint64_t counter_set::get(std::string_view name) const noexcept {
  const auto it = values_.find(name);
  return it == values_.end() ? 0 : it->second;
}

void counter_set::merge(const counter_set& other) {
  for (const auto& [name, value] : other.values_) add(name, value);
}

}  // namespace relayload::metrics
