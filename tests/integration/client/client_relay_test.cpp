// centrifuge_client and connection_pool over real sockets against the embedded relay on
// 127.0.0.1 port 0. The relay runs on its own thread; the clients on this thread's
// io_context. Every wait is bounded in time (run_until) and every loop in count.
// Every case runs once per WebSocket transport (websocketpp and lean; transport_param.hpp):
// the case name ends in the transport's tag type.
#include <catch2/catch.hpp>

#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asio.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "event_loop.hpp"
#include "relay_fixture.hpp"
#include "relayload/client/centrifuge_client.hpp"
#include "relayload/client/connection_pool.hpp"
#include "relayload/metrics/error_tally.hpp"
#include "relayload/pacing/constant_rate_schedule.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "transport_param.hpp"

namespace {

using namespace std::chrono_literals;
using namespace relayload;
using namespace relayload::client;
using namespace relayload::test;
using relayload::relay::relay_config;

constexpr const char* session_channel = "session:7c9e6679-7425-40de-944b-e07fc1f90ae7";

/// Heap bytes in use (glibc): unlike the resident set size it does not count memory that
/// earlier tests freed and the allocator kept.
std::size_t heap_in_use() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

pacing::schedule spread(std::uint64_t n, std::chrono::nanoseconds ramp) {
  return pacing::schedule(*pacing::constant_rate_schedule::spread(n, ramp));
}

}  // namespace

TEMPLATE_TEST_CASE("connect and answer every ping with a pong (1 s ping interval)",
                   "[integration][client]", websocketpp_transport, lean_transport) {
  relay_config cfg = relay_config::mwp_default();
  cfg.ping_interval = 1s;
  cfg.pong_timeout = 500ms;
  auto relay = start_relay(cfg);
  asio::io_context io;
  client_context ctx(io, context_options_for<TestType>());
  centrifuge_client c(ctx, client_options_for(*relay));
  std::optional<connect_outcome> outcome;
  int drops = 0;
  c.callbacks().on_outcome = [&](const connect_outcome& o) { outcome = o; };
  c.callbacks().on_disconnected = [&](const disconnected_info&) { ++drops; };
  REQUIRE(!c.connect());
  REQUIRE(run_until(
      io, [&] { return outcome.has_value(); }, 10s));
  CHECK(outcome->kind == outcome_kind::immediate);
  CHECK(c.server_ping_seconds() == 1);
  CHECK(c.pong_enabled());
  CHECK(outcome->connect_time() > 0ns);
  CHECK(outcome->timings.upgraded >= outcome->timings.tcp_connected);

  run_for(io, 3500ms);
  const auto stats = relay->stats();
  CHECK(stats.pings_sent >= 3);
  // Exactly one pong per ping: never more (3501), never fewer (3012).
  CHECK(stats.commands_of(wire::method::pong) <= stats.pings_sent);
  CHECK(stats.commands_of(wire::method::pong) + 1 >= stats.pings_sent);
  CHECK(stats.disconnects_of(3012) == 0);
  CHECK(stats.disconnects_of(3501) == 0);
  CHECK(drops == 0);
  CHECK(c.connected());

  bool stopped = false;
  c.callbacks().on_stopped = [&](stop_reason r, const client_error&) {
    stopped = true;
    CHECK(r == stop_reason::closed);
  };
  c.close();
  REQUIRE(run_until(
      io, [&] { return stopped; }, 10s));
}

