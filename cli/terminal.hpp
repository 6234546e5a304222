// What the CLI may draw on standard output: colour and a live line redrawn in place.
#pragma once

#include <optional>
#include <string_view>

namespace relayload::cli {

/// --color: `auto` (the default), `always` or `never`.
enum class color_choice { automatic, always, never };

/// "auto", "always" or "never"; nothing for anything else.
std::optional<color_choice> parse_color_choice(std::string_view text) noexcept;

/// Whether standard output is a terminal that the user watches directly: a terminal, and this
/// process not a rank of an MPI job (mpirun gives its ranks a pseudo-terminal even when the
/// user's own output goes to a file, so a rank cannot tell).
bool stdout_is_terminal() noexcept;

/// Whether to colour standard output: as `choice` says for always/never; for automatic, only
/// on a terminal (stdout_is_terminal()) and when NO_COLOR is unset or empty (no-color.org).
bool use_color(color_choice choice) noexcept;

}  // namespace relayload::cli
