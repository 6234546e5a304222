// Test support for the session layer: an in-memory Centrifugo relay (connect, subscribe with
// positioning and recovery, publish with fan-out and history, history, unsubscribe) behind
// scripted client::transport objects, a manual clock that drives both the client_context and
// the session scheduler, and a recording of every frame each connection sent — so the MWP
// clients run for real (centrifuge_client included) with no sockets and no real time.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "relayload/client/client_context.hpp"
#include "relayload/client/transport.hpp"
#include "relayload/error.hpp"
#include "relayload/session/mock_key_manager.hpp"
#include "relayload/session/random.hpp"
#include "relayload/session/scheduler.hpp"
#include "relayload/session/session_context.hpp"
#include "relayload/wire/command_decoder.hpp"
#include "relayload/wire/frame.hpp"
#include "relayload/wire/reply_encoder.hpp"

namespace relayload::session::test {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using time_point = clock_type::time_point;

class fake_relay;

/// One client connection as the relay sees it.
struct relay_conn {
  std::uint64_t number = 0;         ///< 1, 2, ... in connect order
  std::string client_id;            ///< the server connection id sent in the connect reply
  std::vector<std::string> frames;  ///< every frame the client sent, in order
  std::set<std::string> subs;       ///< channels subscribed now
  bool open = false;
  bool connected = false;
  class relay_transport* transport = nullptr;  ///< nullptr once gone

  /// The commands (one line each) the client sent, pongs excluded, in order.
  std::vector<std::string> commands() const {
    std::vector<std::string> out;
    for (const auto& f : frames) {
      std::vector<std::string_view> lines;
      (void)wire::split_frame(f, lines);
      for (auto l : lines) {
        if (l != "{}") out.emplace_back(l);
      }
    }
    return out;
  }
  /// "connect#1", "subscribe handshake#2", "history session#5", ... for order assertions.
  std::vector<std::string> summary() const;
};

class relay_transport final : public client::transport {
 public:
  relay_transport(fake_relay& relay, asio::io_context& io) : relay_(relay), io_(io) {}
  ~relay_transport() override;

  void set_handler(client::transport_handler* h) noexcept override { handler_ = h; }
  std::error_code connect(const net::ws_url&, const net::ws_connect_options&) override;
  std::error_code send(std::string_view text) noexcept override;
  std::error_code close() noexcept override;
  std::error_code abort() noexcept override;
  net::ws_client_state state() const noexcept override { return state_; }

  /// Server side: deliver one frame to the client (posted).
  void deliver(std::string frame) {
    post([this, frame = std::move(frame)] {
      if (state_ != net::ws_client_state::open) return;
      if (handler_) handler_->on_transport_message(frame);
    });
  }
  /// Server side: close with a code (the client sees it as the peer's close).
  void server_close(std::uint16_t code) {
    state_ = net::ws_client_state::closing;
    net::close_info info;
    info.remote_code = code;
    info.local_code = code;
    finish(info);
  }

  relay_conn* conn = nullptr;

 private:
  friend class fake_relay;
  template <class F>
  void post(F f) {
    asio::post(io_, [alive = std::weak_ptr<bool>(alive_), f = std::move(f)]() mutable {
      if (alive.lock()) f();
    });
  }
  void finish(net::close_info info);

  fake_relay& relay_;
  asio::io_context& io_;
  client::transport_handler* handler_ = nullptr;
  net::ws_client_state state_ = net::ws_client_state::idle;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

/// The relay, the clock, the shard's contexts and a session_context with the mock key
/// manager (tests may swap `keys`).
class fake_relay {
 public:
  struct stored {
    std::string data;
    std::string client;
    std::uint64_t offset = 0;
  };
  struct stream {
    std::string epoch = "AbCdEfGh";
    std::uint64_t top = 0;
    std::deque<stored> pubs;
  };

  asio::io_context io;
  time_point now = time_point{} + 1000h;
  client::client_context ctx;
  scheduler timers;
  std::unique_ptr<key_manager> keys = std::make_unique<mock_key_manager>();
  id_generator ids = id_generator::seeded(42, 0);
  unix_time wall_base = unix_time_from_ms(1700000000000);
  std::shared_ptr<session_options> options = std::make_shared<session_options>();
  std::shared_ptr<transport_options> topts = std::make_shared<transport_options>();

