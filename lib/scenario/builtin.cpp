#include "relayload/scenario/scenario_registry.hpp"

namespace relayload::scenario {

void register_connection_scenarios(scenario_registry& registry);
void register_session_scenarios(scenario_registry& registry);
void register_reconnect_storm(scenario_registry& registry);

void register_builtin_scenarios(scenario_registry& registry) {
  register_connection_scenarios(registry);
  register_session_scenarios(registry);
  register_reconnect_storm(registry);
}

}  // namespace relayload::scenario
