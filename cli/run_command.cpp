// `relayload-cli [run]`: parse → pre-flight → run → render → exit code.
#include <unistd.h>

#include <cstdio>
#include <fmt/core.h>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "output_file.hpp"
#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/report_text.hpp"
#include "relayload/metrics/slo.hpp"
#include "relayload/net/preflight.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "relayload/scenario/runner.hpp"
#include "signals.hpp"

namespace relayload::cli {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::string secs(milliseconds ms) {
  return ms.count() % 1000 == 0 ? fmt::format("{}s", ms.count() / 1000)
                                : fmt::format("{:.3g}s", static_cast<double>(ms.count()) / 1e3);
}

void print_configuration(const scenario::run_options& o, const scenario::scenario_info& info,
                         const std::string& output, unsigned shards) {
  fmt::print("╔══════════════════════════════════════╗\n"
             "║        LOAD TEST RUNNER (relayload)   ║\n"
             "╚══════════════════════════════════════╝\n");
  fmt::print("Configuration:\n  Target:           {}\n  Scenario:         {}\n", o.target,
             o.scenario);
  if (info.uses_pairs) fmt::print("  Connection Pairs: {}\n", o.connection_pairs);
  else fmt::print("  Connections:      {}\n", o.connections);
  if (o.scenario == "steady-state") fmt::print("  Duration:         {}\n", secs(o.duration));
  fmt::print("  Ramp-up:          {}\n", secs(o.ramp_up));
  if (o.scenario == "realistic-session") {
    fmt::print("  Messages:         {} per pair\n", o.messages_per_session);
  }
  if (o.scenario == "async-delivery") fmt::print("  Delay:            {}\n", secs(o.delay));
  if (o.scenario == "steady-messaging") {
    fmt::print("  Duration:         {}\n  Msg Interval:     {}\n", secs(o.duration),
               secs(o.message_interval));
  }
  if (info.uses_pairs) {
    fmt::print("  Mode:             {} ({} crypto)\n", scenario::to_string(o.mode),
               scenario::to_string(o.crypto));
  }
  fmt::print("  Threads:          {}\n", shards);
  if (!output.empty()) fmt::print("  Output:           {}\n", output);
  std::fflush(stdout);
}

// Runs until the report is ready, drawing progress and turning signals into stop/abort.
metrics::report drive(scenario::runner& runner, signal_watch& signals, bool show_progress) {
  auto future = runner.start();
  const bool tty = ::isatty(STDOUT_FILENO) != 0;
  const auto started = steady_clock::now();
  auto last_line = started;
  int interrupts = 0;
  while (future.wait_for(milliseconds(0)) != std::future_status::ready) {
    if (const int sig = signals.wait(milliseconds(tty ? 250 : 500))) {
      ++interrupts;
      if (interrupts == 1) {
        std::fprintf(stderr, "\n[relayload] %s: stopping gracefully; again to abort at once\n",
                     sig == SIGINT ? "SIGINT" : "SIGTERM");
        runner.stop();
      } else {
        std::fprintf(stderr, "[relayload] aborting; writing what was measured\n");
        runner.abort();
      }
      continue;
    }
    const auto now = steady_clock::now();
    if (show_progress && (tty ? now - last_line >= milliseconds(500)
                              : now - last_line >= std::chrono::seconds(5))) {
      last_line = now;
      const auto line = metrics::render_progress(runner.progress(milliseconds(200)), now - started);
      if (tty) fmt::print("\r\x1b[2K{}", line);
      else fmt::print("{}\n", line);
      std::fflush(stdout);
    }
  }
  if (show_progress && tty) fmt::print("\n");
  auto result = future.get();
  if (!result) {
    // Only an unusable setup gets here (validated before); report it as a partial empty run.
    metrics::report empty;
    empty.partial = true;
    empty.errors.add(result.error());
    return empty;
  }
  return std::move(*result);
}

}  // namespace

int run_scenario(const parsed_command& command, const scenario::scenario_registry& registry) {
  scenario::run_options options = command.run;
  const scenario::scenario_info& info = *registry.find(options.scenario);
  signal_watch signals;  // before any thread starts

  std::unique_ptr<relay::embedded_relay> relay;
  if (options.target.empty()) {
    try {
      relay = std::make_unique<relay::embedded_relay>();
      relay->start();
    } catch (const std::exception& e) {
      std::cerr << "relayload-cli: error: cannot start the embedded relay: " << e.what() << "\n";
      return exit_code::usage;
    }
    options.target = relay->url();
    fmt::print("[relayload] no --target given: started the embedded relay at {}\n", options.target);
  }

  const std::uint64_t units = options.unit_count(info.uses_pairs);
  net::preflight_request pre;
  pre.client_sockets = info.uses_pairs ? units * 2 : units;
  pre.server_sockets = relay ? pre.client_sockets : 0;
  pre.source_addresses = options.source_ips.empty() ? 1 : options.source_ips.size();
  const auto pf = net::run_preflight(pre);
  for (const auto& a : pf.actions) fmt::print("[relayload] pre-flight: {}\n", a);
  if (!pf.ok()) {
    std::cerr << "relayload-cli: pre-flight failed; this run cannot hold what it asks for:\n";
    for (const auto& p : pf.problems) std::cerr << "  - " << p << "\n";
    return exit_code::preflight;
  }

  scenario::runner runner(info, options);
  print_configuration(options, info, command.output, runner.shard_count());
  metrics::report report = drive(runner, signals, command.progress);
  if (report.scenario.empty()) report.scenario = info.name;
  if (report.target.empty()) report.target = options.target;

  const bool color = ::isatty(STDOUT_FILENO) != 0;
  fmt::print("\n{}", metrics::render_summary(report, {color}));
  const auto verdicts = metrics::default_slo_verdicts(report);

  int code = exit_code::ok;
  if (!command.output.empty()) {
    if (auto ec = write_file_atomically(command.output, metrics::to_json(report))) {
      std::cerr << "relayload-cli: error: cannot write " << command.output << ": " << ec.message()
                << "\n";
      // The summary above still holds the results; the missing file is an error.
      code = exit_code::usage;
    } else {
      fmt::print("[load-test] Results written to {}\n", command.output);
    }
  }
  if (relay) relay->stop();
  if (code == exit_code::ok && command.fail_on_slo && metrics::any_failed(verdicts)) {
    code = exit_code::slo_breach;
  }
  fmt::print("{}\n", report.partial ? "✗ Partial run (interrupted or target lost)" : "✓ Done");
  return code;
}

}  // namespace relayload::cli
