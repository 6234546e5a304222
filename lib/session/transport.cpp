#include "relayload/session/transport.hpp"

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "relayload/client/probe.hpp"
#include "relayload/error.hpp"
#include "relayload/wire/envelope.hpp"

namespace relayload::session {

const char* to_string(message_source s) noexcept {
  switch (s) {
    case message_source::live:
      return "live";
    case message_source::recovered:
      return "recovered";
    case message_source::history:
      return "history";
  }
  return "unknown";
}

std::vector<std::string> transport_options::validate() const {
  std::vector<std::string> problems;
  if (!client) {
    problems.emplace_back("The transport needs client options.");
  } else {
    for (auto& p : client->validate()) problems.push_back(std::move(p));
  }
  if (publish_attempts == 0) problems.emplace_back("A publish needs at least one attempt.");
  if (publish_backoff.count() < 0)
    problems.emplace_back("The publish backoff must not be negative.");
  if (subscribe_timeout.count() < 0) {
    problems.emplace_back("The subscribe timeout must not be negative.");
  }
  if (history_limit < 0) problems.emplace_back("The history limit must not be negative.");
  return problems;
}

class transport::impl : public std::enable_shared_from_this<transport::impl> {
 public:
  using time_point = clock::time_point;

  impl(scheduler& timers, nonce_store& nonces, std::string client_id,
       std::shared_ptr<const transport_options> options, std::uint64_t seed)
      : timers_(timers),
        nonces_(nonces),
        client_id_(std::move(client_id)),
        opts_(std::move(options)),
        client_(
            std::make_unique<client::centrifuge_client>(timers.context(), opts_->client, seed)) {
    if (!opts_->source_addresses.empty()) {
      source_ = opts_->source_addresses[seed % opts_->source_addresses.size()];
    }
  }

  // Called once the impl is owned by a shared_ptr (the callbacks hold weak references).
  void attach() {
    auto& cb = client_->callbacks();
    std::weak_ptr<impl> weak = weak_from_this();
    cb.on_outcome = [weak](const client::connect_outcome& o) {
      if (auto self = weak.lock()) self->on_outcome(o);
    };
    cb.on_connected = [weak](const client::connected_info& info) {
      if (auto self = weak.lock()) self->on_connected(info);
    };
    cb.on_disconnected = [weak](const client::disconnected_info& info) {
      if (auto self = weak.lock()) self->on_disconnected(info);
    };
    cb.on_stopped = [weak](client::stop_reason r, const client::client_error& e) {
      if (auto self = weak.lock()) self->on_stopped(r, e);
    };
    cb.on_attempt_failed = [weak](const client::client_error& e, const net::close_info* t,
                                  bool will_retry) {
      if (auto self = weak.lock()) self->on_attempt_failed(e, t, will_retry);
    };
  }

  // ---- public API ----------------------------------------------------------------------

  void connect(time_point intended, done_handler done) {
    if (detached_) return;
    if (disconnecting_) {
      post_done(std::move(done), make_error_code(errc::disconnected));
      return;
    }
    connect_done_ = std::move(done);
    connect_started_ = timers_.now();
    attempts_before_ = client_->attempts();
    const std::error_code ec = client_->connect(intended, source_);
    if (ec) {
      auto d = std::move(connect_done_);
      connect_done_ = nullptr;
      post_done(std::move(d), ec);
    }
  }

  void subscribe(std::string_view channel, done_handler done) {
    if (detached_) return;
    if (disconnecting_) {
      post_done(std::move(done), make_error_code(errc::disconnected));
      return;
    }
    if (sub* s = find(channel)) {
      if (s->subscribed) {
        post_done(std::move(done), {});
      } else if (done) {
        s->waiters.push_back(std::move(done));
      }
      return;
    }
    auto owned = std::make_unique<sub>();
    sub* s = owned.get();
    s->channel.assign(channel);
    s->generation = ++sub_generation_;
    if (done) s->waiters.push_back(std::move(done));
    subs_.push_back(std::move(owned));

    std::weak_ptr<impl> weak = weak_from_this();
    const std::uint64_t gen = s->generation;
    client::subscription_callbacks cbs;
    cbs.on_publication = [weak, gen](const wire::publication& p) {
      if (auto self = weak.lock()) self->on_publication(gen, p);
    };
    cbs.on_subscribed = [weak, gen](const client::subscribed_info& info) {
      if (auto self = weak.lock()) self->on_subscribed(gen, info);
    };
    cbs.on_unsubscribed = [weak, gen](const client::unsubscribed_info& info) {
      if (auto self = weak.lock()) self->on_unsubscribed(gen, info);
    };
    client::subscribe_options so;
    so.flag = opts_->subscribe_flag;
    client_->subscribe(channel, std::move(cbs), {}, so);
    if (opts_->subscribe_timeout.count() > 0) {
      s->timeout = timers_.after(opts_->subscribe_timeout, [weak, gen] {
        if (auto self = weak.lock()) self->on_subscribe_timeout(gen);
      });
    }
  }

