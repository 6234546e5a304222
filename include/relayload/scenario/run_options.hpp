// relayload::scenario::run_options — what a run is asked to do: the original tool's flags
// (names and defaults of original-tool.md §7.1) plus relayload's own.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace relayload::scenario {

/// MWP handshake flavour for the session-pair scenarios.
enum class handshake_mode { trusted, untrusted };
/// Payload encryption for the session-pair scenarios: the original tool's mock (base64) or
/// real eciesjs-compatible ECIES.
enum class crypto_kind { mock, ecies };

/// Where diagnostics go; the library never prints. Called from any thread.
using log_sink = std::function<void(std::string_view line)>;

struct run_options {
  /// ws:// or wss:// URL of the relay's WebSocket endpoint. Empty means "the caller starts
  /// an embedded relay and fills this in" (the CLI does).
  std::string target;
  std::string scenario = "connection-storm";

  std::uint64_t connections = 100;       ///< connection-storm, steady-state
  std::uint64_t connection_pairs = 100;  ///< the session-pair scenarios
  std::chrono::milliseconds duration{60'000};           ///< steady-state hold, steady-messaging
  std::chrono::milliseconds ramp_up{10'000};            ///< starts spread evenly over this
  std::uint64_t messages_per_session = 3;               ///< realistic-session
  std::chrono::milliseconds delay{30'000};              ///< async-delivery offline time
  std::chrono::milliseconds message_interval{5'000};    ///< steady-messaging

  /// Worker threads (shards); 0 means one per core.
  unsigned threads = 0;
  /// Local addresses to connect from, round-robin (empty: the kernel chooses).
  std::vector<std::string> source_ips;
  /// TLS: PEM CA file instead of the system store; or no verification at all.
  std::string ca_file;
  bool insecure = false;

  handshake_mode mode = handshake_mode::trusted;
  crypto_kind crypto = crypto_kind::mock;

  /// Give up on a connection that has not connected after this long (the original's 30 s).
  std::chrono::milliseconds connect_timeout{30'000};
  /// Per-command reply timeout (the original raw client's 10 s).
  std::chrono::milliseconds command_timeout{10'000};

  /// Session pairs: the simulated QR-scan time between the dApp's session request and the
  /// wallet's connect (the original's WALLET_CONNECT_DELAY_MS).
  std::chrono::milliseconds wallet_connect_delay{5'000};
  /// realistic-session: the wallet's "user review" before it responds (responseDelayMs).
  std::chrono::milliseconds response_delay{1'000};
  /// A message (request or response) not received within this long counts as failed.
  std::chrono::milliseconds message_timeout{30'000};
  /// Untrusted mode: how long the simulated user takes to type the OTP into the dApp.
  std::chrono::milliseconds otp_entry_delay{0};
  /// Session pairs: give up on a handshake after this long (the original's 60 s).
  std::chrono::milliseconds handshake_timeout{60'000};

  /// Seed for everything random in the run (backoff jitter, ids); 0 picks one at random.
  std::uint64_t seed = 0;

  log_sink log;

  /// Every problem at once, each a sentence naming the option ("--connections must be at
  /// least 1"); empty when the options can run. Does not check that the scenario exists
  /// (the registry does).
  std::vector<std::string> validate() const;

  /// The count of units this run starts: connection_pairs for session-pair scenarios,
  /// connections otherwise.
  std::uint64_t unit_count(bool uses_pairs) const noexcept {
    return uses_pairs ? connection_pairs : connections;
  }
};

const char* to_string(handshake_mode m) noexcept;
const char* to_string(crypto_kind c) noexcept;

}  // namespace relayload::scenario