  // ---- behaviour switches ----
  std::size_t history_size = 20;
  /// Publish commands answered with error 100 (temporary) before one succeeds.
  int fail_publishes = 0;
  /// Subscribe commands to these channels get no reply.
  std::set<std::string> mute_subscribe;
  /// Subscribe commands to these channels get error 103.
  std::set<std::string> deny_subscribe;
  /// Publish replies to these connection numbers are held until release_publish_replies().
  std::set<std::uint64_t> hold_publish_replies_for;
  /// Pub pushes are held until resume_pushes().
  bool pushes_paused = false;
  /// Every pub push is sent twice (the dedup must drop the copy).
  bool duplicate_pushes = false;

  std::vector<std::unique_ptr<relay_conn>> conns;
  std::map<std::string, stream, std::less<>> streams;

  fake_relay() : ctx(io, make_options()), timers(ctx) {
    sctx_ = std::make_unique<session_context>(session_context{timers, *keys, ids, topts, options});
    options->wall = [this] { return wall_now(); };
    auto co = std::make_shared<client::client_options>(client::client_options::mwp());
    co->url = *net::ws_url::parse("ws://127.0.0.1:8000/connection/websocket");
    co->give_up_after = std::chrono::milliseconds(30000);
    topts->client = co;
  }

  /// Unix ms: wall_base plus the manual clock's progress since construction.
  unix_time wall_now() const {
    return wall_base + std::chrono::duration_cast<std::chrono::milliseconds>(now - start_);
  }

  /// The session_context every party of a test uses.
  session_context& sctx() { return *sctx_; }

  /// Replaces the key manager (and the context's reference to it); before making parties.
  void use_keys(std::unique_ptr<key_manager> k) {
    keys = std::move(k);
    sctx_ = std::make_unique<session_context>(session_context{timers, *keys, ids, topts, options});
  }

  /// Runs every ready handler (bounded).
  void pump() {
    for (int i = 0; i < 10000; ++i) {
      io.restart();
      if (io.poll() == 0) break;
    }
  }
  /// Moves the clock to `t`, firing every deadline of the client_context and the scheduler
  /// due on the way, in time order.
  void advance_to(time_point t) {
    pump();
    for (int i = 0; i < 200000; ++i) {
      std::optional<time_point> next = ctx.next_deadline();
      const auto s = timers.next_deadline();
      if (s && (!next || *s < *next)) next = s;
      if (!next || *next > t) break;
      if (*next > now) now = *next;
      ctx.run_due();
      timers.run_due();
      pump();
    }
    if (t > now) now = t;
    ctx.run_due();
    timers.run_due();
    pump();
  }
  void advance(clock_type::duration d) { advance_to(now + d); }
  /// Advances in 1 ms steps until `pred` holds or `limit` passed; true when it held.
  bool run_until(const std::function<bool()>& pred, clock_type::duration limit = 120s) {
    const time_point end = now + limit;
    pump();
    while (!pred()) {
      if (now >= end) return false;
      advance(1ms);
    }
    return true;
  }

  relay_conn& conn(std::size_t number) { return *conns.at(number - 1); }

  void release_publish_replies() {
    auto held = std::move(held_replies_);
    held_replies_.clear();
    for (auto& [t, frame] : held) {
      if (alive(t)) t->deliver(frame);
    }
  }
  void resume_pushes() {
    pushes_paused = false;
    auto held = std::move(held_pushes_);
    held_pushes_.clear();
    for (auto& [t, frame] : held) {
      if (alive(t)) t->deliver(frame);
    }
  }
  /// Closes every open connection with `code` (3001: clients reconnect and recover).
  void disconnect_all(std::uint16_t code = 3001) {
    for (auto& c : conns) {
      if (c->open && c->transport) {
        c->open = false;
        c->connected = false;
        c->subs.clear();
        c->transport->server_close(code);
      }
    }
  }

  /// Publishes `raw_data` on `channel` as if connection `client` had (no subscriber
  /// required).
  void inject(const std::string& channel, const std::string& raw_data, const std::string& client) {
    publish(channel, raw_data, client);
  }