  void publish(std::string_view channel, std::string payload, publish_handler done) {
    if (detached_) return;
    ++stats_.publishes;
    outgoing o;
    o.id = next_out_id_++;
    o.channel.assign(channel);
    o.payload = std::move(payload);
    o.handler = std::move(done);
    o.info.requested = timers_.now();
    if (disconnecting_) {
      ++stats_.publish_dropped;
      o.info.done = o.info.requested;
      post_publish(std::move(o), make_error_code(errc::disconnected));
      return;
    }
    queue_.push_back(std::move(o));
    // Never sent from inside publish(): the head of the queue goes out from the event loop,
    // as the JS transport's async queue does.
    schedule_drain();
  }

  void clear(std::string_view channel) {
    if (detached_) return;
    nonces_.clear(channel);
    for (auto it = subs_.begin(); it != subs_.end(); ++it) {
      if ((*it)->channel != channel) continue;
      std::unique_ptr<sub> s = std::move(*it);
      subs_.erase(it);
      fail_waiters(*s, make_error_code(errc::cancelled));
      client_->unsubscribe(channel, {});
      return;
    }
  }

  void disconnect(done_handler done) {
    if (detached_) return;
    if (disconnecting_) {
      post_done(std::move(done), make_error_code(errc::disconnected));
      return;
    }
    disconnecting_ = true;
    drop_queue();
    for (auto& s : subs_) {
      fail_waiters(*s, make_error_code(errc::disconnected));
      client_->unsubscribe(s->channel, {});
    }
    subs_.clear();
    disconnect_done_ = std::move(done);
    const auto st = client_->state();
    if (st == client::client_state::idle || st == client::client_state::stopped) {
      auto d = std::move(disconnect_done_);
      disconnect_done_ = nullptr;
      post_done(std::move(d), {});
      return;
    }
    client_->close();
  }

  void detach() noexcept {
    if (detached_) return;
    detached_ = true;
    timers_.cancel(retry_);
    for (auto& s : subs_) timers_.cancel(s->timeout);
    subs_.clear();
    queue_.clear();
    // callbacks_ stay: one of them may be running right now (the owner destroyed us from
    // inside it); every event checks detached_ instead.
    connect_done_ = nullptr;
    disconnect_done_ = nullptr;
    client_.reset();  // drops the connection; allowed from inside the client's callbacks
  }

  bool connected() const noexcept { return client_ && client_->connected(); }
  bool disconnecting() const noexcept { return disconnecting_; }
  const std::string& client_id() const noexcept { return client_id_; }
  std::size_t queued() const noexcept { return queue_.size(); }
  const transport_stats& stats() const noexcept { return stats_; }
  const client::centrifuge_client& client() const noexcept { return *client_; }

  transport_callbacks callbacks_;

 private:
  struct sub {
    std::string channel;
    std::uint64_t generation = 0;
    std::vector<done_handler> waiters;
    bool subscribed = false;
    std::size_t recovered_left = 0;  // publications of the last subscribe reply still to come
    task_id timeout = 0;
  };

  struct outgoing {
    std::uint64_t id = 0;
    std::string channel;
    std::string payload;
    std::string data;  // the envelope as a JSON string literal, built once
    publish_handler handler;
    publish_info info;
  };

  sub* find(std::string_view channel) noexcept {
    for (auto& s : subs_) {
      if (s->channel == channel) return s.get();
    }
    return nullptr;
  }
  sub* find(std::uint64_t generation) noexcept {
    for (auto& s : subs_) {
      if (s->generation == generation) return s.get();
    }
    return nullptr;
  }

  // ---- client events -------------------------------------------------------------------

  void on_outcome(const client::connect_outcome& o) {
    if (detached_ || !connect_done_) return;
    auto done = std::move(connect_done_);
    connect_done_ = nullptr;
    done(o.connected() ? std::error_code{} : o.cause.error);
  }

