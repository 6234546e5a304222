// HOST:PORT of --metrics-listen, parsed apart from the endpoint itself so that the flag
// parser (cli_options.cpp) needs no networking code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace relayload::cli {

/// HOST:PORT of --metrics-listen.
struct listen_address {
  std::string host;  ///< an IPv4 or IPv6 literal ("localhost" is read as 127.0.0.1)
  std::uint16_t port = 0;
};

/// Parses "HOST:PORT" ("[::1]:9100" for IPv6; port 0: any free port) into `out`; returns an
/// error sentence naming `flag` and the problem, or nothing.
std::optional<std::string> parse_listen_address(const std::string& flag, const std::string& text,
                                                listen_address& out);

}  // namespace relayload::cli
