// workload_mix — a production-like mix built in code: idle wallets held open, new sessions
// arriving at a Poisson rate, and wallets that go offline and catch up from history, all at
// once on the same threads. The report has one section per group and the totals; objectives
// can address a group ("groups.new-sessions.…") or the totals. The YAML workload files of
// `relayload-cli run --workload` build exactly this value (examples/workloads/*.yaml).
//
// Run: example_workload_mix [--target ws://host:port/connection/websocket]
// Without --target it starts the embedded relay on 127.0.0.1 (a free port).
#include <chrono>
#include <cstdio>
#include <string>

#include "relayload/metrics/report_text.hpp"
#include "relayload/metrics/slo.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "relayload/scenario/scenario_registry.hpp"
#include "relayload/scenario/workload_runner.hpp"

namespace rl = relayload;
namespace sc = relayload::scenario;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  rl::relay::embedded_relay relay;
  std::string target = argc == 3 && std::string(argv[1]) == "--target" ? argv[2] : "";
  if (target.empty()) {
    relay.start();
    target = relay.url();
  }

  sc::scenario_registry registry;
  sc::register_builtin_scenarios(registry);  // your own scenarios can be added next to them

  sc::workload mix;
  mix.defaults.target = target;
  mix.defaults.threads = 2;
  mix.defaults.seed = 42;
  mix.defaults.wallet_connect_delay = 100ms;  // the QR scan, shortened for the example
  mix.defaults.response_delay = 100ms;
  mix.duration = 4s;

  // Every group starts from the defaults and sets its own scenario parameters.
  auto group = [&](const char* name, const char* scenario) {
    sc::workload_group g;
    g.name = name;
    g.scenario = scenario;
    g.options = mix.defaults;
    return g;
  };
  auto idle = group("idle-wallets", "steady-state");
  idle.arrivals.kind = sc::arrival_kind::closed;  // 100 connections over 1 s, held to the end
  idle.arrivals.count = 100;
  idle.arrivals.ramp_up = 1s;

  auto sessions = group("new-sessions", "realistic-session");
  sessions.arrivals.kind = sc::arrival_kind::constant;  // open model: 8 new sessions a second
  sessions.arrivals.rate = rl::pacing::rate::per_second(8);
  sessions.arrivals.process = sc::arrival_process::poisson;
  sessions.options.messages_per_session = 2;

  auto offline = group("offline-wallets", "async-delivery");
  offline.arrivals.kind = sc::arrival_kind::constant;
  offline.arrivals.rate = rl::pacing::rate::per_second(2);
  offline.start_after = 1s;  // joins one second in, for two seconds
  offline.duration = 2s;
  offline.options.delay = 500ms;

  mix.groups = {idle, sessions, offline};
  if (const auto problems = mix.validate(); !problems.empty()) {
    for (const auto& p : problems) std::fprintf(stderr, "workload: %s\n", p.c_str());
    return 1;
  }

  sc::workload_runner runner(mix, registry);
  auto outcome = runner.start().get();
  if (!outcome) {
    std::fprintf(stderr, "the mix could not run: %s\n", outcome.error().message().c_str());
    return 1;
  }
  rl::metrics::report& report = *outcome;
  report.slos = {*rl::metrics::parse_slo("groups.new-sessions.handshake.latency.p99<=2000ms"),
                 *rl::metrics::parse_slo("recovery.deliveryRate>=100")};
  std::fputs(rl::metrics::render_summary(report).c_str(), stdout);

  // Every unit of every group is accounted for: attempted = what the arrival model planned
  // (Poisson: whatever the process drew), and on a healthy relay every one succeeded.
  bool ok = !report.partial;
  for (const auto& g : report.groups) {
    const auto& c = g.result.connections;
    std::printf("%-16s %-18s attempted %llu, successful %llu\n", g.name.c_str(),
                g.result.scenario.c_str(), static_cast<unsigned long long>(c.attempted),
                static_cast<unsigned long long>(c.successful));
    ok = ok && c.attempted > 0 && c.successful == c.attempted;
  }
  ok = ok && report.groups.at(0).result.connections.attempted == 100 &&
       report.groups.at(2).result.connections.attempted == 4;  // 2/s for 2 s
  ok = ok && !rl::metrics::any_failed(rl::metrics::evaluate_slos(report));
  std::puts(ok ? "workload_mix: every unit accounted for" : "workload_mix: FAILED");
  return ok ? 0 : 1;
}
