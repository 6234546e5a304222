// relayload::client::subscription_callbacks — the events of one channel subscription of a
// centrifuge_client, and the options it is created with.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <system_error>

#include "relayload/wire/publication.hpp"

namespace relayload::client {

/// How the subscribe command is written. Defaults: MWP's `{positioned, recoverable}` in the
/// centrifuge-js 5.4.0 form (protocol.md §1.6.2, C4a).
struct subscribe_options {
  bool positioned = true;
  bool recoverable = true;
  /// Adds `"flag":1` (centrifuge-js >= 5.5, C4b).
  bool flag = false;
};

/// A (re)subscription succeeded.
struct subscribed_info {
  std::string_view channel;
  /// The reply's recovery fields (§1.12): the request had recover:true (was_recovering) and
  /// the server filled the gap (recovered).
  bool was_recovering = false;
  bool recovered = false;
  /// Publications carried by the reply (delivered right after this event).
  std::size_t recovered_publications = 0;
  /// Stream position after the reply.
  std::uint64_t offset = 0;
  std::string_view epoch;
  /// True for the first success of this subscription, false after a resubscribe.
  bool first = true;
};

/// The subscription ended for good.
struct unsubscribed_info {
  std::string_view channel;
  /// errc::server_error (permanent subscribe error, see code), errc::disconnected (server
  /// unsubscribe push below 2500, or the client stopped), errc::cancelled (unsubscribe()).
  std::error_code error;
  /// The subscribe error reply's or unsubscribe push's code; 0 otherwise.
  std::uint32_t code = 0;
};

/// Events of one subscription; empty members are skipped. Run on the context's thread,
/// never from inside a client call.
struct subscription_callbacks {
  /// A publication for the channel (live push, or recovered by a resubscribe), in stream
  /// order; `pub.data` is the raw JSON exactly as received. Valid during the call.
  std::function<void(const wire::publication& pub)> on_publication;
  /// Every successful (re)subscribe, before its recovered publications.
  std::function<void(const subscribed_info& info)> on_subscribed;
  /// The subscription is over; no event follows.
  std::function<void(const unsubscribed_info& info)> on_unsubscribed;
};

}  // namespace relayload::client
