// `relayload-cli run --workload FILE`: every group of the mix at once, in one process (or one
// rank of mpirun: mpi_launcher.cpp), then one summary block per group and the totals.
#include <fmt/core.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "mpi_launcher.hpp"
#include "probe_command.hpp"
#include "relayload/metrics/slo.hpp"
#include "relayload/net/preflight.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "relayload/scenario/workload_runner.hpp"
#include "signals.hpp"
#include "workload_command.hpp"

namespace relayload::cli {

namespace {

using std::chrono::milliseconds;

std::string secs(milliseconds ms) {
  return ms.count() % 1000 == 0 ? fmt::format("{}s", ms.count() / 1000)
                                : fmt::format("{:.3g}s", static_cast<double>(ms.count()) / 1e3);
}

}  // namespace

std::uint64_t workload_sockets(const scenario::workload& w,
                               const scenario::scenario_registry& registry) {
  std::uint64_t sockets = 0;
  const pacing::shard process{w.defaults.shard_index, w.defaults.shard_count};
  for (const auto& g : w.groups) {
    const auto* info = registry.find(g.scenario);
    const std::uint64_t per_unit = info != nullptr && info->uses_pairs ? 2 : 1;
    std::uint64_t units = 0;
    const double window_s =
        static_cast<double>((w.window_end(g) - g.start_after).count()) / 1000.0;
    switch (g.arrivals.kind) {
      case scenario::arrival_kind::closed:
        units = g.arrivals.count;
        break;
      case scenario::arrival_kind::constant: {
        // Units in flight at once: the rate times how long one lives (held ones: the window).
        scenario::run_options one = g.options;
        one.ramp_up = milliseconds(0);
        one.connection_pairs = one.connections = 1;
        double life_s = g.scenario == "steady-state" || g.scenario == "steady-messaging"
                            ? window_s
                            : static_cast<double>(
                                  scenario::planned_duration(one, g.scenario).count()) / 1000.0;
        life_s = std::min(life_s, window_s);
        units = static_cast<std::uint64_t>(g.arrivals.rate.to_double() * life_s) + 1;
        break;
      }
      case scenario::arrival_kind::ramping: {
        double peak = 0;
        for (const auto& s : g.arrivals.stages) peak = std::max(peak, s.target.to_double());
        units = static_cast<std::uint64_t>(peak * window_s) + 1;
        break;
      }
    }
    sockets += process.size_of(units) * per_unit;
  }
  return sockets;
}

void print_workload(const scenario::workload& w, const std::string& target,
                    const std::string& output, unsigned threads) {
  fmt::print("╔══════════════════════════════════════╗\n"
             "║     LOAD TEST RUNNER (relayload)     ║\n"
             "╚══════════════════════════════════════╝\n");
  fmt::print("Workload:\n  Target:           {}\n  Duration:         {}\n  Threads:          {}\n",
             target, secs(w.duration), threads);
  if (w.defaults.shard_count > 1) {
    fmt::print("  Shard:            {} of {}\n", w.defaults.shard_index, w.defaults.shard_count);
  }
  fmt::print("  Groups:\n");
  for (const auto& g : w.groups) {
    const milliseconds end = w.window_end(g);
    fmt::print("    {:<18} {:<18} {} ({}–{})\n", g.name, g.scenario, g.arrivals.describe(),
               secs(g.start_after), secs(end));
  }
  if (!output.empty()) fmt::print("  Output:           {}\n", output);
  std::fflush(stdout);
}

std::unique_ptr<relay::embedded_relay> start_embedded_relay(const scenario::run_options& o,
                                                            std::string& target) {
  relay::embedded_relay_options ro;
  ro.compression = o.compression;  // --compression: the embedded relay accepts it
  if (!o.token_hmac_secret.empty()) {
    ro.config.token_hmac_secret_key = o.token_hmac_secret;
    ro.config.allow_anonymous_connect_without_token = false;
  }
  auto relay = std::make_unique<relay::embedded_relay>(std::move(ro));
  relay->start();
  target = relay->url();
  fmt::print("[relayload] no target given: started the embedded relay at {}\n", target);
  return relay;
}

int check_preflight(std::uint64_t client_sockets, bool embedded_relay,
                    std::size_t source_addresses, std::uint64_t run_client_sockets) {
  net::preflight_request pre;
  pre.client_sockets = client_sockets;
  pre.server_sockets = embedded_relay ? client_sockets : 0;
  pre.source_addresses = source_addresses == 0 ? 1 : source_addresses;
  pre.run_client_sockets = run_client_sockets;
  const auto pf = net::run_preflight(pre);
  for (const auto& a : pf.actions) fmt::print("[relayload] pre-flight: {}\n", a);
  for (const auto& a : pf.advice) fmt::print("[relayload] pre-flight advice: {}\n", a);
  if (!pf.ok()) {
    std::cerr << "relayload-cli: pre-flight failed; this run cannot hold what it asks for:\n";
    for (const auto& p : pf.problems) std::cerr << "  - " << p << "\n";
    return exit_code::preflight;
  }
  return exit_code::ok;
}

int run_workload(const parsed_command& command, const scenario::scenario_registry& registry) {
  if (started_by_mpirun()) return run_distributed(command, registry);
  if (const int code = check_outputs(command); code != exit_code::ok) return code;
  scenario::workload w = *command.workload;
  signal_watch signals;  // before any thread starts
  std::unique_ptr<metrics_endpoint> endpoint;
  if (const int code = open_metrics(command.metrics_listen, endpoint); code != exit_code::ok) {
    return code;
  }
  // Pre-flight before anything opens a socket (the embedded relay included).
  if (const int code = check_preflight(workload_sockets(w, registry), w.defaults.target.empty(),
                                       w.defaults.source_ips.size());
      code != exit_code::ok) {
    return code;
  }
  std::unique_ptr<relay::embedded_relay> relay;
  if (w.defaults.target.empty()) {
    try {
      relay = start_embedded_relay(w.defaults, w.defaults.target);
    } catch (const std::exception& e) {
      std::cerr << "relayload-cli: error: cannot start the embedded relay: " << e.what() << "\n";
      return exit_code::usage;
    }
  }
  for (auto& g : w.groups) g.options.target = w.defaults.target;
  if (command.probe) {
    if (const int code = probe_target(w.defaults); code != exit_code::ok) {
      if (relay) relay->stop();
      return code;
    }
  }
  scenario::workload_runner runner(w, registry);
  print_workload(w, w.defaults.target, command.output, runner.shard_count());
  run_control control;
  control.start = [&runner] { return runner.start(); };
  control.progress = [&runner](milliseconds wait) { return runner.progress(wait); };
  control.stop = [&runner] { runner.stop(); };
  control.abort = [&runner] { runner.abort(); };
  progress_plan plan;
  plan.show = command.progress;
  plan.metrics = endpoint.get();
  plan.metric_labels = run_labels(w.defaults.shard_index, metrics::workload_scenario);
  target_scrape_session scrape(command, plan);  // --target-metrics
  metrics::report report = drive(control, signals, plan);
  scrape.finish(report);  // before the embedded relay stops
  if (report.scenario.empty()) report.scenario = metrics::workload_scenario;
  if (report.target.empty()) report.target = w.defaults.target;
  judge_shard(report);
  if (relay) relay->stop();
  const int code = write_shard_file(command.output_dir, report, w.defaults.shard_index,
                                    w.defaults.shard_count);
  return conclude_run(report, command, code);
}

}  // namespace relayload::cli
