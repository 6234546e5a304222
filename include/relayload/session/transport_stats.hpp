// relayload::session::transport_stats — what an MWP transport counted, for reports.
#pragma once

#include <cstdint>

namespace relayload::session {

/// Plain counters; add them up over transports with +=.
struct transport_stats {
  std::uint64_t delivered = 0;           ///< envelopes passed up (on_message)
  std::uint64_t duplicates = 0;          ///< dropped by the nonce rule (live + history copies)
  std::uint64_t own_echoes = 0;          ///< dropped because they were our own
  std::uint64_t parse_failures = 0;      ///< publications that were not envelopes
  std::uint64_t from_history = 0;        ///< of delivered: obtained through the history fetch
  std::uint64_t recovered = 0;           ///< of delivered: obtained through subscribe recovery
  std::uint64_t publishes = 0;           ///< publish() calls
  std::uint64_t publish_attempts = 0;    ///< publish commands sent
  std::uint64_t publish_retries = 0;     ///< attempts after a failed one
  std::uint64_t publish_failures = 0;    ///< publishes given up after the last attempt
  std::uint64_t publish_dropped = 0;     ///< publishes dropped by disconnect()
  std::uint64_t subscribes = 0;          ///< successful (re)subscribes
  std::uint64_t subscribe_timeouts = 0;  ///< subscribes failed by subscribe_timeout
  std::uint64_t history_fetches = 0;     ///< history commands
  std::uint64_t history_failures = 0;    ///< history errors reported (not drops)
  std::uint64_t disconnects = 0;         ///< established connections lost (real drops)
  std::uint64_t reconnects = 0;          ///< connect replies after a drop

  transport_stats& operator+=(const transport_stats& o) noexcept {
    delivered += o.delivered;
    duplicates += o.duplicates;
    own_echoes += o.own_echoes;
    parse_failures += o.parse_failures;
    from_history += o.from_history;
    recovered += o.recovered;
    publishes += o.publishes;
    publish_attempts += o.publish_attempts;
    publish_retries += o.publish_retries;
    publish_failures += o.publish_failures;
    publish_dropped += o.publish_dropped;
    subscribes += o.subscribes;
    subscribe_timeouts += o.subscribe_timeouts;
    history_fetches += o.history_fetches;
    history_failures += o.history_failures;
    disconnects += o.disconnects;
    reconnects += o.reconnects;
    return *this;
  }
};

}  // namespace relayload::session
