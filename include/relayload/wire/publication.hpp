// Centrifugo `Publication` and `ClientInfo` (protocol.md §1.5, §1.6.4), shared by pub pushes,
// subscribe results (recovery) and history results. Views follow the rules in command.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>

namespace relayload::wire {

/// Who published / joined. `user` and `client` are always written, even when empty
/// (MWP connections are anonymous: user is "").
struct client_info {
  std::string_view user;
  std::string_view client;
  std::string_view conn_info;  ///< raw JSON; omitted when empty
  std::string_view chan_info;  ///< raw JSON; omitted when empty
};

/// One publication. Encoded in Centrifugo field order: data, info, offset, tags, delta.
struct publication {
  std::string_view data;             ///< raw JSON exactly as published (MWP: a JSON string)
  std::optional<client_info> info;   ///< omitted when absent
  std::uint64_t offset = 0;          ///< omitted when 0
  std::string_view tags;             ///< raw JSON object of strings; omitted when empty
  bool delta = false;                ///< omitted when false
};

inline bool operator==(const client_info& a, const client_info& b) noexcept {
  return std::tie(a.user, a.client, a.conn_info, a.chan_info) ==
         std::tie(b.user, b.client, b.conn_info, b.chan_info);
}
inline bool operator==(const publication& a, const publication& b) noexcept {
  return std::tie(a.data, a.info, a.offset, a.tags, a.delta) ==
         std::tie(b.data, b.info, b.offset, b.tags, b.delta);
}

}  // namespace relayload::wire
