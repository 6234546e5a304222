#include "relayload/client/connect_outcome.hpp"

namespace relayload::client {

const char* to_string(outcome_kind k) noexcept {
  switch (k) {
    case outcome_kind::immediate:
      return "immediate";
    case outcome_kind::recovered:
      return "recovered";
    case outcome_kind::failed:
      return "failed";
  }
  return "unknown";
}

outcome_kind classify_outcome(bool connected, std::uint32_t errors) noexcept {
  if (!connected) return outcome_kind::failed;
  return errors == 0 ? outcome_kind::immediate : outcome_kind::recovered;
}

}  // namespace relayload::client
