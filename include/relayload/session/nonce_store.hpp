// relayload::session::nonce_store — the envelope nonce state of one MWP party (protocol.md
// §2.2): the outgoing counter per channel (KV key `nonce:<ownClientId>:<channel>`) and the
// latest nonce accepted from each sender per channel (`latest-nonces:<ownClientId>:<channel>`).
// It outlives transports, as the JS KV store does: a wallet that resumes with a new
// transport keeps its clientId and nonces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relayload::session {

/// Value type; no I/O. Check-and-set is one call (accept()), so two copies of a publication
/// arriving back to back (live push and history reply) can never both pass — the atomicity
/// the JS client lacks (§6 Q7).
///
/// Thread safety: none; it belongs to one party on one shard.
class nonce_store {
 public:
  /// The nonce for the next message on `channel`: the stored counter (0 when absent) plus
  /// one, stored. The first message on a channel gets 1.
  std::uint64_t next_outgoing(std::string_view channel);
  /// The last nonce handed out on `channel` (0 when none).
  std::uint64_t outgoing(std::string_view channel) const noexcept;

  /// The receiver's rule: true, and `nonce` stored as `sender`'s latest on `channel`, when
  /// `nonce` is greater than the latest stored (0 when none); false (a duplicate or an
  /// out-of-order copy) otherwise.
  bool accept(std::string_view channel, std::string_view sender, std::uint64_t nonce);
  /// The latest nonce accepted from `sender` on `channel` (0 when none).
  std::uint64_t latest(std::string_view channel, std::string_view sender) const noexcept;

  /// Forgets both the counter and the latest nonces of `channel` (transport clear()).
  void clear(std::string_view channel);
  /// Channels with any state.
  std::size_t channel_count() const noexcept { return channels_.size(); }

  friend bool operator==(const nonce_store& a, const nonce_store& b) {
    return a.channels_ == b.channels_;
  }
  friend bool operator!=(const nonce_store& a, const nonce_store& b) { return !(a == b); }

 private:
  struct channel_state {
    std::uint64_t outgoing = 0;
    // A party talks to one peer per channel, so a flat vector beats a map.
    std::vector<std::pair<std::string, std::uint64_t>> latest;

    friend bool operator==(const channel_state& a, const channel_state& b) {
      return a.outgoing == b.outgoing && a.latest == b.latest;
    }
  };
  std::map<std::string, channel_state, std::less<>> channels_;
};

}  // namespace relayload::session
