#include "relayload/scenario/scenario_registry.hpp"

#include "relayload/error.hpp"

namespace relayload::scenario {

result<void> scenario_registry::add(scenario_info info) {
  if (info.name.empty() || !info.make_shard || find(info.name) != nullptr) {
    return unexpected(errc::invalid_argument);
  }
  scenarios_.push_back(std::move(info));
  return {};
}

const scenario_info* scenario_registry::find(std::string_view name) const noexcept {
  for (const auto& s : scenarios_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<std::string> scenario_registry::names() const {
  std::vector<std::string> out;
  out.reserve(scenarios_.size());
  for (const auto& s : scenarios_) out.push_back(s.name);
  return out;
}

std::string scenario_registry::names_joined() const {
  std::string out;
  for (const auto& s : scenarios_) {
    if (!out.empty()) out += ", ";
    out += s.name;
  }
  return out;
}

}  // namespace relayload::scenario