  void on_attempt_failed(const client::client_error& e, const net::close_info* t,
                         bool will_retry) {
    if (detached_ || !callbacks_.on_connect_failed) return;
    // Named exactly as the CLI's pre-flight probe names a failed attempt.
    client::probe_failure f;
    f.error = e;
    if (t != nullptr) f.transport = *t;
    // Counted from the start of this effort: connect(), or the loss of the connection.
    const std::uint64_t attempt = client_->attempts() - attempts_before_;
    f.attempts = static_cast<std::uint32_t>(attempt);
    f.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(timers_.now() -
                                                                      connect_started_);
    const client::probe_result r = client::diagnose(opts_->client->url, f);
    connect_failure c;
    c.attempt = attempt;
    c.error = e.error;
    c.cause = r.cause;
    c.detail = r.diagnosis;
    c.hint = r.hint;
    c.http_status = t != nullptr ? t->http_status : 0;
    // What the client does, which follows the same rules (client::on_attempt_failure,
    // on_close_code, on_connect_error) as the probe's verdict.
    c.permanent = !will_retry;
    c.client = e;
    callbacks_.on_connect_failed(c);
  }

  void on_connected(const client::connected_info& info) {
    if (detached_) return;
    if (info.reconnect) ++stats_.reconnects;
    if (callbacks_.on_connected) {
      callbacks_.on_connected(info);
      if (detached_) return;
    }
    drain();
  }

  void on_disconnected(const client::disconnected_info& info) {
    if (detached_) return;
    ++stats_.disconnects;
    connect_started_ = timers_.now();  // reconnect attempts count from here
    attempts_before_ = client_->attempts();
    if (callbacks_.on_disconnected) callbacks_.on_disconnected(info);
  }

  void on_stopped(client::stop_reason reason, const client::client_error& cause) {
    if (detached_) return;
    // Nothing queued can go any more: fail it rather than let it hang.
    drop_queue();
    for (auto& s : subs_) fail_waiters(*s, make_error_code(errc::disconnected));
    if (callbacks_.on_stopped) {
      callbacks_.on_stopped(reason, cause);
      if (detached_) return;
    }
    if (disconnect_done_) {
      auto d = std::move(disconnect_done_);
      disconnect_done_ = nullptr;
      d({});
    }
  }

  void on_subscribed(std::uint64_t gen, const client::subscribed_info& info) {
    if (detached_) return;
    sub* s = find(gen);
    if (s == nullptr) return;
    ++stats_.subscribes;
    s->recovered_left = info.recovered_publications;
    // (a) the history fetch, as the JS transport does on every `subscribed` event ...
    fetch_history(*s);
    if (detached_) return;
    s = find(gen);
    if (s == nullptr) return;
    // ... then the first subscribe resolves ...
    if (!s->subscribed) {
      s->subscribed = true;
      timers_.cancel(s->timeout);
      s->timeout = 0;
      std::vector<done_handler> waiters;
      waiters.swap(s->waiters);
      for (auto& w : waiters) {
        if (w) w({});
        if (detached_) return;
      }
    }
    // ... and (b) the queue drains.
    drain();
  }

  void on_unsubscribed(std::uint64_t gen, const client::unsubscribed_info& info) {
    if (detached_) return;
    for (auto it = subs_.begin(); it != subs_.end(); ++it) {
      if ((*it)->generation != gen) continue;
      std::unique_ptr<sub> s = std::move(*it);
      subs_.erase(it);
      timers_.cancel(s->timeout);
      for (auto& w : s->waiters) {
        if (w) w(info.error ? info.error : make_error_code(errc::disconnected));
        if (detached_) return;
      }
      return;
    }
  }

  void on_subscribe_timeout(std::uint64_t gen) {
    if (detached_) return;
    sub* s = find(gen);
    if (s == nullptr) return;
    s->timeout = 0;
    if (s->subscribed || s->waiters.empty()) return;
    ++stats_.subscribe_timeouts;
    // The subscription stays: a late success still fetches history for whoever listens.
    std::vector<done_handler> waiters;
    waiters.swap(s->waiters);
    for (auto& w : waiters) {
      if (w) w(make_error_code(errc::reply_timeout));
      if (detached_) return;
    }
  }

  void on_publication(std::uint64_t gen, const wire::publication& p) {
    if (detached_) return;
    sub* s = find(gen);
    if (s == nullptr) return;
    message_source src = message_source::live;
    if (s->recovered_left > 0) {
      --s->recovered_left;
      src = message_source::recovered;
    }
    const std::string channel = s->channel;  // s may go away inside the callback
    receive(channel, p.data, src);
  }

