// Test support: a scripted client::transport (no sockets) and a harness with a manual clock.
// Events are posted to the io_context, as a real transport does; the test drives the server
// side (open, frames, close) by hand or with an auto-answering "server".
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relayload/client/client_context.hpp"
#include "relayload/client/transport.hpp"
#include "relayload/error.hpp"
#include "relayload/metrics/error_tally.hpp"

namespace relayload::client::test {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using time_point = clock_type::time_point;

struct harness;

/// The stable cause name of a system error (as reports name it).
inline std::string cause_of(std::errc e) {
  return metrics::error_tally::cause_of(std::make_error_code(e));
}

class fake_transport final : public transport {
 public:
  fake_transport(harness& h, asio::io_context& io);
  ~fake_transport() override;

  // ---- transport ----
  void set_handler(transport_handler* handler) noexcept override { handler_ = handler; }
  std::error_code connect(const net::ws_url& url, const net::ws_connect_options& options) override;
  std::error_code send(std::string_view text) noexcept override {
    if (state_ != net::ws_client_state::open) return make_error_code(errc::disconnected);
    sent.emplace_back(text);
    if (on_sent) on_sent(*this, sent.back());
    return {};
  }
  std::error_code close() noexcept override {
    if (state_ != net::ws_client_state::open) return make_error_code(errc::disconnected);
    ++closes;
    state_ = net::ws_client_state::closing;
    net::close_info info;
    info.local_code = net::close_code::no_status;
    info.remote_code = net::close_code::no_status;
    if (auto_complete_close) post_close(info);
    return {};
  }
  std::error_code abort() noexcept override {
    if (state_ == net::ws_client_state::idle || state_ == net::ws_client_state::closed) {
      return make_error_code(errc::disconnected);
    }
    ++aborts;
    const bool was_open =
        state_ == net::ws_client_state::open || state_ == net::ws_client_state::closing;
    state_ = net::ws_client_state::closed;
    net::close_info info;
    info.phase = was_open ? net::close_phase::open : net::close_phase::tcp_connect;
    info.error = make_error_code(errc::cancelled);
    info.remote_code = was_open ? net::close_code::abnormal : net::close_code::none;
    post_close(info);
    return {};
  }
  net::ws_client_state state() const noexcept override { return state_; }

  // ---- server side (posted like real events) ----
  void server_open(net::connect_timings t = {}) {
    post([this, t] {
      if (state_ != net::ws_client_state::connecting) return;
      state_ = net::ws_client_state::open;
      if (handler_) handler_->on_transport_open(t);
    });
  }
  void server_send(std::string frame) {
    post([this, frame = std::move(frame)] {
      if (state_ != net::ws_client_state::open && state_ != net::ws_client_state::closing) return;
      if (handler_) handler_->on_transport_message(frame);
    });
  }
  void server_close(std::uint16_t code, std::string reason = {}) {
    state_ = net::ws_client_state::closing;
    net::close_info info;
    info.remote_code = code;
    info.remote_reason = std::move(reason);
    info.local_code = code;
    post_close(info);
  }
  /// The attempt fails before opening (refused, reset, ...).
  void fail(std::error_code ec, net::close_phase phase = net::close_phase::tcp_connect) {
    state_ = net::ws_client_state::closing;
    net::close_info info;
    info.phase = phase;
    info.error = ec;
    post_close(info);
  }
  /// The attempt fails before opening, as described by `info` (HTTP status, TLS reason, ...).
  void fail_with(net::close_info info) {
    state_ = net::ws_client_state::closing;
    post_close(std::move(info));
  }
  /// The TCP connection of an open socket just ends (no close frame).
  void drop(std::error_code ec) {
    state_ = net::ws_client_state::closing;
    net::close_info info;
    info.error = ec;
    info.remote_code = net::close_code::abnormal;
    post_close(info);
  }

  // ---- what the client did ----
  std::vector<std::string> sent;
  std::vector<net::ws_connect_options> connects;
  std::vector<time_point> connect_times;
  int closes = 0;
  int aborts = 0;
  bool auto_complete_close = true;
  std::error_code sync_connect_error;
  std::function<void(fake_transport&, const std::string&)> on_sent;

 private:
  template <class F>
  void post(F f) {
    asio::post(io_, [alive = std::weak_ptr<bool>(alive_), f = std::move(f)] {
      if (alive.lock()) f();
    });
  }
  void post_close(net::close_info info) {
    post([this, info] {
      state_ = net::ws_client_state::closed;
      if (handler_) handler_->on_transport_close(info);
    });
  }