  // ---- transport plumbing ----
  void attached(relay_transport& t) {
    auto c = std::make_unique<relay_conn>();
    c->number = conns.size() + 1;
    c->client_id = "conn-" + std::to_string(c->number);
    c->transport = &t;
    t.conn = c.get();
    conns.push_back(std::move(c));
  }
  void opened(relay_transport& t) { t.conn->open = true; }
  void gone(relay_transport& t) {
    if (t.conn == nullptr) return;
    t.conn->open = false;
    t.conn->connected = false;
    t.conn->subs.clear();
    t.conn->transport = nullptr;
    t.conn = nullptr;
  }
  void closed(relay_transport& t) {
    if (t.conn == nullptr) return;
    t.conn->open = false;
    t.conn->connected = false;
    t.conn->subs.clear();
  }
  void received(relay_transport& t, std::string_view frame);

 private:
  static client::client_context_options make_options_for(fake_relay* self);
  client::client_context_options make_options() { return make_options_for(this); }

  bool alive(relay_transport* t) const {
    for (const auto& c : conns) {
      if (c->transport == t && t != nullptr) return true;
    }
    return false;
  }

  void publish(const std::string& channel, const std::string& data, const std::string& client) {
    stream& s = streams[channel];
    stored p{data, client, ++s.top};
    s.pubs.push_back(p);
    while (s.pubs.size() > history_size) s.pubs.pop_front();
    std::string frame;
    wire::publication pub;
    pub.data = p.data;
    pub.info = wire::client_info{"", p.client, {}, {}};
    pub.offset = p.offset;
    wire::append_pub_push(frame, channel, pub);
    for (auto& c : conns) {
      if (!c->open || c->transport == nullptr || c->subs.count(channel) == 0) continue;
      const int copies = duplicate_pushes ? 2 : 1;
      for (int i = 0; i < copies; ++i) {
        if (pushes_paused) {
          held_pushes_.emplace_back(c->transport, frame);
        } else {
          c->transport->deliver(frame);
        }
      }
    }
  }

  static void append_pubs(std::vector<wire::publication>& out, const stream& s, std::uint64_t after,
                          std::size_t limit) {
    for (const auto& p : s.pubs) {
      if (p.offset <= after) continue;
      if (out.size() >= limit) break;
      wire::publication pub;
      pub.data = p.data;
      pub.info = wire::client_info{"", p.client, {}, {}};
      pub.offset = p.offset;
      out.push_back(pub);
    }
  }

