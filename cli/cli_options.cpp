#include "cli_options.hpp"

#include <CLI/CLI.hpp>
#include <arpa/inet.h>
#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "relayload/metrics/slo.hpp"
#include "run_flag_table.hpp"
#include "workload_file.hpp"
#include <iostream>

namespace relayload::cli {

namespace {

constexpr std::uint64_t max_whole = 1'000'000'000'000ULL;

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The raw text of every run flag, so that each can be checked and named on its own.
struct run_flags {
  std::string target, scenario = "connection-storm", connections = "100",
                      connection_pairs = "100", duration = "60", ramp_up = "10",
                      messages_per_session = "3", delay = "30", message_interval = "5",
                      output, threads = "0", source_ips, ca_file, mode = "trusted",
                      crypto = "mock", connect_timeout = "30", command_timeout = "10", seed = "0",
                      wallet_delay = "5", response_delay = "1", message_timeout = "30",
                      otp_delay = "0", handshake_timeout = "60", storm_after = "5",
                      storm_outage = "0", storm_trigger;
  std::string token, token_hmac_secret, user, token_ttl = "3600";
  bool insecure = false;
  bool compression = false;                 // --compression
  std::string transport = "lean";           // --transport
  bool fail_on_slo = false;
  bool no_progress = false;
  bool no_probe = false;
  std::string color = "auto";
  std::vector<std::string> slo;             // --slo, one expression per flag
  std::string report_html, csv, hdr;        // --report, --csv, --hdr
  std::vector<CLI::Option*> export_options;
  std::string shard, start_at, output_dir;  // distributed runs
  std::string workload;                     // --workload
  std::string metrics_listen;               // --metrics-listen
  CLI::Option* metrics_listen_option = nullptr;
  std::string target_metrics;               // --target-metrics
  CLI::Option* target_metrics_option = nullptr;
  CLI::Option* output_dir_option = nullptr;
  CLI::Option* output_option = nullptr;
  CLI::Option* pairs_option = nullptr;
};

// --slo, --report/-o, --csv and --hdr: the same on `run` and on `report`.
void add_slo_and_export_flags(CLI::App& app, std::vector<std::string>& slo, std::string& html,
                              std::string& csv, std::string& hdr,
                              std::vector<CLI::Option*>& options, bool report_command = false) {
  app.add_option("--slo", slo,
                 "objective <field><op><number>[unit], e.g. messages.latency.p99<=400ms or "
                 "connections.successRate>=99.9; repeatable; replaces the default objectives, "
                 "and a breach exits 3")
      ->type_name("EXPR")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  options.push_back(app.add_option(report_command ? "-o,--output" : "--report", html,
                                   "write a self-contained HTML report here")
                        ->type_name("FILE.html"));
  options.push_back(
      app.add_option("--csv", csv, "write the time series as CSV here")->type_name("FILE"));
  options.push_back(app.add_option("--hdr", hdr,
                                   "write each histogram into this folder as an HdrHistogram "
                                   "percentile-distribution file (<name>.hgrm)")
                        ->type_name("DIR"));
}

// Parses every --slo; each bad expression is one problem, named.
void convert_slos(const std::vector<std::string>& texts, std::vector<metrics::slo_objective>& out,
                  std::vector<std::string>& problems) {
  for (const auto& text : texts) {
    std::string why;
    if (auto o = metrics::parse_slo(text, &why)) out.push_back(std::move(*o));
    else problems.push_back("--slo: " + why);
  }
}

// An export flag given with an empty path.
void check_export_paths(const std::vector<CLI::Option*>& options,
                        std::vector<std::string>& problems) {
  for (const CLI::Option* o : options) {
    if (o->count() > 0 && o->as<std::string>().empty()) {
      problems.push_back(o->get_name() + ": empty path");
    }
  }
}

void add_color_option(CLI::App& app, std::string& color) {
  app.add_option("--color", color,
                 "colour the summary: auto (on a terminal, unless NO_COLOR is set), always, never")
      ->type_name("WHEN")
      ->capture_default_str();
}

void convert_color(const std::string& text, color_choice& out,
                   std::vector<std::string>& problems) {
  if (auto c = parse_color_choice(text)) out = *c;
  else problems.push_back("--color: '" + text + "' is not one of auto, always, never");
}

void add_run_flags(CLI::App& app, run_flags& f) {
  app.add_option("--target", f.target,
                 "ws:// or wss:// URL of the relay (default: start an embedded relay on loopback)")->type_name("URL");
  app.add_option("--scenario", f.scenario, "scenario to run")->type_name("NAME")->capture_default_str();
  app.add_option("--connections", f.connections, "connections (connection-storm, steady-state)")->type_name("N")
      ->capture_default_str();
  f.pairs_option = app.add_option("--connection-pairs", f.connection_pairs,
                 "dApp+wallet pairs (realistic-session, async-delivery, steady-messaging)")->type_name("N")
      ->capture_default_str();
  app.add_option("--duration", f.duration, "seconds: steady-state hold, steady-messaging run")->type_name("SECONDS")
      ->capture_default_str();
  app.add_option("--ramp-up", f.ramp_up, "seconds over which starts are spread evenly")->type_name("SECONDS")
      ->capture_default_str();
  app.add_option("--messages-per-session", f.messages_per_session,
                 "exchanges per pair (realistic-session)")->type_name("N")
      ->capture_default_str();
  app.add_option("--delay", f.delay, "seconds the wallet stays offline (async-delivery)")->type_name("SECONDS")
      ->capture_default_str();
  app.add_option("--message-interval", f.message_interval,
                 "seconds between exchanges per pair (steady-messaging)")->type_name("SECONDS")
      ->capture_default_str();
  f.output_option = app.add_option("--output", f.output, "write the JSON report here (atomically)")->type_name("FILE");
  app.add_option("--threads", f.threads, "worker threads (0: one per core)")->type_name("N")->capture_default_str();
  app.add_option("--source-ips", f.source_ips,
                 "local addresses to connect from, e.g. 127.0.0.2-127.0.0.17 or a,b,c")->type_name("IPS");
  app.add_option("--ca-file", f.ca_file, "PEM CA certificates for wss:// instead of the system store")->type_name("FILE");
  app.add_flag("--insecure", f.insecure, "do not verify the relay's TLS certificate");
  app.add_flag("--compression", f.compression,
               "offer permessage-deflate like browsers (--transport=lean; the relay decides)");
  app.add_option("--transport", f.transport,
                 "WebSocket client: lean (relayload's own, the default) or websocketpp")
      ->type_name("KIND")->capture_default_str();
  app.add_option("--token", f.token, "Centrifugo connection token (JWT) sent by every client")
      ->type_name("JWT");
  app.add_option("--token-hmac-secret", f.token_hmac_secret,
                 "make an HS256 connection token per connect with this secret")->type_name("SECRET");
  app.add_option("--user", f.user,
                 "sub of generated tokens; {n} becomes the connection index (default relayload-{n})")
      ->type_name("TEMPLATE");
  app.add_option("--token-ttl", f.token_ttl, "seconds until generated tokens expire")
      ->type_name("SECONDS")->capture_default_str();
  app.add_option("--mode", f.mode, "MWP handshake: trusted or untrusted")->type_name("MODE")->capture_default_str();
  app.add_option("--crypto", f.crypto, "payload crypto: mock (like the original tool) or ecies")->type_name("KIND")
      ->capture_default_str();
  app.add_option("--connect-timeout", f.connect_timeout,
                 "seconds before a connection that has not connected counts as failed")->type_name("SECONDS")
      ->capture_default_str();
  app.add_option("--command-timeout", f.command_timeout, "seconds to wait for each reply")->type_name("SECONDS")
      ->capture_default_str();
  app.add_option("--wallet-delay", f.wallet_delay,
                 "seconds between the dApp's session request and the wallet's connect (QR scan)")->type_name("SECONDS")
      ->capture_default_str();
  app.add_option("--response-delay", f.response_delay,
                 "seconds the wallet 'reviews' a request before responding (realistic-session)")->type_name("SECONDS")
      ->capture_default_str();
  app.add_option("--message-timeout", f.message_timeout,
                 "seconds after which an unanswered message counts as failed")->type_name("SECONDS")
      ->capture_default_str();
  app.add_option("--otp-delay", f.otp_delay, "seconds the simulated user takes to type the OTP")->type_name("SECONDS")
      ->capture_default_str();
  app.add_option("--handshake-timeout", f.handshake_timeout,
                 "seconds before a session handshake counts as failed")->type_name("SECONDS")
      ->capture_default_str();
  app.add_option("--storm-after", f.storm_after,
                 "seconds connections are held after the ramp before the storm (reconnect-storm)")
      ->type_name("SECONDS")->capture_default_str();
  app.add_option("--storm-outage", f.storm_outage,
                 "seconds the receiving side of a pair stays away at least (reconnect-storm)")
      ->type_name("SECONDS")->capture_default_str();
  app.add_option("--storm-trigger", f.storm_trigger,
                 "relay: the embedded relay drops everyone (default without --target); client: "
                 "every client drops its own connection (default with --target)")
      ->type_name("HOW");
  app.add_option("--seed", f.seed, "seed for jitter and ids (0: random)")->type_name("N")->capture_default_str();
  app.add_option("--shard", f.shard,
                 "run only shard I of N of the connections or pairs (another process or machine "
                 "runs each other shard; set by the rank under mpirun)")->type_name("I/N");
  app.add_option("--start-at", f.start_at,
                 "unix time in milliseconds at which the run starts (shards without a barrier)")
      ->type_name("MS");
  f.output_dir_option = app.add_option(
      "--output-dir", f.output_dir,
      "also write this process's report (under mpirun: every rank's) here as shard-I-of-N.json")
      ->type_name("DIR");
  app.add_flag("--fail-on-slo", f.fail_on_slo, "exit 3 when an SLO is breached");
  add_slo_and_export_flags(app, f.slo, f.report_html, f.csv, f.hdr, f.export_options);
  app.add_flag("--no-progress", f.no_progress, "no live progress line");
  f.metrics_listen_option =
      app.add_option("--metrics-listen", f.metrics_listen,
                     "serve live Prometheus metrics at http://HOST:PORT/metrics (port 0: any "
                     "free port, printed; under mpirun each rank adds its rank to the port)")
          ->type_name("HOST:PORT");
  f.target_metrics_option =
      app.add_option("--target-metrics", f.target_metrics,
                     "scrape the target relay's Prometheus endpoint (http://HOST:PORT/metrics) "
                     "every progress interval; its CPU, memory, clients, subscriptions and "
                     "message rates go into the report")
          ->type_name("URL");
  app.add_flag("--no-probe", f.no_probe,
               "skip the pre-flight probe (one upgrade + connect to the target; a failure "
               "exits 2 with a diagnosis)");
  add_color_option(app, f.color);
  app.add_option("--workload", f.workload,
                 "run a mix of scenario groups from a YAML (or JSON) file; the run flags given "
                 "with it replace the file's top-level values")
      ->type_name("FILE");
}

// Converts every flag; collects every problem instead of stopping at the first.
std::vector<std::string> convert(const run_flags& f, parsed_command& cmd) {
  std::vector<std::string> problems;
  auto& o = cmd.run;
  auto whole = [&](const char* flag, const std::string& text, std::uint64_t& out) {
    if (auto e = parse_whole(flag, text, out)) problems.push_back(*e);
  };
  auto secs = [&](const char* flag, const std::string& text, std::chrono::milliseconds& out) {
    if (auto e = parse_seconds(flag, text, out)) problems.push_back(*e);
  };
  o.target = f.target;
  o.scenario = f.scenario;
  whole("--connections", f.connections, o.connections);
  whole("--connection-pairs", f.connection_pairs, o.connection_pairs);
  secs("--duration", f.duration, o.duration);
  secs("--ramp-up", f.ramp_up, o.ramp_up);
  whole("--messages-per-session", f.messages_per_session, o.messages_per_session);
  secs("--delay", f.delay, o.delay);
  secs("--message-interval", f.message_interval, o.message_interval);
  secs("--connect-timeout", f.connect_timeout, o.connect_timeout);
  secs("--command-timeout", f.command_timeout, o.command_timeout);
  secs("--wallet-delay", f.wallet_delay, o.wallet_connect_delay);
  secs("--response-delay", f.response_delay, o.response_delay);
  secs("--message-timeout", f.message_timeout, o.message_timeout);
  secs("--otp-delay", f.otp_delay, o.otp_entry_delay);
  secs("--handshake-timeout", f.handshake_timeout, o.handshake_timeout);
  std::uint64_t threads = 0;
  whole("--threads", f.threads, threads);
  o.threads = static_cast<unsigned>(std::min<std::uint64_t>(threads, 1u << 20));
  whole("--seed", f.seed, o.seed);
  if (!f.shard.empty()) {
    if (auto e = parse_shard(f.shard, o.shard_index, o.shard_count)) problems.push_back(*e);
  }
  if (!f.start_at.empty()) {
    // Unix milliseconds are beyond parse_whole's range (1.8e12 in 2027).
    if (!all_digits(f.start_at) || f.start_at.size() > 15) {
      problems.push_back("--start-at: '" + f.start_at +
                         "' is not a unix time in milliseconds (e.g. $(( $(date +%s) * 1000 + "
                         "30000 )) for 30 s from now)");
    } else {
      o.start_at = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>(
          std::chrono::milliseconds(std::stoll(f.start_at)));
    }
  }
  if (f.output_dir.empty() && f.output_dir_option != nullptr && f.output_dir_option->count() > 0) {
    problems.push_back("--output-dir: empty path");
  }
  cmd.output_dir = f.output_dir;
  secs("--storm-after", f.storm_after, o.storm_after);
  secs("--storm-outage", f.storm_outage, o.storm_outage);
  o.storm_pairs = o.scenario == "reconnect-storm" && f.pairs_option != nullptr &&
                  f.pairs_option->count() > 0;
  cmd.storm_trigger = f.storm_trigger;
  if (!f.storm_trigger.empty() && f.storm_trigger != "relay" && f.storm_trigger != "client") {
    problems.push_back("--storm-trigger: '" + f.storm_trigger + "' is not one of relay, client");
  } else if (f.storm_trigger == "relay" && !f.target.empty()) {
    problems.push_back(
        "--storm-trigger=relay needs the embedded relay (no --target); use client with a "
        "remote relay");
  }
  if (!f.source_ips.empty()) {
    if (auto e = parse_source_ips(f.source_ips, o.source_ips)) problems.push_back(*e);
  }
  o.ca_file = f.ca_file;
  o.insecure = f.insecure;
  o.compression = f.compression;
  if (f.transport == "websocketpp") o.transport = client::transport_kind::websocketpp;
  else if (f.transport == "lean") o.transport = client::transport_kind::lean;
  else problems.push_back("--transport: '" + f.transport + "' is not one of websocketpp, lean");
  o.token = f.token;
  o.token_hmac_secret = f.token_hmac_secret;
  o.token_user = f.user;
  {
    std::chrono::milliseconds ttl = o.token_ttl;
    secs("--token-ttl", f.token_ttl, ttl);
    o.token_ttl = std::chrono::duration_cast<std::chrono::seconds>(ttl);
  }
  if (f.mode == "trusted") o.mode = scenario::handshake_mode::trusted;
  else if (f.mode == "untrusted") o.mode = scenario::handshake_mode::untrusted;
  else problems.push_back("--mode: '" + f.mode + "' is not one of trusted, untrusted");
  if (f.crypto == "mock") o.crypto = scenario::crypto_kind::mock;
  else if (f.crypto == "ecies") o.crypto = scenario::crypto_kind::ecies;
  else problems.push_back("--crypto: '" + f.crypto + "' is not one of mock, ecies");
  if (f.output.empty() && f.output_option != nullptr && f.output_option->count() > 0) {
    problems.push_back("--output: empty path");
  }
  cmd.output = f.output;
  cmd.fail_on_slo = f.fail_on_slo;
  convert_slos(f.slo, cmd.slos, problems);
  check_export_paths(f.export_options, problems);
  cmd.exports = {f.report_html, f.csv, f.hdr};
  cmd.progress = !f.no_progress;
  cmd.probe = !f.no_probe;
  if (f.metrics_listen_option != nullptr && f.metrics_listen_option->count() > 0) {
    listen_address a;
    if (auto e = parse_listen_address("--metrics-listen", f.metrics_listen, a)) {
      problems.push_back(*e);
    } else {
      cmd.metrics_listen = a;
    }
  }
  if (f.target_metrics_option != nullptr && f.target_metrics_option->count() > 0) {
    net::http_url u;
    if (auto e = net::parse_http_url(f.target_metrics, u)) {
      problems.push_back("--target-metrics: " + *e);
    } else {
      cmd.target_metrics = u;
      cmd.target_metrics_url = f.target_metrics;
    }
  }
  convert_color(f.color, cmd.color, problems);
  // Range checks (zero, negative, huge) for the values that converted.
  for (auto& p : o.validate()) {
    if (std::find(problems.begin(), problems.end(), p) == problems.end()) problems.push_back(p);
  }
  return problems;
}

// The run flags of run_flag_table() given on the command line, as overrides of a workload
// file's top-level values (with --duration, the workload's length, when `duration` is set).
std::vector<flag_override> given_run_flags(const CLI::App& app, bool duration) {
  std::vector<flag_override> out;
  for (const run_flag& f : run_flag_table()) {
    const CLI::Option* o = app.get_option_no_throw("--" + std::string(f.name));
    if (o == nullptr || o->count() == 0 || o->results().empty()) continue;
    out.emplace_back(std::string(f.name),
                     f.is_switch ? (o->as<bool>() ? "true" : "false") : o->results().back());
  }
  const CLI::Option* d = duration ? app.get_option_no_throw("--duration") : nullptr;
  if (d != nullptr && d->count() > 0 && !d->results().empty()) {
    out.emplace_back("duration", d->results().back());
  }
  return out;
}

std::string join_names(const scenario::workload& w) {
  std::string s;
  for (const auto& g : w.groups) s += (s.empty() ? "" : ", ") + g.name;
  return s;
}

// Adds the loader's problems, except those convert() found already: a bad value given next
// to --workload is named by both, in the same words.
void add_new(std::vector<std::string>& problems, const std::vector<std::string>& found) {
  for (const auto& p : found) {
    if (std::find(problems.begin(), problems.end(), p) == problems.end()) problems.push_back(p);
  }
}

// Parses --slo (replacing the file's slo:) or else the file's slo:, which load_workload()
// has checked and named by line already.
std::vector<metrics::slo_objective> workload_slos(const std::vector<std::string>& cli_slo,
                                                  scenario::workload& w,
                                                  std::vector<std::string>& problems) {
  if (!cli_slo.empty()) w.slo = cli_slo;
  std::vector<metrics::slo_objective> out;
  for (const auto& text : w.slo) {
    std::string why;
    if (auto o = parse_workload_slo(text, w, why)) out.push_back(std::move(*o));
    else if (!cli_slo.empty()) problems.push_back("--slo: " + why);
  }
  return out;
}

// `run --workload FILE`: the file, with the run flags given next to it as overrides.
void read_run_workload(const CLI::App& app, const run_flags& f,
                       const scenario::scenario_registry& registry, parsed_command& cmd,
                       std::vector<std::string>& problems) {
  for (const char* flag : {"--scenario", "--connections", "--connection-pairs", "--ramp-up"}) {
    if (app.get_option(flag)->count() > 0) {
      problems.push_back(std::string(flag) +
                         " cannot be used with --workload: the file's groups say what runs, "
                         "how many and when (scenario, count, ramp-up, rate, stages)");
    }
  }
  cmd.workload_file = f.workload;
  if (f.workload.empty()) {
    problems.push_back("--workload: empty path");
    return;
  }
  std::vector<std::string> found;
  auto w = load_workload(f.workload, registry, given_run_flags(app, true), found);
  add_new(problems, found);
  if (!w) return;  // convert()'s reading of --slo stands
  // convert() read --slo without the workload's groups: read it again with them.
  problems.erase(std::remove_if(problems.begin(), problems.end(),
                                [](const std::string& p) { return p.rfind("--slo: ", 0) == 0; }),
                 problems.end());
  cmd.slos = workload_slos(f.slo, *w, problems);
  cmd.run = w->defaults;
  cmd.workload = std::move(w);
}

// The flags of `capacity`, as text until converted.
struct capacity_flags {
  std::string workload, scale, from, step, max, step_duration, warmup, refine = "0";
  std::vector<std::string> slo;
  std::string output, report_html;
  bool no_progress = false;
  bool no_probe = false;
  std::string color = "auto";
  std::string metrics_listen;
  CLI::Option* metrics_listen_option = nullptr;
  // The run flags of run_flag_table() (node-based maps: CLI11 keeps their addresses).
  std::map<std::string, std::string> run_text;
  std::map<std::string, bool> run_switch;
  CLI::Option* warmup_option = nullptr;
  std::vector<CLI::Option*> path_options;  // --output, --report
};

void add_capacity_flags(CLI::App& app, capacity_flags& f) {
  app.add_option("--workload", f.workload, "the workload file (YAML or JSON), as for run")
      ->type_name("FILE");
  app.add_option("--scale", f.scale,
                 "what each step raises: GROUP.rate (a group with rate:) or GROUP.count (a "
                 "group with count:); the group's own rate or count in the file is replaced "
                 "by --from")
      ->type_name("GROUP.rate|GROUP.count");
  app.add_option("--from", f.from,
                 "the first step's value: a rate such as 20/s or 1200/min for .rate, a whole "
                 "number for .count")
      ->type_name("VALUE");
  app.add_option("--step", f.step, "added to the value at each step (positive)")
      ->type_name("VALUE");
  app.add_option("--max", f.max, "the highest value tried (default: until an SLO fails)")
      ->type_name("VALUE");
  app.add_option("--step-duration", f.step_duration, "seconds each step runs (at least 1)")
      ->type_name("SECONDS");
  f.warmup_option = app.add_option("--warmup", f.warmup,
                                   "seconds at the start of each step that are not judged "
                                   "(default: 20 % of the step, at least 2, below the step)")
                        ->type_name("SECONDS");
  app.add_option("--refine", f.refine,
                 "bisections between the last passing and the first failing step")
      ->type_name("N")
      ->capture_default_str();
  app.add_option("--slo", f.slo,
                 "objective every step must meet, e.g. messages.latency.p99<=400ms or "
                 "groups.new-sessions.handshake.latency.p99<=1500ms; repeatable; replaces the "
                 "file's slo:")
      ->type_name("EXPR")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  f.path_options.push_back(
      app.add_option("--output", f.output, "write the JSON result here")->type_name("FILE"));
  f.path_options.push_back(
      app.add_option("--report", f.report_html, "write a self-contained HTML report here")
          ->type_name("FILE.html"));
  app.add_flag("--no-progress", f.no_progress, "no live progress line");
  app.add_flag("--no-probe", f.no_probe, "skip the pre-flight probe of the target");
  f.metrics_listen_option =
      app.add_option("--metrics-listen", f.metrics_listen,
                     "serve live Prometheus metrics of the current step and the search at "
                     "http://HOST:PORT/metrics (port 0: any free port, printed)")
          ->type_name("HOST:PORT");
  add_color_option(app, f.color);
  for (const run_flag& r : run_flag_table()) {
    const std::string name(r.name);
    CLI::Option* o =
        r.is_switch ? app.add_flag("--" + name, f.run_switch[name], std::string(r.help))
                    : app.add_option("--" + name, f.run_text[name], std::string(r.help))
                          ->type_name(std::string(r.type_name));
    o->group("Replacing the workload file's top-level values");
  }
}

// "20/s" for .rate, "500" for .count.
template <class T>
using converter = std::optional<std::string> (*)(const std::string&, const std::string&, T&);

// --from, --step, --max of one kind: required where marked, positive, --max not below
// --from, and at most `limit`.
template <class T>
void convert_steps(const capacity_flags& f, converter<T> parse, T limit, const std::string& unit,
                   T& from, T& step, std::optional<T>& max, std::vector<std::string>& problems) {
  const T zero{};
  bool from_ok = false;
  if (!f.from.empty()) {
    if (auto e = parse("--from", f.from, from)) problems.push_back(*e);
    else if (from == zero) problems.push_back("--from must be positive");
    else if (limit < from) problems.push_back("--from must be at most " + unit);
    else from_ok = true;
  }
  if (!f.step.empty()) {
    if (auto e = parse("--step", f.step, step)) problems.push_back(*e);
    else if (step == zero) problems.push_back("--step must be positive");
  }
  if (!f.max.empty()) {
    T m{};
    if (auto e = parse("--max", f.max, m)) {
      problems.push_back(*e);
    } else if (from_ok && m < from) {
      problems.push_back("--max (" + f.max + ") must not be below --from (" + f.from + ")");
    } else if (limit < m) {
      problems.push_back("--max must be at most " + unit);
    } else {
      max = m;
    }
  }
}

// Converts `capacity`; collects every problem.
void convert_capacity(const CLI::App& app, const capacity_flags& f,
                      const scenario::scenario_registry& registry, parsed_command& cmd,
                      std::vector<std::string>& problems) {
  cmd.kind = command_kind::capacity;
  capacity_command& c = cmd.capacity;
  for (const auto& [flag, value, what] :
       {std::tuple{"--workload", &f.workload, "the workload file"},
        std::tuple{"--scale", &f.scale, "GROUP.rate or GROUP.count"},
        std::tuple{"--from", &f.from, "the first step's value"},
        std::tuple{"--step", &f.step, "the increase per step"},
        std::tuple{"--step-duration", &f.step_duration, "seconds per step"}}) {
    if (value->empty()) problems.push_back(std::string(flag) + " is required (" + what + ")");
  }

  std::optional<scenario::workload> w;
  if (!f.workload.empty()) {
    std::vector<std::string> found;
    w = load_workload(f.workload, registry, given_run_flags(app, false), found);
    add_new(problems, found);
  }
  cmd.workload_file = f.workload;

  bool parameter_ok = false;
  if (!f.scale.empty()) {
    const auto dot = f.scale.rfind('.');
    const std::string parameter = dot == std::string::npos ? "" : f.scale.substr(dot + 1);
    c.group = dot == std::string::npos ? "" : f.scale.substr(0, dot);
    parameter_ok = !c.group.empty() && (parameter == "rate" || parameter == "count");
    if (!parameter_ok) {
      problems.push_back("--scale: '" + f.scale +
                         "' is not GROUP.rate or GROUP.count (e.g. new-sessions.rate)");
    } else {
      c.parameter = parameter == "rate" ? capacity_parameter::rate : capacity_parameter::count;
    }
  }
  scenario::workload_group* scaled = nullptr;
  if (w && parameter_ok) {
    for (auto& g : w->groups) {
      if (g.name == c.group) scaled = &g;
    }
    const bool rate = c.parameter == capacity_parameter::rate;
    if (scaled == nullptr) {
      problems.push_back("--scale: no group '" + c.group + "' in " + f.workload +
                         " (groups: " + join_names(*w) + ")");
    } else if (rate && scaled->arrivals.kind != scenario::arrival_kind::constant) {
      problems.push_back("--scale: " + f.scale + " needs a group with rate: (a constant "
                         "arrival rate); group '" + c.group + "' has " +
                         (scaled->arrivals.kind == scenario::arrival_kind::closed
                              ? "count: (use " + c.group + ".count)"
                              : std::string("stages:")));
    } else if (!rate && scaled->arrivals.kind != scenario::arrival_kind::closed) {
      problems.push_back("--scale: " + f.scale + " needs a group with count:; group '" +
                         c.group + "' has " +
                         (scaled->arrivals.kind == scenario::arrival_kind::constant
                              ? "rate: (use " + c.group + ".rate)"
                              : std::string("stages:")));
    }
  }
  if (parameter_ok && c.parameter == capacity_parameter::rate) {
    convert_steps<pacing::rate>(f, &parse_rate, pacing::rate::per_second(10'000'000),
                                "10000000/s", c.from_rate, c.step_rate, c.max_rate, problems);
  } else if (parameter_ok) {
    // run_options::validate()'s limit on a count.
    convert_steps<std::uint64_t>(f, &parse_whole, 100'000'000, "100000000", c.from_count,
                                 c.step_count, c.max_count, problems);
  }

  bool step_ok = false;
  if (!f.step_duration.empty()) {
    if (auto e = parse_seconds("--step-duration", f.step_duration, c.step_duration)) {
      problems.push_back(*e);
    } else if (c.step_duration < std::chrono::seconds(1)) {
      problems.push_back("--step-duration must be at least 1 second");
    } else {
      step_ok = true;
    }
  }
  if (f.warmup_option->count() > 0) {
    if (auto e = parse_seconds("--warmup", f.warmup, c.warmup)) {
      problems.push_back(*e);
    } else if (step_ok && c.warmup >= c.step_duration) {
      problems.push_back("--warmup (" + f.warmup + " s) must be shorter than --step-duration (" +
                         f.step_duration + " s)");
    }
  } else if (step_ok) {
    // Long enough for connections and sessions to settle, short enough to leave most of a
    // short step judged.
    c.warmup = std::max<std::chrono::milliseconds>(c.step_duration / 5, std::chrono::seconds(2));
    if (c.warmup >= c.step_duration) c.warmup = c.step_duration / 5;
  }
  std::uint64_t refine = 0;
  if (auto e = parse_whole("--refine", f.refine, refine)) problems.push_back(*e);
  else if (refine > 10) problems.push_back("--refine must be at most 10");
  c.refine = static_cast<unsigned>(std::min<std::uint64_t>(refine, 10));

  check_export_paths(f.path_options, problems);
  c.output = f.output;
  c.report_html = f.report_html;
  c.progress = !f.no_progress;
  c.probe = !f.no_probe;
  if (f.metrics_listen_option->count() > 0) {
    listen_address a;
    if (auto e = parse_listen_address("--metrics-listen", f.metrics_listen, a)) {
      problems.push_back(*e);
    } else {
      c.metrics_listen = a;
    }
  }
  convert_color(f.color, c.color, problems);
  if (!w) return;
  c.slos = workload_slos(f.slo, *w, problems);
  if (w->slo.empty()) {
    problems.push_back("capacity needs at least one SLO (--slo or slo: in the workload file)");
  }
  if (scaled != nullptr) {
    if (c.parameter == capacity_parameter::rate) scaled->arrivals.rate = c.from_rate;
    else scaled->arrivals.count = c.from_count;
  }
  cmd.run = w->defaults;
  cmd.color = c.color;
  cmd.progress = c.progress;
  cmd.probe = c.probe;
  cmd.workload = std::move(w);
}

}  // namespace

std::optional<std::string> parse_shard(const std::string& text, std::uint32_t& index,
                                       std::uint32_t& count) {
  const auto slash = text.find('/');
  const std::string i = text.substr(0, slash);
  const std::string n = slash == std::string::npos ? "" : text.substr(slash + 1);
  if (!all_digits(i) || !all_digits(n) || i.size() > 9 || n.size() > 9) {
    return "--shard: '" + text + "' is not I/N (shard I of N, numbered from 0, e.g. 0/4)";
  }
  index = static_cast<std::uint32_t>(std::stoul(i));
  count = static_cast<std::uint32_t>(std::stoul(n));
  return std::nullopt;  // ranges are checked by run_options::validate
}

std::optional<std::string> parse_whole(const std::string& flag, const std::string& text,
                                       std::uint64_t& out) {
  if (text.empty()) return flag + ": empty value; expected a whole number";
  if (text[0] == '-' && all_digits(text.substr(1))) {
    return flag + " must not be negative (got " + text + ")";
  }
  if (!all_digits(text)) return flag + ": '" + text + "' is not a whole number";
  if (text.size() > 13 || std::stoull(text) > max_whole) {
    return flag + ": " + text + " is too large";
  }
  out = std::stoull(text);
  return std::nullopt;
}

std::optional<std::string> parse_seconds(const std::string& flag, const std::string& text,
                                         std::chrono::milliseconds& out) {
  if (text.empty()) return flag + ": empty value; expected a number of seconds";
  std::string body = text;
  const bool negative = body[0] == '-';
  if (negative) body.erase(0, 1);
  const auto dot = body.find('.');
  const std::string whole_part = body.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : body.substr(dot + 1);
  const bool numeric = all_digits(whole_part) && (dot == std::string::npos || all_digits(frac));
  if (!numeric) {
    return flag + ": '" + text + "' is not a number of seconds (e.g. 10 or 2.5)";
  }
  if (negative) return flag + " must not be negative (got " + text + ")";
  if (whole_part.size() > 9) return flag + ": " + text + " seconds is too long";
  if (frac.size() > 3 && frac.find_first_not_of('0', 3) != std::string::npos) {
    return flag + ": " + text + " has more precision than milliseconds";
  }
  std::string ms_digits = (frac + "000").substr(0, 3);
  out = std::chrono::milliseconds(std::stoll(whole_part) * 1000 + std::stoll(ms_digits));
  return std::nullopt;
}

std::optional<std::string> parse_source_ips(const std::string& text,
                                            std::vector<std::string>& out) {
  constexpr std::uint32_t max_range = 65536;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty()) return "--source-ips: empty entry in '" + text + "'";
    const auto dash = item.find('-');
    if (dash == std::string::npos) {
      out.push_back(item);  // validated (IPv4 or IPv6) by run_options::validate
    } else {
      const std::string lo = item.substr(0, dash), hi = item.substr(dash + 1);
      in_addr a{}, b{};
      if (inet_pton(AF_INET, lo.c_str(), &a) != 1 || inet_pton(AF_INET, hi.c_str(), &b) != 1) {
        return "--source-ips: '" + item + "' is not an IPv4 range like 127.0.0.2-127.0.0.17";
      }
      const std::uint32_t first = ntohl(a.s_addr), last = ntohl(b.s_addr);
      if (last < first) return "--source-ips: range '" + item + "' runs backwards";
      if (last - first >= max_range) return "--source-ips: range '" + item + "' is too large";
      for (std::uint32_t v = first;; ++v) {
        in_addr x{};
        x.s_addr = htonl(v);
        char buf[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &x, buf, sizeof buf);
        out.emplace_back(buf);
        if (v == last) break;
      }
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return std::nullopt;
}

parse_outcome parse_command_line(int argc, char** argv,
                                 const scenario::scenario_registry& registry) {
  CLI::App app{fmt::format(
      "relayload {}: load tests for Centrifugo relays and the MetaMask Mobile Wallet "
      "Protocol.\nScenarios: {}.\nWithout --target, an embedded relay is started on loopback.",
      RELAYLOAD_VERSION, registry.names_joined())};
  app.set_version_flag("-V,--version", std::string("relayload ") + RELAYLOAD_VERSION);
  app.require_subcommand(0, 1);

  run_flags top, sub;
  add_run_flags(app, top);
  CLI::App* run = app.add_subcommand("run", "run one scenario (the default command)");
  add_run_flags(*run, sub);

  relay_command relay;
  std::string relay_port = "8000", relay_workers = "1", relay_ping;
  CLI::App* relay_app = app.add_subcommand(
      "relay", "run the embedded relay in the foreground until SIGINT/SIGTERM");
  relay_app->add_option("--host", relay.host, "address to bind")->type_name("ADDRESS")->capture_default_str();
  relay_app->add_option("--port", relay_port, "port to bind (0: any free port)")->type_name("PORT")
      ->capture_default_str();
  relay_app->add_option("--config", relay.config_file,
                        "Centrifugo JSON config (namespaces); default: the MWP backend config")->type_name("FILE");
  relay_app->add_option("--workers", relay_workers,
                        "processes sharing the port (SO_REUSEPORT); channels are per worker, "
                        "so use several only for connection-only loads")->type_name("N")
      ->capture_default_str();
  relay_app->add_option("--tls-cert", relay.tls_cert, "PEM certificate: serve wss://")->type_name("FILE");
  relay_app->add_option("--tls-key", relay.tls_key, "PEM private key for --tls-cert")->type_name("FILE");
  relay_app->add_option("--ping-interval", relay_ping, "seconds between server pings (default 25)")->type_name("SECONDS");
  relay_app->add_flag("--compression", relay.compression,
                      "accept permessage-deflate from clients that offer it (zlib)");
  std::string relay_publish_rate = "0", relay_connect_rate = "0";
  std::string relay_metrics_listen;
  CLI::Option* relay_metrics_option =
      relay_app->add_option("--metrics-listen", relay_metrics_listen,
                            "serve the relay's Prometheus metrics at http://HOST:PORT/metrics "
                            "(port 0: any free port, printed); needs --workers 1")
          ->type_name("HOST:PORT");
  relay_app->add_option("--max-publish-rate", relay_publish_rate,
                        "test knob: publish commands served per second, per worker (e.g. 2.5); "
                        "beyond it they queue and their replies come late; 0: unlimited")
      ->type_name("N")
      ->capture_default_str();
  relay_app->add_option("--max-connect-rate", relay_connect_rate,
                        "test knob: connect commands answered per second, per worker; beyond it "
                        "the connect replies queue; 0: unlimited")
      ->type_name("N")
      ->capture_default_str();

  aggregate_command aggregate;
  std::string color = "auto";  // --color of aggregate and report (run has its own in run_flags)
  auto add_aggregate = [&aggregate, &color](CLI::App& parent) {
    CLI::App* a = parent.add_subcommand(
        "aggregate", "merge report files exactly (from their histograms) into one report");
    a->add_option("--input", aggregate.input, "folder of .json reports (not recursive)")
        ->type_name("DIR")
        ->required();
    a->add_option("--output", aggregate.output, "write the merged report here")->type_name("FILE");
    add_color_option(*a, color);
    return a;
  };
  CLI::App* aggregate_app = add_aggregate(app);
  CLI::App* results_app =
      app.add_subcommand("results", "the original tool's `results aggregate` spelling");
  results_app->require_subcommand(1);
  CLI::App* results_aggregate_app = add_aggregate(*results_app);

  report_command report;
  std::vector<std::string> report_slo;
  std::vector<CLI::Option*> report_exports_options;
  CLI::App* report_app = app.add_subcommand(
      "report", "render a saved or aggregated JSON report: summary and SLO verdicts, HTML, CSV, "
                "HdrHistogram files");
  report_app->add_option("results", report.input, "the JSON report (--output of run or aggregate)")
      ->type_name("RESULTS.json")
      ->required();
  add_slo_and_export_flags(*report_app, report_slo, report.exports.html, report.exports.csv,
                           report.exports.hdr_dir, report_exports_options, true);
  report_app->add_flag("--fail-on-slo", report.fail_on_slo,
                       "exit 3 when an SLO carried by the report is breached");
  add_color_option(*report_app, color);

  capacity_flags capacity;
  CLI::App* capacity_app = app.add_subcommand(
      "capacity",
      "find the highest rate or count of one group of a workload that still meets the SLOs, "
      "raising it step by step");
  add_capacity_flags(*capacity_app, capacity);

  compare_command compare;
  std::vector<std::string> compare_files, compare_gates;
  std::vector<CLI::Option*> compare_paths;
  CLI::App* compare_app = app.add_subcommand(
      "compare",
      "compare runs: is the candidate worse than the base? (regression gates for relay releases)");
  compare_app
      ->add_option("files", compare_files,
                   "BASE.json NEW.json [MORE.json...]: the base, then the candidate run(s); with "
                   "--base, every file given here is a candidate run")
      ->type_name("FILE");
  compare_app->add_option("--base", compare.base,
                          "a base run; repeat it for repeated runs of the base (their spread is "
                          "part of the noise)")
      ->type_name("FILE")
      ->allow_extra_args(false);  // one file per --base: the files after it are candidates
  compare_app->add_option("--gate", compare_gates,
                          "allowed change <field><op><signed number>[unit], e.g. "
                          "messages.latency.p99<=+10%, connections.successRate>=-0.1, "
                          "errors.total<=+0; repeatable; a failed gate exits 3")
      ->type_name("EXPR")
      ->allow_extra_args(false);
  compare_paths.push_back(compare_app->add_option("--output", compare.output,
                                                  "write the comparison as JSON here")
                              ->type_name("FILE"));
  compare_paths.push_back(compare_app->add_option("--report", compare.html,
                                                  "write the comparison as a self-contained HTML page here")
                              ->type_name("FILE.html"));
  compare_app->add_flag("--force", compare.force,
                        "compare runs whose scenario or result-changing options differ");
  compare_app->add_flag("--all", compare.all,
                        "show every row, also named histograms and counters that did not move");
  compare_app->add_flag("--ignore-noise", compare.ignore_noise,
                        "judge every change as it is, without the noise estimates");
  add_color_option(*compare_app, color);

  parse_outcome outcome;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    outcome.exit_code = app.exit(e);
    return outcome;
  } catch (const CLI::CallForAllHelp& e) {
    outcome.exit_code = app.exit(e);
    return outcome;
  } catch (const CLI::CallForVersion& e) {
    outcome.exit_code = app.exit(e);
    return outcome;
  } catch (const CLI::ParseError& e) {
    std::cerr << "relayload-cli: error: " << e.what() << "\nRun with --help for usage.\n";
    outcome.exit_code = 1;
    return outcome;
  }

