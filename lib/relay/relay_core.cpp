// relay_core: Centrifugo protocol v2 server behaviour for the MWP subset (protocol.md §1).
#include "relayload/relay/relay_core.hpp"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <unordered_map>
#include <utility>
#include <variant>

#include "namespace_table_impl.hpp"
#include "publication_ring_impl.hpp"
#include "relayload/auth/jwt.hpp"
#include "relayload/error.hpp"
#include "relayload/wire/command_decoder.hpp"
#include "relayload/wire/frame.hpp"
#include "relayload/wire/reply_encoder.hpp"

namespace relayload::relay {

namespace {

// Centrifugo error codes (protocol.md §1.10).
namespace error_code {
constexpr std::uint32_t unknown_channel = 102;
constexpr std::uint32_t permission_denied = 103;
constexpr std::uint32_t method_not_found = 104;
constexpr std::uint32_t already_subscribed = 105;
constexpr std::uint32_t limit_exceeded = 106;
constexpr std::uint32_t bad_request = 107;
constexpr std::uint32_t not_available = 108;
constexpr std::uint32_t token_expired = 109;
constexpr std::uint32_t too_many_requests = 111;
constexpr std::uint32_t unrecoverable_position = 112;
}  // namespace error_code

const char* error_message(std::uint32_t code) noexcept {
  switch (code) {
    case 100:
      return "internal server error";
    case 101:
      return "unauthorized";
    case 102:
      return "unknown channel";
    case 103:
      return "permission denied";
    case 104:
      return "method not found";
    case 105:
      return "already subscribed";
    case 106:
      return "limit exceeded";
    case 107:
      return "bad request";
    case 108:
      return "not available";
    case 109:
      return "token expired";
    case 110:
      return "expired";
    case 111:
      return "too many requests";
    case 112:
      return "unrecoverable position";
    case 113:
      return "concurrent pagination";
    default:
      return "error";
  }
}

std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::string random_uuid_v4() {
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(hex[b[i] >> 4]);
    s.push_back(hex[b[i] & 0x0F]);
  }
  return s;
}

std::string random_epoch() {
  static constexpr char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string s(8, 'a');
  for (auto& ch : s) ch = letters[randombytes_uniform(52)];
  return s;
}

}  // namespace

bool operator==(const relay_stats& a, const relay_stats& b) noexcept {
  return std::tie(a.connections_current, a.connections_connected, a.connections_total, a.commands,
                  a.commands_total, a.publishes, a.pushes, a.pushes_held, a.pings_sent, a.frames_in,
                  a.frames_out, a.bytes_in, a.bytes_out, a.channels, a.subscriptions,
                  a.errors_by_code, a.disconnects_by_code, a.client_disconnects,
                  a.history_channels, a.history_publications) ==
         std::tie(b.connections_current, b.connections_connected, b.connections_total, b.commands,
                  b.commands_total, b.publishes, b.pushes, b.pushes_held, b.pings_sent, b.frames_in,
                  b.frames_out, b.bytes_in, b.bytes_out, b.channels, b.subscriptions,
                  b.errors_by_code, b.disconnects_by_code, b.client_disconnects,
                  b.history_channels, b.history_publications);
}

namespace {

using time_point = relay_core::time_point;
using detail::compiled_namespace;
using detail::publication_ring;
using detail::stored_publication;

struct connection;

struct channel_state {
  std::string name;
  const compiled_namespace* ns = nullptr;
  std::vector<connection*> subscribers;

  // The stream (only for namespaces with history).
  bool has_stream = false;
  std::string epoch;
  std::uint64_t top = 0;
  publication_ring pubs;
  time_point last_publish{};
  time_point last_use{};

  // Entries of the channel deadline heap that point here; the channel is never destroyed
  // while one exists.
  std::uint32_t heap_refs = 0;
  time_point armed_at = time_point::max();
};

struct subscription {
  channel_state* channel;
  std::size_t index;  // position in channel->subscribers
};

struct held_push {
  channel_state* channel;
  std::shared_ptr<const std::string> message;
};

// ---------------------------------------------------------------- rate limits
// relay_config::max_publish_rate and max_connect_rate (test knobs, not Centrifugo's).

// Calls f(std::string_view&) on every string of a command (a forgotten one would dangle
// once the command is queued). get_if, not std::visit: visit may throw, and this runs in
// noexcept event handlers.
template <class F>
void for_each_view(wire::command& c, F&& f) {
  static_assert(std::variant_size_v<wire::command_body> == 12,
                "a new command type: list its strings here");
  if (auto* connect = c.get<wire::connect_request>()) {
    f(connect->token);
    f(connect->data);
    f(connect->name);
    f(connect->version);
  } else if (auto* subscribe = c.get<wire::subscribe_request>()) {
    f(subscribe->channel);
    f(subscribe->token);
    f(subscribe->data);
    f(subscribe->epoch);
    f(subscribe->delta);
  } else if (auto* unsubscribe = c.get<wire::unsubscribe_request>()) {
    f(unsubscribe->channel);
  } else if (auto* publish = c.get<wire::publish_request>()) {
    f(publish->channel);
    f(publish->data);
  } else if (auto* history = c.get<wire::history_request>()) {
    f(history->channel);
    if (history->since) f(history->since->epoch);
  } else if (auto* presence = c.get<wire::presence_request>()) {
    f(presence->channel);
  } else if (auto* presence_stats = c.get<wire::presence_stats_request>()) {
    f(presence_stats->channel);
  } else if (auto* rpc = c.get<wire::rpc_request>()) {
    f(rpc->method);
    f(rpc->data);
  } else if (auto* send = c.get<wire::send_request>()) {
    f(send->data);
  } else if (auto* refresh = c.get<wire::refresh_request>()) {
    f(refresh->token);
  } else if (auto* sub_refresh = c.get<wire::sub_refresh_request>()) {
    f(sub_refresh->channel);
    f(sub_refresh->token);
  }  // pong_request has no strings
}

// A decoded command that owns its strings: the decoder's views die at its next decode(),
// and a command waiting for a token outlives that.
class owned_command {
 public:
  explicit owned_command(const wire::command& c) : cmd_(c) {
    std::size_t total = 0;
    for_each_view(cmd_, [&total](std::string_view& v) { total += v.size(); });
    if (total > 0) storage_ = std::make_unique<char[]>(total);
    char* p = storage_.get();
    for_each_view(cmd_, [&p](std::string_view& v) {
      if (v.empty()) {
        v = std::string_view();
        return;
      }
      std::memcpy(p, v.data(), v.size());
      v = std::string_view(p, v.size());
      p += v.size();
    });
  }
  const wire::command& get() const noexcept { return cmd_; }

