#include "relayload/session/session_pair.hpp"

#include <algorithm>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <map>
#include <optional>

#include "relayload/error.hpp"
#include "relayload/wire/sample_payloads.hpp"

namespace relayload::session {

// ---- results --------------------------------------------------------------------------------

namespace {

std::string error_name(const std::error_code& ec) {
  if (ec.category() == relayload::error_category()) {
    return relayload::to_string(static_cast<errc>(ec.value()));
  }
  return std::string(ec.category().name()) + ":" + std::to_string(ec.value());
}

}  // namespace

const char* to_string(pair_side s) noexcept {
  switch (s) {
    case pair_side::dapp:
      return "dapp";
    case pair_side::wallet:
      return "wallet";
    case pair_side::pair:
      return "pair";
  }
  return "unknown";
}

const char* to_string(exchange_stage s) noexcept {
  switch (s) {
    case exchange_stage::send:
      return "send";
    case exchange_stage::request:
      return "request";
    case exchange_stage::respond:
      return "respond";
    case exchange_stage::response:
      return "response";
    case exchange_stage::cancelled:
      return "cancelled";
  }
  return "unknown";
}

handshake_result::duration handshake_result::time_to_failure() const noexcept {
  const clock::time_point from = finished >= wallet_started ? wallet_started : started;
  return finished - from;
}

std::string handshake_result::cause() const {
  if (!error) return {};
  return std::string(to_string(side)) + "." + to_string(stage) + "." + error_name(error);
}

exchange_result::duration exchange_result::think_time() const noexcept {
  if (response_sent == clock::time_point{} || request_received == clock::time_point{}) {
    return duration::zero();
  }
  return response_sent - request_received;
}

exchange_result::duration exchange_result::latency() const noexcept {
  return finished - intended - think_time();
}

exchange_result::duration exchange_result::service_time() const noexcept {
  const clock::time_point from = sent != clock::time_point{} ? sent : intended;
  return finished - from - think_time();
}

exchange_result::duration exchange_result::request_leg() const noexcept {
  if (request_received == clock::time_point{} || sent == clock::time_point{}) {
    return duration::zero();
  }
  return request_received - sent;
}

exchange_result::duration exchange_result::response_leg() const noexcept {
  if (!ok() || response_sent == clock::time_point{}) return duration::zero();
  return finished - response_sent;
}

std::string exchange_result::cause() const {
  if (!error) return {};
  return std::string(to_string(stage)) + "." + error_name(error);
}

std::string recovery_result::cause() const {
  if (!error) return {};
  return std::string(to_string(stage)) + "." + error_name(error);
}

std::vector<std::string> pair_options::validate() const {
  std::vector<std::string> problems;
  if (wallet_connect_delay.count() < 0) {
    problems.emplace_back("The wallet connect delay must not be negative.");
  }
  if (handshake_timeout.count() <= 0)
    problems.emplace_back("The handshake timeout must be above 0.");
  if (otp_entry_delay.count() < 0)
    problems.emplace_back("The OTP entry delay must not be negative.");
  if (message_timeout.count() <= 0) problems.emplace_back("The message timeout must be above 0.");
  return problems;
}

// ---- session_pair::impl ---------------------------------------------------------------------

class session_pair::impl : public std::enable_shared_from_this<session_pair::impl> {
 public:
  using time_point = clock::time_point;

  impl(session_context& ctx, pair_options options, std::uint64_t seed)
      : ctx_(ctx),
        opts_(std::move(options)),
        dapp_(std::make_unique<dapp_client>(ctx, std::string(), seed)),
        wallet_(std::make_unique<wallet_client>(ctx, std::string(), seed ^ 0x5DEECE66DULL)),
        wallet_start_(ctx.timers),
        handshake_timer_(ctx.timers),
        otp_timer_(ctx.timers),
        recovery_timer_(ctx.timers) {}

