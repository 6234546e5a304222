// relay_stats: a snapshot of the embedded relay's counters.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>

#include "relayload/wire/command.hpp"

namespace relayload::relay {

/// Counters of one relay_core since it was created (a copy, not live; take a new snapshot
/// to see changes). Obtain it from relay_core::stats() on the core's thread, or from
/// embedded_relay::stats() on any thread (which posts the copy request to the relay's
/// io_context and waits for it).
struct relay_stats {
  static constexpr std::size_t method_count = 12;  ///< wire::method values

  std::uint64_t connections_current = 0;    ///< open WebSocket connections
  std::uint64_t connections_connected = 0;  ///< of those, how many completed `connect`
  std::uint64_t connections_total = 0;      ///< opened since start

  /// Commands received, indexed by static_cast<size_t>(wire::method); pongs included.
  std::array<std::uint64_t, method_count> commands{};
  std::uint64_t commands_total = 0;

  std::uint64_t publishes = 0;    ///< accepted publish commands
  std::uint64_t pushes = 0;       ///< pub pushes queued to subscribers (echo included)
  std::uint64_t pushes_held = 0;  ///< pub pushes currently held by pause_delivery()
  std::uint64_t pings_sent = 0;
  std::uint64_t frames_in = 0;   ///< WebSocket messages received
  std::uint64_t frames_out = 0;  ///< WebSocket messages sent
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t channels = 0;       ///< channels with subscribers or a stream
  std::uint64_t subscriptions = 0;  ///< (connection, channel) pairs
  std::uint64_t history_channels = 0;      ///< channels with a history stream
  std::uint64_t history_publications = 0;  ///< publications held in history, all channels

  /// Error replies sent, by Centrifugo error code (102, 103, ...).
  std::map<std::uint32_t, std::uint64_t> errors_by_code;
  /// Connections the relay closed, by close code (3501, 3012, 3001, ...).
  std::map<std::uint32_t, std::uint64_t> disconnects_by_code;
  /// Connections closed by the client or the transport (not by the relay).
  std::uint64_t client_disconnects = 0;

  std::uint64_t commands_of(wire::method m) const noexcept {
    return commands[static_cast<std::size_t>(m)];
  }
  std::uint64_t errors_of(std::uint32_t code) const noexcept {
    const auto it = errors_by_code.find(code);
    return it == errors_by_code.end() ? 0 : it->second;
  }
  std::uint64_t disconnects_of(std::uint32_t code) const noexcept {
    const auto it = disconnects_by_code.find(code);
    return it == disconnects_by_code.end() ? 0 : it->second;
  }

  friend bool operator==(const relay_stats& a, const relay_stats& b) noexcept;
  friend bool operator!=(const relay_stats& a, const relay_stats& b) noexcept { return !(a == b); }
};

}  // namespace relayload::relay