 private:
  wire::command cmd_;
  std::unique_ptr<char[]> storage_;  // on the heap, so the views survive moves
};

// A queued item's entry in its bucket's FIFO.
struct waiter {
  connection_id id;
  std::uint64_t seq;  // the item's pending_item::seq
  time_point arrival;
};

// One rate as GCRA, the virtual-scheduling form of a token bucket: integer nanoseconds, so
// the schedule is exact in tests, and taking a queued command's token advances `tat` from
// the bucket's own schedule, never from when advance() happened to run (no drift).
struct token_bucket {
  bool enabled = false;
  std::chrono::nanoseconds interval{0};   // between tokens
  std::chrono::nanoseconds tolerance{0};  // the burst: a bucket of one second's worth
  time_point tat{};  // GCRA's theoretical arrival time: the end of the tokens taken so far
  std::deque<waiter> fifo;
  std::size_t stale = 0;  // FIFO entries of connections that have closed since

  void configure(double per_second) {
    enabled = per_second > 0;
    if (!enabled) return;
    interval = std::max(std::chrono::nanoseconds(1),
                        std::chrono::nanoseconds(std::llround(1e9 / per_second)));
    // A bucket of one second's worth of tokens, at least one: after an idle second,
    // max(1, rate) commands pass at once.
    tolerance = std::max(std::chrono::nanoseconds(0),
                         std::chrono::nanoseconds(std::chrono::seconds(1)) - interval);
  }
  time_point ready_at() const noexcept { return tat - tolerance; }
  bool ready(time_point now) const noexcept { return now >= ready_at(); }
  // Takes the token of a command that arrived at `arrival` (which waited if it is earlier).
  void take(time_point arrival) noexcept { tat = std::max(tat, arrival) + interval; }
};

// A command that has to wait — for a token, or behind the connection's earlier commands —
// or a close that must follow them.
struct pending_item {
  std::uint64_t seq = 0;                 // per connection, increasing
  std::optional<owned_command> command;  // empty: a close
  std::uint16_t close_code = 0;
  const char* close_reason = "";
  token_bucket* bucket = nullptr;  // the bucket it needs a token from
  bool parked = false;             // out of its bucket's FIFO until it is the head (serve())
  time_point arrival{};
};

enum class conn_state { opened, connected, closed };
enum class conn_timer { none, stale, ping, pong_check };

struct connection {
  connection_id id = 0;
  conn_state state = conn_state::opened;
  std::string client_id;
  std::string user;
  std::vector<subscription> subs;

  conn_timer timer = conn_timer::none;
  time_point due{};
  std::uint64_t timer_gen = 0;
  time_point ping_nominal{};
  bool ping_outstanding = false;

  std::string out;  // messages queued during the current event
  bool dirty = false;
  std::vector<held_push> held;

  // Items waiting for a rate-limit token and those behind them, oldest at pending_head. A
  // vector, not a deque: an empty std::deque allocates, and most connections never wait.
  std::vector<pending_item> pending;
  std::size_t pending_head = 0;
  std::uint64_t pending_seq = 0;
  bool close_queued = false;  // a close is among them: later commands would never run
  bool has_pending() const noexcept { return pending_head < pending.size(); }
};

struct conn_deadline {
  time_point when;
  connection_id id;
  std::uint64_t gen;
  bool operator>(const conn_deadline& o) const noexcept { return when > o.when; }
};

struct channel_deadline {
  time_point when;
  channel_state* channel;
  bool operator>(const channel_deadline& o) const noexcept { return when > o.when; }
};

}  // namespace

struct relay_core::impl {
  impl(relay_config c, relay_sink& s, relay_core_hooks h)
      : config(std::move(c)),
        sink(s),
        hooks(std::move(h)),
        namespaces(config),
        decoder(make_decode_options(config)),
        rng_state(config.seed) {
    publish_bucket.configure(config.max_publish_rate);
    connect_bucket.configure(config.max_connect_rate);
    rate_limited = publish_bucket.enabled || connect_bucket.enabled;
    if (!hooks.client_id) hooks.client_id = random_uuid_v4;
    if (!hooks.epoch) hooks.epoch = random_epoch;
    if (!hooks.wall_clock) hooks.wall_clock = [] { return std::chrono::system_clock::now(); };
  }

  static wire::decode_options make_decode_options(const relay_config& c) {
    wire::decode_options o;
    o.max_frame_size = c.message_size_limit;
    return o;
  }

  relay_config config;
  relay_sink& sink;
  relay_core_hooks hooks;
  detail::namespace_table namespaces;
  wire::command_decoder decoder;

  std::unordered_map<connection_id, std::unique_ptr<connection>> connections;
  // Keys view the channel_state's own name.
  std::unordered_map<std::string_view, std::unique_ptr<channel_state>> channels;
  std::vector<conn_deadline> conn_heap;
  std::vector<channel_deadline> channel_heap;

  std::vector<connection*> dirty;
  std::vector<std::unique_ptr<connection>> graveyard;  // closed during this event
  std::vector<connection_id> held_conns;
  bool paused = false;
  std::uint64_t rng_state;
  std::size_t connected_count = 0;
  relay_stats counters;

  std::string push_scratch;
  std::vector<wire::publication> pub_scratch;

  token_bucket publish_bucket;
  token_bucket connect_bucket;
  bool rate_limited = false;  // either bucket is enabled
  std::size_t queued = 0;     // pending items of every connection
  bool queue_full_logged = false;

  // ---------------------------------------------------------------- output

  std::string& begin_message(connection* c) {
    if (!c->dirty) {
      c->dirty = true;
      dirty.push_back(c);
    }
    wire::begin_message(c->out);
    return c->out;
  }

  void send_now(connection* c) {
    if (c->out.empty()) return;
    sink.send(c->id, c->out);
    ++counters.frames_out;
    counters.bytes_out += c->out.size();
    c->out.clear();
    // Idle connections should not keep a large burst's buffer.
    if (c->out.capacity() > 65536) std::string().swap(c->out);
  }

  // Ends every public entry point: serves queued commands whose tokens have come, sends what
  // the event produced, frees closed connections.
  void finish_event() {
    serve_queues();
    for (auto* c : dirty) {
      c->dirty = false;
      if (c->state == conn_state::closed) continue;
      send_now(c);
      if (config.queue_max_size > 0 && sink.buffered_amount(c->id) > config.queue_max_size) {
        close_connection(c, disconnect_code::slow, "slow");
      }
    }
    dirty.clear();
    graveyard.clear();
    prune_conn_heap();
  }

