// relayload::session — what the operations of a session_pair report: the handshake, one
// message exchange, and one async-delivery recovery, each with the instants needed to
// measure it on one clock (dApp and wallet of a pair share a thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>

#include "relayload/session/party_callbacks.hpp"

namespace relayload::session {

/// Which side of a pair something happened on.
enum class pair_side {
  dapp,
  wallet,
  pair,  ///< the pair itself (its own timeout, a stop)
};

/// "dapp", "wallet", "pair".
const char* to_string(pair_side s) noexcept;

/// The handshake of a pair (session_pair::create).
struct handshake_result {
  using clock = std::chrono::steady_clock;
  using duration = clock::duration;

  /// Empty on success.
  std::error_code error;
  pair_side side = pair_side::pair;
  party_stage stage = party_stage::connect;

  clock::time_point started{};           ///< the dApp's intended start (SessionRequest made)
  clock::time_point wallet_started{};    ///< the wallet's intended start (QR scanned)
  clock::time_point wallet_connected{};  ///< wallet CONNECTED
  clock::time_point dapp_connected{};    ///< dApp CONNECTED
  clock::time_point finished{};          ///< success (both connected) or the failure

  bool ok() const noexcept { return !error; }
  /// SessionRequest creation → dApp CONNECTED (includes the QR-scan delay).
  duration dapp_side() const noexcept { return dapp_connected - started; }
  /// Wallet connect start → wallet CONNECTED: the original tool's handshakeTimeMs.
  duration wallet_side() const noexcept { return wallet_connected - wallet_started; }
  /// Wallet start (the scan) → dApp CONNECTED: what the user waits for after scanning;
  /// the headline (the original measured only the wallet side, F3).
  duration headline() const noexcept { return dapp_connected - wallet_started; }
  /// Failures only: how long it took to fail, from the wallet's intended start (or the
  /// dApp's when the wallet never started).
  duration time_to_failure() const noexcept;
  /// "<side>.<stage>.<error>", e.g. "wallet.connect.connect_timeout"; "" on success.
  std::string cause() const;
};

/// Where an exchange failed.
enum class exchange_stage {
  send,       ///< the dApp could not send the request (not connected, publish failed)
  request,    ///< the wallet did not receive the request in time
  respond,    ///< the wallet could not send the response
  response,   ///< the dApp did not receive the response in time
  cancelled,  ///< the pair was disconnected or stopped while it was in flight
};

/// "send", "request", ...
const char* to_string(exchange_stage s) noexcept;

/// One request → think → response exchange (session_pair::exchange).
struct exchange_result {
  using clock = std::chrono::steady_clock;
  using duration = clock::duration;

  std::uint64_t message_id = 0;
  /// Empty on success; errc::reply_timeout when a message did not arrive within the
  /// message timeout; the send error otherwise; errc::cancelled when cut short.
  std::error_code error;
  exchange_stage stage = exchange_stage::send;

  clock::time_point intended{};          ///< when the schedule wanted the request sent
  clock::time_point sent{};              ///< the dApp's request publish was written
  clock::time_point request_received{};  ///< the wallet got it (default if never)
  clock::time_point response_sent{};     ///< the wallet answered, after its think time
  clock::time_point finished{};          ///< the dApp got the response, or the failure

  bool ok() const noexcept { return !error; }
  /// The wallet's own think time (response_sent − request_received), measured, not the
  /// nominal delay (the original's F21); zero when the wallet never answered.
  duration think_time() const noexcept;
  /// finished − intended − think time: the headline, corrected for coordinated omission.
  /// For failures: the time until the failure was declared, minus any think time.
  duration latency() const noexcept;
  /// finished − sent − think time (from the actual send).
  duration service_time() const noexcept;
  /// One-way legs on the pair's single clock (zero when the leg did not happen).
  duration request_leg() const noexcept;
  duration response_leg() const noexcept;
  /// "<stage>.<error>", e.g. "response.reply_timeout"; "" on success.
  std::string cause() const;
};

/// One async-delivery recovery (session_pair::resume_wallet).
struct recovery_result {
  using clock = std::chrono::steady_clock;
  using duration = clock::duration;

  std::error_code error;
  party_stage stage = party_stage::connect;
  std::uint64_t message_id = 0;      ///< the id found in the recovered request
  delivery how = delivery::history;  ///< how it reached the wallet
  clock::time_point went_offline{};  ///< the wallet's transport was closed
  clock::time_point intended{};      ///< resume's intended start
  clock::time_point finished{};      ///< the message arrived, or the failure

  bool ok() const noexcept { return !error; }
  /// finished − intended.
  duration latency() const noexcept { return finished - intended; }
  /// intended − went_offline: how long the wallet was away.
  duration offline_time() const noexcept { return intended - went_offline; }
  /// "<stage>.<error>"; "" on success.
  std::string cause() const;
};

}  // namespace relayload::session
