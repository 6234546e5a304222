// The run flags a workload file may set, by name: one table for the file's keys (workload_file)
// and for the flags that override them on the command line (run --workload, capacity), so
// that a key and its flag cannot drift apart.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relayload/scenario/run_options.hpp"

namespace relayload::cli {

/// Where a run flag may appear in a workload file.
enum class run_flag_scope {
  /// Applies to the whole run (the relay, the threads, the shard, TLS, tokens): the file's
  /// top level only.
  run,
  /// A scenario parameter or timeout: at the top level it is the default of every group, and
  /// a group may set its own.
  group,
};

/// Converts `text` into `o`; returns an error sentence that starts with `label`, or nothing.
using run_flag_setter = std::optional<std::string> (*)(const std::string& label,
                                                       const std::string& text,
                                                       scenario::run_options& o);

struct run_flag {
  std::string_view name;  ///< the command-line flag without dashes, and the workload key
  run_flag_scope scope;
  /// A switch (--insecure): given without a value on the command line; true/false in a file.
  bool is_switch;
  std::string_view type_name;  ///< "SECONDS", "N", … for --help
  std::string_view help;       ///< one line for --help
  run_flag_setter apply;
};

/// Every run flag a workload may set, in --help order.
const std::vector<run_flag>& run_flag_table();

/// The flag of that name (without dashes), or nullptr.
const run_flag* find_run_flag(std::string_view name);
/// Whether `name` is in the table.
bool is_run_flag(std::string_view name);
/// Whether `name` is in the table and a group may set it (run_flag_scope::group).
bool is_group_flag(std::string_view name);

/// Converts `text` with the flag's strict converter (parse_whole, parse_seconds,
/// parse_source_ips, …) into `o`. The error sentence names `label`, or `name` when the label
/// is empty: "message-interval: 'abc' is not a number of seconds (e.g. 10 or 2.5)". An
/// unknown name is an error too. A switch takes "true" or "false".
std::optional<std::string> apply_run_flag(std::string_view name, const std::string& text,
                                          scenario::run_options& o, std::string_view label = {});

}  // namespace relayload::cli
