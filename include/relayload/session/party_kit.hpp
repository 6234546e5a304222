// relayload::session::party_kit — the short way in for a standalone dApp or wallet: one call
// makes everything a party needs besides the io_context (the client context, the timers, a
// key manager, an id generator, the transport and session options) for one relay URL.
//
//     asio::io_context io;
//     std::string why;
//     auto kit = session::party_kit::create(io, "ws://127.0.0.1:8000/connection/websocket",
//                                          {}, &why);
//     if (!kit) { std::cerr << why << '\n'; return 2; }
//     session::dapp_client dapp((*kit)->context());
//
// Several parties may share one kit (as the parties of one load-test shard share theirs).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "relayload/client/client_context.hpp"
#include "relayload/client/client_options.hpp"
#include "relayload/result.hpp"
#include "relayload/session/ecies_key_manager.hpp"
#include "relayload/session/session_context.hpp"
#include "relayload/session/session_options.hpp"
#include "relayload/session/transport_options.hpp"

namespace relayload::session {

/// Which key manager a kit makes.
enum class key_kind {
  ecies,  ///< ecies_key_manager: eciesjs-compatible, what real MWP clients use
  mock,   ///< mock_key_manager: the JS load tests' base64 "cipher" (no cryptography)
};

struct party_kit_options {
  key_kind keys = key_kind::ecies;
  /// Options of the ECIES key manager (key_kind::ecies only).
  ecies_options ecies;
  /// The transport's client: MWP's by default (5 s calls, backoff 100 ms – 30 s). Its `url`
  /// is replaced by create()'s.
  client::client_options client = client::client_options::mwp();
  /// The MWP transport over it (publish retries, subscribe timeout, history limit, source
  /// addresses); its `client` is replaced by the one above.
  transport_options transport;
  /// The WebSocket context: TLS trust (`ca_file`, `insecure`), message size limit, ...
  client::client_context_options context;
  /// The MWP lifetimes and limits both parties apply.
  session_options session;

  /// Every problem, one sentence each; empty when usable (the URL is checked by create()).
  std::vector<std::string> validate() const;
};

/// Owns what a party refers to. Not movable (the parts refer to each other): create() hands
/// it out in a unique_ptr.
///
/// Thread safety: none; create, use and destroy it on the io_context's thread (see party).
/// Lifetime: the io_context must outlive the kit, and the kit every party made with it.
class party_kit {
 public:
  /// Parses `url` (ws:// or wss://) and checks `options`. errc::invalid_argument when either
  /// is unusable; then `why`, when given, receives every problem, one sentence per line,
  /// naming the field ("url: ...", "client.call_timeout: ...").
  static result<std::unique_ptr<party_kit>> create(asio::io_context& io, std::string_view url,
                                                   const party_kit_options& options = {},
                                                   std::string* why = nullptr);

  ~party_kit();
  party_kit(const party_kit&) = delete;
  party_kit& operator=(const party_kit&) = delete;

  /// What dapp_client and wallet_client take.
  session_context& context() noexcept;
  client::client_context& client_context() noexcept;
  scheduler& timers() noexcept;
  key_manager& keys() noexcept;
  id_generator& ids() noexcept;

 private:
  struct parts;
  explicit party_kit(std::unique_ptr<parts> p) noexcept;
  std::unique_ptr<parts> parts_;
};

}  // namespace relayload::session
