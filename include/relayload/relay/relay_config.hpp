// relay_config: what the embedded relay needs to behave like Centrifugo for MWP traffic —
// the channel namespaces of a Centrifugo JSON configuration file (the upstream MWP
// `backend/config.json`, Centrifugo v6 layout; the v5 layout is accepted too) plus the
// client-protocol limits and timers Centrifugo takes from the same file.
//
// A relay_config is a plain value: copyable, comparable, no I/O except the explicit
// from_file(). The built-in default equals the upstream backend/config.json (see
// protocol.md §1.14): namespaces `handshake` (history 5) and `session` (history 20), both
// 300 s history TTL, lowercase-UUID channel regex, everything allowed for anonymous
// clients, forced positioning and recovery; Centrifugo v6 defaults for everything else.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "relayload/result.hpp"

namespace relayload::relay {

/// Options of one channel namespace, named as in Centrifugo's JSON (`channel.namespaces[]`).
/// `allow_*_for_client` grants the operation to authenticated connections; anonymous
/// connections (every MWP connection: no token, user "") also need `_for_anonymous`.
/// `_for_subscriber` grants it to connections subscribed to the channel.
struct namespace_options {
  std::string name;           ///< namespace name, the part of a channel before the first ':'
  std::string channel_regex;  ///< matched (unanchored search, as Go's MatchString) on the rest

  bool allow_subscribe_for_client = false;
  bool allow_subscribe_for_anonymous = false;
  bool allow_publish_for_client = false;
  bool allow_publish_for_anonymous = false;
  bool allow_publish_for_subscriber = false;
  bool allow_history_for_client = false;
  bool allow_history_for_anonymous = false;
  bool allow_history_for_subscriber = false;
  bool allow_presence_for_client = false;
  bool allow_presence_for_anonymous = false;
  bool allow_presence_for_subscriber = false;

  std::size_t history_size = 0;                   ///< retained publications per channel
  std::chrono::milliseconds history_ttl{0};       ///< retention counted from the last publish
  std::chrono::milliseconds history_meta_ttl{0};  ///< 0: use relay_config::history_meta_ttl

  bool force_positioning = false;
  bool allow_positioning = false;
  bool force_recovery = false;
  bool allow_recovery = false;

  bool presence = false;
  bool join_leave = false;  ///< accepted and stored; join/leave pushes are not sent
  bool force_push_join_leave = false;

  /// History is on when both size and TTL are positive (Centrifugo's rule).
  bool has_history() const noexcept { return history_size > 0 && history_ttl.count() > 0; }

  friend bool operator==(const namespace_options& a, const namespace_options& b) noexcept;
  friend bool operator!=(const namespace_options& a, const namespace_options& b) noexcept {
    return !(a == b);
  }
};

/// Everything the relay core needs: namespaces, limits and timers. Field names follow
/// Centrifugo v6 (`client.*`, `channel.*`, `websocket.*`).
struct relay_config {
  /// `client.allow_anonymous_connect_without_token`; when false a tokenless connect is
  /// closed with 3501 (Centrifugo's behaviour).
  bool allow_anonymous_connect_without_token = true;
  /// `client.token.hmac_secret_key` (v5: `token_hmac_secret_key`): verifies connect tokens
  /// as HS256 JWTs (auth/jwt.hpp). Empty (default): every token is refused with 3500. A
  /// valid token's `sub` becomes the user; expired → error 109; bad → close 3500.
  std::string token_hmac_secret_key;

  /// `channel.without_namespace` (v5: channel options at the top level): the options of
  /// channels with no ':'. Grants nothing by default, so such channels get 103 for
  /// subscribe/publish and 108 for history.
  namespace_options without_namespace;
  std::vector<namespace_options> namespaces;  ///< `channel.namespaces` (v5: `namespaces`)

  std::chrono::milliseconds ping_interval{25000};      ///< `client.ping_interval`; 0 = no pings
  std::chrono::milliseconds pong_timeout{8000};        ///< `client.pong_timeout`
  std::chrono::milliseconds stale_close_delay{10000};  ///< `client.stale_close_delay` (3502)
  std::size_t channel_limit = 128;                     ///< `client.channel_limit` (error 106)
  std::size_t connection_limit = 0;                  ///< `client.connection_limit`; 0 = none (3504)
  std::size_t channel_max_length = 255;              ///< `channel.max_length` (error 107)
  std::size_t history_max_publication_limit = 300;   ///< `client.history_max_publication_limit`
  std::size_t recovery_max_publication_limit = 300;  ///< `client.recovery_max_publication_limit`
  /// `channel.history_meta_ttl`: an unused stream's epoch and top are forgotten after this
  /// (its next use starts a new epoch at offset 0). Centrifugo's default is 720 h.
  std::chrono::milliseconds history_meta_ttl{std::chrono::hours(720)};
  std::size_t message_size_limit = 65536;  ///< `websocket.message_size_limit` (close 1009)
  /// `client.queue_max_size`: a connection with more unsent bytes queued than this is
  /// closed with 3008 "slow"; 0 = no limit.
  std::size_t queue_max_size = 1048576;

