// Workload files read by relayload-cli (cli/workload_file.cpp, cli/run_flag_table.cpp): the
// values they produce, the examples shipped in examples/workloads, and the problems named.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "run_flag_table.hpp"
#include "workload_file.hpp"

using namespace relayload;
using namespace std::chrono_literals;
using cli::flag_override;
using cli::load_workload;
using scenario::arrival_kind;

namespace {

const std::string data = RELAYLOAD_TEST_DATA "/workloads/";
const std::string examples = RELAYLOAD_SOURCE_DIR "/examples/workloads/";

const scenario::scenario_registry& registry() {
  static const scenario::scenario_registry r = [] {
    scenario::scenario_registry reg;
    scenario::register_builtin_scenarios(reg);
    return reg;
  }();
  return r;
}

std::string joined(const std::vector<std::string>& problems) {
  std::string s;
  for (const auto& p : problems) s += p + "\n";
  return s;
}

const scenario::workload_group& group(const scenario::workload& w, const std::string& name) {
  const auto it = std::find_if(w.groups.begin(), w.groups.end(),
                               [&](const scenario::workload_group& g) { return g.name == name; });
  REQUIRE(it != w.groups.end());
  return *it;
}

}  // namespace

TEST_CASE("workload file: a good mix gives its groups, arrival models and options", "[cli]") {
  for (const char* file : {"good_mix.yaml", "good_mix.json"}) {
    INFO(file);
    std::vector<std::string> problems;
    const auto w = load_workload(data + file, registry(), {}, problems);
    INFO(joined(problems));
    REQUIRE(w);
    CHECK(problems.empty());
    CHECK(w->duration == 300s);
    CHECK(w->defaults.seed == 7);
    CHECK(w->slo.size() == 2);
    REQUIRE(w->groups.size() == 3);

    const auto& idle = group(*w, "idle-wallets");
    CHECK(idle.scenario == "steady-state");
    CHECK(idle.arrivals.kind == arrival_kind::closed);
    CHECK(idle.arrivals.count == 200);
    CHECK(idle.arrivals.ramp_up == 20s);
    CHECK(idle.options.duration == 300s);  // the group's window: the whole run

    const auto& sessions = group(*w, "new-sessions");
    CHECK(sessions.arrivals.kind == arrival_kind::constant);
    CHECK(sessions.arrivals.rate == pacing::rate::per_second(20));  // 1200/min
    CHECK(sessions.arrivals.process == scenario::arrival_process::poisson);
    CHECK(sessions.options.messages_per_session == 2);
    CHECK(sessions.options.seed == 7);  // from the top level

    const auto& chatty = group(*w, "chatty-pairs");
    CHECK(chatty.options.message_interval == 2500ms);
    CHECK(chatty.options.scenario == "steady-messaging");
    CHECK(chatty.arrivals.describe() == "count 50 over 10 s");
  }
}

TEST_CASE("workload file: the shipped examples load without a problem", "[cli]") {
  for (const char* file : {"production-mix.yaml", "peak-hour.yaml"}) {
    INFO(file);
    std::vector<std::string> problems;
    const auto w = load_workload(examples + file, registry(), {}, problems);
    INFO(joined(problems));
    REQUIRE(w);
    CHECK(problems.empty());
    CHECK(w->defaults.target.empty());  // the embedded relay
  }
  std::vector<std::string> problems;
  const auto peak = load_workload(examples + "peak-hour.yaml", registry(), {}, problems);
  REQUIRE(peak);
  const auto& g = group(*peak, "peak-sessions");
  CHECK(g.arrivals.kind == arrival_kind::ramping);
  CHECK(g.arrivals.stages.size() == 3);
  CHECK(g.arrivals.describe() == "stages 120 s\u219250/s, 180 s\u219250/s, 120 s\u21920/s poisson");
  CHECK(g.options.response_delay == 2s);
  CHECK(peak->window_end(g) == 900s);
}

