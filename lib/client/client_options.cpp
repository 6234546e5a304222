#include "relayload/client/client_options.hpp"

namespace relayload::client {

client_options client_options::raw_scenario() { return client_options{}; }

client_options client_options::mwp() {
  client_options o;
  o.call_timeout = std::chrono::milliseconds(5000);
  o.reconnect = backoff_policy::mwp();
  return o;
}

std::vector<std::string> client_options::validate() const {
  std::vector<std::string> problems;
  if (url.host.empty()) problems.emplace_back("The relay URL has no host.");
  if (call_timeout.count() <= 0) problems.emplace_back("The call timeout must be above 0.");
  for (auto& p : reconnect.validate()) problems.push_back("Reconnect backoff: " + p);
  for (auto& p : resubscribe.validate()) problems.push_back("Resubscribe backoff: " + p);
  if (give_up_after.count() < 0) problems.emplace_back("give_up_after must not be negative.");
  if (reconnect_give_up_after.count() < 0) {
    problems.emplace_back("reconnect_give_up_after must not be negative.");
  }
  if (max_server_ping_delay.count() < 0) {
    problems.emplace_back("max_server_ping_delay must not be negative.");
  }
  if (name.size() > 16) problems.emplace_back("The connect name is limited to 16 characters.");
  if (version.size() > 64)
    problems.emplace_back("The connect version is limited to 64 characters.");
  return problems;
}

}  // namespace relayload::client