  // Drops cancelled entries from the top, so next_deadline() is a real deadline.
  void prune_conn_heap() {
    while (!conn_heap.empty()) {
      const auto& e = conn_heap.front();
      const auto it = connections.find(e.id);
      if (it != connections.end() && it->second->timer_gen == e.gen) break;
      std::pop_heap(conn_heap.begin(), conn_heap.end(), std::greater<>());
      conn_heap.pop_back();
    }
  }

  void reply_error(connection* c, std::uint32_t id, std::uint32_t code) {
    wire::append_error_reply(begin_message(c), id, code, error_message(code));
    ++counters.errors_by_code[code];
  }

  // ---------------------------------------------------------------- timers

  void schedule(connection* c, conn_timer kind, time_point when) {
    c->timer = kind;
    c->due = when;
    ++c->timer_gen;
    conn_heap.push_back({when, c->id, c->timer_gen});
    std::push_heap(conn_heap.begin(), conn_heap.end(), std::greater<>());
  }

  void cancel_timer(connection* c) {
    c->timer = conn_timer::none;
    ++c->timer_gen;
  }

  std::chrono::milliseconds first_ping_delay() {
    const auto interval = config.ping_interval;
    if (!config.randomize_first_ping || interval.count() < 2) return interval;
    // Centrifugo: uniformly in [interval/2, interval]; never later than announced.
    const auto half = interval.count() / 2;
    const auto span = static_cast<std::uint64_t>(interval.count() - half) + 1;
    return std::chrono::milliseconds(half +
                                     static_cast<std::int64_t>(splitmix64(rng_state) % span));
  }

  void fire(connection* c, time_point now) {
    switch (c->timer) {
      case conn_timer::none:
        return;
      case conn_timer::stale:
        close_connection(c, disconnect_code::stale, "stale");
        return;
      case conn_timer::ping: {
        wire::append_server_ping(begin_message(c));
        ++counters.pings_sent;
        c->ping_outstanding = true;
        c->ping_nominal = c->due;
        // The client gets the full pong timeout from when the ping actually left.
        schedule(c, conn_timer::pong_check, std::max(now, c->due) + config.pong_timeout);
        return;
      }
      case conn_timer::pong_check:
        if (c->ping_outstanding) {
          close_connection(c, disconnect_code::no_pong, "no pong");
          return;
        }
        // Pings keep their absolute cadence: nominal time + interval.
        schedule(c, conn_timer::ping, std::max(c->ping_nominal + config.ping_interval, c->due));
        return;
    }
  }

  // Channel deadlines: history TTL, stream metadata expiry, removal of unused channels.
  std::optional<time_point> channel_due(const channel_state* ch) const {
    if (!ch->pubs.empty()) return ch->last_publish + ch->ns->options().history_ttl;
    if (!ch->subscribers.empty()) return std::nullopt;
    if (!ch->has_stream) return time_point::min();  // remove as soon as possible
    const auto meta = ch->ns->meta_ttl();
    if (meta.count() > 0) return ch->last_use + meta;
    return std::nullopt;
  }

  void arm_channel(channel_state* ch) {
    const auto due = channel_due(ch);
    if (!due) return;
    if (ch->heap_refs > 0 && ch->armed_at <= *due) return;
    ch->armed_at = *due;
    ++ch->heap_refs;
    channel_heap.push_back({*due, ch});
    std::push_heap(channel_heap.begin(), channel_heap.end(), std::greater<>());
  }

  // Applies history TTL and metadata expiry as of `now` (lazily, so results never depend
  // on when advance() ran).
  void expire_stream(channel_state* ch, time_point now) {
    if (!ch->has_stream) return;
    if (!ch->pubs.empty() && now >= ch->last_publish + ch->ns->options().history_ttl) {
      ch->pubs.clear();
    }
    const auto meta = ch->ns->meta_ttl();
    if (ch->subscribers.empty() && meta.count() > 0 && now >= ch->last_use + meta) {
      ch->has_stream = false;
      ch->top = 0;
      ch->epoch.clear();
      ch->pubs.clear();
    }
  }

  void ensure_stream(channel_state* ch, time_point now) {
    expire_stream(ch, now);
    if (!ch->has_stream) {
      ch->has_stream = true;
      ch->epoch = hooks.epoch();
      ch->top = 0;
      ch->pubs.clear();
    }
    ch->last_use = now;
  }

  bool erasable(const channel_state* ch) const noexcept {
    return ch->subscribers.empty() && !ch->has_stream && ch->heap_refs == 0;
  }

  void erase_channel(channel_state* ch) {
    const auto it = channels.find(std::string_view(ch->name));
    if (it != channels.end()) channels.erase(it);
  }

  void release_channel(channel_state* ch, time_point now) {
    if (ch->subscribers.empty() && ch->has_stream) ch->last_use = now;
    if (erasable(ch)) {
      erase_channel(ch);
      return;
    }
    arm_channel(ch);
  }

  void run_due(time_point now) {
    while (!conn_heap.empty() && conn_heap.front().when <= now) {
      std::pop_heap(conn_heap.begin(), conn_heap.end(), std::greater<>());
      const auto e = conn_heap.back();
      conn_heap.pop_back();
      const auto it = connections.find(e.id);
      if (it == connections.end()) continue;
      connection* c = it->second.get();
      if (c->timer_gen != e.gen || c->state == conn_state::closed) continue;
      fire(c, now);
    }
    while (!channel_heap.empty() && channel_heap.front().when <= now) {
      std::pop_heap(channel_heap.begin(), channel_heap.end(), std::greater<>());
      channel_state* ch = channel_heap.back().channel;
      channel_heap.pop_back();
      --ch->heap_refs;
      ch->armed_at = time_point::max();
      expire_stream(ch, now);
      if (erasable(ch)) {
        erase_channel(ch);
      } else {
        arm_channel(ch);
      }
    }
  }

  // ---------------------------------------------------------------- channels

  channel_state* find_channel(std::string_view name) const {
    const auto it = channels.find(name);
    return it == channels.end() ? nullptr : it->second.get();
  }

  channel_state* create_channel(std::string_view name, const compiled_namespace* ns) {
    auto ch = std::make_unique<channel_state>();
    ch->name.assign(name.data(), name.size());
    ch->ns = ns;
    channel_state* raw = ch.get();
    channels.emplace(std::string_view(raw->name), std::move(ch));
    return raw;
  }

