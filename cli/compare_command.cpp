// `relayload-cli compare [BASE.json] NEW.json [MORE.json...]`: is the candidate worse than
// the base? Reads relayload reports and (as either side) the original tool's documents,
// refuses runs that measured different things unless --force, prints the table and the
// gate verdicts, and writes --output (JSON) and --report (HTML).
#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "output_file.hpp"
#include "relayload/metrics/compare.hpp"
#include "relayload/metrics/compare_render.hpp"
#include "relayload/metrics/report_json.hpp"

namespace relayload::cli {

namespace {

constexpr const char* prefix = "relayload-cli compare: error: ";

struct loaded_run {
  metrics::run_figures figures;
  std::unique_ptr<metrics::report> report;  ///< null for an original-tool document
};

// Reads one file as a relayload report or an original-tool document; std::nullopt after
// naming the file and the problem.
std::optional<loaded_run> load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << prefix << "cannot read '" << path << "'\n";
    return std::nullopt;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const std::string label = std::filesystem::path(path).filename().string();
  std::string why;
  loaded_run run;
  if (metrics::is_original_document(text)) {
    auto doc = metrics::parse_original_document(text, &why);
    if (!doc) {
      std::cerr << prefix << path << ": an original-tool document, but " << why << "\n";
      return std::nullopt;
    }
    run.figures = std::move(doc->figures);
    run.figures.label = label;
    return run;
  }
  auto parsed = metrics::parse_report(text, &why);
  if (!parsed) {
    std::cerr << prefix << path << ": " << why << "\n";
    return std::nullopt;
  }
  run.report = std::make_unique<metrics::report>(std::move(*parsed));
  run.figures = metrics::figures_of(*run.report, label);
  return run;
}

bool check_output(const std::string& path, const char* flag) {
  if (path.empty()) return true;
  if (auto ec = check_writable_file(path)) {
    std::cerr << prefix << flag << ": cannot write '" << path << "': " << ec.message() << "\n";
    return false;
  }
  return true;
}

}  // namespace

int run_compare(const compare_command& command) {
  // Outputs first: a comparison is quick, but a CI job should learn of a bad path at once.
  if (!check_output(command.output, "--output") || !check_output(command.html, "--report")) {
    return exit_code::usage;
  }
  std::vector<loaded_run> base, candidate;
  bool ok = true;
  for (const auto& path : command.base) {
    if (auto r = load(path)) base.push_back(std::move(*r));
    else ok = false;
  }
  for (const auto& path : command.candidate) {
    if (auto r = load(path)) candidate.push_back(std::move(*r));
    else ok = false;
  }
  if (!ok) return exit_code::usage;

  metrics::comparison_document d;
  for (const auto& r : base) d.base.push_back(r.figures);
  for (const auto& r : candidate) d.candidate.push_back(r.figures);

  // Every run must be the same experiment as the first base run.
  std::vector<std::string> differences;
  const metrics::run_figures& first = d.base.front();
  for (const auto* side : {&d.base, &d.candidate}) {
    for (const auto& r : *side) {
      if (&r == &first) continue;
      for (auto& s : metrics::comparison_differences(first, r)) {
        differences.push_back(r.label + ": " + s);
      }
    }
  }
  if (!differences.empty() && !command.force) {
    std::cerr << prefix << "the runs measured different things; --force compares them anyway:\n";
    for (const auto& s : differences) std::cerr << "  - " << s << "\n";
    return exit_code::usage;
  }
  d.differences = differences;
  d.options.ignore_noise = command.ignore_noise;
  d.result = metrics::compare_runs(d.base, d.candidate, d.options);
  d.gates = metrics::evaluate_gates(d.result, command.gates);

  fmt::print("{}", metrics::render_comparison(d, {use_color(command.color), command.all}));
  int code = exit_code::ok;
  if (!command.output.empty()) {
    if (auto ec = write_file_atomically(command.output, metrics::to_json(d))) {
      std::cerr << prefix << "cannot write --output " << command.output << ": " << ec.message()
                << "\n";
      code = exit_code::usage;
    } else {
      fmt::print("[relayload] comparison written to {}\n", command.output);
    }
  }
  if (!command.html.empty()) {
    std::vector<const metrics::report*> base_reports, candidate_reports;
    for (const auto& r : base) base_reports.push_back(r.report.get());
    for (const auto& r : candidate) candidate_reports.push_back(r.report.get());
    const std::string page = metrics::render_comparison_html(d, base_reports, candidate_reports);
    if (auto ec = write_file_atomically(command.html, page)) {
      std::cerr << prefix << "cannot write --report " << command.html << ": " << ec.message()
                << "\n";
      code = exit_code::usage;
    } else {
      fmt::print("[relayload] HTML comparison written to {}\n", command.html);
    }
  }
  if (code == exit_code::ok && metrics::any_failed(d.gates)) code = exit_code::slo_breach;
  return code;
}

}  // namespace relayload::cli
