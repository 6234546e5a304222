#include "relayload/scenario/run_options.hpp"

#include <algorithm>
#include <asio/ip/address.hpp>

#include "relayload/net/ws_url.hpp"

namespace relayload::scenario {

namespace {

// Far beyond anything one run can do, but small enough that arithmetic on them
// (counts × sizes, nanosecond offsets) cannot overflow.
constexpr std::uint64_t max_units = 100'000'000;
constexpr std::chrono::milliseconds max_seconds_option{std::chrono::hours(24 * 365)};

void check_count(std::vector<std::string>& out, const char* flag, std::uint64_t v,
                 std::uint64_t min) {
  if (v < min) out.push_back(std::string(flag) + " must be at least " + std::to_string(min));
  if (v > max_units) {
    out.push_back(std::string(flag) + " must be at most " + std::to_string(max_units));
  }
}

void check_span(std::vector<std::string>& out, const char* flag, std::chrono::milliseconds v,
                bool zero_ok) {
  if (v.count() < 0 || (!zero_ok && v.count() == 0)) {
    out.push_back(std::string(flag) + (zero_ok ? " must not be negative" : " must be positive"));
  } else if (v > max_seconds_option) {
    out.push_back(std::string(flag) + " must be at most one year");
  }
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

void check_target(std::vector<std::string>& out, const std::string& target) {
  if (!starts_with_nocase(target, "ws://") && !starts_with_nocase(target, "wss://")) {
    out.push_back("--target: the scheme must be ws:// or wss:// (got '" + target + "')");
    return;
  }
  if (!net::ws_url::parse(target)) {
    out.push_back("--target: '" + target +
                  "' is not a valid WebSocket URL (expected ws[s]://host[:port][/path])");
  }
}

void check_shard(std::vector<std::string>& out, const run_options& o) {
  if (o.shard_count == 0 || o.shard_count > max_shard_count) {
    out.push_back("--shard: the count N must be 1 to " + std::to_string(max_shard_count));
  } else if (o.shard_index >= o.shard_count) {
    out.push_back("--shard: the index I must be below the count N (got " +
                  std::to_string(o.shard_index) + "/" + std::to_string(o.shard_count) +
                  "; shards are numbered 0 to N-1)");
  }
  if (o.start_at) {
    using namespace std::chrono;
    const auto now = time_point_cast<milliseconds>(system_clock::now());
    const auto at = *o.start_at;
    if (at < now - start_at_max_past) {
      out.push_back("--start-at: " + std::to_string(at.time_since_epoch().count()) +
                    " (unix ms) is " + std::to_string(duration_cast<seconds>(now - at).count()) +
                    " s in the past; give a time ahead of now");
    } else if (at > now + start_at_max_ahead) {
      out.push_back("--start-at: " + std::to_string(at.time_since_epoch().count()) +
                    " (unix ms) is more than 24 hours ahead (is it in seconds or microseconds?"
                    " it must be unix milliseconds)");
    }
  }
}

}  // namespace

std::vector<std::string> run_options::validate() const {
  std::vector<std::string> out;
  if (!target.empty()) check_target(out, target);
  check_count(out, "--connections", connections, 1);
  check_count(out, "--connection-pairs", connection_pairs, 1);
  check_count(out, "--messages-per-session", messages_per_session, 1);
  check_span(out, "--duration", duration, false);
  check_span(out, "--ramp-up", ramp_up, true);
  check_span(out, "--delay", delay, true);
  check_span(out, "--message-interval", message_interval, false);
  check_span(out, "--connect-timeout", connect_timeout, false);
  check_span(out, "--command-timeout", command_timeout, false);
  check_span(out, "--wallet-delay", wallet_connect_delay, true);
  check_span(out, "--response-delay", response_delay, true);
  check_span(out, "--message-timeout", message_timeout, false);
  check_span(out, "--otp-delay", otp_entry_delay, true);
  check_span(out, "--handshake-timeout", handshake_timeout, false);
  check_span(out, "--storm-after", storm_after, true);
  check_span(out, "--storm-outage", storm_outage, true);
  if (storm_pairs && scenario != "reconnect-storm") {
    out.push_back("storm pairs apply only to --scenario=reconnect-storm");
  }
  if (threads > 1024) out.push_back("--threads must be at most 1024");
  check_shard(out, *this);
  for (const auto& ip : source_ips) {
    std::error_code ec;
    asio::ip::make_address(ip, ec);
    if (ec) out.push_back("--source-ips: '" + ip + "' is not an IP address");
  }
  if (insecure && !ca_file.empty()) {
    out.push_back("--insecure and --ca-file contradict each other: give one");
  }
  if (compression && transport != client::transport_kind::lean) {
    out.push_back("--compression needs --transport=lean: the websocketpp client does not offer "
                  "permessage-deflate");
  }
  if (!token.empty() && !token_hmac_secret.empty()) {
    out.push_back("--token and --token-hmac-secret contradict each other: give one");
  }
  if (!token_user.empty() && token_hmac_secret.empty()) {
    out.push_back("--user needs --token-hmac-secret (it names the sub of generated tokens)");
  }
  if (token_ttl.count() <= 0) out.push_back("--token-ttl must be at least 1 second");
  return out;
}

namespace {

std::chrono::milliseconds plan_of(const run_options& o, std::string_view scenario) noexcept {
  using std::chrono::milliseconds;
  // What the options do not fix: connects, handshakes, recoveries (milliseconds on a LAN).
  constexpr milliseconds settle{1'000};
  // realistic-session's pause before each exchange (session_scenarios.cpp).
  constexpr milliseconds exchange_gap{500};
  const milliseconds ramp = o.ramp_up;
  if (scenario == "connection-storm") return ramp + settle;
  if (scenario == "realistic-session") {
    const auto exchanges =
        static_cast<milliseconds::rep>(std::min<std::uint64_t>(o.messages_per_session, max_units));
    return ramp + o.wallet_connect_delay + (exchange_gap + o.response_delay) * exchanges + settle;
  }
  if (scenario == "async-delivery") return ramp + o.delay + settle;
  if (scenario == "reconnect-storm") return ramp + o.storm_after + o.storm_outage + settle;
  // steady-state, steady-messaging and scenarios the library does not know.
  return ramp + o.duration;
}

}  // namespace

std::chrono::milliseconds planned_duration(const run_options& o,
                                           std::string_view scenario) noexcept {
  // Validated options keep every term below a year (and the count below 1e8), so the sum
  // cannot overflow; the cap keeps it convertible to nanoseconds.
  constexpr std::chrono::milliseconds cap{std::chrono::hours(24 * 365 * 100)};
  return std::clamp(plan_of(o, scenario), std::chrono::milliseconds::zero(), cap);
}

const char* to_string(handshake_mode m) noexcept {
  return m == handshake_mode::trusted ? "trusted" : "untrusted";
}

const char* to_string(crypto_kind c) noexcept { return c == crypto_kind::mock ? "mock" : "ecies"; }

}  // namespace relayload::scenario