  static subscription* find_subscription(connection* c, const channel_state* ch) noexcept {
    for (auto& s : c->subs) {
      if (s.channel == ch) return &s;
    }
    return nullptr;
  }

  void add_subscriber(connection* c, channel_state* ch) {
    c->subs.push_back({ch, ch->subscribers.size()});
    ch->subscribers.push_back(c);
    ++counters.subscriptions;
  }

  // Removes the subscription at c->subs[i]; the caller releases the channel.
  void remove_subscription(connection* c, std::size_t i) {
    const subscription s = c->subs[i];
    channel_state* ch = s.channel;
    auto& subs = ch->subscribers;
    if (s.index + 1 != subs.size()) {
      connection* moved = subs.back();
      subs[s.index] = moved;
      if (auto* ms = find_subscription(moved, ch)) ms->index = s.index;
    }
    subs.pop_back();
    c->subs[i] = c->subs.back();
    c->subs.pop_back();
    --counters.subscriptions;
    if (!c->held.empty()) drop_held(c, ch);
  }

  void drop_held(connection* c, const channel_state* ch) {
    const auto before = c->held.size();
    c->held.erase(std::remove_if(c->held.begin(), c->held.end(),
                                 [ch](const held_push& h) { return h.channel == ch; }),
                  c->held.end());
    counters.pushes_held -= before - c->held.size();
  }

  // ---------------------------------------------------------------- connections

  connection* find_connection(connection_id id) const {
    const auto it = connections.find(id);
    return it == connections.end() ? nullptr : it->second.get();
  }

  // Forgets the connection's subscriptions and moves it to the graveyard.
  void detach(connection* c, time_point now) {
    while (!c->subs.empty()) {
      channel_state* ch = c->subs.back().channel;
      remove_subscription(c, c->subs.size() - 1);
      release_channel(ch, now);
    }
    counters.pushes_held -= c->held.size();
    c->held.clear();
    drop_pending(c);
    if (c->state == conn_state::connected) --connected_count;
    c->state = conn_state::closed;
    cancel_timer(c);
    const auto it = connections.find(c->id);
    if (it != connections.end()) {
      graveyard.push_back(std::move(it->second));
      connections.erase(it);
    }
  }

  time_point now_ = {};  // time of the event being handled

  void close_connection(connection* c, std::uint16_t code, std::string_view reason) {
    if (c->state == conn_state::closed) return;
    send_now(c);  // what was produced before the close goes out first
    sink.close(c->id, code, reason);
    ++counters.disconnects_by_code[code];
    detach(c, now_);
  }

  bool anonymous_ok(const connection* c, bool for_anonymous) const noexcept {
    return !c->user.empty() || for_anonymous;
  }

  // ---------------------------------------------------------------- commands

  void handle_frame(connection* c, std::string_view frame) {
    ++counters.frames_in;
    counters.bytes_in += frame.size();
    if (frame.size() > config.message_size_limit) {
      close_after_queued(c, disconnect_code::message_too_big, "message too big");
      return;
    }
    const std::error_code ec = decoder.decode(frame);
    for (const auto& cmd : decoder.commands()) {
      if (c->state == conn_state::closed) return;
      ++counters.commands[static_cast<std::size_t>(cmd.kind())];
      ++counters.commands_total;
      dispatch(c, cmd);
    }
    if (ec && c->state != conn_state::closed) {
      if (ec == errc::frame_too_large) {
        close_after_queued(c, disconnect_code::message_too_big, "message too big");
      } else {
        close_after_queued(c, disconnect_code::bad_request, "bad request");
      }
    }
  }

  // ---------------------------------------------------------------- rate limits

  token_bucket* bucket_for(wire::method m) noexcept {
    if (m == wire::method::publish && publish_bucket.enabled) return &publish_bucket;
    if (m == wire::method::connect && connect_bucket.enabled) return &connect_bucket;
    return nullptr;
  }

  // Runs a command now, or queues it when it must wait for a token or behind the
  // connection's earlier commands (replies are never reordered within a connection).
  void dispatch(connection* c, const wire::command& cmd) {
    // A pong has no reply, so running it at once reorders nothing the client sees; queued
    // behind publishes it would make the relay close clients (3012) for its own slowness.
    if (!rate_limited || cmd.kind() == wire::method::pong) return handle_command(c, cmd);
    if (c->close_queued) return;  // the connection closes before this could run
    token_bucket* b = bucket_for(cmd.kind());
    if (!c->has_pending()) {
      if (b == nullptr) return handle_command(c, cmd);
      if (b->fifo.empty() && b->ready(now_)) {
        b->take(now_);
        return handle_command(c, cmd);
      }
    }
    if (queued >= config.rate_limit_queue_size) return refuse(c, cmd);
    pending_item item;
    item.seq = ++c->pending_seq;
    item.command.emplace(cmd);
    item.bucket = b;
    item.arrival = now_;
    if (b != nullptr) b->fifo.push_back({c->id, item.seq, now_});
    c->pending.push_back(std::move(item));
    ++queued;
  }

  // The queues are full: a runaway test must not eat the relay's memory, so the command is
  // answered at once (its client counts the error), ahead of the connection's queued
  // replies — clients match replies by id.
  void refuse(connection* c, const wire::command& cmd) {
    if (!queue_full_logged && hooks.log) {
      hooks.log("rate limit: " + std::to_string(queued) +
                " commands are waiting (rate_limit_queue_size); further commands are answered "
                "with error 111 \"too many requests\" while it stays full (logged once)");
    }
    queue_full_logged = true;
    if (cmd.id != 0) reply_error(c, cmd.id, error_code::too_many_requests);
  }

  // A close caused by a frame whose earlier commands may still be queued: it follows them.
  void close_after_queued(connection* c, std::uint16_t code, const char* reason) {
    if (!c->has_pending()) return close_connection(c, code, reason);
    if (c->close_queued) return;
    c->close_queued = true;
    pending_item item;
    item.seq = ++c->pending_seq;
    item.close_code = code;
    item.close_reason = reason;
    item.arrival = now_;
    c->pending.push_back(std::move(item));
    ++queued;
  }

  void pop_pending(connection* c) {
    ++c->pending_head;
    --queued;
    if (c->pending_head == c->pending.size()) {
      c->pending.clear();
      c->pending_head = 0;
    } else if (c->pending_head >= 64 && c->pending_head * 2 >= c->pending.size()) {
      // A connection that never drains must not keep its served prefix.
      c->pending.erase(c->pending.begin(),
                       c->pending.begin() + static_cast<std::ptrdiff_t>(c->pending_head));
      c->pending_head = 0;
    }
  }