  void fetch_history(const sub& s) {
    ++stats_.history_fetches;
    client::history_options o;
    o.limit = opts_->history_limit;
    std::weak_ptr<impl> weak = weak_from_this();
    client_->history(s.channel, o,
                     [weak, channel = s.channel](std::error_code ec, const client::call_reply& r) {
                       auto self = weak.lock();
                       if (self) self->on_history(channel, ec, r);
                     });
  }

  void on_history(const std::string& channel, std::error_code ec, const client::call_reply& r) {
    if (detached_) return;
    if (ec) {
      // A history cut by a drop is not reported (JS ignores client code 11); the next
      // subscribe fetches again.
      if (ec == make_error_code(errc::disconnected) || ec == make_error_code(errc::cancelled)) {
        return;
      }
      ++stats_.history_failures;
      if (callbacks_.on_history_failed) callbacks_.on_history_failed(channel, ec);
      return;
    }
    const wire::history_result* h = r.history();
    if (h == nullptr) return;
    for (const wire::publication& p : h->publications) {
      receive(channel, p.data, message_source::history);
      if (detached_) return;
    }
  }

  // The receive rules of protocol.md §2.2.
  void receive(const std::string& channel, std::string_view data, message_source src) {
    // data comes out of the client's reply decoder: its bytes are valid UTF-8 already.
    auto env = wire::decode_envelope_data(data, {}, wire::utf8_input::validated);
    if (!env) {
      ++stats_.parse_failures;
      if (callbacks_.on_parse_failed) callbacks_.on_parse_failed(channel, env.error());
      return;
    }
    if (env->client_id == client_id_) {
      ++stats_.own_echoes;
      return;
    }
    if (!nonces_.accept(channel, env->client_id, env->nonce)) {
      ++stats_.duplicates;
      return;
    }
    ++stats_.delivered;
    if (src == message_source::history) ++stats_.from_history;
    if (src == message_source::recovered) ++stats_.recovered;
    if (!callbacks_.on_message) return;
    incoming_message m;
    m.channel = channel;
    m.sender = env->client_id;
    m.nonce = env->nonce;
    m.payload = env->payload;
    m.source = src;
    m.received_at = timers_.now();
    callbacks_.on_message(m);
  }

  // ---- the outgoing queue --------------------------------------------------------------

  void schedule_drain() {
    if (drain_posted_) return;
    drain_posted_ = true;
    std::weak_ptr<impl> weak = weak_from_this();
    asio::post(timers_.context().io_context(), [weak] {
      if (auto self = weak.lock()) {
        self->drain_posted_ = false;
        if (!self->detached_) self->drain();
      }
    });
  }

  void drain() {
    if (detached_ || disconnecting_ || inflight_ || retry_ != 0 || queue_.empty()) return;
    if (!client_->connected()) return;  // on_connected drains
    outgoing& o = queue_.front();
    if (o.info.nonce == 0) {
      // Once per message: every retry resends these same bytes, so receivers drop a retried
      // duplicate by its nonce.
      o.info.nonce = nonces_.next_outgoing(o.channel);
      wire::append_envelope_data(o.data, client_id_, o.info.nonce, o.payload);
      std::string().swap(o.payload);
    }
    inflight_ = true;
    ++o.info.attempts;
    ++stats_.publish_attempts;
    if (o.info.attempts > 1) ++stats_.publish_retries;
    std::weak_ptr<impl> weak = weak_from_this();
    const std::uint64_t id = o.id;
    client_->publish(o.channel, o.data,
                     [weak, id](std::error_code ec, const client::call_reply& r) {
                       if (auto self = weak.lock()) self->on_publish_reply(id, ec, r);
                     });
  }

  void on_publish_reply(std::uint64_t id, std::error_code ec, const client::call_reply& r) {
    if (detached_ || queue_.empty() || queue_.front().id != id) return;  // dropped meanwhile
    inflight_ = false;
    outgoing& o = queue_.front();
    if (o.info.sent == time_point{} && r.sent != time_point{}) o.info.sent = r.sent;
    if (r.server_code != 0) o.info.server_code = r.server_code;
    if (!ec || o.info.attempts >= opts_->publish_attempts) {
      if (ec) ++stats_.publish_failures;
      outgoing done = std::move(o);
      queue_.pop_front();
      done.info.done = timers_.now();
      if (done.handler) {
        done.handler(ec, done.info);
        if (detached_) return;
      }
      drain();
      return;
    }
    // Attempt k (1-based) failed: wait 100 · 2^(k-1) ms, then try again (when connected).
    const auto wait = opts_->publish_backoff *
                      (std::int64_t{1} << std::min<std::uint32_t>(o.info.attempts - 1, 20));
    std::weak_ptr<impl> weak = weak_from_this();
    retry_ = timers_.after(wait, [weak] {
      if (auto self = weak.lock()) {
        self->retry_ = 0;
        self->drain();
      }
    });
  }

