// The pre-flight probe of `relayload-cli run` (see probe_command.hpp).
#include "probe_command.hpp"

#include <fmt/core.h>
#include <algorithm>
#include <cstdio>
#include <system_error>

#include "commands.hpp"
#include "relayload/auth/token_provider.hpp"
#include "relayload/error.hpp"

namespace relayload::cli {

client::probe_options probe_options_for(const scenario::run_options& options) {
  client::probe_options p;
  auto url = net::ws_url::parse(options.target);
  if (!url) throw std::system_error(url.error(), "--target");
  p.client = client::client_options::raw_scenario();
  p.client.url = std::move(*url);
  p.client.token = options.token;
  if (!options.token_hmac_secret.empty()) {
    auth::token_provider_options t;
    t.secret = options.token_hmac_secret;
    if (!options.token_user.empty()) t.user = options.token_user;
    t.ttl = options.token_ttl;
    p.client.token_provider = auth::hs256_token_provider(std::move(t));
  }
  const auto limit = std::min(options.connect_timeout, probe_time_limit);
  p.client.call_timeout = limit;
  p.total_timeout = limit;
  p.ws.ca_file = options.ca_file;
  p.ws.insecure = options.insecure;
  p.transport = options.transport;
  if (!options.source_ips.empty()) {
    std::error_code ec;
    const auto address = asio::ip::make_address(options.source_ips.front(), ec);
    if (!ec) p.source_address = address;
  }
  return p;
}

int probe_target(const scenario::run_options& options, std::string* failure, bool print) {
  client::probe_result r;
  try {
    r = client::probe(probe_options_for(options));
  } catch (const std::system_error& e) {
    if (failure != nullptr) *failure = fmt::format("cannot probe {}: {}", options.target, e.what());
    if (print) {
      std::fprintf(stderr, "relayload-cli: error: cannot probe %s: %s\n", options.target.c_str(),
                   e.what());
    }
    return exit_code::usage;
  }
  if (!print) {
    if (!r.ok && failure != nullptr) {
      *failure = fmt::format("probe failed ({}): {}", r.cause, r.diagnosis);
    }
    return r.ok ? exit_code::ok : exit_code::preflight;
  }
  if (!r.ok && failure != nullptr) *failure = fmt::format("probe failed ({}): {}", r.cause, r.diagnosis);
  if (r.ok) {
    fmt::print("[relayload] probe: connected to {} in {:.1f} ms{}\n", options.target,
               std::chrono::duration<double, std::milli>(r.connect_time).count(),
               r.attempts > 1 ? fmt::format(" (attempt {})", r.attempts) : "");
    std::fflush(stdout);
    return exit_code::ok;
  }
  std::fflush(stdout);
  std::fprintf(stderr, "relayload-cli: probe failed (%s): %s\n", r.cause.c_str(),
               r.diagnosis.c_str());
  if (!r.hint.empty()) std::fprintf(stderr, "  hint: %s\n", r.hint.c_str());
  std::fprintf(stderr, "  %s; --no-probe starts the load anyway\n",
               r.permanent ? "every connection of the load would fail the same way"
                           : "the cause may be transient");
  return exit_code::preflight;
}

}  // namespace relayload::cli
