#include "terminal.hpp"

#include <unistd.h>

#include <cstdlib>

#include "mpi_launcher.hpp"

namespace relayload::cli {

std::optional<color_choice> parse_color_choice(std::string_view text) noexcept {
  if (text == "auto") return color_choice::automatic;
  if (text == "always") return color_choice::always;
  if (text == "never") return color_choice::never;
  return std::nullopt;
}

bool stdout_is_terminal() noexcept {
  return ::isatty(STDOUT_FILENO) != 0 && !started_by_mpirun();
}

bool use_color(color_choice choice) noexcept {
  switch (choice) {
    case color_choice::always: return true;
    case color_choice::never: return false;
    case color_choice::automatic: break;
  }
  const char* no_color = std::getenv("NO_COLOR");
  return stdout_is_terminal() && (no_color == nullptr || no_color[0] == '\0');
}

}  // namespace relayload::cli
