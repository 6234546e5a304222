// relayload::client::history_options — the optional parts of a `history` call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace relayload::client {

/// centrifuge-js key order: channel, since{offset, epoch}, limit, reverse (protocol.md
/// §1.6.5). MWP always asks `limit: 50` and nothing else (C6a).
struct history_options {
  std::optional<std::int32_t> limit = 50;
  /// Read publications after this position (epoch omitted when empty).
  struct position {
    std::uint64_t offset = 0;
    std::string epoch;
  };
  std::optional<position> since;
  bool reverse = false;
};

}  // namespace relayload::client
