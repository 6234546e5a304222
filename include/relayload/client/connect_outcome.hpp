// relayload::client::connect_outcome — how the initial connect of a client ended: immediate,
// recovered (after errors or retries) or failed, with timings and every error's cause.
#pragma once

#include <chrono>
#include <cstdint>
#include <system_error>
#include <vector>

#include "relayload/client/client_error.hpp"
#include "relayload/net/connect_timings.hpp"

namespace relayload::client {

/// The original tool's three outcomes (original-tool.md §2.0.1).
enum class outcome_kind {
  immediate,  ///< connected without any error before the connect reply
  recovered,  ///< connected after at least one error or retry
  failed,     ///< never connected: gave up, terminal rejection, or closed first
};

/// Stable name ("immediate", "recovered", "failed").
const char* to_string(outcome_kind k) noexcept;

/// The rule: a connect reply after no error is immediate, after >= 1 error recovered;
/// no connect reply is failed.
outcome_kind classify_outcome(bool connected, std::uint32_t errors) noexcept;

/// The result of one connect() call, delivered once through client_callbacks::on_outcome.
struct connect_outcome {
  using clock = std::chrono::steady_clock;

  outcome_kind kind = outcome_kind::failed;
  /// Errors before the outcome (each failed attempt, error reply or timeout): the
  /// original tool's retryCount.
  std::uint32_t retries = 0;
  /// WebSocket connection attempts started (>= 1 unless it failed synchronously).
  std::uint32_t attempts = 0;
  /// Failed only: why it ended (errc::connect_timeout when it gave up, errc::server_error
  /// for a terminal connect error reply, errc::disconnected with a terminal close code,
  /// errc::cancelled when close() came first, or the last transport error).
  client_error cause;
  /// Every error before the outcome, in order, up to client_options::max_recorded_errors.
  std::vector<client_error> errors;

  /// The schedule's intended start (the caller's), the actual connect() call, and the end
  /// (connect reply, or the failure).
  clock::time_point intended{};
  clock::time_point started{};
  clock::time_point finished{};
  /// Phases of the successful attempt (default for failures).
  net::connect_timings timings{};

  bool connected() const noexcept { return kind != outcome_kind::failed; }
  /// Headline connect time: finished − intended (includes the generator's lateness and
  /// every retry and backoff, as a user would have waited).
  clock::duration connect_time() const noexcept { return finished - intended; }
  /// finished − started.
  clock::duration service_time() const noexcept { return finished - started; }
  /// Connect reply − WebSocket open of the successful attempt.
  clock::duration connect_reply_time() const noexcept { return finished - timings.upgraded; }
};

}  // namespace relayload::client