  harness& h_;
  asio::io_context& io_;
  transport_handler* handler_ = nullptr;
  net::ws_client_state state_ = net::ws_client_state::idle;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

/// io_context + manual clock + client_context making fake transports.
struct harness {
  asio::io_context io;
  time_point now = time_point{} + 1000h;
  std::vector<fake_transport*> transports;  // in creation order; nullptr once destroyed
  /// Called for every new connect() of any transport (auto servers hook in here).
  std::function<void(fake_transport&)> on_connect;
  client_context ctx;

  explicit harness(client_context_options o = {}) : ctx(io, with_fakes(std::move(o))) {}

  client_context_options with_fakes(client_context_options o) {
    o.clock = [this] { return now; };
    o.make_transport = [this](asio::io_context& ioc) {
      return std::unique_ptr<transport>(new fake_transport(*this, ioc));
    };
    return o;
  }

  /// Runs every ready handler (bounded).
  void pump() {
    for (int i = 0; i < 1000; ++i) {
      io.restart();
      if (io.poll() == 0) break;
    }
  }
  /// Moves the clock to `t` (not backwards), firing every deadline due on the way in order.
  void advance_to(time_point t) {
    pump();
    for (int i = 0; i < 100000; ++i) {
      const auto next = ctx.next_deadline();
      if (!next || *next > t) break;
      if (*next > now) now = *next;
      ctx.run_due();
      pump();
    }
    if (t > now) now = t;
    ctx.run_due();
    pump();
  }
  void advance(clock_type::duration d) { advance_to(now + d); }

  fake_transport& last() { return *transports.back(); }
};

inline fake_transport::fake_transport(harness& h, asio::io_context& io) : h_(h), io_(io) {
  h_.transports.push_back(this);
}

inline fake_transport::~fake_transport() {
  for (auto& t : h_.transports) {
    if (t == this) t = nullptr;
  }
}

inline std::error_code fake_transport::connect(const net::ws_url&,
                                               const net::ws_connect_options& options) {
  if (state_ == net::ws_client_state::connecting || state_ == net::ws_client_state::open ||
      state_ == net::ws_client_state::closing) {
    return make_error_code(errc::invalid_argument);
  }
  if (sync_connect_error) return sync_connect_error;
  state_ = net::ws_client_state::connecting;
  connects.push_back(options);
  connect_times.push_back(h_.now);
  if (h_.on_connect) h_.on_connect(*this);
  return {};
}

/// An auto-answering server: opens every connection, answers connect with C2-like replies
/// (ping/pong as configured) and acknowledges publish/subscribe/history/unsubscribe.
struct auto_server {
  harness& h;
  std::uint32_t ping = 25;
  bool pong = true;
  std::uint64_t next_client = 1;

  explicit auto_server(harness& hh) : h(hh) {
    h.on_connect = [this](fake_transport& t) {
      t.on_sent = [this](fake_transport& tt, const std::string& frame) { answer(tt, frame); };
      t.server_open();
    };
  }

  void answer(fake_transport& t, const std::string& frame) {
    std::string out;
    std::size_t start = 0;
    while (start <= frame.size()) {
      const std::size_t nl = frame.find('\n', start);
      const std::string line =
          frame.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      start = nl == std::string::npos ? frame.size() + 1 : nl + 1;
      const std::size_t idp = line.rfind(",\"id\":");
      if (idp == std::string::npos) continue;  // pong
      const std::string id = line.substr(idp + 6, line.size() - idp - 7);
      std::string reply;
      if (line.rfind("{\"connect\"", 0) == 0) {
        reply = "{\"id\":" + id + ",\"connect\":{\"client\":\"c" + std::to_string(next_client++) +
                "\",\"version\":\"6.9.1 OSS\"" +
                (ping > 0 ? ",\"ping\":" + std::to_string(ping) : std::string()) +
                (pong ? ",\"pong\":true" : "") + "}}";
      } else if (line.rfind("{\"subscribe\"", 0) == 0) {
        reply = "{\"id\":" + id +
                ",\"subscribe\":{\"recoverable\":true,\"epoch\":\"AbCdEfGh\",\"positioned\":true}}";
      } else if (line.rfind("{\"publish\"", 0) == 0) {
        reply = "{\"id\":" + id + ",\"publish\":{}}";
      } else if (line.rfind("{\"unsubscribe\"", 0) == 0) {
        reply = "{\"id\":" + id + ",\"unsubscribe\":{}}";
      } else if (line.rfind("{\"history\"", 0) == 0) {
        reply = "{\"id\":" + id +
                ",\"history\":{\"publications\":[],\"epoch\":\"AbCdEfGh\",\"offset\":0}}";
      }
      if (!out.empty()) out.push_back('\n');
      out += reply;
    }
    if (!out.empty()) t.server_send(out);
  }
};

}  // namespace relayload::client::test
