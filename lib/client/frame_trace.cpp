#include "relayload/client/frame_trace.hpp"

namespace relayload::client {

const char* to_string(frame_event_kind k) noexcept {
  switch (k) {
    case frame_event_kind::opened: return "opened";
    case frame_event_kind::sent: return "sent";
    case frame_event_kind::received: return "received";
    case frame_event_kind::closed: return "closed";
  }
  return "unknown";
}

}  // namespace relayload::client
