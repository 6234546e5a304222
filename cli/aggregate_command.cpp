// `relayload-cli aggregate --input=DIR [--output=FILE]` (also `results aggregate`): merges
// report files exactly, from their histograms, and refuses what cannot be merged.
#include <algorithm>
#include <filesystem>
#include <fmt/core.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <type_traits>
#include <variant>

#include "commands.hpp"
#include "output_file.hpp"
#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/report_text.hpp"
#include "relayload/metrics/slo.hpp"

namespace relayload::cli {

namespace {

std::string value_text(const metrics::config_value* v) {
  if (v == nullptr) return "absent";
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) return "null";
        else if constexpr (std::is_same_v<T, bool>) return x ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::string>) return "'" + x + "'";
        else return fmt::format("{}", x);
      },
      *v);
}

}  // namespace

// The first option whose value differs, named as in the report's config:
// "messagesPerSession is 5 here but 3 in the first report".
std::string config_difference(const metrics::config_map& first, const metrics::config_map& other) {
  for (const auto& [key, value] : other.entries()) {
    const metrics::config_value* mine = first.find(key);
    if (mine == nullptr || *mine != value) {
      return fmt::format("{} is {} here but {} in the first report", key, value_text(&value),
                         value_text(mine));
    }
  }
  for (const auto& [key, value] : first.entries()) {
    if (other.find(key) == nullptr) {
      return fmt::format("{} is absent here but {} in the first report", key, value_text(&value));
    }
  }
  return "its config differs from the first report's";
}

int run_aggregate(const aggregate_command& command) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(command.input, ec)) {
    std::cerr << "relayload-cli aggregate: error: --input: '" << command.input
              << "' is not a directory\n";
    return exit_code::usage;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(command.input, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  // The output may sit in the input folder from an earlier run: never merge it into itself.
  if (!command.output.empty()) {
    const fs::path out = fs::weakly_canonical(command.output, ec);
    files.erase(std::remove_if(files.begin(), files.end(),
                               [&](const fs::path& p) { return fs::weakly_canonical(p, ec) == out; }),
                files.end());
  }
  if (files.empty()) {
    std::cerr << "relayload-cli aggregate: error: no .json files in '" << command.input << "'\n";
    return exit_code::usage;
  }
  fmt::print("[results] Aggregating {} report(s) from {}...\n", files.size(), command.input);

  std::optional<metrics::report> merged;
  std::vector<std::string> problems;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string why;
    auto rep = metrics::parse_report(buffer.str(), &why);
    if (!rep) {
      if (why.find("schemaVersion") != std::string::npos) {
        why += " (reports without histograms, such as the original tool's, cannot be merged "
               "exactly: their percentiles would have to be averaged, which is wrong)";
      }
      problems.push_back(path.filename().string() + ": " + why);
      continue;
    }
    if (!merged) {
      merged = std::move(*rep);
      continue;
    }
    if (rep->scenario != merged->scenario) {
      problems.push_back(path.filename().string() + ": scenario '" + rep->scenario +
                         "' differs from '" + merged->scenario + "'");
    } else if (rep->target != merged->target) {
      problems.push_back(path.filename().string() + ": target '" + rep->target +
                         "' differs from '" + merged->target + "'");
    } else if (rep->config != merged->config) {
      problems.push_back(path.filename().string() + ": " +
                         config_difference(merged->config, rep->config) +
                         " (different runs measured different things)");
    } else if (auto ok = merged->merge(*rep); !ok) {
      problems.push_back(path.filename().string() + ": cannot merge: " + ok.error().message());
    }
  }
  if (!problems.empty()) {
    std::cerr << "relayload-cli aggregate: error: " << problems.size()
              << " report(s) cannot be merged, nothing written:\n";
    for (const auto& p : problems) std::cerr << "  - " << p << "\n";
    return exit_code::usage;
  }
  // Shards of a distributed run (--shard, MPI ranks): name the ones that are not here.
  if (!merged->ranks.empty()) {
    std::string missing;
    const std::uint32_t count = merged->ranks.front().shard_count;
    for (std::uint32_t i = 0, at = 0; i < count; ++i) {
      if (at < merged->ranks.size() && merged->ranks[at].rank == i) ++at;
      else missing += (missing.empty() ? "" : ", ") + std::to_string(i);
    }
    if (!missing.empty()) {
      std::cerr << "relayload-cli aggregate: warning: shard(s) " << missing << " of " << count
                << " missing; the merged report covers part of the run and is marked partial\n";
      merged->partial = true;
    }
    for (const auto& k : merged->ranks) {
      if (!k.ok) {
        std::cerr << "relayload-cli aggregate: warning: shard " << k.rank << " (" << k.host
                  << ") failed: " << k.error << "\n";
      }
    }
  }
  // Reports written before their objectives were set (a shard's own file) carry none: judge
  // the merged report by the original tool's defaults.
  if (merged->slos.empty()) merged->slos = metrics::default_slos(*merged);
  fmt::print("\n{}", metrics::render_summary(*merged, {use_color(command.color)}));
  if (!command.output.empty()) {
    if (auto err = write_file_atomically(command.output, metrics::to_json(*merged))) {
      std::cerr << "relayload-cli aggregate: error: cannot write " << command.output << ": "
                << err.message() << "\n";
      return exit_code::usage;
    }
    fmt::print("[results] Aggregated results written to {}\n", command.output);
  }
  return exit_code::ok;
}

}  // namespace relayload::cli