  // Runs the connection's head item (its token taken, if it needed one), then the items
  // behind it up to the next one that needs a token.
  void run_pending(connection* c) {
    for (bool first = true; c->state != conn_state::closed && c->has_pending(); first = false) {
      pending_item& head = c->pending[c->pending_head];
      if (!first && head.bucket != nullptr) {
        if (head.parked) {
          // It stood at the front of its FIFO when it was parked; everything there now came
          // after it.
          head.parked = false;
          head.bucket->fifo.push_front({c->id, head.seq, head.arrival});
        }
        return;
      }
      pending_item item = std::move(head);
      pop_pending(c);
      if (item.command) {
        handle_command(c, item.command->get());
      } else {
        close_connection(c, item.close_code, item.close_reason);
      }
    }
  }

  // Serves what is due in every bucket. Serving one connection's command can make its next
  // one, in the other bucket, the head there: hence the loop.
  void serve_queues() {
    if (!rate_limited) return;
    compact(publish_bucket);
    compact(connect_bucket);
    for (bool progress = true; progress;) {
      const bool p = serve(publish_bucket);
      progress = serve(connect_bucket) || p;
    }
  }

  bool serve(token_bucket& b) {
    bool progress = false;
    while (!b.fifo.empty()) {
      const waiter w = b.fifo.front();
      connection* c = find_connection(w.id);
      if (c == nullptr || !c->has_pending()) {  // closed: its items were dropped
        b.fifo.pop_front();
        if (b.stale > 0) --b.stale;
        continue;
      }
      if (c->pending[c->pending_head].seq != w.seq) {
        // An earlier command of this connection waits in the other bucket (a publish sent
        // before the queued connect was answered). Rather than hold up everyone behind it —
        // a saturated connect rate would stall every publish — it steps aside, and returns
        // to the front when it is its connection's head.
        park(c, w.seq);
        b.fifo.pop_front();
        continue;
      }
      if (!b.ready(now_)) break;
      b.take(w.arrival);
      b.fifo.pop_front();
      run_pending(c);
      progress = true;
    }
    return progress;
  }

  static void park(connection* c, std::uint64_t seq) {
    const auto first = c->pending.begin() + static_cast<std::ptrdiff_t>(c->pending_head);
    const auto it =
        std::lower_bound(first, c->pending.end(), seq,
                         [](const pending_item& item, std::uint64_t s) { return item.seq < s; });
    if (it != c->pending.end() && it->seq == seq) it->parked = true;
  }

  // Removes the entries of closed connections once they are most of a FIFO, so that a test
  // whose clients close while they wait cannot grow it without bound.
  void compact(token_bucket& b) {
    if (b.stale < 1024 || b.stale * 2 < b.fifo.size()) return;
    const auto closed = [this](const waiter& w) { return find_connection(w.id) == nullptr; };
    b.fifo.erase(std::remove_if(b.fifo.begin(), b.fifo.end(), closed), b.fifo.end());
    b.stale = 0;
  }

  // A closing connection's queued items are dropped; their FIFO entries go stale.
  void drop_pending(connection* c) {
    for (std::size_t i = c->pending_head; i < c->pending.size(); ++i) {
      const pending_item& item = c->pending[i];
      if (item.bucket != nullptr && !item.parked) ++item.bucket->stale;
    }
    queued -= c->pending.size() - c->pending_head;
    std::vector<pending_item>().swap(c->pending);
    c->pending_head = 0;
  }

  void handle_command(connection* c, const wire::command& cmd) {
    if (c->state != conn_state::connected && cmd.kind() != wire::method::connect) {
      close_connection(c, disconnect_code::bad_request, "bad request");
      return;
    }
    switch (cmd.kind()) {
      case wire::method::pong:
        return handle_pong(c);
      case wire::method::connect:
        return handle_connect(c, cmd.id, *cmd.get<wire::connect_request>());
      case wire::method::subscribe:
        return handle_subscribe(c, cmd.id, *cmd.get<wire::subscribe_request>());
      case wire::method::unsubscribe:
        return handle_unsubscribe(c, cmd.id, *cmd.get<wire::unsubscribe_request>());
      case wire::method::publish:
        return handle_publish(c, cmd.id, *cmd.get<wire::publish_request>());
      case wire::method::history:
        return handle_history(c, cmd.id, *cmd.get<wire::history_request>());
      case wire::method::presence:
        return handle_presence(c, cmd.id, cmd.get<wire::presence_request>()->channel, false);
      case wire::method::presence_stats:
        return handle_presence(c, cmd.id, cmd.get<wire::presence_stats_request>()->channel, true);
      case wire::method::rpc:
        // No RPC handlers (Centrifugo without an RPC proxy).
        return reply_error(c, cmd.id, error_code::method_not_found);
      case wire::method::send:
        return;  // asynchronous message with no handler: dropped, as Centrifugo does
      case wire::method::refresh:
      case wire::method::sub_refresh:
        // Tokens never expire here, so there is nothing to refresh.
        return reply_error(c, cmd.id, error_code::not_available);
    }
  }

  void handle_pong(connection* c) {
    if (!c->ping_outstanding) {
      close_connection(c, disconnect_code::bad_request, "bad request");
      return;
    }
    c->ping_outstanding = false;
  }

  void handle_connect(connection* c, std::uint32_t id, const wire::connect_request& r) {
    if (c->state == conn_state::connected) {
      close_connection(c, disconnect_code::bad_request, "bad request");
      return;
    }
    std::string user;
    if (!r.token.empty()) {
      std::optional<std::string> verified;
      if (hooks.verify_token) {
        verified = hooks.verify_token(r.token);
      } else if (!config.token_hmac_secret_key.empty()) {
        auto check = auth::verify_hs256(r.token, config.token_hmac_secret_key, hooks.wall_clock());
        if (check.status == auth::token_status::expired) {
          // Centrifugo answers an expired token with an error reply, not a close: the
          // client refreshes its token and connects again on the same socket or a new one.
          return reply_error(c, id, error_code::token_expired);
        }
        if (check.status == auth::token_status::valid) verified = std::move(check.claims.sub);
      }
      if (!verified) {
        close_connection(c, disconnect_code::invalid_token, "invalid token");
        return;
      }
      user = std::move(*verified);
    } else if (!config.allow_anonymous_connect_without_token) {
      close_connection(c, disconnect_code::bad_request, "bad request");
      return;
    }
    if (config.connection_limit > 0 && connected_count >= config.connection_limit) {
      close_connection(c, disconnect_code::connection_limit, "connection limit");
      return;
    }
    c->client_id = hooks.client_id();
    c->user = std::move(user);
    c->state = conn_state::connected;
    ++connected_count;

    wire::connect_result res;
    res.client = c->client_id;
    res.version = config.version;
    if (config.ping_interval.count() > 0) {
      // Announce whole seconds, rounded up: we must never ping later than announced.
      res.ping = static_cast<std::uint32_t>((config.ping_interval.count() + 999) / 1000);
      res.pong = true;
      schedule(c, conn_timer::ping, now_ + first_ping_delay());
    } else {
      cancel_timer(c);
    }
    wire::append_reply(begin_message(c), id, res);
  }

