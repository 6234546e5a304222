// relayload-cli: parse → (pre-flight → run → render) → exit code. See commands.hpp for the
// exit codes and README.md for every command and flag.
#include "cli_options.hpp"
#include "commands.hpp"
#include "relayload/scenario/scenario_registry.hpp"

int main(int argc, char** argv) {
  using namespace relayload;
  scenario::scenario_registry registry;
  scenario::register_builtin_scenarios(registry);

  auto parsed = cli::parse_command_line(argc, argv, registry);
  if (!parsed.command) return parsed.exit_code;
  switch (parsed.command->kind) {
    case cli::command_kind::relay:
      return cli::run_relay(parsed.command->relay);
    case cli::command_kind::aggregate:
      return cli::run_aggregate(parsed.command->aggregate);
    case cli::command_kind::report:
      return cli::run_report(parsed.command->report);
    case cli::command_kind::compare:
      return cli::run_compare(parsed.command->compare);
    case cli::command_kind::capacity:
      return cli::run_capacity(*parsed.command, registry);
    case cli::command_kind::run:
    default:
      return cli::run_scenario(*parsed.command, registry);
  }
}
