// relayload::session::session_pair — one simulated user: a dApp and a wallet on the same
// shard thread, doing what the original load test's createSessionPair / exchangeMessage /
// async-delivery helpers do (original-tool.md §2.0.2, protocol.md §4.2–§4.4), with the
// original's measurement flaws fixed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "relayload/session/dapp_client.hpp"
#include "relayload/session/pair_results.hpp"
#include "relayload/session/session_context.hpp"
#include "relayload/session/wallet_client.hpp"

namespace relayload::session {

struct pair_options {
  /// The original load test always used trusted.
  wire::session_mode mode = wire::session_mode::trusted;
  /// Simulated QR-scan time between the SessionRequest and the wallet's connect
  /// (WALLET_CONNECT_DELAY_MS, 5 s); zero starts the wallet at once (async-delivery).
  std::chrono::milliseconds wallet_connect_delay{5000};
  /// The handshake fails when both sides are not CONNECTED this long after the wallet's
  /// start (the original's handshakeTimeoutMs, 60 s).
  std::chrono::milliseconds handshake_timeout{60000};
  /// Untrusted: the simulated user reads the OTP on the wallet and types it into the dApp
  /// this long after the dApp asks for it (counted in the handshake time).
  std::chrono::milliseconds otp_entry_delay{0};
  /// A request (from its intended send) or a response (from the wallet's send) that has not
  /// arrived after this long fails the exchange (the original's 30 s).
  std::chrono::milliseconds message_timeout{30000};
  /// Optional SessionRequest initialMessage payload (raw JSON).
  std::string initial_payload;

  /// Every problem, one sentence each; empty when usable.
  std::vector<std::string> validate() const;
};

/// Connection-level events of both sides (every transport drop and reconnect, and the
/// non-fatal errors), for counting.
struct pair_callbacks {
  std::function<void(pair_side side, const client::disconnected_info& info)> on_link_lost;
  std::function<void(pair_side side, const client::connected_info& info)> on_link_restored;
  std::function<void(pair_side side, const party_error& e)> on_error;
};

using handshake_handler = std::function<void(const handshake_result& r)>;
using exchange_handler = std::function<void(const exchange_result& r)>;
using recovery_handler = std::function<void(const recovery_result& r)>;

/// A dApp and a wallet. Operations report through their handler exactly once (also when
/// they fail, and when the pair is disconnected under them: errc::cancelled), never from
/// inside the call; destroying the pair drops pending handlers without calling them.
///
/// - create(): the dApp connects at `intended`; the wallet starts at intended + the QR
///   delay (a scheduler deadline, never a sleep); done when BOTH sides are CONNECTED (the
///   original resolved on the wallet alone and papered over the race with a 500 ms sleep,
///   F2). Untrusted: the simulated user types the wallet's OTP into the dApp after
///   otp_entry_delay.
/// - exchange(): the dApp sends SAMPLE_REQUEST_PAYLOAD with `id` = message_id; the wallet,
///   on receiving it, waits `think` (its "user review") and answers SAMPLE_RESPONSE_PAYLOAD
///   with the id it RECEIVED (F4); the dApp matches responses to exchanges by id, so a late
///   response can never complete another exchange; several exchanges may be in flight.
///   Latency counts from `intended` and excludes the think time the wallet measured itself
///   (F21).
/// - drop_wallet() / send_request() / resume_wallet(): async-delivery's steps.
/// - disconnect(): dApp then wallet; in-flight operations end with errc::cancelled.
///
/// Thread safety and lifetime: as party; the session_context must outlive the pair.
class session_pair {
 public:
  using clock = std::chrono::steady_clock;

  /// `seed` fixes both transports' reconnect jitter. The dApp and wallet transport
  /// clientIds come from the context's id generator.
  session_pair(session_context& context, pair_options options, std::uint64_t seed = 0);
  ~session_pair();
  session_pair(const session_pair&) = delete;
  session_pair& operator=(const session_pair&) = delete;

  pair_callbacks& callbacks() noexcept;

  /// Runs the handshake. Call once.
  void create(clock::time_point intended, handshake_handler done);

  /// One exchange; fails (errc::disconnected, stage send) unless the pair is ready.
  void exchange(std::uint64_t message_id, clock::time_point intended,
                std::chrono::milliseconds think, exchange_handler done);

  /// Closes the wallet's transport, keeping its session, clientId and nonces.
  void drop_wallet(done_handler done);
  /// The dApp publishes the request `message_id` (e.g. while the wallet is away); `done`
  /// gets the publish outcome.
  void send_request(std::uint64_t message_id, publish_handler done);
  /// Resumes the wallet with a new transport and waits for the first request to arrive
  /// (from history), within the message timeout.
  void resume_wallet(clock::time_point intended, recovery_handler done);

  /// Fails every in-flight exchange and recovery with errc::cancelled now (their handlers
  /// run from the event loop); the connections stay.
  void cancel_pending();

  /// Disconnects the dApp, then the wallet; `done` when both sockets have ended.
  void disconnect(done_handler done = {});

  /// Whether create() succeeded and the pair is not disconnected.
  bool ready() const noexcept;
  /// Exchanges in flight.
  std::size_t in_flight() const noexcept;
  /// Responses that matched no exchange in flight (late answers to exchanges that already
  /// failed): counted, never taken for another exchange.
  std::uint64_t unmatched_responses() const noexcept;

  const dapp_client& dapp() const noexcept;
  const wallet_client& wallet() const noexcept;


 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace relayload::session