  // Validation shared by subscribe, publish, history and presence: channel length,
  // namespace, regex. Returns the namespace, or nullptr with the error code to send; `ch`
  // is the channel's state if it has one (one hash lookup per command).
  std::pair<const compiled_namespace*, std::uint32_t> resolve(std::string_view channel,
                                                              channel_state*& ch,
                                                              bool* is_private = nullptr) const {
    ch = nullptr;
    if (channel.size() > config.channel_max_length) return {nullptr, error_code::bad_request};
    ch = find_channel(channel);
    if (ch != nullptr) {
      if (is_private != nullptr) *is_private = channel.front() == '$';
      return {ch->ns, 0};  // validated when it was created
    }
    const auto l = namespaces.find(channel);
    if (l.ns == nullptr) return {nullptr, error_code::unknown_channel};
    if (!l.ns->matches(l.rest)) return {nullptr, error_code::bad_request};
    if (is_private != nullptr) *is_private = l.is_private;
    return {l.ns, 0};
  }

  void handle_subscribe(connection* c, std::uint32_t id, const wire::subscribe_request& r) {
    // Centrifugo's order (protocol.md §1.6.2).
    if (r.channel.empty()) {
      close_connection(c, disconnect_code::bad_request, "bad request");
      return;
    }
    if (r.channel.size() > config.channel_max_length) {
      return reply_error(c, id, error_code::bad_request);
    }
    bool is_private = false;
    channel_state* ch = nullptr;
    const auto [ns, err] = resolve(r.channel, ch, &is_private);
    if (ch != nullptr && find_subscription(c, ch) != nullptr) {
      return reply_error(c, id, error_code::already_subscribed);
    }
    if (config.channel_limit > 0 && c->subs.size() >= config.channel_limit) {
      return reply_error(c, id, error_code::limit_exceeded);
    }
    if (ns == nullptr) return reply_error(c, id, err);
    const auto& o = ns->options();
    // Private ('$') channels need a subscription token, which this relay does not verify.
    if (is_private || !o.allow_subscribe_for_client ||
        !anonymous_ok(c, o.allow_subscribe_for_anonymous)) {
      return reply_error(c, id, error_code::permission_denied);
    }
    if (ch == nullptr) ch = create_channel(r.channel, ns);

    wire::subscribe_result res;
    const bool history = ns->has_history();
    const bool positioning =
        history && (o.force_positioning || (o.allow_positioning && r.positioned));
    const bool recovery = history && (o.force_recovery || (o.allow_recovery && r.recoverable));
    pub_scratch.clear();
    if (positioning || recovery) {
      ensure_stream(ch, now_);
      res.positioned = true;
      res.recoverable = recovery;
      res.epoch = ch->epoch;
      res.offset = ch->top;
      if (recovery && r.recover) {
        res.was_recovering = true;
        if (r.epoch.empty() || r.epoch == ch->epoch) {
          // §1.12: publications after the client's offset, with no gap up to top.
          collect_forward(ch, r.offset, true,
                          static_cast<std::int64_t>(config.recovery_max_publication_limit == 0
                                                        ? -1
                                                        : config.recovery_max_publication_limit),
                          pub_scratch);
          const bool recovered = pub_scratch.empty() ? ch->top == r.offset
                                                     : pub_scratch.front().offset == r.offset + 1 &&
                                                           pub_scratch.back().offset == ch->top;
          if (recovered) {
            res.recovered = true;
            res.offset = r.offset;  // the client advances through the publications itself
            res.publications = std::move(pub_scratch);
          } else {
            pub_scratch.clear();
          }
        }
      }
    }
    add_subscriber(c, ch);
    wire::append_reply(begin_message(c), id, res);
    if (!res.publications.empty()) pub_scratch = std::move(res.publications);
  }

  void handle_unsubscribe(connection* c, std::uint32_t id, const wire::unsubscribe_request& r) {
    if (r.channel.empty()) {
      close_connection(c, disconnect_code::bad_request, "bad request");
      return;
    }
    if (channel_state* ch = find_channel(r.channel)) {
      for (std::size_t i = 0; i < c->subs.size(); ++i) {
        if (c->subs[i].channel == ch) {
          remove_subscription(c, i);
          release_channel(ch, now_);
          break;
        }
      }
    }
    wire::append_reply(begin_message(c), id, wire::unsubscribe_result{});
  }

  void handle_publish(connection* c, std::uint32_t id, const wire::publish_request& r) {
    if (r.channel.empty()) {
      close_connection(c, disconnect_code::bad_request, "bad request");
      return;
    }
    if (r.data.empty()) return reply_error(c, id, error_code::bad_request);
    channel_state* ch = nullptr;
    const auto [ns, err] = resolve(r.channel, ch);
    if (ns == nullptr) return reply_error(c, id, err);
    const auto& o = ns->options();
    const bool as_client =
        o.allow_publish_for_client && anonymous_ok(c, o.allow_publish_for_anonymous);
    const bool as_subscriber = o.allow_publish_for_subscriber && ch != nullptr &&
                               find_subscription(c, ch) != nullptr &&
                               anonymous_ok(c, o.allow_publish_for_anonymous);
    if (!as_client && !as_subscriber) return reply_error(c, id, error_code::permission_denied);

    ++counters.publishes;
    std::uint64_t offset = 0;
    if (ns->has_history()) {
      if (ch == nullptr) ch = create_channel(r.channel, ns);
      ensure_stream(ch, now_);
      offset = ++ch->top;
      ch->pubs.push(stored_publication{offset, std::string(r.data), c->client_id, c->user},
                    o.history_size);
      ch->last_publish = now_;
      arm_channel(ch);
    }
    if (ch != nullptr && !ch->subscribers.empty()) {
      wire::publication pub;
      pub.data = r.data;
      pub.info = wire::client_info{c->user, c->client_id, {}, {}};
      pub.offset = offset;
      push_scratch.clear();
      wire::append_pub_push(push_scratch, ch->name, pub);
      fan_out(ch, push_scratch);
    }
    // Pushes are queued before the reply, so the publisher sees its echo first (§1.6.4).
    wire::append_reply(begin_message(c), id, wire::publish_result{});
  }