  // Fails every queued publish (also the one in flight or waiting for a retry): nothing
  // will send them any more.
  void drop_queue() {
    timers_.cancel(retry_);
    retry_ = 0;
    inflight_ = false;
    std::deque<outgoing> dropped;
    dropped.swap(queue_);
    const time_point now = timers_.now();
    for (auto& o : dropped) {
      ++stats_.publish_dropped;
      o.info.done = now;
      post_publish(std::move(o), make_error_code(errc::disconnected));
    }
  }

  // ---- helpers -------------------------------------------------------------------------

  // A subscribe that will not complete: its timeout is off and its waiters get `ec` (from
  // the event loop).
  void fail_waiters(sub& s, std::error_code ec) {
    timers_.cancel(s.timeout);
    for (auto& w : s.waiters) post_done(std::move(w), ec);
    s.waiters.clear();
  }

  void post_done(done_handler done, std::error_code ec) {
    if (!done) return;
    std::weak_ptr<impl> weak = weak_from_this();
    asio::post(timers_.context().io_context(), [weak, done = std::move(done), ec] {
      auto self = weak.lock();
      if (self && !self->detached_) done(ec);
    });
  }

  void post_publish(outgoing o, std::error_code ec) {
    if (!o.handler) return;
    std::weak_ptr<impl> weak = weak_from_this();
    asio::post(timers_.context().io_context(), [weak, h = std::move(o.handler), info = o.info, ec] {
      auto self = weak.lock();
      if (self && !self->detached_) h(ec, info);
    });
  }

  scheduler& timers_;
  nonce_store& nonces_;
  std::string client_id_;
  std::shared_ptr<const transport_options> opts_;
  std::unique_ptr<client::centrifuge_client> client_;
  std::optional<asio::ip::address> source_;
  std::vector<std::unique_ptr<sub>> subs_;
  std::uint64_t sub_generation_ = 0;
  std::deque<outgoing> queue_;
  std::uint64_t next_out_id_ = 1;
  bool inflight_ = false;
  task_id retry_ = 0;
  bool drain_posted_ = false;
  done_handler connect_done_;
  time_point connect_started_{};        // of the current connect effort
  std::uint64_t attempts_before_ = 0;  // the client's attempts before it
  done_handler disconnect_done_;
  bool disconnecting_ = false;
  bool detached_ = false;
  transport_stats stats_;
};

transport::transport(scheduler& timers, nonce_store& nonces, std::string client_id,
                     std::shared_ptr<const transport_options> options, std::uint64_t seed)
    : impl_(
          std::make_shared<impl>(timers, nonces, std::move(client_id), std::move(options), seed)) {
  impl_->attach();
}

transport::~transport() {
  if (impl_) impl_->detach();
}

transport_callbacks& transport::callbacks() noexcept { return impl_->callbacks_; }
void transport::connect(clock::time_point intended, done_handler done) {
  const auto keep = impl_;
  impl_->connect(intended, std::move(done));
}
void transport::subscribe(std::string_view channel, done_handler done) {
  const auto keep = impl_;
  impl_->subscribe(channel, std::move(done));
}
void transport::publish(std::string_view channel, std::string payload, publish_handler done) {
  const auto keep = impl_;
  impl_->publish(channel, std::move(payload), std::move(done));
}
void transport::clear(std::string_view channel) {
  const auto keep = impl_;
  impl_->clear(channel);
}
void transport::disconnect(done_handler done) {
  const auto keep = impl_;
  impl_->disconnect(std::move(done));
}
bool transport::connected() const noexcept { return impl_->connected(); }
bool transport::disconnecting() const noexcept { return impl_->disconnecting(); }
const std::string& transport::client_id() const noexcept { return impl_->client_id(); }
std::size_t transport::queued() const noexcept { return impl_->queued(); }
const transport_stats& transport::stats() const noexcept { return impl_->stats(); }
const client::centrifuge_client& transport::client() const noexcept { return impl_->client(); }

}  // namespace relayload::session