TEST_CASE("workload file: command-line flags replace the top-level values, not a group's",
          "[cli]") {
  std::vector<std::string> problems;
  const std::vector<flag_override> overrides = {
      {"duration", "60"}, {"seed", "99"}, {"message-interval", "1"}, {"insecure", "true"}};
  const auto w = load_workload(data + "good_mix.yaml", registry(), overrides, problems);
  INFO(joined(problems));
  REQUIRE(w);
  CHECK(w->duration == 60s);
  CHECK(w->defaults.seed == 99);
  CHECK(w->defaults.insecure);
  CHECK(group(*w, "new-sessions").options.message_interval == 1s);
  CHECK(group(*w, "chatty-pairs").options.message_interval == 2500ms);  // its own
  CHECK(group(*w, "idle-wallets").options.duration == 60s);
}

TEST_CASE("workload file: a bad override names its flag", "[cli]") {
  std::vector<std::string> problems;
  const auto w = load_workload(data + "good_mix.yaml", registry(),
                               {{"threads", "2000"}, {"message-interval", "abc"}}, problems);
  CHECK_FALSE(w);
  const std::string all = joined(problems);
  CHECK_THAT(all, Catch::Contains("--message-interval: 'abc' is not a number of seconds"));
  CHECK_THAT(all, Catch::Contains("--threads must be at most 1024"));
}

TEST_CASE("workload file: every problem is named with file, line, group and key", "[cli]") {
  struct expectation {
    const char* file;
    std::vector<const char*> messages;
  };
  const std::vector<expectation> cases = {
      {"unknown_key.yaml",
       {"unknown_key.yaml:4: groups[1] 'chatty-pairs': unknown key 'mesage-interval' (did you "
        "mean 'message-interval'?)",
        "unknown_key.yaml:5: unknown key 'thread' (did you mean 'threads'?)"}},
      {"unknown_scenario.yaml",
       {"unknown_scenario.yaml:4: groups[1] 'storm': scenario: unknown scenario "
        "'thundering-herd'; valid scenarios: connection-storm"}},
      {"duplicate_group.yaml",
       {"duplicate_group.yaml:5: groups[2] 'wallets': groups[2] has the same name as "
        "groups[0]"}},
      {"bad_rate.yaml",
       {"bad_rate.yaml:5: groups[0] 'new-sessions': rate: '20/min/s' is not a rate (e.g. 20/s",
        "bad_rate.yaml:6: groups[1] 'peak': stages[0]: rate: 'fast' is not a rate"}},
      {"negative_duration.yaml", {"negative_duration.yaml:1: duration must not be negative"}},
      {"syntax_error.yaml",
       {"syntax_error.yaml:4:5: YAML syntax error: end of map flow not found"}},
      {"start_after_end.yaml",
       {"start_after_end.yaml:3: groups[0] 'late': start-after (90 s) must be before the end "
        "of the run (duration 60 s)"}},
      {"no_groups.yaml", {"no_groups.yaml:2: groups: a workload needs at least one group"}},
      {"group_shape.yaml",
       {"group_shape.yaml:3: groups[0] 'both': count, rate and stages exclude each other: give "
        "one (got count and rate)",
        "group_shape.yaml:4: groups[1] 'neither': no arrival model",
        "group_shape.yaml:5: groups[2] 'sized': connection-pairs: a group's size is its "
        "arrival model",
        "group_shape.yaml:6: groups[3] 'threaded': threads applies to the whole run",
        "group_shape.yaml:7: groups[4] 'ramped': ramp-up applies only to count",
        "group_shape.yaml:8: groups[5] 'Bad_Name': the name must be 1 to 64 characters"}},
      {"bad_slo.yaml",
       {"bad_slo.yaml:3: slo: SLO 'groups.ghosts.messages.latency.p99<=400ms': no group "
        "'ghosts' in the workload (groups: wallets)",
        "bad_slo.yaml:4: slo: SLO 'messages.latency.p99<=abc'"}},
      {"missing.yaml", {"missing.yaml: cannot open the workload file: No such file or directory"}},
  };
  for (const auto& c : cases) {
    INFO(c.file);
    std::vector<std::string> problems;
    const auto w = load_workload(data + c.file, registry(), {}, problems);
    CHECK_FALSE(w);
    const std::string all = joined(problems);
    INFO(all);
    for (const char* m : c.messages) CHECK_THAT(all, Catch::Contains(m));
  }
}