  void fan_out(channel_state* ch, const std::string& message) {
    counters.pushes += ch->subscribers.size();
    if (!paused) {
      for (connection* s : ch->subscribers) begin_message(s).append(message);
      return;
    }
    auto shared = std::make_shared<const std::string>(message);
    for (connection* s : ch->subscribers) {
      if (s->held.empty()) held_conns.push_back(s->id);
      s->held.push_back({ch, shared});
      ++counters.pushes_held;
    }
  }

  static wire::publication view_of(const stored_publication& p) {
    wire::publication v;
    v.data = p.data;
    v.info = wire::client_info{p.user, p.client, {}, {}};
    v.offset = p.offset;
    return v;
  }

  // Retained publications with offset > `after` (all retained when !use_offset), oldest
  // first, at most `limit` (< 0: no limit). Mirrors Centrifuge's memstream Get.
  static void collect_forward(const channel_state* ch, std::uint64_t after, bool use_offset,
                              std::int64_t limit, std::vector<wire::publication>& out) {
    const auto& ring = ch->pubs;
    if (ring.empty() || limit == 0) return;
    std::size_t start = 0;
    if (use_offset) {
      if (after >= ch->top) return;
      const std::uint64_t first = after + 1;
      const std::uint64_t oldest = ring.oldest_offset();
      start = first < oldest ? 0 : static_cast<std::size_t>(first - oldest);
    }
    for (std::size_t i = start; i < ring.size(); ++i) {
      if (limit >= 0 && out.size() >= static_cast<std::size_t>(limit)) break;
      out.push_back(view_of(ring.at(i)));
    }
  }

  void handle_history(connection* c, std::uint32_t id, const wire::history_request& r) {
    if (r.channel.empty()) {
      close_connection(c, disconnect_code::bad_request, "bad request");
      return;
    }
    channel_state* ch = nullptr;
    const auto [ns, err] = resolve(r.channel, ch);
    if (ns == nullptr) return reply_error(c, id, err);
    if (!ns->has_history()) return reply_error(c, id, error_code::not_available);
    const auto& o = ns->options();
    const bool as_client =
        o.allow_history_for_client && anonymous_ok(c, o.allow_history_for_anonymous);
    const bool as_subscriber = o.allow_history_for_subscriber && ch != nullptr &&
                               find_subscription(c, ch) != nullptr &&
                               anonymous_ok(c, o.allow_history_for_anonymous);
    if (!as_client && !as_subscriber) return reply_error(c, id, error_code::permission_denied);
    if (r.reverse && r.since && r.since->offset == 0) {
      return reply_error(c, id, error_code::bad_request);
    }

    if (ch == nullptr) ch = create_channel(r.channel, ns);
    ensure_stream(ch, now_);
    arm_channel(ch);
    if (r.since && !r.since->epoch.empty() && r.since->epoch != ch->epoch) {
      return reply_error(c, id, error_code::unrecoverable_position);
    }

    std::int64_t limit = r.limit.value_or(0);
    const auto cap = static_cast<std::int64_t>(config.history_max_publication_limit);
    if (cap > 0 && (limit < 0 || limit > cap)) limit = cap;

    pub_scratch.clear();
    const auto& ring = ch->pubs;
    if (!r.since) {
      if (!r.reverse) {
        collect_forward(ch, 0, false, limit, pub_scratch);
      } else if (limit != 0) {
        for (std::size_t i = ring.size(); i-- > 0;) {
          if (limit >= 0 && pub_scratch.size() >= static_cast<std::size_t>(limit)) break;
          pub_scratch.push_back(view_of(ring.at(i)));
        }
      }
    } else if (!r.reverse) {
      const bool at_top = r.since->offset == ch->top && r.since->epoch == ch->epoch;
      if (!at_top) collect_forward(ch, r.since->offset, true, limit, pub_scratch);
    } else if (limit != 0 && !ring.empty()) {
      // Backwards from since.offset - 1, which must still be retained.
      const std::uint64_t start = r.since->offset - 1;
      const std::uint64_t oldest = ring.oldest_offset();
      if (start <= ch->top && start >= oldest) {
        for (std::size_t i = static_cast<std::size_t>(start - oldest) + 1; i-- > 0;) {
          if (limit >= 0 && pub_scratch.size() >= static_cast<std::size_t>(limit)) break;
          pub_scratch.push_back(view_of(ring.at(i)));
        }
      }
    }
    wire::history_result res;
    res.publications = std::move(pub_scratch);
    res.epoch = ch->epoch;
    res.offset = ch->top;
    wire::append_reply(begin_message(c), id, res);
    pub_scratch = std::move(res.publications);
  }

  void handle_presence(connection* c, std::uint32_t id, std::string_view channel, bool stats) {
    if (channel.empty()) {
      close_connection(c, disconnect_code::bad_request, "bad request");
      return;
    }
    channel_state* ch = nullptr;
    const auto [ns, err] = resolve(channel, ch);
    if (ns == nullptr) return reply_error(c, id, err);
    const auto& o = ns->options();
    if (!o.presence) return reply_error(c, id, error_code::not_available);
    const bool as_client =
        o.allow_presence_for_client && anonymous_ok(c, o.allow_presence_for_anonymous);
    const bool as_subscriber = o.allow_presence_for_subscriber && ch != nullptr &&
                               find_subscription(c, ch) != nullptr &&
                               anonymous_ok(c, o.allow_presence_for_anonymous);
    if (!as_client && !as_subscriber) return reply_error(c, id, error_code::permission_denied);
    if (stats) {
      wire::presence_stats_result res;
      if (ch != nullptr) {
        res.num_clients = static_cast<std::uint32_t>(ch->subscribers.size());
        std::vector<std::string_view> users;
        for (const connection* s : ch->subscribers) users.push_back(s->user);
        std::sort(users.begin(), users.end());
        res.num_users =
            static_cast<std::uint32_t>(std::unique(users.begin(), users.end()) - users.begin());
      }
      wire::append_reply(begin_message(c), id, res);
      return;
    }
    wire::presence_result res;
    if (ch != nullptr) {
      for (const connection* s : ch->subscribers) {
        res.clients.push_back(wire::client_info{s->user, s->client_id, {}, {}});
      }
    }
    wire::append_reply(begin_message(c), id, res);
  }
};

