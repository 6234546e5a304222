#include "relayload/client/connection_pool.hpp"

#include <algorithm>
#include <deque>
#include <optional>
#include <utility>

#include "context_impl.hpp"
#include "relayload/error.hpp"
#include "relayload/metrics/interval_recorder.hpp"
#include "relayload/pacing/pacer.hpp"

namespace relayload::client {

using time_point = std::chrono::steady_clock::time_point;

namespace {

constexpr time_point never = time_point::max();

std::uint64_t mix(std::uint64_t seed, std::uint64_t index) noexcept {
  // splitmix64 finaliser of (seed, index): distinct, well-spread seeds per connection.
  std::uint64_t z = seed * 0x9e3779b97f4a7c15ULL + index + 0x632be59bd9b4e019ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

class connection_pool::impl final : public timer_target, public std::enable_shared_from_this<impl> {
 public:
  impl(client_context& ctx, pool_options options)
      : ctx_(ctx),
        cimpl_(ctx.get_impl()),
        options_(std::move(options)),
        client_options_(std::make_shared<const client_options>(options_.client)),
        snap_(options_.layout.valid() ? options_.layout : metrics::histogram_layout{},
              pool_series_options(options_.series_interval.count() > 0 ? options_.series_interval
                                                                       : std::chrono::seconds(1))) {
    slot_ = cimpl_.add_target(this);
  }

  ~impl() { cimpl_.remove_target(slot_); }

  std::error_code start(pacing::schedule schedule, time_point t0) {
    if (state_ != run_state::idle || !options_.validate().empty()) {
      return make_error_code(errc::invalid_argument);
    }
    state_ = run_state::running;
    t0_ = t0;
    snap_.counters.planned = schedule.size().value_or(0);
    pacer_.emplace(std::move(schedule), t0, options_.pacer);
    recorder_.emplace(t0, snap_.activity.options());
    connects_id_ = *recorder_->series().counter_id("connects");
    drops_id_ = *recorder_->series().counter_id("drops");
    reconnects_id_ = *recorder_->series().counter_id("reconnects");
    errors_id_ = *recorder_->series().counter_id("errors");
    failed_id_ = *recorder_->series().counter_id("failed");
    active_id_ = *recorder_->series().gauge_id("active");
    down_id_ = *recorder_->series().gauge_id("down");
    if (const auto due = pacer_->next_due()) {
      cimpl_.schedule(slot_, *due);
    } else {
      check_settled();
    }
    return {};
  }

  void begin_hold() {
    const time_point now = ctx_.now();
    hold_active_ = true;
    snap_.hold_begin_ns = offset_ns(now);
    snap_.hold_end_ns = -1;
    snap_.counters.down_at_hold_start = snap_.counters.down_now;
    snap_.counters.hold_peak_down = snap_.counters.down_now;
    for (auto& c : conns_) {
      if (c.down && !c.down_in_hold) {
        c.down_in_hold = true;
        ++snap_.counters.hold_dropped_connections;
      }
    }
  }

  void end_hold() {
    if (!hold_active_) return;
    hold_active_ = false;
    snap_.hold_end_ns = offset_ns(ctx_.now());
    snap_.counters.down_at_hold_end = snap_.counters.down_now;
  }

  pool_snapshot snapshot() const {
    pool_snapshot s = snap_;
    s.counters = counters();
    if (recorder_) {
      s.activity = recorder_->series();
      s.activity.extend_to(s.activity.index_at(ctx_.now() - t0_));
    }
    if (pacer_) s.generator = pacer_->stats();
    return s;
  }

  metrics::time_series activity() const {
    if (!recorder_) return metrics::time_series();
    metrics::time_series a = recorder_->series();
    a.extend_to(a.index_at(ctx_.now() - t0_));
    return a;
  }

  pool_counters counters() const {
    pool_counters c = snap_.counters;
    c.attempts = 0;
    for (const auto& each : conns_) c.attempts += each.client.attempts();
    return c;
  }

  bool settled() const noexcept { return settled_; }

  void close_all(std::function<void(const pool_snapshot&)> done) {
    done_ = std::move(done);
    if (state_ == run_state::closed || state_ == run_state::stopped) {
      post_done();
      return;
    }
    if (state_ == run_state::closing) return;
    const time_point now = ctx_.now();
    stop_schedule();
    state_ = run_state::closing;
    if (hold_active_) end_hold();
    closing_ = 0;
    for (std::size_t i = 0; i < conns_.size(); ++i) {
      conn& c = conns_[i];
      if (c.stopped) continue;
      ++closing_;
      c.closing = true;
    }
    // Close after counting, so a synchronous path could never see a partial count.
    for (auto& c : conns_) {
      if (c.closing) c.client.close();
    }
    if (closing_ == 0) {
      finish_close();
      return;
    }
    close_deadline_ = now + options_.close_timeout;
    cimpl_.schedule(slot_, close_deadline_);
  }

  void stop() noexcept {
    if (state_ == run_state::stopped) return;
    stop_schedule();
    state_ = run_state::stopped;  // silences every pool callback from here on
    done_ = nullptr;
    for (auto& c : conns_) c.client.abort();
  }

  std::size_t size() const noexcept { return conns_.size(); }
  centrifuge_client& client(std::size_t i) { return conns_.at(i).client; }

  pool_callbacks callbacks_;

 private:
  enum class run_state { idle, running, closing, closed, stopped };

  struct conn {
    conn(client_context& ctx, std::shared_ptr<const client_options> o, std::uint64_t seed,
         std::uint64_t i)
        : client(ctx, std::move(o), seed), index(i) {}
    centrifuge_client client;
    std::uint64_t index;
    time_point down_since{};
    bool up = false;
    bool down = false;
    bool has_outcome = false;
    bool stopped = false;
    bool closing = false;
    bool down_in_hold = false;  // counted in hold_dropped_connections
  };

  // ---- pacing --------------------------------------------------------------------------

  void on_deadline(time_point now) override {
    const auto self = shared_from_this();
    if (state_ == run_state::running && pacer_ && !pacer_->done()) {
      pacer_->release(now, [&](const pacing::due_event& e) { start_one(e); });
      if (state_ == run_state::running) {
        if (const auto due = pacer_->next_due()) {
          cimpl_.schedule(slot_, *due);
        } else {
          check_settled();
        }
      }
    }
    if (state_ == run_state::closing && close_deadline_ <= now) {
      close_deadline_ = never;
      if (!aborting_) {
        // The bound is over: cut what has not closed. Their ends arrive promptly.
        aborting_ = true;
        for (auto& c : conns_) {
          if (c.closing && !c.stopped) c.client.abort();
        }
        close_deadline_ = now + std::chrono::seconds(1);
        cimpl_.schedule(slot_, close_deadline_);
      } else {
        // A transport that does not even report its abort: count it and finish.
        for (std::size_t i = 0; i < conns_.size(); ++i) {
          conn& c = conns_[i];
          if (c.closing && !c.stopped) mark_stopped(i, stop_reason::aborted);
        }
      }
    }
    if (recorder_) recorder_->advance(now);
  }

  void start_one(const pacing::due_event& e) {
    if (callbacks_.on_started) callbacks_.on_started(e);
    const std::size_t i = conns_.size();
    conns_.emplace_back(ctx_, client_options_, mix(options_.seed, e.index), e.index);
    conn& c = conns_.back();
    c.client.set_connection_index(e.index);
    auto& cb = c.client.callbacks();
    // Each callback captures 16 bytes, so std::function keeps it inline (no allocation).
    cb.on_outcome = [this, i](const connect_outcome& o) { on_outcome(i, o); };
    cb.on_connected = [this, i](const connected_info& info) { on_connected(i, info); };
    cb.on_disconnected = [this, i](const disconnected_info& info) { on_disconnected(i, info); };
    cb.on_error = [this, i](const client_error& err) { on_error(i, err); };
    cb.on_stopped = [this, i](stop_reason r, const client_error&) { mark_stopped(i, r); };
    ++snap_.counters.started;
    std::optional<asio::ip::address> source;
    if (!options_.source_addresses.empty()) {
      source = options_.source_addresses[i % options_.source_addresses.size()];
    }
    if (const std::error_code ec = c.client.connect(e.intended, source)) {
      // Cannot happen with validated options; still, every start must get an outcome.
      connect_outcome o;
      o.kind = outcome_kind::failed;
      o.cause.error = ec;
      o.cause.at = ctx_.now();
      o.intended = e.intended;
      o.started = o.finished = o.cause.at;
      on_outcome(i, o);
      mark_stopped(i, stop_reason::invalid);
    }
  }

  void stop_schedule() {
    if (!pacer_ || pacer_->done()) return;
    if (options_.open_schedule) {
      std::uint64_t due = 0;
      while (pacer_->next(ctx_.now())) ++due;
      snap_.counters.not_started = due;
      snap_.counters.planned = snap_.counters.started + due;
      return;
    }
    snap_.counters.not_started = snap_.counters.planned > snap_.counters.started
                                     ? snap_.counters.planned - snap_.counters.started
                                     : 0;
  }

  // ---- client events -------------------------------------------------------------------

  void on_outcome(std::size_t i, const connect_outcome& o) {
    conn& c = conns_[i];
    if (c.has_outcome) return;
    c.has_outcome = true;
    auto& k = snap_.counters;
    k.retries += o.retries;
    switch (o.kind) {
      case outcome_kind::immediate:
        ++k.immediate;
        break;
      case outcome_kind::recovered:
        ++k.recovered;
        break;
      case outcome_kind::failed:
        ++k.failed;
        break;
    }
    if (o.connected()) {
      snap_.connect_time.record(o.connect_time());
      snap_.service_time.record(o.service_time());
      snap_.resolve.record(o.timings.resolve());
      snap_.tcp_connect.record(o.timings.tcp_connect());
      snap_.tls_handshake.record(o.timings.tls_handshake());
      snap_.ws_upgrade.record(o.timings.ws_upgrade());
      snap_.connect_reply.record(o.connect_reply_time());
      if (recorder_) recorder_->record(o.intended, o.connect_time());
    } else {
      snap_.time_to_failure.record(o.finished - o.intended);
      snap_.failures.add(o.cause.cause(), o.cause.condition_of());
      if (recorder_) recorder_->count(o.intended, failed_id_);
    }
    if (callbacks_.on_outcome && state_ != run_state::stopped) callbacks_.on_outcome(c.index, o);
    check_settled();
  }

  void on_connected(std::size_t i, const connected_info& info) {
    conn& c = conns_[i];
    auto& k = snap_.counters;
    if (!c.up) {
      c.up = true;
      ++k.connected_now;
    }
    if (info.reconnect) {
      ++k.reconnects;
      if (hold_active_) ++k.hold_reconnects;
      if (recorder_) recorder_->count(info.at, reconnects_id_);
      if (c.down) {
        c.down = false;
        --k.down_now;
        log_down(info.at, false);
        snap_.time_to_reconnect.record(info.at - c.down_since);
      }
    } else if (recorder_) {
      recorder_->count(info.at, connects_id_);
    }
    set_gauges(info.at);
  }

  void on_disconnected(std::size_t i, const disconnected_info& info) {
    conn& c = conns_[i];
    auto& k = snap_.counters;
    if (c.up) {
      c.up = false;
      --k.connected_now;
    }
    ++k.drops;
    if (hold_active_) {
      ++k.hold_drops;
      if (!c.down_in_hold) {
        c.down_in_hold = true;
        ++k.hold_dropped_connections;
      }
    }
    snap_.disconnects.add(info.cause.cause(), info.cause.condition_of());
    if (!c.down) {
      c.down = true;
      c.down_since = info.cause.at;
      ++k.down_now;
      k.peak_down = std::max(k.peak_down, k.down_now);
      if (hold_active_) k.hold_peak_down = std::max(k.hold_peak_down, k.down_now);
      log_down(info.cause.at, true);
    }
    if (recorder_) recorder_->count(info.cause.at, drops_id_);
    set_gauges(info.cause.at);
  }

  void on_error(std::size_t, const client_error& e) {
    ++snap_.counters.errors;
    snap_.errors.add(e.cause(), e.condition_of());
    if (recorder_) recorder_->count(e.at, errors_id_);
  }

  void mark_stopped(std::size_t i, stop_reason r) {
    conn& c = conns_[i];
    if (c.stopped) return;
    c.stopped = true;
    auto& k = snap_.counters;
    if (c.up) {
      c.up = false;
      --k.connected_now;
      set_gauges(ctx_.now());
    }
    if (c.closing) {
      if (r == stop_reason::closed) {
        ++k.closed;
      } else {
        ++k.aborted;
      }
      if (closing_ > 0 && --closing_ == 0 && state_ == run_state::closing) finish_close();
    } else {
      ++k.stopped_early;
    }
  }

  void check_settled() {
    if (settled_ || state_ != run_state::running || !pacer_ || !pacer_->done()) return;
    if (snap_.counters.pending() != 0) return;
    settled_ = true;
    if (!callbacks_.on_settled) return;
    asio::post(ctx_.io_context(), [weak = weak_from_this()] {
      const auto self = weak.lock();
      if (self && self->state_ != run_state::stopped && self->callbacks_.on_settled) {
        self->callbacks_.on_settled();
      }
    });
  }

  void finish_close() {
    state_ = run_state::closed;
    close_deadline_ = never;
    post_done();
  }

  void post_done() {
    if (!done_) return;
    asio::post(ctx_.io_context(), [weak = weak_from_this()] {
      const auto self = weak.lock();
      if (!self || !self->done_) return;
      auto done = std::move(self->done_);
      self->done_ = nullptr;
      done(self->snapshot());
    });
  }

  // ---- bookkeeping ---------------------------------------------------------------------

  std::int64_t offset_ns(time_point t) const noexcept {
    return std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::nanoseconds>(t - t0_).count());
  }

  void log_down(time_point at, bool drop) {
    if (!snap_.down_log_complete) return;
    if (snap_.down_log.size() >= options_.down_log_limit) {
      snap_.down_log_complete = false;
      snap_.down_log.clear();
      snap_.down_log.shrink_to_fit();
      return;
    }
    // Events arrive in time order on this thread; keep the log sorted even if a client
    // reports a slightly earlier timestamp than the last one logged.
    std::int64_t t = offset_ns(at);
    if (!snap_.down_log.empty()) t = std::max(t, snap_.down_log.back() >> 1);
    snap_.down_log.push_back(t * 2 + (drop ? 1 : 0));
  }

  void set_gauges(time_point at) {
    if (!recorder_) return;
    recorder_->set_gauge(at, active_id_, static_cast<std::int64_t>(snap_.counters.connected_now));
    recorder_->set_gauge(at, down_id_, static_cast<std::int64_t>(snap_.counters.down_now));
  }

  client_context& ctx_;
  client_context::impl& cimpl_;
  pool_options options_;
  std::shared_ptr<const client_options> client_options_;
  std::uint32_t slot_ = 0;
  run_state state_ = run_state::idle;
  time_point t0_{};
  std::optional<pacing::pacer> pacer_;
  std::optional<metrics::interval_recorder> recorder_;
  std::size_t connects_id_ = 0, drops_id_ = 0, reconnects_id_ = 0, errors_id_ = 0, failed_id_ = 0,
              active_id_ = 0, down_id_ = 0;
  std::deque<conn> conns_;
  pool_snapshot snap_;
  bool hold_active_ = false;
  bool settled_ = false;
  bool aborting_ = false;
  std::size_t closing_ = 0;
  time_point close_deadline_ = never;
  std::function<void(const pool_snapshot&)> done_;
};

connection_pool::connection_pool(client_context& context, pool_options options)
    : impl_(std::make_shared<impl>(context, std::move(options))) {}

connection_pool::~connection_pool() = default;

pool_callbacks& connection_pool::callbacks() noexcept { return impl_->callbacks_; }

std::error_code connection_pool::start(pacing::schedule schedule, clock::time_point t0) {
  return impl_->start(std::move(schedule), t0);
}

void connection_pool::begin_hold() { impl_->begin_hold(); }
void connection_pool::end_hold() { impl_->end_hold(); }
pool_snapshot connection_pool::snapshot() const { return impl_->snapshot(); }
metrics::time_series connection_pool::activity() const { return impl_->activity(); }
pool_counters connection_pool::counters() const { return impl_->counters(); }
bool connection_pool::settled() const noexcept { return impl_->settled(); }

void connection_pool::close_all(std::function<void(const pool_snapshot&)> done) {
  impl_->close_all(std::move(done));
}

void connection_pool::stop() noexcept { impl_->stop(); }
std::size_t connection_pool::size() const noexcept { return impl_->size(); }
centrifuge_client& connection_pool::client(std::size_t i) { return impl_->client(i); }

}  // namespace relayload::client
