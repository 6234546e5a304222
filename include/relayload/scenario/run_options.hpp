// relayload::scenario::run_options — what a run is asked to do: the original tool's flags
// (names and defaults of original-tool.md §7.1) plus relayload's own.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relayload/client/transport_kind.hpp"

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
  /// The WebSocket client every connection uses (--transport): lean, relayload's own (the
  /// default), or websocketpp; both speak ws:// and wss://.
  client::transport_kind transport = client::transport_kind::lean;
  /// --compression: every client offers permessage-deflate (lean transport only); an
  /// embedded relay started for the run accepts it.
  bool compression = false;

  /// Centrifugo connection token sent by every client (--token); or, with
  /// token_hmac_secret, an HS256 JWT made per connect attempt with sub = token_user ("{n}"
  /// → the connection's index in connection-storm/steady-state, 0 in the session-pair
  /// scenarios), iat = now, exp = now + token_ttl. At most one of the two.
  std::string token;
  std::string token_hmac_secret;
  std::string token_user;  ///< empty: "relayload-{n}"; needs token_hmac_secret
  std::chrono::seconds token_ttl{3600};

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

  /// reconnect-storm: how long every connection is held after the ramp before the storm;
  /// with pairs, the least time the receiving side stays away after it (its reconnect
  /// backoff minimum), so that the other side publishes during its outage.
  std::chrono::milliseconds storm_after{5'000};
  std::chrono::milliseconds storm_outage{0};
  /// reconnect-storm: hold --connection-pairs pairs (a publishing and a receiving
  /// connection on one session channel) instead of --connections single connections.
  bool storm_pairs = false;
  /// reconnect-storm: makes every connection lose its connection at once (e.g. the embedded
  /// relay's disconnect_all). Called once, by shard 0 on its thread; must return promptly.
  /// Empty: every shard drops its own connections client-side (centrifuge_client::drop).
  std::function<void()> storm_trigger;

  /// Seed for everything random in the run (backoff jitter, ids); 0 picks one at random.
  std::uint64_t seed = 0;

  /// This process's slice of a run spread over several processes or machines (`--shard=I/N`,
  /// an MPI rank): shard `shard_index` of `shard_count` runs `units/N` of the connections or
  /// pairs, plus one of the remainder when I < units mod N, at their places in the global
  /// schedule, with ids and seeds distinct from every other shard's. {0, 1}: the whole run.
  std::uint32_t shard_index = 0;
  std::uint32_t shard_count = 1;
  /// Wall-clock instant at which t0 falls (`--start-at`, unix milliseconds): the shards are
  /// built, then wait for it, so processes without a common barrier start together (given
  /// synchronised clocks). Unset: start as soon as the shards are built.
  std::optional<std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>>
      start_at;

  log_sink log;

  /// Every problem at once, each a sentence naming the option ("--connections must be at
  /// least 1"); empty when the options can run. Does not check that the scenario exists
  /// (the registry does). start_at is checked against the system clock: more than
  /// start_at_max_past ago or more than start_at_max_ahead ahead is refused.
  std::vector<std::string> validate() const;

  /// The count of units this run starts: connection_pairs for session-pair scenarios,
  /// connections otherwise.
  std::uint64_t unit_count(bool uses_pairs) const noexcept {
    return uses_pairs || storm_pairs ? connection_pairs : connections;
  }
};

/// The largest --shard count (N), so that N × threads stays far inside 32 bits.
inline constexpr std::uint32_t max_shard_count = 100'000;
/// How stale a --start-at may be (a start a little late still starts at once) and how far
/// ahead it may lie (a typo in the milliseconds should not park a fleet for days).
inline constexpr std::chrono::seconds start_at_max_past{10};
inline constexpr std::chrono::hours start_at_max_ahead{24};

/// How long a run of `scenario` with options `o` is planned to take, from the options alone
/// (never from timing, so every shard and rank of a run computes the same): the ramp, then
/// what the scenario holds, waits or exchanges after it (steady-state and steady-messaging:
/// --duration; realistic-session: the QR delay and every exchange's gap and think time;
/// async-delivery: --delay; reconnect-storm: --storm-after and --storm-outage), plus one
/// second for what the options do not fix (connects, handshakes, recoveries). Other scenarios:
/// ramp + --duration. The runner picks the time-series interval from it
/// (metrics::series_interval_for(), shard_context::series_interval).
std::chrono::milliseconds planned_duration(const run_options& o,
                                           std::string_view scenario) noexcept;

const char* to_string(handshake_mode m) noexcept;
const char* to_string(crypto_kind c) noexcept;

}  // namespace relayload::scenario