  std::unique_ptr<session_context> sctx_;
  time_point start_ = time_point{} + 1000h;
  wire::command_decoder decoder_;
  std::vector<std::pair<relay_transport*, std::string>> held_replies_;
  std::vector<std::pair<relay_transport*, std::string>> held_pushes_;
};

inline client::client_context_options fake_relay::make_options_for(fake_relay* self) {
  client::client_context_options o;
  o.clock = [self] { return self->now; };
  o.make_transport = [self](asio::io_context& io) {
    auto t = std::make_unique<relay_transport>(*self, io);
    return std::unique_ptr<client::transport>(std::move(t));
  };
  return o;
}

inline relay_transport::~relay_transport() { relay_.gone(*this); }

inline std::error_code relay_transport::connect(const net::ws_url&,
                                                const net::ws_connect_options&) {
  if (state_ == net::ws_client_state::connecting || state_ == net::ws_client_state::open ||
      state_ == net::ws_client_state::closing) {
    return make_error_code(errc::invalid_argument);
  }
  relay_.gone(*this);  // a reconnect is a new connection for the relay
  relay_.attached(*this);
  state_ = net::ws_client_state::connecting;
  post([this] {
    if (state_ != net::ws_client_state::connecting) return;
    state_ = net::ws_client_state::open;
    relay_.opened(*this);
    if (handler_) handler_->on_transport_open(net::connect_timings{});
  });
  return {};
}

inline std::error_code relay_transport::send(std::string_view text) noexcept {
  if (state_ != net::ws_client_state::open) return make_error_code(errc::disconnected);
  relay_.received(*this, text);
  return {};
}

inline std::error_code relay_transport::close() noexcept {
  if (state_ != net::ws_client_state::open) return make_error_code(errc::disconnected);
  state_ = net::ws_client_state::closing;
  relay_.closed(*this);
  net::close_info info;
  info.local_code = net::close_code::no_status;
  info.remote_code = net::close_code::no_status;
  finish(info);
  return {};
}

inline std::error_code relay_transport::abort() noexcept {
  if (state_ == net::ws_client_state::idle || state_ == net::ws_client_state::closed) {
    return make_error_code(errc::disconnected);
  }
  const bool was_open = state_ != net::ws_client_state::connecting;
  state_ = net::ws_client_state::closing;
  relay_.closed(*this);
  net::close_info info;
  info.phase = was_open ? net::close_phase::open : net::close_phase::tcp_connect;
  info.error = make_error_code(errc::cancelled);
  info.remote_code = was_open ? net::close_code::abnormal : net::close_code::none;
  finish(info);
  return {};
}

inline void relay_transport::finish(net::close_info info) {
  post([this, info] {
    state_ = net::ws_client_state::closed;
    if (handler_) handler_->on_transport_close(info);
  });
}

inline void fake_relay::received(relay_transport& t, std::string_view frame) {
  relay_conn* c = t.conn;
  if (c == nullptr) return;
  c->frames.emplace_back(frame);
  const std::string copy(frame);  // the decoder's views point into it
  if (decoder_.decode(copy)) return;
  const std::vector<wire::command> cmds = decoder_.commands();
  for (const wire::command& cmd : cmds) {
    std::string out;
    if (cmd.get<wire::pong_request>()) continue;
    if (cmd.get<wire::connect_request>()) {
      c->connected = true;
      wire::connect_result r;
      r.client = c->client_id;
      r.version = "6.9.1 OSS";
      r.ping = 25;
      r.pong = true;
      wire::append_reply(out, cmd.id, r);
    } else if (const auto* s = cmd.get<wire::subscribe_request>()) {
      const std::string ch(s->channel);
      if (mute_subscribe.count(ch) != 0) continue;
      if (deny_subscribe.count(ch) != 0) {
        wire::append_error_reply(out, cmd.id, 103, "permission denied");
      } else {
        c->subs.insert(ch);
        stream& st = streams[ch];
        wire::subscribe_result r;
        r.recoverable = true;
        r.positioned = true;
        r.epoch = st.epoch;
        if (s->recover) {
          r.was_recovering = true;
          if (s->epoch.empty() || s->epoch == st.epoch) {
            append_pubs(r.publications, st, s->offset, 300);
            r.recovered = true;
            r.offset = s->offset;
          } else {
            r.offset = st.top;
          }
        } else {
          r.offset = st.top;
        }
        wire::append_reply(out, cmd.id, r);
      }
    } else if (const auto* u = cmd.get<wire::unsubscribe_request>()) {
      c->subs.erase(std::string(u->channel));
      wire::append_reply(out, cmd.id, wire::unsubscribe_result{});
    } else if (const auto* p = cmd.get<wire::publish_request>()) {
      if (fail_publishes > 0) {
        --fail_publishes;
        wire::append_error_reply(out, cmd.id, 100, "internal server error", true);
      } else {
        publish(std::string(p->channel), std::string(p->data), c->client_id);
        wire::append_reply(out, cmd.id, wire::publish_result{});
        if (hold_publish_replies_for.count(c->number) != 0) {
          held_replies_.emplace_back(&t, out);
          continue;
        }
      }
    } else if (const auto* h = cmd.get<wire::history_request>()) {
      stream& st = streams[std::string(h->channel)];
      wire::history_result r;
      append_pubs(r.publications, st, 0, static_cast<std::size_t>(h->limit.value_or(0)));
      r.epoch = st.epoch;
      r.offset = st.top;
      wire::append_reply(out, cmd.id, r);
    } else {
      continue;
    }
    t.deliver(out);
  }
}

inline std::vector<std::string> relay_conn::summary() const {
  std::vector<std::string> out;
  for (const auto& line : commands()) {
    std::string kind;
    for (const char* k : {"connect", "subscribe", "unsubscribe", "publish", "history"}) {
      if (line.rfind(std::string("{\"") + k + "\"", 0) == 0) kind = k;
    }
    std::string what;
    if (line.find("\"channel\":\"handshake:") != std::string::npos) what = " handshake";
    if (line.find("\"channel\":\"session:") != std::string::npos) what = " session";
    const auto idp = line.rfind(",\"id\":");
    const std::string id =
        idp == std::string::npos ? "?" : line.substr(idp + 6, line.size() - idp - 7);
    out.push_back(kind + what + "#" + id);
  }
  return out;
}

}  // namespace relayload::session::test