  void attach() {
    std::weak_ptr<impl> weak = weak_from_this();
    auto& d = dapp_->callbacks();
    d.on_otp_required = [weak](const otp_request&) {
      if (auto self = weak.lock()) self->on_otp_required();
    };
    d.on_connected = [weak](const party_connected_info& info) {
      if (auto self = weak.lock()) self->on_connected(pair_side::dapp, info);
    };
    d.on_message = [weak](const received_message& m) {
      if (auto self = weak.lock()) self->on_dapp_message(m);
    };
    d.on_error = [weak](const party_error& e) {
      if (auto self = weak.lock()) self->on_error(pair_side::dapp, e);
    };
    d.on_link_lost = [weak](const client::disconnected_info& info) {
      auto self = weak.lock();
      if (self && !self->detached_ && self->callbacks_.on_link_lost) {
        self->callbacks_.on_link_lost(pair_side::dapp, info);
      }
    };
    d.on_link_restored = [weak](const client::connected_info& info) {
      auto self = weak.lock();
      if (self && !self->detached_ && self->callbacks_.on_link_restored) {
        self->callbacks_.on_link_restored(pair_side::dapp, info);
      }
    };
    auto& w = wallet_->callbacks();
    w.on_connected = [weak](const party_connected_info& info) {
      if (auto self = weak.lock()) self->on_connected(pair_side::wallet, info);
    };
    w.on_message = [weak](const received_message& m) {
      if (auto self = weak.lock()) self->on_wallet_message(m);
    };
    w.on_error = [weak](const party_error& e) {
      if (auto self = weak.lock()) self->on_error(pair_side::wallet, e);
    };
    w.on_link_lost = [weak](const client::disconnected_info& info) {
      auto self = weak.lock();
      if (self && !self->detached_ && self->callbacks_.on_link_lost) {
        self->callbacks_.on_link_lost(pair_side::wallet, info);
      }
    };
    w.on_link_restored = [weak](const client::connected_info& info) {
      auto self = weak.lock();
      if (self && !self->detached_ && self->callbacks_.on_link_restored) {
        self->callbacks_.on_link_restored(pair_side::wallet, info);
      }
    };
  }

  // ---- create --------------------------------------------------------------------------

  void create(time_point intended, handshake_handler done) {
    if (detached_) return;
    if (phase_ != phase::idle) {
      handshake_result r;
      r.error = make_error_code(errc::invalid_argument);
      r.started = r.wallet_started = intended;
      r.finished = now();
      post([done = std::move(done), r] {
        if (done) done(r);
      });
      return;
    }
    phase_ = phase::creating;
    create_done_ = std::move(done);
    hs_ = handshake_result{};
    hs_.started = intended;
    hs_.wallet_started = intended + opts_.wallet_connect_delay;

    dapp_connect_options o;
    o.mode = opts_.mode;
    o.initial_payload = opts_.initial_payload;
    auto request = dapp_->connect(o, intended);
    if (!request) {
      std::weak_ptr<impl> weak = weak_from_this();
      const std::error_code ec = request.error();
      post([weak, ec] {
        if (auto self = weak.lock())
          self->handshake_failed(pair_side::dapp, party_stage::connect, ec);
      });
      return;
    }
    request_ = std::move(*request);
    std::weak_ptr<impl> weak = weak_from_this();
    // The QR scan: an absolute deadline on the shard's timer, never a sleep.
    wallet_start_.arm_at(hs_.wallet_started, [weak] {
      if (auto self = weak.lock()) self->start_wallet();
    });
    handshake_timer_.arm_at(hs_.wallet_started + opts_.handshake_timeout, [weak] {
      if (auto self = weak.lock()) {
        self->handshake_failed(pair_side::pair, party_stage::connect,
                               make_error_code(errc::handshake_timeout));
      }
    });
  }

  // ---- exchange ------------------------------------------------------------------------

