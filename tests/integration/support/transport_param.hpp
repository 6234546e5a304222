// The client-level integration suite runs every case once per WebSocket transport (issue 16):
// a case is a TEMPLATE_TEST_CASE over the two tag types below, so Catch2 names each run
// "<case> - websocketpp_transport" / "<case> - lean_transport" (and ctest registers each as
// its own test). The fixture always sets the transport explicitly, whatever the library's
// default is.
//
//   TEMPLATE_TEST_CASE("...", "[integration][client]", websocketpp_transport, lean_transport) {
//     client_context ctx(io, context_options_for<TestType>());
//
// For the executables that link the client layer (integration_client and above).
#pragma once

#include "relayload/client/client_context.hpp"
#include "relayload/client/transport_kind.hpp"

namespace relayload::test {

/// net::ws_client (websocketpp) under the client.
struct websocketpp_transport {
  static constexpr client::transport_kind kind = client::transport_kind::websocketpp;
};

/// net::lean_ws_client (our own RFC 6455 client) under the client.
struct lean_transport {
  static constexpr client::transport_kind kind = client::transport_kind::lean;
};

/// Context options that select `Transport::kind`, the rest at their defaults.
template <class Transport>
client::client_context_options context_options_for() {
  client::client_context_options o;
  o.transport = Transport::kind;
  return o;
}

}  // namespace relayload::test
