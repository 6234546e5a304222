#include "relayload/client/pool_options.hpp"

namespace relayload::client {

std::vector<std::string> pool_options::validate() const {
  std::vector<std::string> problems = client.validate();
  for (auto& p : pacer.validate()) problems.push_back("Pacer: " + p);
  if (close_timeout.count() < 0) problems.emplace_back("The close timeout must not be negative.");
  for (auto& p : layout.validate()) problems.push_back("Histogram layout: " + p);
  if (series_interval.count() <= 0) problems.emplace_back("The series interval must be above 0.");
  return problems;
}

}  // namespace relayload::client
