#include "relayload/metrics/config_map.hpp"

#include <algorithm>

namespace relayload::metrics {

void config_map::set(std::string_view key, config_value value) {
  const auto it = std::find_if(entries_.begin(), entries_.end(),
                               [&](const entry& e) { return e.first == key; });
  if (it != entries_.end()) {
    it->second = std::move(value);
  } else {
    entries_.emplace_back(std::string(key), std::move(value));
  }
}

const config_value* config_map::find(std::string_view key) const noexcept {
  const auto it = std::find_if(entries_.begin(), entries_.end(),
                               [&](const entry& e) { return e.first == key; });
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace relayload::metrics
