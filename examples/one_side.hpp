// What examples/dapp_only.cpp and examples/wallet_only.cpp share: their command line (the
// relay, the file that carries the SessionRequest, the key manager, a timeout) and the
// logging of failures every standalone party wants. The objects a party needs come from the
// library's session::party_kit.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

#include "relayload/error.hpp"
#include "relayload/session/party_callbacks.hpp"

namespace example {

/// The flags both sides take.
struct side_args {
  std::string target;
  std::string request_file;
  bool mock_keys = false;  // the JS load tests' base64 "cipher"; real clients use ECIES
  std::chrono::seconds timeout{60};
};

/// Parses --target URL --request-file PATH [--mock-keys] [--timeout SECONDS]; a side's own
/// flags go to `own(flag, next_argument_or_null, consumed_next)`, which returns whether it
/// knows the flag. Nothing: a flag nobody knows, a missing value, or a required flag absent.
inline std::optional<side_args> parse_side_args(
    int argc, char** argv,
    const std::function<bool(const std::string& flag, const char* value, bool& took_value)>&
        own) {
  side_args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    bool took_value = false;
    if (k == "--target" && value != nullptr) {
      a.target = value;
      took_value = true;
    } else if (k == "--request-file" && value != nullptr) {
      a.request_file = value;
      took_value = true;
    } else if (k == "--timeout" && value != nullptr) {
      a.timeout = std::chrono::seconds(std::atoi(value));
      took_value = true;
    } else if (k == "--mock-keys") {
      a.mock_keys = true;
    } else if (!own(k, value, took_value)) {
      return std::nullopt;
    }
    if (took_value) ++i;
  }
  if (a.target.empty() || a.request_file.empty() || a.timeout.count() <= 0) return std::nullopt;
  return a;
}

/// Prints every failed connect attempt with its cause, and every error; sets `failed` on a
/// fatal one.
inline void log_failures(relayload::session::party_callbacks& cb, const char* who, bool& failed) {
  namespace s = relayload::session;
  cb.on_connect_failed = [who](const s::connect_failure& f) {
    std::fprintf(stderr, "%s: connect attempt %llu failed: %s%s\n", who,
                 static_cast<unsigned long long>(f.attempt), f.detail.c_str(),
                 f.permanent ? " (permanent)" : "");
  };
  cb.on_error = [who, &failed](const s::party_error& e) {
    std::fprintf(stderr, "%s: %s error at %s: %s\n", who, e.fatal ? "fatal" : "non-fatal",
                 s::to_string(e.stage), relayload::to_string(e.error).c_str());
    failed |= e.fatal;
  };
}

}  // namespace example
