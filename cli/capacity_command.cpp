// `relayload-cli capacity`: one continuous run in which one group's rate or count rises step
// by step until an SLO breaks (scenario::capacity_search), then the answer on the terminal,
// in the JSON (capacity: …) and in the HTML (the knee chart).
#include <fmt/core.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "commands.hpp"
#include "live_metrics.hpp"
#include "mpi_launcher.hpp"
#include "output_file.hpp"
#include "probe_command.hpp"
#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/report_text.hpp"
#include "relayload/scenario/capacity_search.hpp"
#include "signals.hpp"
#include "terminal.hpp"
#include "workload_command.hpp"

namespace relayload::cli {

namespace {

using std::chrono::milliseconds;

scenario::capacity_plan plan_of(const parsed_command& command) {
  const capacity_command& c = command.capacity;
  scenario::capacity_plan p;
  p.mix = *command.workload;
  p.group = c.group;
  p.step_duration = c.step_duration;
  p.warmup = c.warmup;  // always set by the parser (given, or its default)
  p.slos = c.slos;
  if (c.parameter == capacity_parameter::rate) {
    p.parameter = scenario::capacity_parameter::rate;
    p.from = c.from_rate.to_double();
    p.step = c.step_rate.to_double();
    if (c.max_rate) p.max = c.max_rate->to_double();
  } else {
    p.parameter = scenario::capacity_parameter::count;
    p.from = static_cast<double>(c.from_count);
    p.step = static_cast<double>(c.step_count);
    if (c.max_count) p.max = static_cast<double>(*c.max_count);
  }
  return p;
}

std::string step_line(const metrics::capacity_step& s, const std::string& unit, bool color) {
  std::string objectives;
  for (const auto& v : s.slo) {
    objectives += fmt::format("{}{} {} = {}", objectives.empty() ? "" : "; ",
                              v.pass ? "✓" : "✗", v.expression, v.actual);
  }
  const char* verdict = s.generator.bound ? "generator-bound" : s.pass ? "pass" : "FAIL";
  const char* paint = !color                            ? ""
                      : s.pass && !s.generator.bound    ? "\x1b[32m"
                                                        : "\x1b[31m";
  return fmt::format("[capacity] step {:g} {}: {}{}{} (achieved {:.4g}; CPU {:.0f} %, lag p99 "
                     "{:.1f} ms, lateness p99 {:.1f} ms) {}\n",
                     s.value, unit, paint, verdict, color ? "\x1b[0m" : "", s.achieved_rate,
                     s.generator.cpu_percent, s.generator.lag_p99_ms,
                     s.generator.lateness_p99_ms, objectives);
}

}  // namespace

int run_capacity(const parsed_command& command, const scenario::scenario_registry& registry) {
  const capacity_command& c = command.capacity;
  if (started_by_mpirun()) {
    // Every rank would run its own search; the steps' verdicts need one judge of all ranks.
    std::cerr << "relayload-cli: error: capacity runs in one process, not under mpirun; give "
                 "it --threads, or search with more ranks by running `run --workload` at fixed "
                 "steps under mpirun\n";
    return exit_code::usage;
  }
  if (c.refine > 0) {
    std::cerr << "relayload-cli: error: --refine is not implemented yet; run a second search "
                 "with a smaller --step between the last passing and the first failing step\n";
    return exit_code::usage;
  }
  scenario::capacity_plan plan = plan_of(command);
  {
    // Outputs first: a search of many steps must not end in a folder it cannot write.
    parsed_command outputs;
    outputs.output = c.output;
    outputs.exports.html = c.report_html;
    if (const int code = check_outputs(outputs); code != exit_code::ok) return code;
  }
  if (const auto problems = scenario::validate(plan, registry); !problems.empty()) {
    for (const auto& p : problems) std::cerr << "relayload-cli: error: " << p << "\n";
    return exit_code::usage;
  }
  signal_watch signals;  // before any thread starts
  // Before the relay and the load: a port that cannot be bound ends the search at once.
  std::unique_ptr<metrics_endpoint> endpoint;
  if (const int code = open_metrics(c.metrics_listen, endpoint); code != exit_code::ok) {
    return code;
  }
  // Pre-flight at the largest step (or the tenth when unbounded), before any socket opens.
  {
    scenario::workload peak = plan.mix;
    for (auto& g : peak.groups) {
      if (g.name != plan.group) continue;
      const double top = plan.max.value_or(plan.from + plan.step * 9);
      if (plan.parameter == scenario::capacity_parameter::rate) {
        g.arrivals.rate = pacing::rate::from_double(top).value_or(g.arrivals.rate);
      } else {
        g.arrivals.count = static_cast<std::uint64_t>(top);
      }
    }
    if (const int code = check_preflight(workload_sockets(peak, registry),
                                         plan.mix.defaults.target.empty(),
                                         plan.mix.defaults.source_ips.size());
        code != exit_code::ok) {
      return code;
    }
  }
  std::unique_ptr<relay::embedded_relay> relay;
  if (plan.mix.defaults.target.empty()) {
    try {
      relay = start_embedded_relay(plan.mix.defaults, plan.mix.defaults.target);
    } catch (const std::exception& e) {
      std::cerr << "relayload-cli: error: cannot start the embedded relay: " << e.what() << "\n";
      return exit_code::usage;
    }
  }
  for (auto& g : plan.mix.groups) g.options.target = plan.mix.defaults.target;
  if (c.probe) {
    if (const int code = probe_target(plan.mix.defaults); code != exit_code::ok) {
      if (relay) relay->stop();
      return code;
    }
  }
  const bool color = use_color(c.color);
  print_workload(plan.mix, plan.mix.defaults.target, c.output, plan.mix.defaults.threads);
  fmt::print("Capacity search:\n  Scale:            {}.{} from {:g} by {:g}{}\n"
             "  Steps:            {} s each, the first {} s of each not judged\n",
             plan.group, plan.parameter == scenario::capacity_parameter::rate ? "rate" : "count",
             plan.from, plan.step, plan.max ? fmt::format(" up to {:g}", *plan.max) : "",
             static_cast<double>(plan.step_duration.count()) / 1000.0,
             static_cast<double>(scenario::effective_warmup(plan).count()) / 1000.0);
  for (const auto& o : plan.slos) fmt::print("  SLO:              {}\n", o.expression);
  std::fflush(stdout);

  const std::string unit =
      plan.parameter == scenario::capacity_parameter::rate ? "/s" : "units";
  scenario::capacity_search search(plan, registry);
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    int interrupts = 0;
    while (!done) {
      if (const int sig = signals.wait(milliseconds(250))) {
        if (++interrupts == 1) {
          std::fprintf(stderr,
                       "\n[relayload] %s: stopping the search gracefully; again to abort\n",
                       sig == SIGINT ? "SIGINT" : "SIGTERM");
          search.stop();
        } else {
          search.abort();
        }
      }
    }
  });
  scenario::capacity_events events;
  // --metrics-listen: the run's series (one run through every step: counters never reset)
  // from a full look every 5 s, and where the search stands.
  struct search_position {
    std::size_t step = 0;
    double value = 0;
    std::optional<double> last_passing, first_failing;
    bool ended = false;  // a step failed or was generator-bound
    bool generator_bound = false;
  } position;
  position.value = plan.from;
  const metrics::metric_labels labels = run_labels(0, "capacity");
  const auto publish = [&](const metrics::report* live) {
    if (!endpoint) return;
    metrics::exposition e;
    if (live != nullptr) metrics::add_report(e, *live, labels);
    e.add_gauge("relayload_capacity_step", "the step running (1 = the first)", labels,
                static_cast<double>(position.step + 1));
    e.add_gauge("relayload_capacity_value",
                "the scaled parameter (" + plan.group +
                    (plan.parameter == scenario::capacity_parameter::rate ? ".rate, units/s)"
                                                                          : ".count, units)"),
                labels, position.value);
    if (position.last_passing) {
      e.add_gauge("relayload_capacity_last_passing", "the highest step value that met every SLO",
                  labels, *position.last_passing);
    }
    if (position.first_failing) {
      e.add_gauge("relayload_capacity_first_failing", "the first step value that breached an SLO",
                  labels, *position.first_failing);
    }
    e.add_gauge("relayload_capacity_generator_bound",
                "1 once a step found the generator, not the relay, the limit", labels,
                position.generator_bound ? 1.0 : 0.0);
    endpoint->serve([e = std::move(e)] { return e; }, labels);
  };
  publish(nullptr);
  events.on_step = [&](const metrics::capacity_step& s) {
    fmt::print("{}", step_line(s, unit, color));
    std::fflush(stdout);
    // As the result concludes: steps pass until the first that breaches an SLO or finds
    // the generator the limit.
    if (!position.ended) {
      if (s.pass && !s.generator.bound) {
        position.last_passing = s.value;
      } else {
        position.ended = true;
        if (!s.pass) position.first_failing = s.value;
        position.generator_bound = s.generator.bound;
      }
    }
    publish(nullptr);
  };
  if (endpoint) {
    events.full_look_every = std::chrono::seconds(5);
    events.on_full_look = [&](const metrics::report& live, std::size_t step) {
      position.step = step;
      position.value = plan.from + plan.step * static_cast<double>(step);
      publish(&live);
    };
  }
  if (c.progress) {
    const auto started = std::chrono::steady_clock::now();
    events.on_progress = [started, &plan](const metrics::report& live, std::size_t step) {
      // Units started so far per group, from the arrivals series (a cheap look).
      std::string groups;
      for (const auto& g : live.groups) {
        std::uint64_t n = 0;
        if (const auto it = g.result.series.find("arrivals"); it != g.result.series.end()) {
          for (const auto& i : it->second.intervals()) n += i.counters.empty() ? 0 : i.counters[0];
        }
        groups += fmt::format(" | {} {}", g.name, n);
      }
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      if (stdout_is_terminal()) {
        fmt::print("\r\x1b[2K[{:.0f}s] step {} ({:g}){}", secs, step + 1,
                   plan.from + plan.step * static_cast<double>(step), groups);
      }
      std::fflush(stdout);
    };
  }
  auto outcome = search.run(events);
  done = true;
  watcher.join();
  if (relay) relay->stop();
  if (stdout_is_terminal() && c.progress) fmt::print("\r\x1b[2K");
  if (!outcome) {
    std::cerr << "relayload-cli: error: the capacity search could not run ("
              << outcome.error().message() << ")\n";
    return exit_code::usage;
  }
  metrics::report report = std::move(*outcome);
  int code = exit_code::ok;
  const std::string json = metrics::to_json(report);
  if (!c.output.empty()) {
    if (const auto ec = write_file_atomically(c.output, json)) {
      std::error_code fe;
      const std::string fallback = write_fallback_file(json, fe);
      std::cerr << "relayload-cli: error: cannot write " << c.output << ": " << ec.message()
                << (fallback.empty() ? "" : "; the results are saved in " + fallback) << "\n";
      code = exit_code::usage;
    }
  }
  fmt::print("\n{}", metrics::render_summary(report, {color}));
  if (!c.output.empty() && code == exit_code::ok) {
    fmt::print("[load-test] Results written to {}\n", c.output);
  }
  report_exports exports;
  exports.html = c.report_html;
  if (const int written = write_report_exports(report, exports); written != exit_code::ok) {
    code = written;
  }
  if (code != exit_code::ok) return code;
  const metrics::capacity_result& cap = *report.capacity;
  if (cap.generator_bound) return exit_code::preflight;
  if (!cap.last_passing && cap.first_failing) return exit_code::slo_breach;
  return report.partial && cap.steps.empty() ? exit_code::usage : exit_code::ok;
}

}  // namespace relayload::cli
