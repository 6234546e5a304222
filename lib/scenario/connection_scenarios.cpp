// connection-storm and steady-state (original-tool.md §2.1, §2.2) on connection pools, with
// the original's flaws fixed: every drop during the hold is an event (not a 100 ms sample),
// stability counts every connection that dropped at any moment of the hold, connect times
// run from the intended start, and failures keep their causes.
#include <asio/steady_timer.hpp>
#include <optional>

#include "relayload/client/connection_pool.hpp"
#include "relayload/error.hpp"
#include "relayload/pacing/constant_rate_schedule.hpp"
#include "relayload/scenario/scenario_registry.hpp"
#include "scenario/pool_report_impl.hpp"

namespace relayload::scenario {

namespace {

class connection_shard final : public scenario_shard {
 public:
  connection_shard(shard_context& ctx, bool hold) : ctx_(ctx), hold_(hold), timer_(ctx.io) {
    client::pool_options po;
    po.client.url = ctx.target;
    po.client.call_timeout = ctx.options.command_timeout;
    po.client.give_up_after = ctx.options.connect_timeout;
    apply_token_options(ctx.options, po.client);
    po.source_addresses = source_addresses(ctx.options);
    po.seed = ctx.seed;
    po.series_interval = ctx.series_interval;
    po.open_schedule = ctx.arrivals.has_value();
    pool_.emplace(ctx.client, std::move(po));
    pool_->callbacks().on_settled = [this] { on_settled(); };
    if (ctx.unit_started) pool_->callbacks().on_started = ctx.unit_started;
  }

  void start() override {
    result<pacing::schedule> sched = unexpected(errc::invalid_argument);
    if (ctx_.arrivals) {
      sched = *ctx_.arrivals;
    } else {
      auto spread = pacing::constant_rate_schedule::spread(
          ctx_.options.connections, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        ctx_.options.ramp_up));
      sched = spread ? pacing::schedule::sharded(*spread, ctx_.shard)
                     : result<pacing::schedule>(unexpected(spread.error()));
    }
    if (!sched || pool_->start(std::move(*sched), ctx_.t0)) {
      setup_error_ = sched ? std::error_code(errc::invalid_argument) : sched.error();
      finish();
      return;
    }
    if (hold_ && ctx_.window_end) {
      // A workload group: connections arrive during the window and are held until it
      // closes, whatever their arrival model; the hold covers the whole window.
      phase_ = phase::hold;
      hold_start_ = clock::now();
      pool_->begin_hold();
      timer_.expires_at(*ctx_.window_end);
      timer_.async_wait([this](std::error_code ec) {
        if (!ec && phase_ == phase::hold) close();
      });
    }
  }

  void stop() override {
    stopping_ = true;
    timer_.cancel();
    if (phase_ == phase::ramp || phase_ == phase::hold) close();
  }

  metrics::report snapshot() const override {
    if (final_) return *final_;
    return make_report(pool_->snapshot(), clock::now());
  }

  metrics::report series_snapshot() const override {
    metrics::report r;
    r.series.insert_or_assign(metrics::connections_series,
                              final_ ? final_->series.at(metrics::connections_series)
                                     : pool_->activity());
    return r;
  }

 private:
  enum class phase { ramp, hold, closing, done };

  void on_settled() {
    settled_at_ = clock::now();
    if (stopping_ || phase_ != phase::ramp) return;
    if (!hold_) {
      close();  // the storm: every connect has an outcome; now disconnect all
      return;
    }
    phase_ = phase::hold;
    hold_start_ = clock::now();
    pool_->begin_hold();
    timer_.expires_at(*hold_start_ + ctx_.options.duration);
    timer_.async_wait([this](std::error_code ec) {
      if (!ec && phase_ == phase::hold) close();
    });
  }

  void close() {
    if (phase_ == phase::hold) {
      hold_end_ = clock::now();
      pool_->end_hold();
    }
    phase_ = phase::closing;
    pool_->close_all([this](const client::pool_snapshot& s) {
      final_ = make_report(s, settled_at_.value_or(clock::now()));
      finish();
    });
  }

  void finish() {
    phase_ = phase::done;
    if (!final_) final_ = make_report(pool_->snapshot(), clock::now());
    ctx_.done();
  }

  metrics::report make_report(const client::pool_snapshot& s, clock::time_point ramp_end) const {
    metrics::report r;
    fill_from_pool(r, s);
    if (setup_error_) r.errors.add(setup_error_);
    const auto end = hold_ ? (hold_end_ ? *hold_end_ : clock::now()) : ramp_end;
    r.total_time = std::chrono::duration_cast<std::chrono::nanoseconds>(end - ctx_.t0);
    if (hold_) {
      metrics::steady_state_section st;
      const auto& c = s.counters;
      if (hold_start_) {
        st.hold_duration = std::chrono::duration_cast<std::chrono::nanoseconds>(
            hold_end_.value_or(clock::now()) - *hold_start_);
        st.current_disconnects = hold_end_ ? c.down_at_hold_end : c.down_now;
        st.peak_disconnects = c.hold_peak_down;
        st.reconnects_during_hold = c.hold_reconnects;
        st.disconnect_events = c.hold_drops;
        st.dropped_connections = c.hold_dropped_connections;
      }
      r.steady_state = st;
      // The target is gone when every connection that had been established is down at the
      // end of the hold: the run could not measure what it was asked to.
      if (hold_end_ && c.down_at_hold_end > 0 && c.connected_now == 0) r.partial = true;
    }
    if (stopping_) r.partial = true;
    return r;
  }

  shard_context& ctx_;
  bool hold_;
  asio::steady_timer timer_;
  std::optional<client::connection_pool> pool_;
  phase phase_ = phase::ramp;
  bool stopping_ = false;
  std::error_code setup_error_;
  std::optional<clock::time_point> settled_at_;
  std::optional<clock::time_point> hold_start_;
  std::optional<clock::time_point> hold_end_;
  std::optional<metrics::report> final_;
};

}  // namespace

void register_connection_scenarios(scenario_registry& registry) {
  registry.add({"connection-storm",
                "open N connections over --ramp-up, wait until every one has an outcome, "
                "disconnect",
                false,
                [](shard_context& ctx) { return std::make_unique<connection_shard>(ctx, false); }});
  registry.add({"steady-state",
                "open N connections over --ramp-up, hold them for --duration counting every "
                "drop and reconnect, disconnect",
                false,
                [](shard_context& ctx) { return std::make_unique<connection_shard>(ctx, true); }});
}

}  // namespace relayload::scenario
