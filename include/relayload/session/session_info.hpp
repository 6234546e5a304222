// relayload::session::session_info — one party's view of an MWP session (the JS SessionStore
// record, protocol.md §2.10) and the states a party goes through.
#pragma once

#include <chrono>
#include <string>

#include "relayload/session/key_manager.hpp"
#include "relayload/unix_time.hpp"

namespace relayload::session {

/// `{"id","channel","keyPair","theirPublicKeyB64","expiresAt"}` of the JS session store.
struct session_info {
  std::string id;          ///< the session request id
  std::string channel;     ///< "session:<uuid>"; empty while the dApp waits for the offer
  key_pair keys;           ///< this party's key pair
  bytes their_public_key;  ///< the peer's public key (empty until known)
  unix_time expires_at;  ///< creation + session_ttl

  friend bool operator==(const session_info& a, const session_info& b) {
    return a.id == b.id && a.channel == b.channel && a.keys == b.keys &&
           a.their_public_key == b.their_public_key && a.expires_at == b.expires_at;
  }
  friend bool operator!=(const session_info& a, const session_info& b) { return !(a == b); }
};

/// Where a dApp or wallet client is.
enum class party_state {
  idle,          ///< nothing started
  connecting,    ///< handshake (or resume) under way
  connected,     ///< CONNECTED: messages flow
  offline,       ///< suspended: session kept, no transport (async-delivery's wallet)
  failed,        ///< the handshake or the session failed; the transport is being closed
  disconnected,  ///< disconnect() was called; the session is gone
};

/// "idle", "connecting", ...
const char* to_string(party_state s) noexcept;

}  // namespace relayload::session
