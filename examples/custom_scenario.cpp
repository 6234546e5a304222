// custom_scenario — a scenario of your own, run by the library's runner next to the built-ins.
// "subscribe-and-publish" (subscribe_publish_shard.hpp): each connection subscribes to its own
// session:<uuid> channel and publishes --messages-per-session messages to it, one at a time,
// timing publish → push. Keep the shape when you copy it: the runner builds one shard per thread, a
// shard owns all it uses (no locks), and snapshot() turns its counts into a report the runner
// merges exactly. Run: example_custom_scenario [--target ws://host:port/connection/websocket]
// (without --target it starts the embedded relay on 127.0.0.1, a free port).
#include <cstdio>
#include <string>

#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/report_text.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "relayload/scenario/runner.hpp"
#include "relayload/scenario/scenario_registry.hpp"
#include "subscribe_publish_shard.hpp"

int main(int argc, char** argv) {
  rl::relay::embedded_relay relay;  // the runner needs a target: ours unless --target
  std::string target = argc == 3 && std::string(argv[1]) == "--target" ? argv[2] : "";
  if (target.empty()) {
    relay.start();
    target = relay.url();
  }

  // Ours next to the built-ins; the CLI looks scenarios up by name in such a registry.
  rl::scenario::scenario_registry registry;
  rl::scenario::register_builtin_scenarios(registry);
  if (!registry.add({"subscribe-and-publish", "each connection publishes K messages to itself",
                     /*uses_pairs=*/false, [](rl::scenario::shard_context& ctx) {
                       return std::make_unique<subscribe_publish_shard>(ctx);
                     }}))
    return 1;

  rl::scenario::run_options o;  // the CLI's flags, as a value type
  o.target = target;
  o.scenario = "subscribe-and-publish";
  o.connections = 40;
  o.messages_per_session = 5;
  o.ramp_up = std::chrono::milliseconds(500);
  o.threads = 2;
  o.seed = 42;  // repeatable backoff jitter
  for (const auto& problem : o.validate()) std::fprintf(stderr, "%s\n", problem.c_str());
  if (!o.validate().empty()) return 1;  // every problem at once, each naming its option

  rl::scenario::runner runner(*registry.find(o.scenario), o);
  auto future = runner.start();  // one thread per shard, released together at one t0
  if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) runner.stop();
  const auto report = future.get();  // after stop(): what was measured, marked partial
  if (!report) {
    std::fprintf(stderr, "run failed: %s\n", report.error().message().c_str());
    return 1;
  }
  std::printf("%s\n%s\n", rl::metrics::render_summary(*report).c_str(),
              rl::metrics::to_json(*report).c_str());

  // What this example demonstrates: every message of every connection came back.
  const auto expected = o.connections * o.messages_per_session;
  const auto received = report->messages ? report->messages->received : 0;
  const bool ok =
      !report->partial && received == expected && report->messages->latency.count() == expected;
  std::printf("%s: %llu of %llu messages delivered\n", ok ? "OK" : "FAILED",
              static_cast<unsigned long long>(received), static_cast<unsigned long long>(expected));
  return ok ? 0 : 1;
}