  void exchange(std::uint64_t id, time_point intended, std::chrono::milliseconds think,
                exchange_handler done) {
    if (detached_) return;
    const time_point t = now();
    if (phase_ != phase::ready || exchanges_.count(id) != 0) {
      exchange_result r;
      r.message_id = id;
      r.intended = intended;
      r.finished = t;
      r.stage = exchange_stage::send;
      r.error =
          make_error_code(phase_ != phase::ready ? errc::disconnected : errc::invalid_argument);
      post([done = std::move(done), r] {
        if (done) done(r);
      });
      return;
    }
    think_ = think;
    exchange_state& x = exchanges_[id];
    x.result.message_id = id;
    x.result.intended = intended;
    x.result.sent = t;  // refined by the publish reply's write time
    x.think = think;
    x.done = std::move(done);
    std::weak_ptr<impl> weak = weak_from_this();
    // The request must reach the wallet within the timeout of its actual send.
    x.deadline = ctx_.timers.at(std::max(intended, t) + opts_.message_timeout, [weak, id] {
      if (auto self = weak.lock()) self->exchange_timed_out(id);
    });
    dapp_->send_message(wire::sample_request_payload(id),
                        [weak, id](std::error_code ec, const publish_info& info) {
                          auto self = weak.lock();
                          if (!self || self->detached_) return;
                          auto it = self->exchanges_.find(id);
                          if (it == self->exchanges_.end()) return;
                          if (info.sent != time_point{}) it->second.result.sent = info.sent;
                          if (ec) self->finish_exchange(id, ec, exchange_stage::send, self->now());
                        });
  }

  // ---- async delivery ------------------------------------------------------------------

  void drop_wallet(done_handler done) {
    if (detached_) return;
    went_offline_ = now();
    wallet_->suspend(std::move(done));
  }

  void send_request(std::uint64_t id, publish_handler done) {
    if (detached_) return;
    dapp_->send_message(wire::sample_request_payload(id), std::move(done));
  }

  void resume_wallet(time_point intended, recovery_handler done) {
    if (detached_) return;
    recovery_result r;
    r.went_offline = went_offline_;
    r.intended = intended;
    if (recovery_done_) {
      r.error = make_error_code(errc::invalid_argument);
      r.finished = now();
      post([done = std::move(done), r] {
        if (done) done(r);
      });
      return;
    }
    rec_ = r;
    recovery_done_ = std::move(done);
    const std::error_code ec = wallet_->resume(intended);
    std::weak_ptr<impl> weak = weak_from_this();
    if (ec) {
      post([weak, ec] {
        if (auto self = weak.lock()) self->recovery_finished(ec, party_stage::validate);
      });
      return;
    }
    recovery_timer_.arm_at(std::max(intended, now()) + opts_.message_timeout, [weak] {
      if (auto self = weak.lock()) {
        self->recovery_finished(make_error_code(errc::reply_timeout), party_stage::receive);
      }
    });
  }

  // ---- teardown ------------------------------------------------------------------------

  void cancel_pending() {
    if (detached_) return;
    std::weak_ptr<impl> weak = weak_from_this();
    post([weak] {
      if (auto self = weak.lock()) self->cancel_now();
    });
  }

  void disconnect(done_handler done) {
    if (detached_) return;
    if (phase_ == phase::closing || phase_ == phase::closed) {
      post([done = std::move(done)] {
        if (done) done({});
      });
      return;
    }
    const bool was_creating = phase_ == phase::creating;
    phase_ = phase::closing;
    wallet_start_.cancel();
    handshake_timer_.cancel();
    otp_timer_.cancel();
    std::weak_ptr<impl> weak = weak_from_this();
    post([weak, was_creating] {
      auto self = weak.lock();
      if (!self) return;
      if (was_creating)
        self->fail_create(pair_side::pair, party_stage::connect, make_error_code(errc::cancelled));
      self->cancel_now();
    });
    closing_left_ = 2;
    disconnect_done_ = std::move(done);
    auto one_done = [weak](std::error_code) {
      auto self = weak.lock();
      if (!self || self->detached_) return;
      if (--self->closing_left_ > 0) return;
      self->phase_ = phase::closed;
      if (self->disconnect_done_) {
        auto d = std::move(self->disconnect_done_);
        self->disconnect_done_ = nullptr;
        d({});
      }
    };
    dapp_->disconnect(one_done);
    wallet_->disconnect(one_done);
  }

