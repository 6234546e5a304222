// What examples/dapp_only.cpp and examples/wallet_only.cpp share: the objects one side of a
// session needs before its first client (an io_context run on this thread, its client
// context and timers, a key manager, an id generator and the options every party shares),
// and the logging of failures every standalone party wants.
#pragma once

#include <asio.hpp>
#include <cstdio>
#include <memory>

#include "relayload/client/client_context.hpp"
#include "relayload/error.hpp"
#include "relayload/net/ws_url.hpp"
#include "relayload/session/ecies_key_manager.hpp"
#include "relayload/session/mock_key_manager.hpp"
#include "relayload/session/party_callbacks.hpp"
#include "relayload/session/scheduler.hpp"
#include "relayload/session/session_context.hpp"

namespace example {

/// One side's shard. Not movable: the parts refer to each other.
struct one_side {
  asio::io_context io;
  relayload::client::client_context context{io};
  relayload::session::scheduler timers{context};
  std::unique_ptr<relayload::session::key_manager> keys;
  relayload::session::id_generator ids = relayload::session::id_generator::system();
  std::unique_ptr<relayload::session::session_context> session;

  /// ECIES keys (eciesjs-compatible, as real MWP clients use) unless `mock_keys`.
  one_side(const relayload::net::ws_url& url, bool mock_keys) {
    namespace s = relayload::session;
    if (mock_keys) keys = std::make_unique<s::mock_key_manager>();
    else keys = std::make_unique<s::ecies_key_manager>();
    auto client = relayload::client::client_options::mwp();  // MWP's transport: 5 s calls
    client.url = url;
    s::transport_options transport;
    transport.client = std::make_shared<const relayload::client::client_options>(client);
    session = std::make_unique<s::session_context>(
        s::session_context{timers, *keys, ids, std::make_shared<const s::transport_options>(transport)});
  }
  one_side(const one_side&) = delete;
  one_side& operator=(const one_side&) = delete;
};

/// Prints every failed connect attempt with its cause, and every error; sets `failed` on a
/// fatal one.
inline void log_failures(relayload::session::party_callbacks& cb, const char* who, bool& failed) {
  namespace s = relayload::session;
  cb.on_connect_failed = [who](const s::connect_failure& f) {
    std::fprintf(stderr, "%s: connect attempt %llu failed: %s%s\n", who,
                 static_cast<unsigned long long>(f.attempt), f.detail.c_str(),
                 f.permanent ? " (permanent)" : "");
  };
  cb.on_error = [who, &failed](const s::party_error& e) {
    std::fprintf(stderr, "%s: %s error at %s: %s\n", who, e.fatal ? "fatal" : "non-fatal",
                 s::to_string(e.stage), relayload::to_string(e.error).c_str());
    failed |= e.fatal;
  };
}

}  // namespace example
