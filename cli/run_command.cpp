// `relayload-cli [run]`: parse → pre-flight → run → render → exit code.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fmt/core.h>
#include <iostream>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "mpi_launcher.hpp"
#include "output_file.hpp"
#include "probe_command.hpp"
#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/report_text.hpp"
#include "relayload/metrics/slo.hpp"
#include "relayload/net/preflight.hpp"
#include "relayload/pacing/shard.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "relayload/scenario/runner.hpp"
#include "signals.hpp"
#include "target_scrape.hpp"
#include "terminal.hpp"
#include "workload_command.hpp"

namespace relayload::cli {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::string secs(milliseconds ms) {
  return ms.count() % 1000 == 0 ? fmt::format("{}s", ms.count() / 1000)
                                : fmt::format("{:.3g}s", static_cast<double>(ms.count()) / 1e3);
}

}  // namespace

void print_configuration(const scenario::run_options& o, const scenario::scenario_info& info,
                         const std::string& output, unsigned shards) {
  // 38 columns inside the box on every line (the title line had 39).
  fmt::print("╔══════════════════════════════════════╗\n"
             "║     LOAD TEST RUNNER (relayload)     ║\n"
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
  if (o.scenario == "reconnect-storm") {
    if (o.storm_pairs) fmt::print("  Connection Pairs: {} (storm)\n", o.connection_pairs);
    fmt::print("  Storm after:      {}\n  Observe:          {}\n", secs(o.storm_after),
               secs(o.duration));
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
  // The default (lean) goes unsaid; the other client and compression are named.
  if (o.transport == client::transport_kind::websocketpp) {
    fmt::print("  Transport:        websocketpp\n");
  }
  if (o.compression) fmt::print("  Compression:      permessage-deflate offered\n");
  if (o.shard_count > 1) {
    const pacing::shard part{o.shard_index, o.shard_count};
    fmt::print("  Shard:            {} of {} ({} of the {} {})\n", o.shard_index, o.shard_count,
               part.size_of(o.unit_count(info.uses_pairs)), o.unit_count(info.uses_pairs),
               info.uses_pairs ? "pairs" : "connections");
  }
  if (o.start_at) {
    fmt::print("  Start at:         {} (unix ms)\n", o.start_at->time_since_epoch().count());
  }
  if (!output.empty()) fmt::print("  Output:           {}\n", output);
  std::fflush(stdout);
}

// Runs until the report is ready, drawing progress and turning signals into stop/abort.
metrics::report drive(scenario::runner& runner, signal_watch& signals, const progress_plan& plan) {
  run_control control;
  control.start = [&runner] { return runner.start(); };
  control.progress = [&runner](milliseconds wait) { return runner.progress(wait); };
  control.stop = [&runner] { runner.stop(); };
  control.abort = [&runner] { runner.abort(); };
  return drive(control, signals, plan);
}

metrics::report drive(const run_control& runner, signal_watch& signals, const progress_plan& plan) {
  auto future = runner.start();
  // --metrics-listen serves the series of the progress line's latest snapshot: a scrape
  // renders text and asks the shards for nothing (a snapshot copies every histogram on the
  // shards' threads, ~75 ms of CPU for a steady-messaging run; benchmarks/RESULTS.md).
  const auto publish = [&plan](const metrics::report& snapshot) {
    if (plan.metrics == nullptr) return;
    metrics::exposition e;
    metrics::add_report(e, snapshot, plan.metric_labels);
    plan.metrics->serve([e = std::move(e)] { return e; }, plan.metric_labels);
  };
  const bool tty = stdout_is_terminal();
  const bool ticking = plan.show || plan.line || plan.metrics != nullptr;
  const milliseconds every = plan.every.count() > 0 ? plan.every
                             : tty                  ? milliseconds(500)
                                                    : milliseconds(5000);
  const auto started = steady_clock::now();
  auto last_line = started;
  int interrupts = 0;
  bool asked = false;
  while (future.wait_for(milliseconds(0)) != std::future_status::ready) {
    // Asked to stop from elsewhere: a graceful stop that a signal may still escalate.
    if (!asked && interrupts == 0 && plan.stop_requested && plan.stop_requested()) {
      asked = true;
      std::fprintf(stderr, "\n[relayload] stop requested by rank 0: stopping gracefully\n");
      runner.stop();
      continue;
    }
    if (const int sig = signals.wait(std::min(every / 2, milliseconds(250)))) {
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
    if (ticking && now - last_line >= every) {
      last_line = now;
      const auto live = runner.progress(milliseconds(200));
      publish(live);
      if (!plan.show && !plan.line) continue;  // ticking for --metrics-listen alone
      const auto line =
          plan.line ? plan.line(live, now - started) : metrics::render_progress(live, now - started);
      if (plan.show) {
        if (tty) fmt::print("\r\x1b[2K{}", line);
        else fmt::print("{}\n", line);
        std::fflush(stdout);
      }
    }
  }
  if (plan.show && tty) fmt::print("\n");
  auto result = future.get();
  metrics::report out;
  if (result) {
    out = std::move(*result);
  } else {
    // Only an unusable setup gets here (validated before); report it as a partial empty run.
    out.partial = true;
    out.errors.add(result.error());
  }
  publish(out);  // from here until the process ends, scrapes see the final figures
  return out;
}

target_scrape_session::target_scrape_session(const parsed_command& command,
                                             const progress_plan& plan)
    : started_(std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now())) {
  if (!command.target_metrics) return;
  // At the progress line's cadence (also without a line).
  const milliseconds every = plan.every.count() > 0   ? plan.every
                             : stdout_is_terminal() ? milliseconds(500)
                                                    : milliseconds(5000);
  scraper_ = std::make_unique<target_scraper>(*command.target_metrics,
                                              command.target_metrics_url, every);
  scraper_->start();
}

target_scrape_session::~target_scrape_session() = default;

void target_scrape_session::finish(metrics::report& report) {
  if (!scraper_) return;
  // The last scrape sees the relay as the load left it; offsets from the run's start.
  const bool started = report.start_time != metrics::report_time{};
  report.target_series = scraper_->finish(started ? report.start_time : started_);
  scraper_.reset();
}

metrics::metric_labels run_labels(std::uint32_t rank, const std::string& scenario) {
  return {{"rank", std::to_string(rank)}, {"scenario", scenario}};
}

int open_metrics(const std::optional<listen_address>& listen,
                 std::unique_ptr<metrics_endpoint>& out, std::optional<std::uint32_t> rank) {
  if (!listen) return exit_code::ok;
  listen_address address = *listen;
  if (rank && address.port != 0) {
    if (address.port + *rank > 65535) {
      std::cerr << "relayload-cli: error: --metrics-listen: port " << address.port << " + rank "
                << *rank << " is beyond 65535\n";
      return exit_code::usage;
    }
    address.port = static_cast<std::uint16_t>(address.port + *rank);
  }
  out = metrics_endpoint::open(address);
  if (!out) return exit_code::usage;
  if (rank) fmt::print("metrics: {} (rank {})\n", out->url(), *rank);
  else fmt::print("metrics: {}\n", out->url());
  std::fflush(stdout);
  return exit_code::ok;
}

void judge_shard(metrics::report& report) {
  const auto& c = report.connections;
  if (c.attempted == 0 || c.successful > 0) return;
  std::optional<metrics::error_tally::entry> top;
  for (const auto& e : report.errors.entries()) {
    if (!top || e.count > top->count) top = e;
  }
  for (auto& k : report.ranks) {
    k.ok = false;
    k.error = fmt::format("reached nothing: all {} attempts failed{}", c.attempted,
                          top ? fmt::format(" ({} ×{})", top->cause, top->count) : "");
  }
}

std::string shard_file_name(std::uint32_t index, std::uint32_t count) {
  return fmt::format("shard-{}-of-{}.json", index, count);
}

int write_shard_file(const std::string& dir, const metrics::report& report,
                     std::uint32_t index, std::uint32_t count) {
  if (dir.empty()) return exit_code::ok;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = (std::filesystem::path(dir) / shard_file_name(index, count)).string();
  if (ec || (ec = write_file_atomically(path, metrics::to_json(report)))) {
    std::cerr << "relayload-cli: error: cannot write " << path << ": " << ec.message() << "\n";
    return exit_code::usage;
  }
  return exit_code::ok;
}

int conclude_run(const metrics::report& measured, const parsed_command& command, int code) {
  // The objectives (--slo, else the original tool's defaults) travel with the report, so the
  // summary, the JSON and the HTML show the same verdicts.
  metrics::report report = measured;
  report.slos = command.slos.empty() ? metrics::default_slos(report) : command.slos;
  // The file first: a run being torn down (mpirun sends SIGTERM again, then SIGKILL, after
  // its ranks were told to stop) must not lose the results while the summary is rendered.
  std::error_code write_error;
  const std::string json = metrics::to_json(report);
  if (!command.output.empty()) write_error = write_file_atomically(command.output, json);
  std::string fallback;
  std::error_code fallback_error;
  if (write_error) fallback = write_fallback_file(json, fallback_error);
  fmt::print("\n{}", metrics::render_summary(report, {use_color(command.color)}));
  const auto verdicts = metrics::evaluate_slos(report);

  if (!command.output.empty()) {
    if (const auto ec = write_error) {
      std::cerr << "relayload-cli: error: cannot write " << command.output << ": " << ec.message()
                << "\n";
      if (!fallback.empty()) {
        std::cerr << "relayload-cli: the results are saved in " << fallback << " instead\n";
      } else {
        std::cerr << "relayload-cli: error: no fallback file could be written either ("
                  << fallback_error.message() << "); only the summary above holds the results\n";
      }
      // The missing file is an error even when the fallback holds the results.
      code = exit_code::usage;
    } else {
      fmt::print("[load-test] Results written to {}\n", command.output);
    }
  }
  if (const int written = write_report_exports(report, command.exports);
      written != exit_code::ok) {
    if (command.output.empty()) {
      // No JSON was asked for, and an export failed: keep the data all the same.
      std::error_code ec;
      if (const std::string path = write_fallback_file(json, ec); !path.empty()) {
        std::cerr << "relayload-cli: the results (JSON) are saved in " << path << "\n";
      }
    }
    if (code == exit_code::ok) code = written;
  }
  const bool judged = command.fail_on_slo || !command.slos.empty();
  if (code == exit_code::ok && judged && metrics::any_failed(verdicts)) {
    code = exit_code::slo_breach;
  }
  for (const auto& k : report.ranks) {
    if (!k.ok) fmt::print("✗ rank {} of {} ({}) failed: {}\n", k.rank, k.shard_count, k.host, k.error);
  }
  const bool rank_failed = std::any_of(report.ranks.begin(), report.ranks.end(),
                                       [](const metrics::rank_info& k) { return !k.ok; });
  fmt::print("{}\n", !report.partial ? "✓ Done"
                      : rank_failed  ? "✗ Partial run (a rank failed)"
                                     : "✗ Partial run (interrupted or target lost)");
  return code;
}

int check_outputs(const parsed_command& command) {
  const auto refuse = [](const char* flag, const std::string& path, std::error_code ec) {
    std::cerr << "relayload-cli: error: " << flag << ": cannot write " << path << ": "
              << ec.message() << " (checked before the run, so that no results are lost)\n";
    return exit_code::usage;
  };
  const std::pair<const char*, const std::string*> files[] = {
      {"--output", &command.output},
      {"--report", &command.exports.html},
      {"--csv", &command.exports.csv}};
  for (const auto& [flag, path] : files) {
    if (path->empty()) continue;
    if (const auto ec = check_writable_file(*path)) return refuse(flag, *path, ec);
  }
  const std::pair<const char*, const std::string*> folders[] = {
      {"--hdr", &command.exports.hdr_dir}, {"--output-dir", &command.output_dir}};
  for (const auto& [flag, dir] : folders) {
    if (dir->empty()) continue;
    if (const auto ec = check_writable_folder(*dir)) return refuse(flag, *dir, ec);
  }
  return exit_code::ok;
}

int run_scenario(const parsed_command& command, const scenario::scenario_registry& registry) {
  if (command.target_metrics && started_by_mpirun()) {
    std::cerr << "relayload-cli: error: --target-metrics works on a single-process run, not "
                 "yet under mpirun\n";
    return exit_code::usage;
  }
  if (command.workload) return run_workload(command, registry);
  scenario::run_options options = command.run;
  const scenario::scenario_info& info = *registry.find(options.scenario);
  if (started_by_mpirun()) return run_distributed(command, registry);
  // Every output first: an hour's run must not end in a folder it cannot write.
  if (const int code = check_outputs(command); code != exit_code::ok) return code;
  signal_watch signals;  // before any thread starts
  // Before the relay and the load: a port that cannot be bound ends the run at once.
  std::unique_ptr<metrics_endpoint> endpoint;
  if (const int code = open_metrics(command.metrics_listen, endpoint); code != exit_code::ok) {
    return code;
  }

  // Pre-flight limits apply to this process's slice (--shard). It runs before anything opens
  // a socket (the embedded relay included): a run that cannot hold its load starts nothing.
  const std::uint64_t units = pacing::shard{options.shard_index, options.shard_count}.size_of(
      options.unit_count(info.uses_pairs));
  const std::uint64_t sockets = info.uses_pairs || options.storm_pairs ? units * 2 : units;
  // The shards of one run usually share this machine's ports (scale.sh); the advice on
  // source addresses counts them all.
  const std::uint64_t all_units = options.unit_count(info.uses_pairs);
  const std::uint64_t run_sockets = info.uses_pairs || options.storm_pairs ? all_units * 2 : all_units;
  if (const int code = check_preflight(sockets, options.target.empty(), options.source_ips.size(),
                                       run_sockets);
      code != exit_code::ok) {
    return code;
  }

  std::unique_ptr<relay::embedded_relay> relay;
  if (options.target.empty()) {
    try {
      relay::embedded_relay_options ro;
      ro.compression = options.compression;  // --compression: the embedded relay accepts it
      if (!options.token_hmac_secret.empty()) {
        // The generated tokens must be accepted: the embedded relay verifies them with the
        // same secret and, as a relay that issues tokens would, refuses tokenless connects.
        ro.config.token_hmac_secret_key = options.token_hmac_secret;
        ro.config.allow_anonymous_connect_without_token = false;
      }
      relay = std::make_unique<relay::embedded_relay>(std::move(ro));
      relay->start();
    } catch (const std::exception& e) {
      std::cerr << "relayload-cli: error: cannot start the embedded relay: " << e.what() << "\n";
      return exit_code::usage;
    }
    options.target = relay->url();
    fmt::print("[relayload] no --target given: started the embedded relay at {}\n", options.target);
  }

  // The probe runs against the embedded relay too: it costs one loopback connect, and flags
  // the embedded relay refuses (a --token without --token-hmac-secret) fail here, not per
  // connection.
  if (command.probe) {
    if (const int code = probe_target(options); code != exit_code::ok) {
      if (relay) relay->stop();
      return code;
    }
  }

  if (options.scenario == "reconnect-storm" && relay && command.storm_trigger != "client") {
    options.storm_trigger = [r = relay.get()] { r->disconnect_all(); };
  }
  scenario::runner runner(info, options);
  print_configuration(options, info, command.output, runner.shard_count());
  progress_plan plan;
  plan.show = command.progress;
  plan.metrics = endpoint.get();
  plan.metric_labels = run_labels(options.shard_index, info.name);
  target_scrape_session scrape(command, plan);  // --target-metrics
  metrics::report report = drive(runner, signals, plan);
  scrape.finish(report);  // before the embedded relay stops
  signal_watch::raise_late_signal_for_test();
  if (report.scenario.empty()) report.scenario = info.name;
  if (report.target.empty()) report.target = options.target;

  judge_shard(report);
  if (relay) relay->stop();
  const int code =
      write_shard_file(command.output_dir, report, options.shard_index, options.shard_count);
  return conclude_run(report, command, code);
}

}  // namespace relayload::cli
