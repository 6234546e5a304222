// relayload-cli: parse -> pre-flight -> run -> render -> exit code.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <array>
#include <string>
#include <string_view>

namespace {

constexpr std::array<std::string_view, 5> scenario_names = {
    "connection-storm", "steady-state", "realistic-session", "async-delivery",
    "steady-messaging"};

std::string scenario_list() {
  std::string out;
  for (auto name : scenario_names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{fmt::format("relayload {} — load tests for Centrifugo relays and the MetaMask "
                           "Mobile Wallet Protocol.\nScenarios: {}",
                           RELAYLOAD_VERSION, scenario_list())};
  app.set_version_flag("-V,--version", std::string("relayload ") + RELAYLOAD_VERSION);
  CLI11_PARSE(app, argc, argv);
  fmt::print("relayload {}\nScenarios: {}\nNo scenario runner yet: see --help.\n",
             RELAYLOAD_VERSION, scenario_list());
  return 0;
}
