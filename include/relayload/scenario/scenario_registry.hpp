// relayload::scenario::scenario_registry — scenarios by name. Built-in scenarios are added by
// an explicit call, register_builtin_scenarios(), never by static initialisers (which the
// linker drops from static libraries).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "relayload/result.hpp"
#include "relayload/scenario/scenario.hpp"

namespace relayload::scenario {

class scenario_registry {
 public:
  /// Adds a scenario. errc::invalid_argument when the name is empty, already taken, or the
  /// factory is missing.
  result<void> add(scenario_info info);
  /// The scenario of that exact name, or nullptr.
  const scenario_info* find(std::string_view name) const noexcept;
  /// Names in registration order.
  std::vector<std::string> names() const;
  /// "a, b, c": for messages that list the valid names.
  std::string names_joined() const;

 private:
  std::vector<scenario_info> scenarios_;
};

/// Adds connection-storm, steady-state, realistic-session, async-delivery and
/// steady-messaging (those that are implemented in this build).
void register_builtin_scenarios(scenario_registry& registry);

}  // namespace relayload::scenario
