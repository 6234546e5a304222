#include "relayload/client/client_error.hpp"

#include "relayload/client/reconnect_decision.hpp"
#include "relayload/metrics/error_tally.hpp"

namespace relayload::client {

std::string client_error::cause() const {
  if (server_code != 0 && error == make_error_code(errc::server_error)) {
    return "server_error_" + std::to_string(server_code);
  }
  if (close_code != 0) return "close_" + std::to_string(close_code);
  if (!error) return "none";
  return relayload::to_string(error);
}

condition client_error::condition_of() const noexcept {
  if (server_code != 0 && error == make_error_code(errc::server_error)) {
    return condition::remote_rejected;
  }
  if (close_code != 0) {
    return on_close_code(close_code) == reconnect_decision::stop ? condition::remote_rejected
                                                                 : condition::transport_failure;
  }
  return metrics::error_tally::condition_of(error);
}

}  // namespace relayload::client
