// relayload::session::session_context — what every MWP party of one shard shares: the
// shard's timers (and through them its client_context), its key manager, its id generator,
// and the options.
#pragma once

#include <memory>

#include "relayload/session/key_manager.hpp"
#include "relayload/session/random.hpp"
#include "relayload/session/scheduler.hpp"
#include "relayload/session/session_options.hpp"
#include "relayload/session/transport_options.hpp"

namespace relayload::session {

/// References, not copies: one key manager per shard (the ECIES one is not thread-safe),
/// one id generator per shard. Lifetime: everything referenced must outlive every party
/// made with the context. Thread safety: one shard's thread.
struct session_context {
  scheduler& timers;
  key_manager& keys;
  id_generator& ids;
  std::shared_ptr<const transport_options> transport = std::make_shared<const transport_options>();
  std::shared_ptr<const session_options> options = std::make_shared<const session_options>();
};

}  // namespace relayload::session
