// Limits shared by every decoder of the wire layer.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace relayload::wire {

/// Limits applied to untrusted input. The defaults match Centrifugo's
/// (`websocket.message_size_limit` = 65536 bytes).
struct decode_options {
  /// Largest accepted input (a whole WebSocket frame, or the text given to an MWP decoder),
  /// in bytes; larger input fails with errc::frame_too_large before any parsing.
  std::size_t max_frame_size = 65536;
  /// Deepest accepted nesting of JSON objects/arrays; the root object is depth 1. Deeper
  /// input fails with errc::nesting_too_deep (this also bounds the parser's recursion).
  std::size_t max_depth = 64;

  /// Every problem with these options (empty when usable), each as one English sentence.
  std::vector<std::string> validate() const;
};

}  // namespace relayload::wire