  void detach() noexcept {
    if (detached_) return;
    detached_ = true;
    for (auto& [id, x] : exchanges_) ctx_.timers.cancel(x.deadline);
    for (auto& [id, t] : responding_) ctx_.timers.cancel(t);
    exchanges_.clear();
    responding_.clear();
    // callbacks_ stay (one may be running now); every event checks detached_.
    create_done_ = nullptr;
    recovery_done_ = nullptr;
    disconnect_done_ = nullptr;
    wallet_start_.cancel();
    handshake_timer_.cancel();
    otp_timer_.cancel();
    recovery_timer_.cancel();
    dapp_.reset();
    wallet_.reset();
  }

  bool ready() const noexcept { return !detached_ && phase_ == phase::ready; }
  std::size_t in_flight() const noexcept { return exchanges_.size(); }
  std::uint64_t unmatched() const noexcept { return unmatched_; }
  const dapp_client& dapp() const noexcept { return *dapp_; }
  const wallet_client& wallet() const noexcept { return *wallet_; }

  pair_callbacks callbacks_;

 private:
  enum class phase { idle, creating, ready, failed, closing, closed };

  struct exchange_state {
    exchange_result result;
    std::chrono::milliseconds think{0};
    exchange_handler done;
    task_id deadline = 0;
  };

  time_point now() const noexcept { return ctx_.timers.now(); }

  // Runs `f` from the event loop unless the pair is gone by then.
  template <class F>
  void post(F f) {
    std::weak_ptr<impl> weak = weak_from_this();
    asio::post(ctx_.timers.context().io_context(), [weak, f = std::move(f)]() mutable {
      auto self = weak.lock();
      if (self && !self->detached_) f();
    });
  }

  // ---- handshake -----------------------------------------------------------------------

  void start_wallet() {
    if (detached_ || phase_ != phase::creating) return;
    const std::error_code ec = wallet_->connect(request_, hs_.wallet_started);
    if (ec) handshake_failed(pair_side::wallet, party_stage::validate, ec);
  }

  void on_otp_required() {
    if (detached_ || phase_ != phase::creating) return;
    // The simulated user reads the code on the wallet and types it into the dApp.
    std::weak_ptr<impl> weak = weak_from_this();
    otp_timer_.arm_after(opts_.otp_entry_delay, [weak] {
      auto self = weak.lock();
      if (!self || self->detached_ || self->phase_ != phase::creating) return;
      const std::error_code ec = self->dapp_->submit_otp(self->wallet_->otp());
      if (ec) self->handshake_failed(pair_side::dapp, party_stage::otp, ec);
    });
  }

  void on_connected(pair_side side, const party_connected_info& info) {
    if (detached_ || phase_ != phase::creating) return;
    if (side == pair_side::dapp) {
      hs_.dapp_connected = info.connected;
      dapp_ok_ = true;
    } else {
      hs_.wallet_connected = info.connected;
      wallet_ok_ = true;
    }
    if (!dapp_ok_ || !wallet_ok_) return;
    phase_ = phase::ready;
    handshake_timer_.cancel();
    hs_.finished = now();
    if (create_done_) {
      auto d = std::move(create_done_);
      create_done_ = nullptr;
      d(hs_);
    }
  }

  void handshake_failed(pair_side side, party_stage stage, std::error_code ec) {
    if (detached_ || phase_ != phase::creating) return;
    phase_ = phase::failed;
    wallet_start_.cancel();
    handshake_timer_.cancel();
    otp_timer_.cancel();
    // As the original: on any failure both clients are disconnected.
    dapp_->disconnect();
    wallet_->disconnect();
    fail_create(side, stage, ec);
  }

  void fail_create(pair_side side, party_stage stage, std::error_code ec) {
    if (!create_done_) return;
    hs_.error = ec;
    hs_.side = side;
    hs_.stage = stage;
    hs_.finished = now();
    auto d = std::move(create_done_);
    create_done_ = nullptr;
    d(hs_);
  }

