#include "run_flag_table.hpp"

#include <algorithm>

#include "cli_options.hpp"

namespace relayload::cli {

namespace {

using scenario::run_options;
using std::chrono::milliseconds;
using maybe_error = std::optional<std::string>;

template <milliseconds run_options::*Member>
maybe_error set_seconds(const std::string& label, const std::string& text, run_options& o) {
  return parse_seconds(label, text, o.*Member);
}

template <std::uint64_t run_options::*Member>
maybe_error set_whole(const std::string& label, const std::string& text, run_options& o) {
  return parse_whole(label, text, o.*Member);
}

template <std::string run_options::*Member>
maybe_error set_text(const std::string&, const std::string& text, run_options& o) {
  o.*Member = text;
  return std::nullopt;
}

// parse_shard and parse_source_ips name their command-line flag; a file names its key.
maybe_error relabel(maybe_error e, std::string_view flag, const std::string& label) {
  if (e && e->compare(0, flag.size(), flag) == 0) e->replace(0, flag.size(), label);
  return e;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

maybe_error set_threads(const std::string& label, const std::string& text, run_options& o) {
  std::uint64_t threads = 0;
  if (auto e = parse_whole(label, text, threads)) return e;
  // Clamped, not wrapped, so that run_options::validate() still sees a number too large.
  o.threads = static_cast<unsigned>(std::min<std::uint64_t>(threads, 1u << 20));
  return std::nullopt;
}

maybe_error set_shard(const std::string& label, const std::string& text, run_options& o) {
  return relabel(parse_shard(text, o.shard_index, o.shard_count), "--shard", label);
}

maybe_error set_start_at(const std::string& label, const std::string& text, run_options& o) {
  // Unix milliseconds are beyond parse_whole's range (1.8e12 in 2027). The same check and
  // sentence as cli_options.cpp's convert().
  if (!all_digits(text) || text.size() > 15) {
    return label + ": '" + text +
           "' is not a unix time in milliseconds (e.g. $(( $(date +%s) * 1000 + 30000 )) for "
           "30 s from now)";
  }
  o.start_at = std::chrono::time_point<std::chrono::system_clock, milliseconds>(
      milliseconds(std::stoll(text)));
  return std::nullopt;
}

maybe_error set_source_ips(const std::string& label, const std::string& text, run_options& o) {
  // The flag replaces the list (a file's value overridden on the command line), never adds.
  std::vector<std::string> ips;
  if (auto e = parse_source_ips(text, ips)) return relabel(std::move(e), "--source-ips", label);
  o.source_ips = std::move(ips);
  return std::nullopt;
}

// A switch: "true" or "false" (a workload file's key; the command line gives "true").
template <bool run_options::*Member>
maybe_error set_switch(const std::string& label, const std::string& text, run_options& o) {
  if (text == "true")
    o.*Member = true;
  else if (text == "false")
    o.*Member = false;
  else
    return label + ": '" + text + "' is not true or false";
  return std::nullopt;
}

maybe_error set_token_ttl(const std::string& label, const std::string& text, run_options& o) {
  milliseconds ttl = o.token_ttl;
  if (auto e = parse_seconds(label, text, ttl)) return e;
  o.token_ttl = std::chrono::duration_cast<std::chrono::seconds>(ttl);
  return std::nullopt;
}

maybe_error set_mode(const std::string& label, const std::string& text, run_options& o) {
  if (text == "trusted")
    o.mode = scenario::handshake_mode::trusted;
  else if (text == "untrusted")
    o.mode = scenario::handshake_mode::untrusted;
  else
    return label + ": '" + text + "' is not one of trusted, untrusted";
  return std::nullopt;
}

maybe_error set_crypto(const std::string& label, const std::string& text, run_options& o) {
  if (text == "mock")
    o.crypto = scenario::crypto_kind::mock;
  else if (text == "ecies")
    o.crypto = scenario::crypto_kind::ecies;
  else
    return label + ": '" + text + "' is not one of mock, ecies";
  return std::nullopt;
}

maybe_error set_transport(const std::string& label, const std::string& text, run_options& o) {
  if (text == "websocketpp")
    o.transport = client::transport_kind::websocketpp;
  else if (text == "lean")
    o.transport = client::transport_kind::lean;
  else
    return label + ": '" + text + "' is not one of websocketpp, lean";
  return std::nullopt;
}

constexpr auto run = run_flag_scope::run;
constexpr auto group = run_flag_scope::group;

}  // namespace

const std::vector<run_flag>& run_flag_table() {
  // The help lines are those of add_run_flags (cli_options.cpp).
  static const std::vector<run_flag> table = {
      {"target", run, false, "URL",
       "ws:// or wss:// URL of the relay (default: start an embedded relay on loopback)",
       &set_text<&run_options::target>},
      {"threads", run, false, "N", "worker threads (0: one per core)", &set_threads},
      {"seed", run, false, "N", "seed for jitter and ids (0: random)",
       &set_whole<&run_options::seed>},
      {"shard", run, false, "I/N", "run only shard I of N (another process runs each other shard)",
       &set_shard},
      {"start-at", run, false, "MS",
       "unix time in milliseconds at which the run starts (shards without a barrier)",
       &set_start_at},
      {"source-ips", run, false, "IPS",
       "local addresses to connect from, e.g. 127.0.0.2-127.0.0.17 or a,b,c", &set_source_ips},
      {"ca-file", run, false, "FILE", "PEM CA certificates for wss:// instead of the system store",
       &set_text<&run_options::ca_file>},
      {"insecure", run, true, "", "do not verify the relay's TLS certificate",
       &set_switch<&run_options::insecure>},
      {"compression", run, true, "",
       "offer permessage-deflate like browsers (--transport=lean; the relay decides)",
       &set_switch<&run_options::compression>},
      {"transport", run, false, "KIND",
       "WebSocket client: lean (relayload's own, the default) or websocketpp",
       &set_transport},
      {"token", run, false, "JWT", "Centrifugo connection token (JWT) sent by every client",
       &set_text<&run_options::token>},
      {"token-hmac-secret", run, false, "SECRET",
       "make an HS256 connection token per connect with this secret",
       &set_text<&run_options::token_hmac_secret>},
      {"user", run, false, "TEMPLATE",
       "sub of generated tokens; {n} becomes the connection index (default relayload-{n})",
       &set_text<&run_options::token_user>},
      {"token-ttl", run, false, "SECONDS", "seconds until generated tokens expire", &set_token_ttl},
      {"messages-per-session", group, false, "N", "exchanges per pair (realistic-session)",
       &set_whole<&run_options::messages_per_session>},
      {"delay", group, false, "SECONDS", "seconds the wallet stays offline (async-delivery)",
       &set_seconds<&run_options::delay>},
      {"message-interval", group, false, "SECONDS",
       "seconds between exchanges per pair (steady-messaging)",
       &set_seconds<&run_options::message_interval>},
      {"mode", group, false, "MODE", "MWP handshake: trusted or untrusted", &set_mode},
      {"crypto", group, false, "KIND", "payload crypto: mock (like the original tool) or ecies",
       &set_crypto},
      {"connect-timeout", group, false, "SECONDS",
       "seconds before a connection that has not connected counts as failed",
       &set_seconds<&run_options::connect_timeout>},
      {"command-timeout", group, false, "SECONDS", "seconds to wait for each reply",
       &set_seconds<&run_options::command_timeout>},
      {"wallet-delay", group, false, "SECONDS",
       "seconds between the dApp's session request and the wallet's connect (QR scan)",
       &set_seconds<&run_options::wallet_connect_delay>},
      {"response-delay", group, false, "SECONDS",
       "seconds the wallet 'reviews' a request before responding (realistic-session)",
       &set_seconds<&run_options::response_delay>},
      {"message-timeout", group, false, "SECONDS",
       "seconds after which an unanswered message counts as failed",
       &set_seconds<&run_options::message_timeout>},
      {"otp-delay", group, false, "SECONDS", "seconds the simulated user takes to type the OTP",
       &set_seconds<&run_options::otp_entry_delay>},
      {"handshake-timeout", group, false, "SECONDS",
       "seconds before a session handshake counts as failed",
       &set_seconds<&run_options::handshake_timeout>},
      {"storm-after", group, false, "SECONDS",
       "seconds connections are held after the ramp before the storm (reconnect-storm)",
       &set_seconds<&run_options::storm_after>},
      {"storm-outage", group, false, "SECONDS",
       "seconds the receiving side of a pair stays away at least (reconnect-storm)",
       &set_seconds<&run_options::storm_outage>},
  };
  return table;
}

const run_flag* find_run_flag(std::string_view name) {
  const auto& t = run_flag_table();
  const auto it =
      std::find_if(t.begin(), t.end(), [name](const run_flag& f) { return f.name == name; });
  return it == t.end() ? nullptr : &*it;
}

bool is_run_flag(std::string_view name) { return find_run_flag(name) != nullptr; }

bool is_group_flag(std::string_view name) {
  const run_flag* f = find_run_flag(name);
  return f != nullptr && f->scope == run_flag_scope::group;
}

std::optional<std::string> apply_run_flag(std::string_view name, const std::string& text,
                                          scenario::run_options& o, std::string_view label) {
  const std::string shown(label.empty() ? name : label);
  const run_flag* f = find_run_flag(name);
  if (f == nullptr) return shown + ": not a run option a workload can set";
  return f->apply(shown, text, o);
}

}  // namespace relayload::cli