  parsed_command cmd;
  std::vector<std::string> problems;
  if (compare_app->parsed()) {
    cmd.kind = command_kind::compare;
    if (compare.base.empty()) {
      if (compare_files.size() < 2) {
        problems.push_back("compare: give a base and a candidate: BASE.json NEW.json (or --base "
                           "FILE and NEW.json)");
      } else {
        compare.base.push_back(compare_files.front());
        compare_files.erase(compare_files.begin());
      }
    } else if (compare_files.empty()) {
      problems.push_back("compare: no candidate run: give NEW.json after the --base files");
    }
    compare.candidate = compare_files;
    for (const std::string& text : compare_gates) {
      std::string why;
      if (auto g = metrics::parse_gate(text, &why)) compare.gates.push_back(std::move(*g));
      else problems.push_back("--gate: " + why);
    }
    check_export_paths(compare_paths, problems);
    convert_color(color, compare.color, problems);
    cmd.compare = compare;
  } else if (report_app->parsed()) {
    cmd.kind = command_kind::report;
    convert_slos(report_slo, report.slos, problems);
    check_export_paths(report_exports_options, problems);
    convert_color(color, report.color, problems);
    cmd.report = report;
  } else if (aggregate_app->parsed() || results_aggregate_app->parsed()) {
    cmd.kind = command_kind::aggregate;
    convert_color(color, aggregate.color, problems);
    cmd.aggregate = aggregate;
  } else if (relay_app->parsed()) {
    cmd.kind = command_kind::relay;
    std::uint64_t port = 0, workers = 0;
    if (auto e = parse_whole("--port", relay_port, port)) problems.push_back(*e);
    else if (port > 65535) problems.push_back("--port must be at most 65535");
    if (auto e = parse_whole("--workers", relay_workers, workers)) problems.push_back(*e);
    else if (workers < 1 || workers > 64) problems.push_back("--workers must be 1 to 64");
    if (!relay_ping.empty()) {
      std::chrono::milliseconds ping{0};
      if (auto e = parse_seconds("--ping-interval", relay_ping, ping)) problems.push_back(*e);
      else if (ping.count() < 1000) problems.push_back("--ping-interval must be at least 1");
      else relay.ping_interval_ms = static_cast<std::uint32_t>(ping.count());
    }
    if (relay.tls_cert.empty() != relay.tls_key.empty()) {
      problems.push_back("--tls-cert and --tls-key go together: give both or neither");
    }
    // A decimal number of commands per second. Strict, so that "fast" or "1e3" is named
    // rather than read as 0 (which would silently mean unlimited).
    const auto parse_rate = [&problems](const std::string& flag, const std::string& text,
                                        double& out) {
      const bool negative = !text.empty() && text[0] == '-';
      const std::string body = negative ? text.substr(1) : text;
      const auto dot = body.find('.');
      const std::string digits =
          dot == std::string::npos ? body : body.substr(0, dot) + body.substr(dot + 1);
      if (text.empty()) {
        problems.push_back(flag + ": empty value; expected a rate per second");
      } else if (!all_digits(digits)) {
        problems.push_back(flag + ": '" + text +
                           "' is not a rate per second (e.g. 100 or 2.5; 0: unlimited)");
      } else if (negative) {
        problems.push_back(flag + " must not be negative (got " + text + ")");
      } else {
        double v = -1;  // stays out of range when stod under- or overflows
        try {
          v = std::stod(body);
        } catch (const std::out_of_range&) {
        }
        if (v != 0 && (v < 0.001 || v > 1e9)) {
          problems.push_back(flag + " must be 0 (unlimited) or from 0.001 to 1000000000 (got " +
                             text + ")");
        } else {
          out = v;
        }
      }
    };
    parse_rate("--max-publish-rate", relay_publish_rate, relay.max_publish_rate);
    parse_rate("--max-connect-rate", relay_connect_rate, relay.max_connect_rate);
    if (relay_metrics_option->count() > 0) {
      listen_address a;
      if (auto e = parse_listen_address("--metrics-listen", relay_metrics_listen, a)) {
        problems.push_back(*e);
      } else if (workers > 1) {
        problems.push_back("--metrics-listen needs --workers 1 (each worker is a process with "
                           "its own counters)");
      } else {
        relay.metrics_listen = a;
      }
    }
    relay.port = static_cast<std::uint16_t>(port);
    relay.workers = static_cast<unsigned>(workers);
    cmd.relay = relay;
  } else if (capacity_app->parsed()) {
    convert_capacity(*capacity_app, capacity, registry, cmd, problems);
  } else {
    cmd.kind = command_kind::run;
    problems = convert(run->parsed() ? sub : top, cmd);
    const CLI::App& run_app = run->parsed() ? *run : app;
    if (run_app.get_option("--workload")->count() > 0) {
      read_run_workload(run_app, run->parsed() ? sub : top, registry, cmd, problems);
    } else if (registry.find(cmd.run.scenario) == nullptr) {
      problems.insert(problems.begin(), "--scenario: unknown scenario '" + cmd.run.scenario +
                                            "'; valid scenarios: " + registry.names_joined());
    } else if (cmd.run.shard_count > 1 && cmd.run.shard_index < cmd.run.shard_count) {
      // A shard with nothing to run would report an empty part as if it had measured one.
      const bool pairs = registry.find(cmd.run.scenario)->uses_pairs;
      const std::uint64_t units = cmd.run.unit_count(pairs);
      if (units < cmd.run.shard_count) {
        problems.push_back(fmt::format("--shard: {} {} cannot be split over {} shards (each "
                                       "shard needs at least one)",
                                       pairs ? "--connection-pairs" : "--connections", units,
                                       cmd.run.shard_count));
      }
    }
  }
  if (!problems.empty()) {
    for (const auto& p : problems) std::cerr << "relayload-cli: error: " << p << "\n";
    outcome.exit_code = 1;
    return outcome;
  }
  outcome.command = std::move(cmd);
  return outcome;
}

}  // namespace relayload::cli