  void on_error(pair_side side, const party_error& e) {
    if (detached_) return;
    if (callbacks_.on_error) {
      callbacks_.on_error(side, e);
      if (detached_) return;
    }
    if (!e.fatal) return;
    if (phase_ == phase::creating) {
      handshake_failed(side, e.stage, e.error);
      return;
    }
    if (side == pair_side::wallet && recovery_done_) {
      recovery_finished(e.error, e.stage);
      return;
    }
    if (phase_ == phase::ready) {
      // The session broke: nothing in flight can complete any more.
      phase_ = phase::failed;
      std::vector<std::uint64_t> ids;
      for (const auto& [id, x] : exchanges_) ids.push_back(id);
      for (std::uint64_t id : ids) {
        auto it = exchanges_.find(id);
        if (it == exchanges_.end()) continue;
        const exchange_stage st = it->second.result.request_received == time_point{}
                                      ? exchange_stage::request
                                      : exchange_stage::response;
        finish_exchange(id, e.error, st, now());
        if (detached_) return;
      }
    }
  }

  // ---- exchanges -----------------------------------------------------------------------

  void on_wallet_message(const received_message& m) {
    if (detached_) return;
    auto id = wire::payload_message_id(m.payload);
    if (recovery_done_) {
      rec_.message_id = id ? *id : 0;
      rec_.how = m.how;
      recovery_finished({}, party_stage::receive, m.received_at);
      return;
    }
    if (!id || phase_ != phase::ready) return;  // not a load-test request, or shutting down
    const std::uint64_t msg_id = *id;
    std::chrono::milliseconds think = think_;
    auto it = exchanges_.find(msg_id);
    if (it != exchanges_.end()) {
      exchange_state& x = it->second;
      if (x.result.request_received != time_point{}) return;  // answered already
      x.result.request_received = m.received_at;
      think = x.think;
      ctx_.timers.cancel(x.deadline);  // the request arrived; the response gets its own
      x.deadline = 0;
    } else if (responding_.count(msg_id) != 0) {
      return;
    }
    // The "user review": answer with the id that was RECEIVED (the original's F4).
    std::weak_ptr<impl> weak = weak_from_this();
    responding_[msg_id] = ctx_.timers.at(m.received_at + think, [weak, msg_id] {
      if (auto self = weak.lock()) self->respond(msg_id);
    });
  }

  void respond(std::uint64_t id) {
    if (detached_) return;
    responding_.erase(id);
    const time_point t = now();  // the wallet's own timestamp: think time is measured
    std::weak_ptr<impl> weak = weak_from_this();
    auto it = exchanges_.find(id);
    if (it != exchanges_.end()) {
      it->second.result.response_sent = t;
      it->second.deadline = ctx_.timers.at(t + opts_.message_timeout, [weak, id] {
        if (auto self = weak.lock()) self->exchange_timed_out(id);
      });
    }
    wallet_->send_message(wire::sample_response_payload(id),
                          [weak, id](std::error_code ec, const publish_info&) {
                            auto self = weak.lock();
                            if (!self || self->detached_ || !ec) return;
                            if (self->exchanges_.count(id) != 0) {
                              self->finish_exchange(id, ec, exchange_stage::respond, self->now());
                            }
                          });
  }

  void on_dapp_message(const received_message& m) {
    if (detached_) return;
    auto id = wire::payload_message_id(m.payload);
    auto it = id ? exchanges_.find(*id) : exchanges_.end();
    if (it == exchanges_.end()) {
      ++unmatched_;  // a late answer to an exchange that already failed
      return;
    }
    finish_exchange(*id, {}, exchange_stage::response, m.received_at);
  }

  void exchange_timed_out(std::uint64_t id) {
    auto it = exchanges_.find(id);
    if (detached_ || it == exchanges_.end()) return;
    it->second.deadline = 0;
    const exchange_stage st = it->second.result.request_received == time_point{}
                                  ? exchange_stage::request
                                  : exchange_stage::response;
    finish_exchange(id, make_error_code(errc::reply_timeout), st, now());
  }

