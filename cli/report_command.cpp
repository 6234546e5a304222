// `relayload-cli report RESULTS.json [-o FILE.html] [--csv FILE] [--hdr DIR] [--slo EXPR]...`:
// renders a saved or aggregated report again, judged by its own objectives or by --slo;
// and the --report/--csv/--hdr files that `run` writes too. The original tool's result
// documents render as well, from the figures they carry (original_render.hpp).
#include <fmt/core.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "commands.hpp"
#include "output_file.hpp"
#include "relayload/metrics/compare.hpp"
#include "relayload/metrics/original_render.hpp"
#include "relayload/metrics/report_export.hpp"
#include "relayload/metrics/report_html.hpp"
#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/report_text.hpp"
#include "relayload/metrics/slo.hpp"

namespace relayload::cli {

namespace {

bool write_one(const std::string& path, const std::string& content, const char* what) {
  if (auto ec = write_file_atomically(path, content)) {
    std::cerr << "relayload-cli: error: cannot write " << what << " " << path << ": "
              << ec.message() << "\n";
    return false;
  }
  fmt::print("[relayload] {} written to {}\n", what, path);
  return true;
}

// An original-tool document: its summary and page, judged from its figures. It has no time
// series and no histograms, so --csv and --hdr have nothing to write: refused, saying why.
int run_report_original(const report_command& command, const std::string& text) {
  std::string refused;
  if (!command.exports.csv.empty()) {
    refused = "--csv: " + command.input +
              " is an original-tool document, which has no time series to export";
  } else if (!command.exports.hdr_dir.empty()) {
    refused = "--hdr: " + command.input +
              " is an original-tool document, which has no histograms to export (only "
              "whole-millisecond min/avg/p50/p95/p99/max)";
  }
  if (!refused.empty()) {
    std::cerr << "relayload-cli report: error: " << refused << "\n";
    return exit_code::usage;
  }
  std::string why;
  auto parsed = metrics::parse_original_document(text, &why);
  if (!parsed) {
    std::cerr << "relayload-cli report: error: " << command.input << ": " << why << "\n";
    return exit_code::usage;
  }
  const metrics::original_document& doc = *parsed;
  const auto verdicts =
      metrics::evaluate_slos(doc, command.slos.empty() ? metrics::default_slos(doc) : command.slos);
  fmt::print("{}", metrics::render_original_summary(doc, {use_color(command.color)}, verdicts));
  int code = exit_code::ok;
  if (!command.exports.html.empty() &&
      !write_one(command.exports.html, metrics::render_original_html(doc, verdicts),
                 "HTML report")) {
    code = exit_code::usage;
  }
  const bool judged = command.fail_on_slo || !command.slos.empty();
  if (code == exit_code::ok && judged && metrics::any_failed(verdicts)) {
    code = exit_code::slo_breach;
  }
  return code;
}

}  // namespace

int write_report_exports(const metrics::report& report, const report_exports& exports) {
  namespace fs = std::filesystem;
  bool ok = true;
  if (!exports.html.empty()) {
    ok = write_one(exports.html, metrics::render_html(report), "HTML report") && ok;
  }
  if (!exports.csv.empty()) {
    ok = write_one(exports.csv, metrics::to_csv(report), "time series CSV") && ok;
  }
  if (!exports.hdr_dir.empty()) {
    std::error_code ec;
    fs::create_directories(exports.hdr_dir, ec);
    if (ec || !fs::is_directory(exports.hdr_dir, ec)) {
      std::cerr << "relayload-cli: error: --hdr: cannot create the folder " << exports.hdr_dir
                << (ec ? ": " + ec.message() : std::string(": a file is in the way")) << "\n";
      return exit_code::usage;
    }
    std::set<std::string> used;
    std::size_t files = 0, empty = 0;
    for (const auto& [name, h] : metrics::report_histograms(report)) {
      if (h->empty()) {
        ++empty;  // a table without a single row is no use to a plotter
        continue;
      }
      // Names that differ only in unsafe characters must not overwrite each other.
      std::string file = metrics::hdr_file_name(name);
      for (int n = 2; used.count(file) != 0; ++n) {
        file = metrics::hdr_file_name(name + "-" + std::to_string(n));
      }
      used.insert(file);
      const std::string path = (fs::path(exports.hdr_dir) / file).string();
      if (auto werr = write_file_atomically(path, metrics::to_hdr_percentiles(*h))) {
        std::cerr << "relayload-cli: error: cannot write " << path << ": " << werr.message()
                  << "\n";
        ok = false;
        continue;
      }
      ++files;
    }
    fmt::print(
        "[relayload] {} HdrHistogram file(s) written to {} ({} empty histogram(s) "
        "skipped)\n",
        files, exports.hdr_dir, empty);
  }
  return ok ? exit_code::ok : exit_code::usage;
}

int run_report(const report_command& command) {
  std::ifstream in(command.input, std::ios::binary);
  if (!in) {
    std::cerr << "relayload-cli report: error: cannot read '" << command.input << "'\n";
    return exit_code::usage;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (metrics::is_original_document(text)) return run_report_original(command, text);
  std::string why;
  auto parsed = metrics::parse_report(text, &why);
  if (!parsed) {
    std::cerr << "relayload-cli report: error: " << command.input << ": " << why << "\n";
    return exit_code::usage;
  }
  metrics::report report = std::move(*parsed);
  // --slo replaces the objectives the report carries; a report without any (written by the
  // library, or before objectives existed) is judged by the original tool's defaults.
  if (!command.slos.empty())
    report.slos = command.slos;
  else if (report.slos.empty())
    report.slos = metrics::default_slos(report);

  fmt::print("{}", metrics::render_summary(report, {use_color(command.color)}));
  int code = write_report_exports(report, command.exports);
  const bool judged = command.fail_on_slo || !command.slos.empty();
  if (code == exit_code::ok && judged && metrics::any_failed(metrics::evaluate_slos(report))) {
    code = exit_code::slo_breach;
  }
  return code;
}

}  // namespace relayload::cli