TEST_CASE("workload file: rates per second, minute and hour, anything else is refused", "[cli]") {
  pacing::rate r;
  CHECK_FALSE(cli::parse_rate("rate", "20/s", r));
  CHECK(r == pacing::rate::per_second(20));
  CHECK_FALSE(cli::parse_rate("rate", "20", r));
  CHECK(r == pacing::rate::per_second(20));
  CHECK_FALSE(cli::parse_rate("rate", "72000/h", r));
  CHECK(r == pacing::rate::per_second(20));
  CHECK_FALSE(cli::parse_rate("rate", "0.5/s", r));
  CHECK(r.micro_hz() == 500'000);
  CHECK_FALSE(cli::parse_rate("rate", "1/min", r));
  CHECK(r.micro_hz() == 16'667);
  for (const char* bad : {"20/min/s", "fast", "nan", "NaN/s", "1e3/s", "20/d", "/s", "20/", "",
                          ".5/s", "5./s", "20 /s"}) {
    INFO(bad);
    const auto e = cli::parse_rate("rate", bad, r);
    REQUIRE(e);
    CHECK_THAT(*e, Catch::StartsWith("rate"));
  }
  CHECK(*cli::parse_rate("--from", "-5/s", r) == "--from must not be negative (got -5/s)");
}

TEST_CASE("run flag table: each key converts strictly and names itself", "[cli]") {
  scenario::run_options o;
  CHECK_FALSE(cli::apply_run_flag("wallet-delay", "2.5", o));
  CHECK(o.wallet_connect_delay == 2500ms);
  CHECK_FALSE(cli::apply_run_flag("source-ips", "127.0.0.2-127.0.0.4", o));
  CHECK(o.source_ips.size() == 3);
  CHECK_FALSE(cli::apply_run_flag("source-ips", "127.0.0.9", o));
  CHECK(o.source_ips == std::vector<std::string>{"127.0.0.9"});  // replaced, not added
  CHECK_FALSE(cli::apply_run_flag("token-ttl", "60", o));
  CHECK(o.token_ttl == 60s);
  CHECK_FALSE(cli::apply_run_flag("mode", "untrusted", o));
  CHECK(o.mode == scenario::handshake_mode::untrusted);
  CHECK_FALSE(cli::apply_run_flag("shard", "1/4", o));
  CHECK(o.shard_count == 4);

  CHECK(*cli::apply_run_flag("message-interval", "abc", o) ==
        "message-interval: 'abc' is not a number of seconds (e.g. 10 or 2.5)");
  CHECK(*cli::apply_run_flag("message-interval", "abc", o, "--message-interval") ==
        "--message-interval: 'abc' is not a number of seconds (e.g. 10 or 2.5)");
  CHECK(*cli::apply_run_flag("shard", "3", o) ==
        "shard: '3' is not I/N (shard I of N, numbered from 0, e.g. 0/4)");
  CHECK(*cli::apply_run_flag("source-ips", "127.0.0.9-127.0.0.2", o) ==
        "source-ips: range '127.0.0.9-127.0.0.2' runs backwards");
  CHECK(*cli::apply_run_flag("insecure", "yes", o) == "insecure: 'yes' is not true or false");
  CHECK(cli::apply_run_flag("connections", "5", o));

  CHECK(cli::is_group_flag("message-interval"));
  CHECK_FALSE(cli::is_group_flag("threads"));
  CHECK(cli::is_run_flag("threads"));
  CHECK_FALSE(cli::is_run_flag("scenario"));
}

TEST_CASE("workload SLOs: a groups.<name>. field names a group of the workload", "[cli]") {
  std::vector<std::string> problems;
  const auto w = load_workload(data + "good_mix.yaml", registry(), {}, problems);
  REQUIRE(w);
  std::string why;
  const auto o =
      cli::parse_workload_slo(" groups.new-sessions.handshake.latency.p99<=1500ms", *w, why);
  INFO(why);
  REQUIRE(o);
  CHECK(o->expression == "groups.new-sessions.handshake.latency.p99<=1500ms");
  CHECK(o->field == "groups.new-sessions.handshake.latency.p99");
  CHECK_FALSE(cli::parse_workload_slo("groups.nobody.messages.latency.p99<=1", *w, why));
  CHECK_THAT(why, Catch::Contains("no group 'nobody' in the workload (groups: idle-wallets, "
                                  "new-sessions, chatty-pairs)"));
}