TEMPLATE_TEST_CASE("subscribe, publish and history round trip", "[integration][client]",
                   websocketpp_transport, lean_transport) {
  auto relay = start_relay();
  asio::io_context io;
  client_context ctx(io, context_options_for<TestType>());
  centrifuge_client a(ctx, client_options_for(*relay));
  centrifuge_client b(ctx, client_options_for(*relay));
  REQUIRE(!a.connect());
  REQUIRE(!b.connect());
  REQUIRE(run_until(
      io, [&] { return a.connected() && b.connected(); }, 10s));

  std::vector<std::string> received;
  std::vector<std::uint64_t> offsets;
  subscription_callbacks cbs;
  cbs.on_publication = [&](const wire::publication& p) {
    received.emplace_back(p.data);
    offsets.push_back(p.offset);
  };
  bool subscribed = false;
  std::error_code sub_ec;
  a.subscribe(session_channel, cbs, [&](std::error_code ec, const call_reply& r) {
    subscribed = true;
    sub_ec = ec;
    REQUIRE(r.subscribe() != nullptr);
    CHECK(r.subscribe()->recoverable);
    CHECK(r.subscribe()->positioned);
  });
  REQUIRE(run_until(
      io, [&] { return subscribed; }, 10s));
  REQUIRE_FALSE(sub_ec);

  const std::string data = R"("{\"clientId\":\"e1\",\"nonce\":1,\"payload\":\"eyJ9\"}")";
  int published = 0;
  for (int i = 0; i < 3; ++i) {
    b.publish(session_channel, data, [&](std::error_code ec, const call_reply& r) {
      CHECK_FALSE(ec);
      CHECK(r.done >= r.sent);
      ++published;
    });
  }
  REQUIRE(run_until(
      io, [&] { return published == 3 && received.size() == 3; }, 10s));
  CHECK(received[0] == data);
  CHECK(offsets == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(a.position(session_channel)->offset == 3);

  bool got_history = false;
  b.history(session_channel, history_options{}, [&](std::error_code ec, const call_reply& r) {
    got_history = true;
    REQUIRE_FALSE(ec);
    const wire::history_result* h = r.history();
    REQUIRE(h != nullptr);
    if (h == nullptr) return;  // (REQUIRE threw; this tells the optimizer h is not null)
    REQUIRE(h->publications.size() == 3);
    CHECK(h->publications[0].data == data);
    CHECK(h->offset == 3);
  });
  REQUIRE(run_until(
      io, [&] { return got_history; }, 10s));

  // A permanent error reply reaches the handler with its code.
  bool denied = false;
  b.publish("nonamespace", data, [&](std::error_code ec, const call_reply& r) {
    denied = true;
    CHECK(ec == make_error_code(errc::server_error));
    CHECK(r.server_code == 103);
  });
  REQUIRE(run_until(
      io, [&] { return denied; }, 10s));

  bool unsubscribed = false;
  a.unsubscribe(session_channel, [&](std::error_code ec, const call_reply&) {
    CHECK_FALSE(ec);
    unsubscribed = true;
  });
  REQUIRE(run_until(
      io, [&] { return unsubscribed; }, 10s));
  CHECK(relay->stats().subscriptions == 0);
}

TEMPLATE_TEST_CASE("reconnect after disconnect_all recovers the missed publication",
                   "[integration][client]", websocketpp_transport, lean_transport) {
  auto relay = start_relay();
  asio::io_context io;
  client_context ctx(io, context_options_for<TestType>());
  // A fixed 2 s reconnect delay leaves ample time for `b` to publish while `a` is away.
  client_options ao = client_options_for(*relay);
  ao.reconnect = backoff_policy{2s, 2s};
  centrifuge_client a(ctx, ao, 17);
  std::vector<std::string> received;
  std::vector<subscribed_info> subs;
  std::vector<std::string> drop_causes;
  int connects = 0;
  a.callbacks().on_connected = [&](const connected_info&) { ++connects; };
  a.callbacks().on_disconnected = [&](const disconnected_info& d) {
    drop_causes.push_back(d.cause.cause());
  };
  subscription_callbacks cbs;
  cbs.on_publication = [&](const wire::publication& p) { received.emplace_back(p.data); };
  cbs.on_subscribed = [&](const subscribed_info& i) {
    subs.push_back(i);
    subs.back().channel = {};
    subs.back().epoch = {};
  };
  a.subscribe(session_channel, cbs, nullptr);
  REQUIRE(!a.connect());
  REQUIRE(run_until(
      io, [&] { return subs.size() == 1; }, 10s));
  CHECK(relay->stats().subscriptions == 1);

  CHECK(relay->disconnect_all() == 1);
  REQUIRE(run_until(
      io, [&] { return drop_causes.size() == 1; }, 10s));
  CHECK(drop_causes[0] == "close_3001");

  // While `a` waits out its backoff, another client publishes.
  centrifuge_client b(ctx, client_options_for(*relay));
  bool published = false;
  REQUIRE(!b.connect());
  b.publish(session_channel, "\"missed\"", [&](std::error_code ec, const call_reply&) {
    CHECK_FALSE(ec);
    published = true;
  });
  REQUIRE(run_until(
      io, [&] { return published; }, 10s));
  CHECK(a.state() == client_state::waiting);

  REQUIRE(run_until(
      io, [&] { return subs.size() == 2 && received.size() == 1; }, 15s));
  CHECK(connects == 2);
  CHECK(subs[1].was_recovering);
  CHECK(subs[1].recovered);
  CHECK(subs[1].recovered_publications == 1);
  CHECK(received[0] == "\"missed\"");
  CHECK(a.position(session_channel)->offset == 1);
}

TEMPLATE_TEST_CASE("a storm of 2,000 connections: every one accounted",
                   "[integration][client][pool]", websocketpp_transport, lean_transport) {
  raise_open_file_limit();
  auto relay = start_relay();
  asio::io_context io;
  client_context ctx(io, context_options_for<TestType>());
  pool_options o;
  o.client = client_options_for(*relay);
  connection_pool pool(ctx, o);
  bool settled = false;
  pool.callbacks().on_settled = [&] { settled = true; };
  REQUIRE(!pool.start(spread(2000, 2s), std::chrono::steady_clock::now()));
  REQUIRE(run_until(
      io, [&] { return settled; }, 60s));
  const pool_counters k = pool.counters();
  CHECK(k.started == 2000);
  CHECK(k.immediate + k.recovered == 2000);
  CHECK(k.failed == 0);
  CHECK(k.connected_now == 2000);
  CHECK(relay->stats().connections_connected == 2000);
  const pool_snapshot s = pool.snapshot();
  CHECK(s.connect_time.count() == 2000);
  CHECK(s.tcp_connect.count() == 2000);

  std::optional<pool_snapshot> final_snapshot;
  pool.close_all([&](const pool_snapshot& f) { final_snapshot = f; });
  REQUIRE(run_until(
      io, [&] { return final_snapshot.has_value(); }, 30s));
  CHECK(final_snapshot->counters.closed + final_snapshot->counters.aborted == 2000);
  CHECK(final_snapshot->counters.drops == 0);
  REQUIRE(run_until(
      io, [&] { return relay->stats().connections_current == 0; }, 10s));
}

TEMPLATE_TEST_CASE("5,000 connections held for 5 s, then 10 % dropped by the relay during the hold",
                   "[integration][client][pool][heavy]", websocketpp_transport, lean_transport) {
  raise_open_file_limit();
  auto relay = start_relay();
  asio::io_context io;
  client_context ctx(io, context_options_for<TestType>());
  pool_options o;
  o.client = client_options_for(*relay);
  // At least 1 s before any reconnect: every close of the drop arrives before the first
  // connection is back, so the peak is exactly the number dropped.
  o.client.reconnect = backoff_policy{1s, 5s};
  connection_pool pool(ctx, o);
  bool settled = false;
  pool.callbacks().on_settled = [&] { settled = true; };
  REQUIRE(!pool.start(spread(5000, 5s), std::chrono::steady_clock::now()));
  REQUIRE(run_until(
      io, [&] { return settled; }, 90s));
  REQUIRE(pool.counters().connected_now == 5000);

  pool.begin_hold();
  run_for(io, 5s);
  pool_counters k = pool.counters();
  CHECK(k.drops == 0);
  CHECK(k.down_now == 0);
  CHECK(k.connected_now == 5000);
  CHECK(relay->stats().connections_connected == 5000);

  const auto dropped = relay->drop_fraction(0.1, 42);
  REQUIRE(dropped.size() == 500);
  REQUIRE(run_until(
      io,
      [&] {
        const auto c = pool.counters();
        return c.hold_drops == 500 && c.hold_reconnects == 500 && c.down_now == 0;
      },
      30s));
  pool.end_hold();
  k = pool.counters();
  CHECK(k.drops == 500);
  CHECK(k.hold_drops == 500);
  CHECK(k.hold_dropped_connections == 500);
  CHECK(k.reconnects == 500);
  CHECK(k.peak_down == 500);
  CHECK(k.hold_peak_down == 500);
  CHECK(k.down_at_hold_end == 0);
  CHECK(k.connected_now == 5000);
  const pool_snapshot s = pool.snapshot();
  CHECK(s.disconnects.count("close_3011") == 500);
  CHECK(s.time_to_reconnect.count() == 500);
  CHECK(s.time_to_reconnect.min() >= std::chrono::nanoseconds(1s).count());
  CHECK(pool_snapshot::peak_of(s.down_log) == 500);

  std::optional<pool_snapshot> final_snapshot;
  pool.close_all([&](const pool_snapshot& f) { final_snapshot = f; });
  REQUIRE(run_until(
      io, [&] { return final_snapshot.has_value(); }, 60s));
  CHECK(final_snapshot->counters.closed + final_snapshot->counters.aborted == 5000);
}

TEMPLATE_TEST_CASE("relay stopped mid-run: every connection ends in exactly one outcome",
                   "[integration][client][pool]", websocketpp_transport, lean_transport) {
  raise_open_file_limit();
  auto relay = start_relay();
  asio::io_context io;
  client_context ctx(io, context_options_for<TestType>());
  pool_options o;
  o.client = client_options_for(*relay);
  o.client.give_up_after = 3s;
  connection_pool pool(ctx, o);
  bool settled = false;
  std::size_t outcome_events = 0;
  pool.callbacks().on_settled = [&] { settled = true; };
  pool.callbacks().on_outcome = [&](std::uint64_t, const connect_outcome&) { ++outcome_events; };
  REQUIRE(!pool.start(spread(400, 2s), std::chrono::steady_clock::now()));
  run_for(io, 1s);
  relay->stop();
  REQUIRE(run_until(
      io, [&] { return settled; }, 30s));
  const pool_counters k = pool.counters();
  CHECK(k.started == 400);
  CHECK(outcome_events == 400);
  CHECK(k.outcomes() == 400);
  CHECK(k.failed > 0);
  CHECK(k.immediate > 0);
  CHECK(k.drops == k.immediate + k.recovered);  // every established one was dropped
  const pool_snapshot s = pool.snapshot();
  CHECK(s.failures.total() == k.failed);
  std::uint64_t refused = 0;
  std::string causes;
  for (const auto& e : s.errors.entries()) {
    causes += e.cause + " x" + std::to_string(e.count) + "; ";
    if (e.cause ==
        metrics::error_tally::cause_of(std::make_error_code(std::errc::connection_refused))) {
      refused += e.count;
    }
  }
  INFO("attempt errors: " << causes);
  CHECK(refused > 0);  // ECONNREFUSED while the relay was down

  std::optional<pool_snapshot> final_snapshot;
  pool.close_all([&](const pool_snapshot& f) { final_snapshot = f; });
  REQUIRE(run_until(
      io, [&] { return final_snapshot.has_value(); }, 30s));
  CHECK(final_snapshot->counters.outcomes() == 400);
  CHECK(final_snapshot->counters.pending() == 0);
}

TEMPLATE_TEST_CASE("client-side memory per idle connection (relay in a child process)",
                   "[integration][client][memory]", websocketpp_transport, lean_transport) {
  raise_open_file_limit();
  int to_parent[2];
  int to_child[2];
  REQUIRE(pipe(to_parent) == 0);
  REQUIRE(pipe(to_child) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The relay lives here, so the parent's resident memory is the clients' alone.
    close(to_parent[0]);
    close(to_child[1]);
    std::uint16_t port = 0;
    {
      auto relay = start_relay();
      port = relay->port();
      if (write(to_parent[1], &port, sizeof port) != sizeof port) _exit(1);
      char byte = 0;
      (void)!read(to_child[0], &byte, 1);  // until the parent is done (or gone)
      relay->stop();
    }
    _exit(0);
  }
  close(to_parent[1]);
  close(to_child[0]);
  std::uint16_t port = 0;
  REQUIRE(read(to_parent[0], &port, sizeof port) == sizeof port);
  REQUIRE(port != 0);

  {
    asio::io_context io;
    client_context ctx(io, context_options_for<TestType>());
    pool_options o;
    o.client.url =
        *net::ws_url::parse("ws://127.0.0.1:" + std::to_string(port) + "/connection/websocket");
    connection_pool pool(ctx, o);
    bool settled = false;
    pool.callbacks().on_settled = [&] { settled = true; };
    // Warm up the allocator and the shared state with a first small pool.
    {
      connection_pool warm(ctx, o);
      bool warm_settled = false;
      warm.callbacks().on_settled = [&] { warm_settled = true; };
      REQUIRE(!warm.start(spread(50, 0s), std::chrono::steady_clock::now()));
      REQUIRE(run_until(
          io, [&] { return warm_settled; }, 30s));
      bool closed = false;
      warm.close_all([&](const pool_snapshot&) { closed = true; });
      REQUIRE(run_until(
          io, [&] { return closed; }, 30s));
    }
    {
      // The protocol client alone, before its first connect (no WebSocket object yet).
      const auto shared = std::make_shared<const client_options>(o.client);
      std::vector<std::unique_ptr<centrifuge_client>> idle;
      idle.reserve(5000);
      const std::size_t start = heap_in_use();
      for (int i = 0; i < 5000; ++i) {
        idle.push_back(std::make_unique<centrifuge_client>(ctx, shared, i));
      }
      WARN("heap per centrifuge_client before its first connect: "
           << static_cast<double>(heap_in_use() - start) / 5000.0 << " bytes");
    }
    const std::size_t before = heap_in_use();
    REQUIRE(!pool.start(spread(5000, 3s), std::chrono::steady_clock::now()));
    REQUIRE(run_until(
        io, [&] { return settled; }, 90s));
    run_for(io, 1s);
    const std::size_t after = heap_in_use();
    CHECK(pool.counters().connected_now == 5000);
    const double per_connection = static_cast<double>(after - before) / 5000.0;
    WARN("client-side heap per idle connection (centrifuge_client + "
         << to_string(TestType::kind) << " transport): " << per_connection << " bytes");
    CHECK(per_connection < 32 * 1024);  // loose: only catches gross regressions
    bool closed = false;
    pool.close_all([&](const pool_snapshot&) { closed = true; });
    REQUIRE(run_until(
        io, [&] { return closed; }, 60s));
  }
  close(to_child[1]);
  int status = 0;
  waitpid(child, &status, 0);
  close(to_parent[0]);
  CHECK(WIFEXITED(status));
}