  void finish_exchange(std::uint64_t id, std::error_code ec, exchange_stage stage, time_point at) {
    auto it = exchanges_.find(id);
    if (it == exchanges_.end()) return;
    exchange_state x = std::move(it->second);
    exchanges_.erase(it);
    ctx_.timers.cancel(x.deadline);
    x.result.error = ec;
    x.result.stage = stage;
    x.result.finished = at;
    if (x.done) x.done(x.result);
  }

  void cancel_now() {
    if (detached_) return;
    std::vector<std::uint64_t> ids;
    for (const auto& [id, x] : exchanges_) ids.push_back(id);
    for (std::uint64_t id : ids) {
      finish_exchange(id, make_error_code(errc::cancelled), exchange_stage::cancelled, now());
      if (detached_) return;
    }
    for (auto& [id, t] : responding_) ctx_.timers.cancel(t);
    responding_.clear();
    if (recovery_done_) recovery_finished(make_error_code(errc::cancelled), party_stage::receive);
  }

  void recovery_finished(std::error_code ec, party_stage stage,
                         std::optional<time_point> at = std::nullopt) {
    if (detached_ || !recovery_done_) return;
    recovery_timer_.cancel();
    rec_.error = ec;
    rec_.stage = stage;
    rec_.finished = at ? *at : now();
    auto d = std::move(recovery_done_);
    recovery_done_ = nullptr;
    d(rec_);
  }

  session_context& ctx_;
  pair_options opts_;
  std::unique_ptr<dapp_client> dapp_;
  std::unique_ptr<wallet_client> wallet_;
  phase phase_ = phase::idle;
  bool detached_ = false;

  wire::session_request request_;
  handshake_result hs_;
  handshake_handler create_done_;
  bool dapp_ok_ = false;
  bool wallet_ok_ = false;
  timer wallet_start_;
  timer handshake_timer_;
  timer otp_timer_;

  std::map<std::uint64_t, exchange_state> exchanges_;
  std::map<std::uint64_t, task_id> responding_;  // wallet think timers by message id
  std::chrono::milliseconds think_{0};
  std::uint64_t unmatched_ = 0;

  recovery_result rec_;
  recovery_handler recovery_done_;
  timer recovery_timer_;
  time_point went_offline_{};

  int closing_left_ = 0;
  done_handler disconnect_done_;
};

// ---- session_pair ---------------------------------------------------------------------------

session_pair::session_pair(session_context& context, pair_options options, std::uint64_t seed)
    : impl_(std::make_shared<impl>(context, std::move(options), seed)) {
  impl_->attach();
}

session_pair::~session_pair() {
  if (impl_) impl_->detach();
}

pair_callbacks& session_pair::callbacks() noexcept { return impl_->callbacks_; }

void session_pair::create(clock::time_point intended, handshake_handler done) {
  const auto keep = impl_;
  impl_->create(intended, std::move(done));
}

void session_pair::exchange(std::uint64_t message_id, clock::time_point intended,
                            std::chrono::milliseconds think, exchange_handler done) {
  const auto keep = impl_;
  impl_->exchange(message_id, intended, think, std::move(done));
}

void session_pair::drop_wallet(done_handler done) {
  const auto keep = impl_;
  impl_->drop_wallet(std::move(done));
}

void session_pair::send_request(std::uint64_t message_id, publish_handler done) {
  const auto keep = impl_;
  impl_->send_request(message_id, std::move(done));
}

void session_pair::resume_wallet(clock::time_point intended, recovery_handler done) {
  const auto keep = impl_;
  impl_->resume_wallet(intended, std::move(done));
}

void session_pair::cancel_pending() {
  const auto keep = impl_;
  impl_->cancel_pending();
}

void session_pair::disconnect(done_handler done) {
  const auto keep = impl_;
  impl_->disconnect(std::move(done));
}

bool session_pair::ready() const noexcept { return impl_->ready(); }
std::size_t session_pair::in_flight() const noexcept { return impl_->in_flight(); }
std::uint64_t session_pair::unmatched_responses() const noexcept { return impl_->unmatched(); }
const dapp_client& session_pair::dapp() const noexcept { return impl_->dapp(); }
const wallet_client& session_pair::wallet() const noexcept { return impl_->wallet(); }

}  // namespace relayload::session
