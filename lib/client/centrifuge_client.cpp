#include "relayload/client/centrifuge_client.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "context_impl.hpp"
#include "relayload/client/reconnect_decision.hpp"
#include "relayload/error.hpp"
#include "relayload/wire/command_encoder.hpp"
#include "relayload/wire/frame.hpp"

namespace relayload::client {

using time_point = std::chrono::steady_clock::time_point;
namespace {

constexpr time_point never = time_point::max();

time_point add(time_point t, std::chrono::milliseconds d) noexcept {
  return d.count() <= 0 || t == never ? never : t + d;
}

bool is_real_close_code(std::uint16_t code) noexcept {
  return code != net::close_code::none && code != net::close_code::no_status &&
         code != net::close_code::abnormal;
}

}  // namespace

const char* to_string(client_state s) noexcept {
  switch (s) {
    case client_state::idle:
      return "idle";
    case client_state::connecting:
      return "connecting";
    case client_state::connected:
      return "connected";
    case client_state::waiting:
      return "waiting";
    case client_state::closing:
      return "closing";
    case client_state::stopped:
      return "stopped";
  }
  return "unknown";
}

const char* to_string(stop_reason r) noexcept {
  switch (r) {
    case stop_reason::closed:
      return "closed";
    case stop_reason::aborted:
      return "aborted";
    case stop_reason::terminal:
      return "terminal";
    case stop_reason::gave_up:
      return "gave_up";
    case stop_reason::invalid:
      return "invalid";
  }
  return "unknown";
}

class centrifuge_client::impl final : public transport_handler,
                                      public timer_target,
                                      public std::enable_shared_from_this<impl> {
 public:
  impl(client_context::impl& ctx, std::shared_ptr<const client_options> options, std::uint64_t seed)
      : ctx_(ctx), opts_(std::move(options)), backoff_(seed) {
    slot_ = ctx_.add_target(this);
  }

  ~impl() {
    if (!detached_) ctx_.remove_target(slot_);
  }

  // ---- public API ----------------------------------------------------------------------

  std::error_code connect(time_point intended, std::optional<asio::ip::address> source) {
    if (detached_) return make_error_code(errc::invalid_argument);
    if (state_ != client_state::idle && state_ != client_state::stopped) {
      return make_error_code(errc::invalid_argument);
    }
    if (!opts_ || !opts_->validate().empty()) return make_error_code(errc::invalid_argument);
    guard g(this);
    const time_point now = ctx_.now();
    source_ = source;
    outcome_ = connect_outcome{};
    outcome_.intended = intended;
    outcome_.started = now;
    outcome_pending_ = true;
    ever_connected_ = false;
    give_up_at_ = add(now, opts_->give_up_after);
    reconnect_give_up_at_ = never;
    backoff_.reset();
    start_attempt(now);
    schedule_wake();
    return {};
  }

  void close(bool abort_now) noexcept {
    if (detached_) return;
    if (state_ == client_state::closing && abort_now && close_reason_ != stop_reason::aborted) {
      // abort() after close(): stop waiting for the peer's close frame.
      close_reason_ = stop_reason::aborted;
      if (transport_) transport_->abort();
      return;
    }
    if (state_ == client_state::idle || state_ == client_state::stopped ||
        state_ == client_state::closing) {
      return;
    }
    guard g(this);
    ++session_;
    state_ = client_state::closing;
    close_reason_ = abort_now ? stop_reason::aborted : stop_reason::closed;
    open_ = false;
    no_ping_at_ = never;
    reconnect_at_ = never;
    bool waits_for_transport = closing_transport_;
    if (transport_ && !closing_transport_) {
      const auto st = transport_->state();
      if (st == net::ws_client_state::open && !abort_now) {
        waits_for_transport = !transport_->close();
      } else if (st == net::ws_client_state::connecting || st == net::ws_client_state::open ||
                 st == net::ws_client_state::closing) {
        waits_for_transport = !transport_->abort();
      }
    } else if (transport_ && closing_transport_ && abort_now) {
      transport_->abort();
    }
    closing_transport_ = false;
    deferred_attempt_ = false;
    if (!waits_for_transport) {
      // Nothing to wait for: finish from the event loop, never inside close().
      asio::post(ctx_.io(), [weak = weak_from_this(), s = session_] {
        const auto self = weak.lock();
        if (self && !self->detached_ && self->session_ == s &&
            self->state_ == client_state::closing) {
          guard inner(self.get());
          self->finish_stop(self->close_reason_, cancelled_error(self->ctx_.now()));
        }
      });
    }
  }

  void drop() noexcept {
    if (detached_ || state_ != client_state::connected) return;
    // Events never run inside the public call: lose the connection from the event loop.
    asio::post(ctx_.io(), [weak = weak_from_this(), s = session_] {
      const auto self = weak.lock();
      if (!self || self->detached_ || self->session_ != s ||
          self->state_ != client_state::connected) {
        return;
      }
      guard g(self.get());
      client_error e;
      e.error = make_error_code(errc::cancelled);
      e.at = self->ctx_.now();
      self->lose_connection(e, "dropped by the client", true, false, e.at);
    });
  }

  void subscribe(std::string_view channel, subscription_callbacks cbs, call_handler done,
                 subscribe_options o) {
    if (detached_) return;
    guard g(this);
    const time_point now = ctx_.now();
    if (find_sub(channel) != nullptr || channel.empty()) {
      post_handler(std::move(done), make_error_code(errc::invalid_argument), now, 0);
      return;
    }
    auto sub = std::make_unique<subscription>();
    sub->channel.assign(channel);
    sub->callbacks = std::move(cbs);
    sub->options = o;
    sub->first_handler = std::move(done);
    sub->requested = now;
    subscription* s = sub.get();
    subs_.push_back(std::move(sub));
    if (open_) {
      std::string& f = ctx_.scratch();
      append_subscribe(f, *s, now);
      send_frame(f);
    }
    schedule_wake();
  }

  void unsubscribe(std::string_view channel, call_handler done) {
    if (detached_) return;
    guard g(this);
    const time_point now = ctx_.now();
    subscription* s = find_sub(channel);
    if (s == nullptr) {
      post_handler(std::move(done), make_error_code(errc::invalid_argument), now, 0);
      return;
    }
    const bool server_has_it = s->state == sub_state::subscribed || s->inflight;
    if (s->first_handler) {
      post_handler(std::move(s->first_handler), make_error_code(errc::cancelled), now, 0);
      s->first_handler = nullptr;
    }
    remove_sub(s);
    if (server_has_it && open_) {
      // centrifuge-js sends unsubscribe only while the transport is open.
      pending_call c;
      c.kind = wire::method::unsubscribe;
      c.requested = now;
      c.handler = std::move(done);
      const std::string ch(channel);
      send_call(std::move(c), [&](std::string& f, std::uint32_t id) {
        wire::append_command(f, id, wire::unsubscribe_request{ch});
      });
    } else {
      post_handler(std::move(done), {}, now, 0);
    }
    schedule_wake();
  }

  void publish(std::string_view channel, std::string_view data, call_handler done) {
    if (detached_) return;
    guard g(this);
    queued_call q;
    q.kind = wire::method::publish;
    q.channel.assign(channel);
    q.data.assign(data);
    q.handler = std::move(done);
    submit(std::move(q));
  }

  void history(std::string_view channel, const history_options& o, call_handler done) {
    if (detached_) return;
    guard g(this);
    queued_call q;
    q.kind = wire::method::history;
    q.channel.assign(channel);
    q.history = o;
    q.handler = std::move(done);
    submit(std::move(q));
  }

  /// The owning centrifuge_client is gone: no event may run any more.
  void detach() noexcept {
    if (detached_) return;
    detached_ = true;
    ctx_.remove_target(slot_);
    if (transport_) {
      transport_->set_handler(nullptr);
      transport_->abort();
    }
  }

  // ---- inspection ----------------------------------------------------------------------

  client_state state() const noexcept { return state_; }
  std::uint32_t next_id() const noexcept { return next_id_; }
  std::string_view server_client_id() const noexcept { return server_client_id_; }
  std::uint32_t ping_seconds() const noexcept { return ping_seconds_; }
  bool pong() const noexcept { return pong_; }
  std::size_t pending() const noexcept { return calls_.size() + queued_.size(); }
  std::size_t subscription_count() const noexcept {
    std::size_t n = 0;
    for (const auto& s : subs_) n += s->state != sub_state::removed ? 1 : 0;
    return n;
  }
  std::optional<stream_position_info> position(std::string_view channel) const {
    for (const auto& s : subs_) {
      if (s->state != sub_state::removed && s->channel == channel) {
        return stream_position_info{s->recover, s->offset, s->epoch};
      }
    }
    return std::nullopt;
  }
  std::uint64_t attempts() const noexcept { return attempts_total_; }
  const client_options& options() const noexcept { return *opts_; }
  time_point now() const noexcept { return ctx_.now(); }

  client_callbacks callbacks_;
  void set_connection_index(std::uint64_t index) noexcept { connection_index_ = index; }

 private:
  enum class sub_state : std::uint8_t { subscribing, subscribed, removed };

  struct subscription {
    std::string channel;
    subscription_callbacks callbacks;
    subscribe_options options;
    sub_state state = sub_state::subscribing;
    bool inflight = false;
    bool recover = false;
    bool ever_subscribed = false;
    std::uint64_t offset = 0;
    std::string epoch;
    std::uint32_t resub_step = 0;
    time_point resub_at = never;
    time_point requested{};
    call_handler first_handler;
  };

  struct pending_call {
    std::uint32_t id = 0;
    wire::method kind = wire::method::connect;
    time_point deadline = never;
    time_point requested{};
    time_point sent{};
    call_handler handler;
    subscription* sub = nullptr;
  };

  struct queued_call {
    wire::method kind = wire::method::publish;
    std::string channel;
    std::string data;
    history_options history;
    time_point requested{};
    time_point deadline = never;
    call_handler handler;
  };

  /// Keeps the client alive through an entry point (a callback may destroy the owner) and
  /// erases removed subscriptions once no frame of ours is on the stack.
  struct guard {
    explicit guard(impl* p) : self(p->shared_from_this()) { ++self->depth_; }
    ~guard() {
      if (--self->depth_ == 0) self->purge_removed();
    }
    guard(const guard&) = delete;
    guard& operator=(const guard&) = delete;
    std::shared_ptr<impl> self;
  };

  // ---- transport events ----------------------------------------------------------------

  void on_transport_open(const net::connect_timings& timings) override {
    if (detached_ || state_ != client_state::connecting) return;
    guard g(this);
    const time_point now = ctx_.now();
    timings_ = timings;
    open_ = true;
    // connect first, then every subscription waiting for the connection: one frame, as
    // centrifuge-js batches them between startBatching() and stopBatching() (C8a).
    std::string& f = ctx_.scratch();
    pending_call c;
    c.id = next_id_++;
    c.kind = wire::method::connect;
    c.requested = now;
    c.sent = now;
    c.deadline = add(now, opts_->call_timeout);
    wire::connect_request req;
    req.name = opts_->name;
    req.version = opts_->version;
    if (opts_->token_provider) {
      token_ = opts_->token_provider(connection_index_);
      req.token = token_;
    } else {
      req.token = opts_->token;
    }
    wire::append_command(f, c.id, req);
    calls_.push_back(std::move(c));
    for (auto& s : subs_) {
      if (s->state == sub_state::subscribing && !s->inflight) append_subscribe(f, *s, now);
    }
    send_frame(f);
    schedule_wake();
  }

  void on_transport_message(std::string_view text) override {
    handle_message(text, wire::utf8_input::unchecked);
  }
  void on_transport_validated_message(std::string_view text) override {
    handle_message(text, wire::utf8_input::validated);
  }

  void handle_message(std::string_view text, wire::utf8_input input) {
    if (detached_ || !open_) return;
    if (state_ != client_state::connecting && state_ != client_state::connected) return;
    guard g(this);
    const time_point now = ctx_.now();
    if (state_ == client_state::connected) rearm_watchdog(now);
    auto decoder = ctx_.lease_decoder();
    const std::error_code ec = decoder->decode(text, input);
    const std::uint64_t session = session_;
    for (const wire::server_message& m : decoder->messages()) {
      if (const wire::reply* r = m.get_reply()) {
        handle_reply(*r, now);
      } else if (const wire::push* p = m.get_push()) {
        handle_push(*p, now);
      } else if (state_ == client_state::connected && pong_) {
        // One pong per ping, in its own frame (never batched, never with an id).
        std::string& f = ctx_.scratch();
        wire::append_pong(f);
        send_frame(f);
      }
      if (detached_ || session_ != session) return;
    }
    if (ec) {
      // centrifuge-js fails on undecodable input; the connection cannot be trusted.
      client_error e;
      e.error = ec;
      e.at = now;
      lose_connection(e, "", true, false, now);
    }
  }

  void on_transport_close(const net::close_info& info) override {
    if (detached_) return;
    guard g(this);
    const time_point now = ctx_.now();
    if (state_ == client_state::closing) {
      finish_stop(close_reason_, cancelled_error(now));
      return;
    }
    if (closing_transport_) {
      // The end of a connection we had already given up on.
      closing_transport_ = false;
      if (deferred_attempt_) {
        deferred_attempt_ = false;
        start_attempt(now);
        schedule_wake();
      }
      return;
    }
    if (state_ != client_state::connecting && state_ != client_state::connected) return;
    client_error e;
    e.at = now;
    bool reconnect = true;
    if (is_real_close_code(info.remote_code)) {
      e.error = make_error_code(errc::disconnected);
      e.close_code = info.remote_code;
      reconnect = on_close_code(info.remote_code) == reconnect_decision::reconnect;
    } else if (info.error) {
      e.error = info.error;
      // A cause no retry can fix ends the client at once (counted once, under its cause).
      reconnect = on_attempt_failure(info) == reconnect_decision::reconnect;
    } else if (info.local_code == net::close_code::message_too_big) {
      // We refused a frame above max_frame_size (and closed with 1009): say so.
      e.error = make_error_code(errc::frame_too_large);
    } else {
      e.error = make_error_code(errc::disconnected);
      e.close_code = info.remote_code == net::close_code::no_status ? info.remote_code : 0;
    }
    lose_connection(e, info.remote_reason, reconnect, true, now, &info);
  }

  // ---- timer ---------------------------------------------------------------------------

  void on_deadline(time_point now) override {
    if (detached_) return;
    guard g(this);
    wake_at_ = never;
    const std::uint64_t session = session_;
    if (outcome_pending_ && give_up_at_ <= now &&
        (state_ == client_state::connecting || state_ == client_state::waiting)) {
      give_up(now);
      return;
    }
    if (state_ == client_state::waiting && reconnect_give_up_at_ <= now) {
      give_up(now);
      return;
    }
    if (state_ == client_state::waiting && reconnect_at_ <= now) {
      reconnect_at_ = never;
      start_attempt(now);
    }
    if (state_ == client_state::connected && no_ping_at_ <= now) {
      client_error e;
      e.error = make_error_code(errc::no_ping);
      e.at = now;
      lose_connection(e, "no ping", true, false, now);
      if (detached_) return;
    }
    if (session_ == session) expire_calls(now);
    if (detached_) return;
    expire_queued(now);
    if (detached_) return;
    if (state_ == client_state::connected) {
      std::string* frame = nullptr;
      for (auto& s : subs_) {
        if (s->state == sub_state::subscribing && !s->inflight && s->resub_at <= now) {
          s->resub_at = never;
          if (frame == nullptr) frame = &ctx_.scratch();
          append_subscribe(*frame, *s, now);
        }
      }
      if (frame != nullptr) send_frame(*frame);
    }
    schedule_wake();
  }

  // ---- connection life -----------------------------------------------------------------

  void start_attempt(time_point now) {
    state_ = client_state::connecting;
    open_ = false;
    ++session_;
    ++attempts_total_;
    if (outcome_pending_) ++outcome_.attempts;
    if (!transport_) {
      transport_ = ctx_.make_transport();
      transport_->set_handler(this);
    }
    const auto st = transport_->state();
    if (closing_transport_ || st == net::ws_client_state::connecting ||
        st == net::ws_client_state::open || st == net::ws_client_state::closing) {
      // The previous connection has not ended yet (its close handshake is slow): cut it
      // and connect as soon as it reports its end.
      deferred_attempt_ = true;
      closing_transport_ = true;
      transport_->abort();
      return;
    }
    net::ws_connect_options o;
    o.connect_timeout = opts_->call_timeout;
    o.source_address = source_;
    o.origin = opts_->origin;
    o.compression = opts_->compression;  // --compression
    const std::error_code ec = transport_->connect(opts_->url, o);
    if (ec) {
      // No transport event follows; report the failure from the event loop.
      asio::post(ctx_.io(), [weak = weak_from_this(), s = session_, ec] {
        const auto self = weak.lock();
        if (!self || self->detached_ || self->session_ != s ||
            self->state_ != client_state::connecting) {
          return;
        }
        guard g(self.get());
        client_error e;
        e.error = ec;
        e.at = self->ctx_.now();
        const bool retry = ec != make_error_code(errc::invalid_argument);
        self->lose_connection(e, "", retry, true, e.at);
      });
    }
    (void)now;
  }

  /// The connection (or attempt) is over: fail what was in flight, move subscriptions back
  /// to subscribing, close the transport if it is still up, then reconnect or stop.
  /// `transport`: how the WebSocket ended, when its end is the cause (for on_attempt_failed).
  void lose_connection(const client_error& cause, std::string_view reason, bool reconnect,
                       bool transport_ended, time_point now,
                       const net::close_info* transport = nullptr) {
    const bool established = state_ == client_state::connected;
    const std::uint64_t session = ++session_;
    open_ = false;
    no_ping_at_ = never;
    pong_ = false;
    std::vector<pending_call> failed;
    failed.swap(calls_);
    for (auto& s : subs_) {
      if (s->state == sub_state::removed) continue;
      s->state = sub_state::subscribing;
      s->inflight = false;
      s->resub_at = never;
    }
    if (!transport_ended) end_transport();
    if (established) lost_at_ = cause.at;
    if (reconnect) {
      state_ = client_state::waiting;
      reconnect_at_ = now + backoff_.next(opts_->reconnect);
      if (established) reconnect_give_up_at_ = add(now, opts_->reconnect_give_up_after);
    } else {
      state_ = client_state::stopped;  // finish_stop below completes it
    }

    // Events only once the state is consistent: a callback may call (or destroy) us.
    if (established) {
      if (callbacks_.on_disconnected) {
        callbacks_.on_disconnected(disconnected_info{cause, reason, reconnect});
        if (detached_) return;
      }
    } else {
      if (outcome_pending_ && reconnect) {
        ++outcome_.retries;
        if (outcome_.errors.size() < opts_->max_recorded_errors) outcome_.errors.push_back(cause);
      }
      if (callbacks_.on_attempt_failed) {
        callbacks_.on_attempt_failed(cause, transport, reconnect);
        if (detached_) return;
      }
      if (callbacks_.on_error) {
        callbacks_.on_error(cause);
        if (detached_) return;
      }
    }
    for (auto& c : failed) {
      fail_call(c, make_error_code(errc::disconnected), now);
      if (detached_) return;
    }
    if (!reconnect && session_ == session) {
      finish_stop(stop_reason::terminal, cause);
      return;
    }
    schedule_wake();
  }

  void give_up(time_point now) {
    client_error e;
    e.error = make_error_code(errc::connect_timeout);
    e.at = now;
    ++session_;
    end_transport();
    finish_stop(stop_reason::gave_up, e);
  }

  /// Closes or aborts the transport in the background; its on_close is then ignored.
  void end_transport() noexcept {
    if (!transport_ || closing_transport_) return;
    const auto st = transport_->state();
    std::error_code ec = make_error_code(errc::disconnected);
    if (st == net::ws_client_state::open) {
      ec = transport_->close();  // no status code, as centrifuge-js
    } else if (st == net::ws_client_state::connecting || st == net::ws_client_state::closing) {
      ec = transport_->abort();
    }
    closing_transport_ = !ec;
  }

  /// Final state: fail everything pending, end subscriptions, report the outcome (if still
  /// pending) and on_stopped. Runs from an event, never inside a public call.
  void finish_stop(stop_reason why, const client_error& cause) {
    const time_point now = cause.at;
    ++session_;
    state_ = client_state::stopped;
    open_ = false;
    no_ping_at_ = never;
    reconnect_at_ = never;
    give_up_at_ = never;
    reconnect_give_up_at_ = never;
    std::vector<pending_call> failed;
    failed.swap(calls_);
    std::vector<queued_call> queued;
    queued.swap(queued_);
    std::vector<subscription*> ended;
    for (auto& s : subs_) {
      if (s->state == sub_state::removed) continue;
      ended.push_back(s.get());
    }
    const bool report_outcome = outcome_pending_;
    outcome_pending_ = false;

    const std::error_code gone = make_error_code(errc::disconnected);
    for (auto& c : failed) {
      fail_call(c, gone, now);
      if (detached_) return;
    }
    for (auto& q : queued) {
      call_reply r;
      r.requested = q.requested;
      r.done = now;
      if (q.handler) q.handler(gone, r);
      if (detached_) return;
    }
    for (subscription* s : ended) {
      if (s->state == sub_state::removed) continue;
      if (s->first_handler) {
        call_reply r;
        r.requested = s->requested;
        r.done = now;
        auto h = std::move(s->first_handler);
        s->first_handler = nullptr;
        h(gone, r);
        if (detached_) return;
      }
      if (s->state == sub_state::removed) continue;
      auto cb = s->callbacks.on_unsubscribed;
      remove_sub(s);
      if (cb) {
        cb(unsubscribed_info{s->channel, gone, 0});
        if (detached_) return;
      }
    }
    if (report_outcome) {
      outcome_.kind = outcome_kind::failed;
      outcome_.cause = cause;
      outcome_.finished = now;
      if (callbacks_.on_outcome) {
        callbacks_.on_outcome(outcome_);
        if (detached_) return;
      }
      if (!outcome_pending_) release_outcome_errors();
    }
    if (state_ != client_state::stopped) return;  // a callback already started again
    if (callbacks_.on_stopped) callbacks_.on_stopped(why, cause);
  }

  // ---- replies and pushes --------------------------------------------------------------

  void handle_reply(const wire::reply& r, time_point now) {
    auto it = std::find_if(calls_.begin(), calls_.end(),
                           [&](const pending_call& c) { return c.id == r.id; });
    if (it == calls_.end()) return;  // unknown ids are ignored (centrifuge-js)
    pending_call c = std::move(*it);
    calls_.erase(it);
    switch (c.kind) {
      case wire::method::connect:
        handle_connect_reply(r, now);
        return;
      case wire::method::subscribe:
        handle_subscribe_reply(c, r, now);
        return;
      case wire::method::unsubscribe: {
        const bool failed = r.is_error();
        complete(c, r, now);
        if (failed && !detached_ && state_ == client_state::connected) {
          client_error e = server_error_of(r, now);
          lose_connection(e, "unsubscribe error", true, false, now);
        }
        return;
      }
      default:
        complete(c, r, now);
        return;
    }
  }

  void handle_connect_reply(const wire::reply& r, time_point now) {
    if (state_ != client_state::connecting) return;
    if (const auto* err = r.get<wire::error_info>()) {
      const client_error e = server_error_of(r, now);
      const bool retry =
          on_connect_error(err->code, err->temporary) == reconnect_decision::reconnect;
      lose_connection(e, err->message, retry, false, now);
      return;
    }
    const auto* cr = r.get<wire::connect_result>();
    if (cr == nullptr) return;
    state_ = client_state::connected;
    backoff_.reset();
    ping_seconds_ = cr->ping;
    pong_ = cr->pong;
    server_client_id_.assign(cr->client);
    reconnect_give_up_at_ = never;
    rearm_watchdog(now);
    send_waiting_subscribes(now);

    const std::uint64_t session = session_;
    const bool reconnect = ever_connected_;
    ever_connected_ = true;
    if (outcome_pending_) {
      outcome_pending_ = false;
      give_up_at_ = never;
      outcome_.kind = classify_outcome(true, outcome_.retries);
      outcome_.finished = now;
      outcome_.timings = timings_;
      if (callbacks_.on_outcome) {
        callbacks_.on_outcome(outcome_);
        if (detached_ || session_ != session) return;
      }
      release_outcome_errors();
    }
    if (callbacks_.on_connected) {
      connected_info info;
      info.reconnect = reconnect;
      info.at = now;
      info.lost_at = reconnect ? lost_at_ : time_point{};
      info.client_id = server_client_id_;
      info.ping_seconds = ping_seconds_;
      info.pong = pong_;
      info.timings = timings_;
      callbacks_.on_connected(info);
      if (detached_ || session_ != session) return;
    }
    // Calls made while connecting go out now, each in its own frame, in call order.
    std::vector<queued_call> queued;
    queued.swap(queued_);
    for (std::size_t i = 0; i < queued.size(); ++i) {
      if (detached_) return;
      if (session_ != session || state_ != client_state::connected) {
        // Lost again inside a callback: the rest wait for the next connection.
        for (std::size_t j = i; j < queued.size(); ++j) queued_.push_back(std::move(queued[j]));
        break;
      }
      send_queued(std::move(queued[i]), now);
    }
    schedule_wake();
  }

  void handle_subscribe_reply(pending_call& c, const wire::reply& r, time_point now) {
    subscription* s = c.sub;
    if (s == nullptr || s->state != sub_state::subscribing) return;
    s->inflight = false;
    const std::uint64_t session = session_;
    if (const auto* err = r.get<wire::error_info>()) {
      const bool retry =
          on_subscribe_error(err->code, err->temporary) == reconnect_decision::reconnect;
      if (retry) {
        s->resub_at =
            now + backoff::delay(opts_->resubscribe, s->resub_step, backoff_.next_random());
        if (s->resub_step < 31) ++s->resub_step;
      } else {
        remove_sub(s);
      }
      if (s->first_handler) {
        auto h = std::move(s->first_handler);
        s->first_handler = nullptr;
        invoke(h, make_error_code(errc::server_error), c, &r, now);
        if (detached_ || session_ != session) return;
      }
      if (!retry && s->callbacks.on_unsubscribed) {
        s->callbacks.on_unsubscribed(
            unsubscribed_info{s->channel, make_error_code(errc::server_error), err->code});
      }
      if (!detached_) schedule_wake();
      return;
    }
    const auto* sr = r.get<wire::subscribe_result>();
    if (sr == nullptr) return;
    s->state = sub_state::subscribed;
    s->resub_step = 0;
    s->resub_at = never;
    if (sr->recoverable) {
      s->recover = true;
      s->offset = sr->offset;
      s->epoch.assign(sr->epoch);
    }
    const bool first = !s->ever_subscribed;
    s->ever_subscribed = true;
    if (s->first_handler) {
      auto h = std::move(s->first_handler);
      s->first_handler = nullptr;
      invoke(h, {}, c, &r, now);
      if (detached_ || session_ != session || s->state != sub_state::subscribed) return;
    }
    if (s->callbacks.on_subscribed) {
      subscribed_info info;
      info.channel = s->channel;
      info.was_recovering = sr->was_recovering;
      info.recovered = sr->recovered;
      info.recovered_publications = sr->publications.size();
      info.offset = s->offset;
      info.epoch = s->epoch;
      info.first = first;
      s->callbacks.on_subscribed(info);
      if (detached_ || session_ != session || s->state != sub_state::subscribed) return;
    }
    for (const wire::publication& p : sr->publications) {
      deliver(*s, p);
      if (detached_ || session_ != session || s->state != sub_state::subscribed) return;
    }
  }

  void handle_push(const wire::push& p, time_point now) {
    switch (p.kind()) {
      case wire::push_kind::pub: {
        subscription* s = find_sub(p.channel);
        if (s != nullptr) deliver(*s, *p.get<wire::publication>());
        return;
      }
      case wire::push_kind::unsubscribe: {
        subscription* s = find_sub(p.channel);
        if (s == nullptr) return;
        const auto& u = *p.get<wire::unsubscribe_push>();
        if (on_unsubscribe_push(u.code) == reconnect_decision::reconnect) {
          // Resubscribe at once, with recovery (insufficient state, 2500).
          s->state = sub_state::subscribing;
          s->inflight = false;
          if (open_ && state_ == client_state::connected) {
            std::string& f = ctx_.scratch();
            append_subscribe(f, *s, now);
            send_frame(f);
            schedule_wake();
          }
        } else {
          auto cb = s->callbacks.on_unsubscribed;
          remove_sub(s);
          if (cb) cb(unsubscribed_info{s->channel, make_error_code(errc::disconnected), u.code});
        }
        return;
      }
      case wire::push_kind::disconnect: {
        const auto& d = *p.get<wire::disconnect_push>();
        client_error e;
        e.error = make_error_code(errc::disconnected);
        e.close_code = static_cast<std::uint16_t>(std::min<std::uint32_t>(d.code, 65535));
        e.at = now;
        const bool retry = on_disconnect_push(d.code) == reconnect_decision::reconnect;
        lose_connection(e, d.reason, retry, false, now);
        return;
      }
      default:
        return;  // join/leave/message/subscribe/connect/refresh: unused by these clients
    }
  }

  void deliver(subscription& s, const wire::publication& p) {
    if (p.offset > 0) s.offset = p.offset;
    if (s.callbacks.on_publication) s.callbacks.on_publication(p);
  }

  // ---- calls ---------------------------------------------------------------------------

  void submit(queued_call q) {
    const time_point now = ctx_.now();
    q.requested = now;
    if (state_ == client_state::connected) {
      send_queued(std::move(q), now);
    } else if (state_ == client_state::connecting || state_ == client_state::waiting) {
      // centrifuge-js _methodCall: wait for the connection, bounded by the timeout.
      q.deadline = add(now, opts_->call_timeout);
      queued_.push_back(std::move(q));
    } else {
      post_handler(std::move(q.handler), make_error_code(errc::disconnected), now, 0);
      return;
    }
    schedule_wake();
  }

  void send_queued(queued_call q, time_point now) {
    pending_call c;
    c.kind = q.kind;
    c.requested = q.requested;
    c.handler = std::move(q.handler);
    if (q.kind == wire::method::publish) {
      send_call(std::move(c), [&](std::string& f, std::uint32_t id) {
        wire::append_publish(f, id, q.channel, q.data);
      });
    } else {
      send_call(std::move(c), [&](std::string& f, std::uint32_t id) {
        wire::history_request h;
        h.channel = q.channel;
        h.limit = q.history.limit;
        h.reverse = q.history.reverse;
        if (q.history.since)
          h.since = wire::stream_position{q.history.since->offset, q.history.since->epoch};
        wire::append_command(f, id, h);
      });
    }
    (void)now;
  }

  template <class Encode>
  void send_call(pending_call c, Encode&& encode) {
    const time_point now = ctx_.now();
    c.id = next_id_++;
    c.sent = now;
    c.deadline = add(now, opts_->call_timeout);
    std::string& f = ctx_.scratch();
    encode(f, c.id);
    const std::error_code ec =
        transport_ ? transport_->send(f) : make_error_code(errc::disconnected);
    if (ec) {
      post_handler(std::move(c.handler), make_error_code(errc::disconnected), now, c.id);
      return;
    }
    calls_.push_back(std::move(c));
    schedule_wake();
  }

  void append_subscribe(std::string& f, subscription& s, time_point now) {
    wire::subscribe_request req;
    req.channel = s.channel;
    req.positioned = s.options.positioned;
    req.recoverable = s.options.recoverable;
    req.flag = s.options.flag ? 1 : 0;
    if (s.recover) {
      req.recover = true;
      req.offset = s.offset;
      req.epoch = s.epoch;
    }
    pending_call c;
    c.id = next_id_++;
    c.kind = wire::method::subscribe;
    c.requested = s.requested;
    c.sent = now;
    c.deadline = add(now, opts_->call_timeout);
    c.sub = &s;
    wire::begin_message(f);
    wire::append_command(f, c.id, req);
    s.inflight = true;
    s.resub_at = never;
    calls_.push_back(std::move(c));
  }

  void send_waiting_subscribes(time_point now) {
    std::string* frame = nullptr;
    for (auto& s : subs_) {
      if (s->state == sub_state::subscribing && !s->inflight && s->resub_at == never) {
        if (frame == nullptr) frame = &ctx_.scratch();
        append_subscribe(*frame, *s, now);
      }
    }
    if (frame != nullptr) send_frame(*frame);
  }

  void send_frame(const std::string& f) {
    // A failed send means the transport is ending; its on_close will tell.
    if (transport_ && !f.empty()) (void)transport_->send(f);
  }

  void expire_calls(time_point now) {
    bool any = false;
    for (const auto& c : calls_) any = any || c.deadline <= now;
    if (!any) return;
    std::vector<pending_call> expired;
    for (auto it = calls_.begin(); it != calls_.end();) {
      if (it->deadline <= now) {
        expired.push_back(std::move(*it));
        it = calls_.erase(it);
      } else {
        ++it;
      }
    }
    bool reconnect = false;
    client_error e;
    e.error = make_error_code(errc::reply_timeout);
    e.at = now;
    for (auto& c : expired) {
      if (c.kind == wire::method::connect || c.kind == wire::method::subscribe ||
          c.kind == wire::method::unsubscribe) {
        // centrifuge-js: connect timeout → reconnect; subscribe timeout → full reconnect;
        // unsubscribe error → full reconnect.
        reconnect = true;
      }
    }
    const std::uint64_t session = session_;
    for (auto& c : expired) {
      if (c.kind == wire::method::connect) continue;
      fail_call(c, e.error, now);
      if (detached_ || session_ != session) return;
    }
    if (reconnect && (state_ == client_state::connecting || state_ == client_state::connected)) {
      lose_connection(e, "timeout", true, false, now);
    }
  }

  void expire_queued(time_point now) {
    bool any = false;
    for (const auto& q : queued_) any = any || q.deadline <= now;
    if (!any) return;
    std::vector<queued_call> expired;
    for (auto it = queued_.begin(); it != queued_.end();) {
      if (it->deadline <= now) {
        expired.push_back(std::move(*it));
        it = queued_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& q : expired) {
      call_reply r;
      r.requested = q.requested;
      r.done = now;
      if (q.handler) q.handler(make_error_code(errc::reply_timeout), r);
      if (detached_) return;
    }
  }

  /// A call ended without a reply.
  void fail_call(pending_call& c, std::error_code ec, time_point now) {
    if (c.kind == wire::method::subscribe) {
      subscription* s = c.sub;
      if (s == nullptr || !s->first_handler) return;
      auto h = std::move(s->first_handler);
      s->first_handler = nullptr;
      invoke(h, ec, c, nullptr, now);
      return;
    }
    if (c.handler) invoke(c.handler, ec, c, nullptr, now);
  }

  void complete(pending_call& c, const wire::reply& r, time_point now) {
    if (!c.handler) return;
    invoke(c.handler, r.is_error() ? make_error_code(errc::server_error) : std::error_code{}, c, &r,
           now);
  }

  static void invoke(const call_handler& h, std::error_code ec, const pending_call& c,
                     const wire::reply* r, time_point now) {
    call_reply out;
    out.id = c.id;
    out.requested = c.requested;
    out.sent = c.sent;
    out.done = now;
    out.reply = r;
    if (r != nullptr) {
      if (const auto* err = r->get<wire::error_info>()) {
        out.server_code = err->code;
        out.server_message = err->message;
        out.temporary = err->temporary;
      }
    }
    h(ec, out);
  }

  void post_handler(call_handler h, std::error_code ec, time_point now, std::uint32_t id) {
    if (!h) return;
    asio::post(ctx_.io(), [weak = weak_from_this(), h = std::move(h), ec, now, id] {
      const auto self = weak.lock();
      if (!self || self->detached_) return;
      guard g(self.get());
      call_reply r;
      r.id = id;
      r.requested = now;
      r.done = self->ctx_.now();
      h(ec, r);
    });
  }

  // ---- helpers -------------------------------------------------------------------------

  static client_error server_error_of(const wire::reply& r, time_point now) {
    client_error e;
    e.error = make_error_code(errc::server_error);
    e.at = now;
    if (const auto* err = r.get<wire::error_info>()) {
      e.server_code = err->code;
      e.temporary = err->temporary;
    }
    return e;
  }

  static client_error cancelled_error(time_point now) {
    client_error e;
    e.error = make_error_code(errc::cancelled);
    e.at = now;
    return e;
  }

  /// The error list was for the outcome event only; an idle client should not keep it.
  void release_outcome_errors() noexcept { std::vector<client_error>().swap(outcome_.errors); }

  void rearm_watchdog(time_point now) noexcept {
    // Only the value moves; the heap entry is re-registered when it fires early.
    if (ping_seconds_ > 0 && opts_->max_server_ping_delay.count() > 0) {
      no_ping_at_ = now + std::chrono::seconds(ping_seconds_) + opts_->max_server_ping_delay;
    } else {
      no_ping_at_ = never;
    }
  }

  void schedule_wake() {
    if (detached_) return;
    time_point next = never;
    auto take = [&](time_point t) { next = std::min(next, t); };
    if (outcome_pending_ &&
        (state_ == client_state::connecting || state_ == client_state::waiting)) {
      take(give_up_at_);
    }
    if (state_ == client_state::waiting) {
      take(reconnect_at_);
      take(reconnect_give_up_at_);
    }
    if (state_ == client_state::connected) {
      take(no_ping_at_);
      for (const auto& s : subs_) {
        if (s->state == sub_state::subscribing && !s->inflight) take(s->resub_at);
      }
    }
    for (const auto& c : calls_) take(c.deadline);
    for (const auto& q : queued_) take(q.deadline);
    if (next < wake_at_) {
      wake_at_ = next;
      ctx_.schedule(slot_, next);
    }
  }

  subscription* find_sub(std::string_view channel) noexcept {
    for (auto& s : subs_) {
      if (s->state != sub_state::removed && s->channel == channel) return s.get();
    }
    return nullptr;
  }

  void remove_sub(subscription* s) noexcept {
    s->state = sub_state::removed;
    s->inflight = false;
    for (auto& c : calls_) {
      if (c.sub == s) c.sub = nullptr;
    }
    if (depth_ == 0) purge_removed();
  }

  void purge_removed() noexcept {
    subs_.erase(std::remove_if(subs_.begin(), subs_.end(),
                               [](const std::unique_ptr<subscription>& s) {
                                 return s->state == sub_state::removed;
                               }),
                subs_.end());
  }

  client_context::impl& ctx_;
  std::shared_ptr<const client_options> opts_;
  std::unique_ptr<transport> transport_;
  std::uint32_t slot_ = 0;
  client_state state_ = client_state::idle;
  stop_reason close_reason_ = stop_reason::closed;
  bool detached_ = false;
  bool open_ = false;               // the transport is open and the connect frame was sent
  bool closing_transport_ = false;  // we ended the transport; its on_close is not news
  bool deferred_attempt_ = false;   // connect once that on_close arrives
  bool outcome_pending_ = false;
  bool ever_connected_ = false;
  bool pong_ = false;
  std::uint32_t ping_seconds_ = 0;
  std::uint32_t next_id_ = 1;
  std::uint32_t depth_ = 0;
  std::uint64_t session_ = 0;  // bumped whenever the connection is lost or closed
  std::uint64_t attempts_total_ = 0;
  std::uint64_t connection_index_ = 0;  // passed to client_options::token_provider
  std::string token_;                   // the provider's token for the current attempt
  backoff backoff_;
  time_point wake_at_ = never;
  time_point give_up_at_ = never;
  time_point reconnect_at_ = never;
  time_point reconnect_give_up_at_ = never;
  time_point no_ping_at_ = never;
  time_point lost_at_{};
  std::optional<asio::ip::address> source_;
  net::connect_timings timings_{};
  std::string server_client_id_;
  connect_outcome outcome_;
  std::vector<pending_call> calls_;
  std::vector<queued_call> queued_;
  std::vector<std::unique_ptr<subscription>> subs_;
};

// ---- centrifuge_client ------------------------------------------------------------------

centrifuge_client::centrifuge_client(client_context& context,
                                     std::shared_ptr<const client_options> options,
                                     std::uint64_t seed)
    : impl_(std::make_shared<impl>(context.get_impl(), std::move(options), seed)) {}

centrifuge_client::centrifuge_client(client_context& context, client_options options,
                                     std::uint64_t seed)
    : centrifuge_client(context, std::make_shared<const client_options>(std::move(options)), seed) {
}

centrifuge_client::~centrifuge_client() {
  if (impl_) impl_->detach();
}

client_callbacks& centrifuge_client::callbacks() noexcept { return impl_->callbacks_; }

void centrifuge_client::set_connection_index(std::uint64_t index) noexcept {
  impl_->set_connection_index(index);
}

std::error_code centrifuge_client::connect(clock::time_point intended,
                                           std::optional<asio::ip::address> source) {
  return impl_->connect(intended, source);
}

std::error_code centrifuge_client::connect() { return impl_->connect(impl_->now(), std::nullopt); }

void centrifuge_client::close() noexcept { impl_->close(false); }
void centrifuge_client::abort() noexcept { impl_->close(true); }
void centrifuge_client::drop() noexcept { impl_->drop(); }

void centrifuge_client::subscribe(std::string_view channel, subscription_callbacks callbacks,
                                  call_handler done, subscribe_options options) {
  impl_->subscribe(channel, std::move(callbacks), std::move(done), options);
}

void centrifuge_client::unsubscribe(std::string_view channel, call_handler done) {
  impl_->unsubscribe(channel, std::move(done));
}

void centrifuge_client::publish(std::string_view channel, std::string_view raw_data,
                                call_handler done) {
  impl_->publish(channel, raw_data, std::move(done));
}

void centrifuge_client::history(std::string_view channel, const history_options& options,
                                call_handler done) {
  impl_->history(channel, options, std::move(done));
}

client_state centrifuge_client::state() const noexcept { return impl_->state(); }
std::uint32_t centrifuge_client::next_command_id() const noexcept { return impl_->next_id(); }
std::string_view centrifuge_client::server_client_id() const noexcept {
  return impl_->server_client_id();
}
std::uint32_t centrifuge_client::server_ping_seconds() const noexcept {
  return impl_->ping_seconds();
}
bool centrifuge_client::pong_enabled() const noexcept { return impl_->pong(); }
std::size_t centrifuge_client::pending_calls() const noexcept { return impl_->pending(); }
std::size_t centrifuge_client::subscription_count() const noexcept {
  return impl_->subscription_count();
}
std::optional<stream_position_info> centrifuge_client::position(std::string_view channel) const {
  return impl_->position(channel);
}
std::uint64_t centrifuge_client::attempts() const noexcept { return impl_->attempts(); }
const client_options& centrifuge_client::options() const noexcept { return impl_->options(); }

}  // namespace relayload::client
