// A shard for the standalone-party tests: an io_context the test thread drives and the
// session context of every party on it. Included by the tests in this folder only.
#pragma once

#include <asio.hpp>
#include <memory>
#include <string>
#include <utility>

#include "relayload/client/client_context.hpp"
#include "relayload/client/client_options.hpp"
#include "relayload/session/mock_key_manager.hpp"
#include "relayload/session/random.hpp"
#include "relayload/session/scheduler.hpp"
#include "relayload/session/session_context.hpp"

namespace relayload::test {

/// One shard: an io_context driven by the test thread, and the session context of every
/// party on it, pointed at `url`.
struct shard {
  explicit shard(const std::string& url,
                 client::client_options base = client::client_options::mwp()) {
    base.url = *net::ws_url::parse(url);
    session::transport_options t;
    t.client = std::make_shared<const client::client_options>(std::move(base));
    ctx = std::make_unique<session::session_context>(session::session_context{
        timers, keys, ids, std::make_shared<const session::transport_options>(t)});
  }
  asio::io_context io;
  client::client_context context{io};
  session::scheduler timers{context};
  session::mock_key_manager keys;
  session::id_generator ids = session::id_generator::system();
  std::unique_ptr<session::session_context> ctx;
};

}  // namespace relayload::test