  // Not in Centrifugo's file: knobs of this relay.
  std::string version = "6.9.1 OSS";  ///< the connect reply's `version`
  /// Centrifugo sends the first ping at a random moment in [interval/2, interval]; false
  /// (default) sends it at exactly the interval. Later pings are always one interval apart.
  bool randomize_first_ping = false;
  std::uint64_t seed = 1;  ///< seeds the first-ping jitter and the drop_fraction() selection

  // Test knobs, not Centrifugo features (Centrifugo has no such limits and from_json never
  // reads them): they give the relay a known capacity, so that a load test that searches
  // for a relay's capacity can be checked against the right answer.
  //
  // Each rate is a token bucket holding one second's worth of tokens (at least one), full
  // at the start. A command beyond it is not rejected: it waits in a FIFO queue and is
  // served when its token comes, so its reply is late, as a saturated relay's would be.
  // A connection's later commands wait behind its queued one (its replies are never
  // reordered), except pongs, which have no reply. The limits are per relay_core, i.e.
  // per process: with several relay worker processes each has its own buckets.
  /// `publish` commands served per second; 0 = unlimited. Otherwise 0.001 to 1e9.
  double max_publish_rate = 0;
  /// `connect` commands answered per second; 0 = unlimited. Otherwise 0.001 to 1e9. Only
  /// the connect reply waits (the WebSocket upgrade does not), and the stale close still
  /// runs from the upgrade: a connect queued past stale_close_delay is closed with 3502.
  double max_connect_rate = 0;
  /// At most this many commands wait in the queues (all connections together). Beyond it,
  /// a command is answered at once with error 111 "too many requests" — ahead of that
  /// connection's queued replies — and the relay_core_hooks::log sink is told once. Each
  /// waiting command holds a copy of its strings (a publish holds its data).
  std::size_t rate_limit_queue_size = 1'000'000;

  /// The upstream MWP backend/config.json with Centrifugo v6 defaults (§1.14).
  static relay_config mwp_default();

  /// Parses a Centrifugo JSON configuration. As in Centrifugo, missing fields keep
  /// Centrifugo's defaults (those of a default-constructed relay_config), so a file that
  /// lists no namespaces configures none. Unknown fields are ignored; a known field of the
  /// wrong type or value is an error, never silently defaulted.
  /// On failure `diagnostic` names the source, the field path and the problem, e.g.
  /// `relay.json: channel.namespaces[1].history_ttl: "5x" is not a Go duration`.
  static result<relay_config> from_json(std::string_view json, std::string_view source_name,
                                        std::string& diagnostic);
  /// Throwing variant: std::system_error(errc::invalid_argument) whose what() is the diagnostic.
  static relay_config from_json(std::string_view json, std::string_view source_name = "config");

  /// Reads and parses a file; unreadable files fail with the OS error and a diagnostic.
  static result<relay_config> from_file(const std::string& path, std::string& diagnostic);
  static relay_config from_file(const std::string& path);

  /// Every problem at once (empty when valid): bad regexes, duplicate or malformed
  /// namespace names, recovery/positioning without history, non-positive limits.
  std::vector<std::string> validate() const;

  /// The namespace named `name`, or nullptr.
  const namespace_options* find_namespace(std::string_view name) const noexcept;

  friend bool operator==(const relay_config& a, const relay_config& b) noexcept;
  friend bool operator!=(const relay_config& a, const relay_config& b) noexcept {
    return !(a == b);
  }
};

/// Parses a Go duration string ("300s", "5m", "1h30m", "1.5h", "100ms", "10us", "10µs",
/// "0"): an optional sign, then one or more decimal numbers each with a unit
/// (ns, us, µs, ms, s, m, h); "0" alone needs no unit. Fails with errc::invalid_argument
/// on anything else or on overflow of int64 nanoseconds.
result<std::chrono::nanoseconds> parse_go_duration(std::string_view text) noexcept;

}  // namespace relayload::relay