// ------------------------------------------------------------------ relay_core

relay_core::relay_core(relay_config config, relay_sink& sink, relay_core_hooks hooks) {
  const auto problems = config.validate();
  if (!problems.empty()) {
    std::string what = "invalid relay configuration: " + problems.front();
    for (std::size_t i = 1; i < problems.size(); ++i) what += "; " + problems[i];
    throw std::system_error(make_error_code(errc::invalid_argument), what);
  }
  if (sodium_init() < 0) {
    throw std::system_error(std::make_error_code(std::errc::io_error), "libsodium init failed");
  }
  impl_ = std::make_unique<impl>(std::move(config), sink, std::move(hooks));
}

relay_core::~relay_core() = default;

void relay_core::on_open(connection_id id, time_point now) noexcept {
  auto& m = *impl_;
  m.now_ = now;
  if (m.connections.count(id) != 0) return;
  auto c = std::make_unique<connection>();
  c->id = id;
  connection* raw = c.get();
  m.connections.emplace(id, std::move(c));
  ++m.counters.connections_total;
  m.schedule(raw, conn_timer::stale, now + m.config.stale_close_delay);
  m.finish_event();
}

void relay_core::on_frame(connection_id id, std::string_view frame, time_point now) noexcept {
  auto& m = *impl_;
  m.now_ = now;
  connection* c = m.find_connection(id);
  if (c == nullptr) return;
  m.handle_frame(c, frame);
  m.finish_event();
}

void relay_core::on_close(connection_id id, time_point now) noexcept {
  auto& m = *impl_;
  m.now_ = now;
  connection* c = m.find_connection(id);
  if (c == nullptr) return;
  ++m.counters.client_disconnects;
  m.detach(c, now);
  m.finish_event();
}

void relay_core::advance(time_point now) noexcept {
  auto& m = *impl_;
  m.now_ = now;
  m.run_due(now);
  m.finish_event();
}

std::optional<relay_core::time_point> relay_core::next_deadline() const noexcept {
  const auto& m = *impl_;
  std::optional<time_point> t;
  if (!m.conn_heap.empty()) t = m.conn_heap.front().when;
  if (!m.channel_heap.empty()) {
    const auto c = m.channel_heap.front().when;
    if (!t || c < *t) t = c;
  }
  // After every event each FIFO's front is waiting only for its token (serve_queues).
  for (const token_bucket* b : {&m.publish_bucket, &m.connect_bucket}) {
    if (b->fifo.empty()) continue;
    const auto r = b->ready_at();
    if (!t || r < *t) t = r;
  }
  return t;
}

bool relay_core::disconnect(connection_id id, std::uint16_t code,
                            std::string_view reason) noexcept {
  auto& m = *impl_;
  connection* c = m.find_connection(id);
  if (c == nullptr) return false;
  m.close_connection(c, code, reason);
  m.finish_event();
  return true;
}

std::size_t relay_core::disconnect_all(std::uint16_t code, std::string_view reason) noexcept {
  auto& m = *impl_;
  std::vector<connection_id> ids;
  ids.reserve(m.connections.size());
  for (const auto& kv : m.connections) ids.push_back(kv.first);
  std::sort(ids.begin(), ids.end());
  for (const auto id : ids) {
    if (connection* c = m.find_connection(id)) m.close_connection(c, code, reason);
  }
  m.finish_event();
  return ids.size();
}

std::vector<connection_id> relay_core::drop_fraction(double fraction, std::uint64_t seed,
                                                     std::uint16_t code, std::string_view reason) {
  auto& m = *impl_;
  if (!(fraction > 0.0)) return {};  // also NaN
  fraction = std::min(fraction, 1.0);
  std::vector<connection_id> ids;
  ids.reserve(m.connections.size());
  for (const auto& kv : m.connections) ids.push_back(kv.first);
  std::sort(ids.begin(), ids.end());
  const auto n = ids.size();
  const auto k = std::min<std::size_t>(
      n, static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n))));
  // Partial Fisher–Yates with our own generator: std::shuffle is not reproducible across
  // standard libraries.
  std::uint64_t state = seed;
  for (std::size_t i = 0; i < k; ++i) {
    const auto j = i + static_cast<std::size_t>(splitmix64(state) % (n - i));
    std::swap(ids[i], ids[j]);
  }
  ids.resize(k);
  std::sort(ids.begin(), ids.end());
  for (const auto id : ids) {
    if (connection* c = m.find_connection(id)) m.close_connection(c, code, reason);
  }
  m.finish_event();
  return ids;
}

void relay_core::pause_delivery() noexcept { impl_->paused = true; }

void relay_core::resume_delivery() noexcept {
  auto& m = *impl_;
  m.paused = false;
  for (const auto id : m.held_conns) {
    connection* c = m.find_connection(id);
    if (c == nullptr || c->held.empty()) continue;
    for (const auto& h : c->held) m.begin_message(c).append(*h.message);
    m.counters.pushes_held -= c->held.size();
    c->held.clear();
  }
  m.held_conns.clear();
  m.finish_event();
}

bool relay_core::delivery_paused() const noexcept { return impl_->paused; }

void relay_core::reset_streams() noexcept {
  auto& m = *impl_;
  // No stream is left to expire, so no channel deadline is needed any more.
  m.channel_heap.clear();
  for (auto it = m.channels.begin(); it != m.channels.end();) {
    channel_state* ch = it->second.get();
    ch->heap_refs = 0;
    ch->armed_at = time_point::max();
    ch->has_stream = false;
    ch->epoch.clear();
    ch->top = 0;
    ch->pubs.clear();
    if (m.erasable(ch)) {
      it = m.channels.erase(it);
    } else {
      ++it;
    }
  }
  m.finish_event();
}

relay_stats relay_core::stats() const {
  const auto& m = *impl_;
  relay_stats s = m.counters;
  s.connections_current = m.connections.size();
  s.connections_connected = m.connected_count;
  s.channels = m.channels.size();
  // O(channels), but only per stats() call (a scrape, a test), never per command.
  for (const auto& [name, ch] : m.channels) {
    if (!ch->has_stream) continue;
    ++s.history_channels;
    s.history_publications += ch->pubs.size();
  }
  return s;
}

const relay_config& relay_core::config() const noexcept { return impl_->config; }

std::string relay_core::client_id_of(connection_id id) const {
  const connection* c = impl_->find_connection(id);
  return c == nullptr ? std::string() : c->client_id;
}

}  // namespace relayload::relay
