// realistic-session, async-delivery and steady-messaging (original-tool.md §2.3–§2.5,
// protocol.md §4.4) on session pairs, with the original's flaws fixed:
//
// - a handshake succeeds only when BOTH sides are CONNECTED (F2); the headline handshake time
//   is the wait after the QR scan until the dApp is CONNECTED, with the wallet-only time of
//   the original (F3) and the dApp-side time next to it as histograms;
// - a failed send never crashes anything and every exchange ends exactly once: success,
//   failure or timeout, each failure counted by cause (F1, F19), with
//   "messages.latencyIncludingFailures" recording failures at the time they were declared;
// - responses are matched to requests by the id the wallet received (F4) and the think time
//   is what the wallet measured, not the nominal delay (F21);
// - steady-messaging is open-model: every pair has intended send times on the original cycle
//   (request → interval → response → interval, i.e. one request every 2 × interval), latency
//   runs from the intended time (no coordinated omission, F18); the shard waits for every
//   loop and every in-flight exchange before disconnecting (F5); "disconnects" counts real
//   WebSocket drops from the clients' events (F9); latencyOverTime comes from per-interval
//   histograms (exact per interval, not the original's last-1,000-samples window), at the
//   run's series interval (about 100–300 intervals per run, shard_context::series_interval);
// - async-delivery bounds every wait (F6), keeps each pair offline for exactly --delay from
//   its own send (F12), and counts setup failures as failed recoveries (F12).
//
// Untrusted mode (--mode untrusted): the simulated user reads the OTP on the wallet and types
// it into the dApp --otp-delay after the dApp asks; that time is part of the handshake.
//
// Every run also records time series (metrics::report's "connections", "handshakes",
// "messages" and "recovery"): open WebSockets of both sides are sampled at the end of each
// interval by one shard timer (armed at absolute times from t0), and each WebSocket is
// counted as opened once, when it is first seen with a connect reply.
//
// Each shard runs its share of the pairs (round-robin over the global --ramp-up schedule);
// a pair's dApp and wallet live on the same shard, so a round trip is timed on one clock.
// "All pairs done" (realistic-session's hold) is per shard: shards run the same schedule
// from one t0, so they finish together up to one pair's duration.
#include <bitset>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "relayload/error.hpp"
#include "relayload/metrics/interval_recorder.hpp"
#include "relayload/pacing/constant_rate_schedule.hpp"
#include "relayload/pacing/pacer.hpp"
#include "relayload/scenario/scenario_registry.hpp"
#include "relayload/session/key_manager.hpp"
#include "relayload/session/random.hpp"
#include "relayload/session/session_pair.hpp"
#include "scenario/pool_report_impl.hpp"

namespace relayload::scenario {

namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// The original's 500 ms "sync buffer" before each realistic-session exchange. It is no longer
// needed for correctness (create() waits for the dApp), but keeps the relay's load shape.
constexpr milliseconds exchange_gap{500};

nanoseconds ns(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<nanoseconds>(d);
}

condition condition_of(const std::error_code& ec) { return metrics::error_tally::condition_of(ec); }

std::uint64_t mix(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

enum class kind { realistic, async_delivery, steady };

/// One shard of a session-pair scenario.
class session_shard final : public scenario_shard {
 public:
  session_shard(shard_context& ctx, kind k)
      : ctx_(ctx),
        kind_(k),
        timers_(ctx.client),
        keys_(session::make_key_manager(ctx.options.crypto == crypto_kind::ecies
                                            ? session::key_manager_kind::ecies
                                            : session::key_manager_kind::mock)),
        sctx_{timers_, *keys_, ids_, make_transport_options(ctx),
              std::make_shared<const session::session_options>()},
        pace_task_(timers_),
        end_task_(timers_),
        sample_task_(timers_),
        conn_series_(ctx.t0, connections_options()),
        hs_series_(ctx.t0, handshakes_options()),
        msg_series_(ctx.t0, messages_options()),
        rec_series_(ctx.t0, recovery_options()) {
    if (ctx.arrivals) {
      // A workload group: the arrival schedule says how many pairs (unknown in advance for a
      // Poisson process bounded by time: then known once the schedule is exhausted).
      planned_known_ = ctx.arrivals->size().has_value();
      planned_ = ctx.arrivals->size().value_or(0);
    } else {
      planned_ = ctx.shard.size_of(ctx.options.connection_pairs);
    }
    popts_.mode = ctx.options.mode == handshake_mode::untrusted ? wire::session_mode::untrusted
                                                                : wire::session_mode::trusted;
    popts_.wallet_connect_delay =
        k == kind::async_delivery ? milliseconds(0) : ctx.options.wallet_connect_delay;
    popts_.handshake_timeout = ctx.options.handshake_timeout;
    popts_.otp_entry_delay = ctx.options.otp_entry_delay;
    popts_.message_timeout = ctx.options.message_timeout;
  }

  ~session_shard() override {
    // Pairs first: they refer to the scheduler, key manager and context declared before them.
    slots_.clear();
  }

  void start() override {
    conn_series_ = metrics::interval_recorder(ctx_.t0, connections_options());
    hs_series_ = metrics::interval_recorder(ctx_.t0, handshakes_options());
    msg_series_ = metrics::interval_recorder(ctx_.t0, messages_options());
    rec_series_ = metrics::interval_recorder(ctx_.t0, recovery_options());
    next_sample_ = ctx_.t0 + ctx_.series_interval;
    sample_task_.arm_at(next_sample_, [this] { sample(); });
    test_end_ = ctx_.window_end.value_or(ctx_.t0 + ctx_.options.ramp_up + ctx_.options.duration);
    result<pacing::schedule> sched = unexpected(errc::invalid_argument);
    if (ctx_.arrivals) {
      sched = *ctx_.arrivals;
    } else {
      auto spread = pacing::constant_rate_schedule::spread(ctx_.options.connection_pairs,
                                                           ns(ctx_.options.ramp_up));
      sched = spread ? pacing::schedule::sharded(*spread, ctx_.shard)
                     : result<pacing::schedule>(unexpected(spread.error()));
    }
    if (!sched) {
      errors_.add(sched.error());
      not_started_ = planned_;
      finish();
      return;
    }
    pacer_.emplace(std::move(*sched), ctx_.t0);
    if (kind_ == kind::steady) {
      // The messaging window ends at t0 + ramp + duration (the nominal ramp, as the
      // original); then in-flight exchanges settle and the shard winds down.
      end_task_.arm_at(test_end_, [this] {
        window_closed_ = true;
        maybe_wind_down();
      });
    }
    pace();
  }

  void stop() override {
    if (stopping_ || finished_) return;
    stopping_ = true;
    pace_task_.cancel();
    end_task_.cancel();
    // Pairs never started count as attempted and failed (nothing is dropped): the rest of a
    // known schedule, or of an open one the pairs already due.
    if (planned_known_ && !ctx_.arrivals) {
      not_started_ = planned_ - started_;
    } else if (pacer_) {
      // A workload group's schedule ends where the run was stopped: the units already due
      // and not started count, the ones whose time had not come are not part of the run.
      const auto now = timers_.now();
      while (pacer_->next(now)) ++not_started_;
      planned_ = started_ + not_started_;
      planned_known_ = true;
    }
    for (auto& s : slots_) {
      timers_.cancel(s->next_task);
      s->next_task = 0;
    }
    wind_down();
  }

  metrics::report snapshot() const override {
    if (final_) return *final_;
    return make_report(clock::now());
  }

  metrics::report series_snapshot() const override {
    if (final_) return *final_;
    metrics::report r;
    r.series.insert_or_assign(metrics::connections_series, conn_series_.series());
    r.series.insert_or_assign(metrics::handshakes_series, hs_series_.series());
    if (kind_ == kind::realistic) {
      r.series.insert_or_assign(metrics::messages_series, msg_series_.series());
    }
    if (kind_ == kind::async_delivery) {
      r.series.insert_or_assign(metrics::recovery_series, rec_series_.series());
    }
    if (kind_ == kind::steady) {
      metrics::steady_messaging_section st;
      st.latency_over_time = msg_series_.series();
      r.steady_messaging = std::move(st);
    }
    return r;
  }

 private:
  enum class slot_state { creating, running, done };

  struct slot {
    std::uint64_t index = 0;
    std::unique_ptr<session::session_pair> pair;
    slot_state state = slot_state::creating;
    bool handshake_ok = false;
    std::uint64_t next_message = 1;
    clock::time_point next_intended{};
    session::task_id next_task = 0;
    bool closed = false;
    bool outcome_counted = false;  // async-delivery: its recovery was counted
    bool wallet_back = false;      // async-delivery: the wallet's next connection is its return
    std::uint8_t opened = 0;       // connections seen with a connect reply (side_* bits)
    bool released = false;         // closed and done: its stats can be folded and it freed
    std::uint32_t exchanges = 0;   // its exchanges in flight (a pair is never freed under one)
    bool disconnected = false;     // its disconnect completed
  };
  static bool closing_done(const slot& s) { return s.disconnected; }

  // slot::opened bits: each WebSocket of a pair, counted once.
  static constexpr std::uint8_t side_dapp = 1;
  static constexpr std::uint8_t side_wallet = 2;
  static constexpr std::uint8_t side_wallet_back = 4;

  // Counter ids of the series below, in the order of their options.
  enum : std::size_t { conn_opened = 0, conn_drops = 1, conn_reconnects = 2 };
  enum : std::size_t { hs_started = 0, hs_completed = 1, hs_failed = 2 };
  enum : std::size_t { outcome_ok = 0, outcome_failed = 1, outcome_sent = 2 };

  metrics::time_series_options series_base() const {
    metrics::time_series_options o;
    o.interval = ctx_.series_interval;
    return o;
  }
  metrics::time_series_options connections_options() const {
    auto o = series_base();
    o.counters = {"opened", "drops", "reconnects"};
    o.gauges = {"active"};
    return o;
  }
  metrics::time_series_options handshakes_options() const {
    auto o = series_base();
    o.counters = {"started", "completed", "failed"};
    return o;
  }
  metrics::time_series_options messages_options() const {
    auto o = series_base();
    o.counters = {"completed", "failed", "sent"};
    return o;
  }
  metrics::time_series_options recovery_options() const {
    auto o = series_base();
    o.counters = {"received", "failed"};
    return o;
  }

  static std::shared_ptr<const session::transport_options> make_transport_options(
      shard_context& ctx) {
    auto c = std::make_shared<client::client_options>(client::client_options::mwp());
    c->url = ctx.target;
    c->give_up_after = ctx.options.connect_timeout;
    apply_token_options(ctx.options, *c);
    auto t = std::make_shared<session::transport_options>();
    t->client = std::move(c);
    t->source_addresses = source_addresses(ctx.options);
    return t;
  }

  // ---- pacing ------------------------------------------------------------------------

  void pace() {
    if (stopping_ || !pacer_) return;
    pacer_->release(timers_.now(), [this](const pacing::due_event& e) { start_pair(e); });
    if (auto due = pacer_->next_due()) {
      pace_task_.arm_at(*due, [this] { pace(); });
    } else {
      if (!planned_known_) {
        planned_ = started_;
        planned_known_ = true;
      }
      maybe_wind_down();
    }
  }

  void start_pair(const pacing::due_event& e) {
    ++started_;
    if (ctx_.unit_started) ctx_.unit_started(e);
    hs_series_.count(e.intended, hs_started);
    auto s = std::make_unique<slot>();
    s->index = e.index;
    s->pair = std::make_unique<session::session_pair>(sctx_, popts_, mix(ctx_.seed, e.index));
    slot* sp = s.get();
    auto& cb = s->pair->callbacks();
    cb.on_link_lost = [this](session::pair_side, const client::disconnected_info&) {
      ++link_lost_;
      conn_series_.count(timers_.now(), conn_drops);
    };
    cb.on_link_restored = [this](session::pair_side, const client::connected_info&) {
      ++link_restored_;
      conn_series_.count(timers_.now(), conn_reconnects);
    };
    cb.on_error = [this, sp](session::pair_side side, const session::party_error& err) {
      observe(*sp, timers_.now());  // before a fatal error closes the side's connection
      // Handshake failures are counted once, from the handshake result; here: problems of
      // established sessions and the non-fatal ones (undecryptable messages, history errors).
      if (err.fatal && !sp->handshake_ok) return;
      errors_.add(std::string("session.") + session::to_string(side) + "." +
                      session::to_string(err.stage) + "." + error_name(err.error),
                  condition_of(err.error));
    };
    slots_.push_back(std::move(s));
    ++not_done_;
    sp->pair->create(e.intended,
                     [this, sp](const session::handshake_result& h) { on_created(*sp, h); });
  }

  void on_created(slot& s, const session::handshake_result& h) {
    observe(s, timers_.now());
    if (!h.ok()) {
      ++hs_failed_;
      hs_series_.count(h.started, hs_failed);
      hs_failure_time_.record(ns(h.time_to_failure()));
      errors_.add("handshake." + h.cause(), condition_of(h.error));
      if (kind_ == kind::async_delivery) recovery_failed_setup(s);
      pair_done(s);
      return;
    }
    ++hs_ok_;
    s.handshake_ok = true;
    hs_series_.record(h.started, ns(h.headline()));
    hs_series_.count(h.started, hs_completed);
    hs_latency_.record(ns(h.headline()));
    hs_wallet_.record(ns(h.wallet_side()));
    hs_dapp_.record(ns(h.dapp_side()));
    if (stopping_) {
      pair_done(s);
      return;
    }
    s.state = slot_state::running;
    switch (kind_) {
      case kind::realistic:
        schedule_exchange(s, h.finished + exchange_gap);
        break;
      case kind::steady:
        if (h.finished >= test_end_) {
          pair_done(s);  // handshake finished after the window: no messages (as the original)
        } else {
          schedule_exchange(s, h.finished);
        }
        break;
      case kind::async_delivery:
        async_drop(s);
        break;
    }
  }

  // ---- exchanges (realistic-session, steady-messaging) --------------------------------

  void schedule_exchange(slot& s, clock::time_point intended) {
    s.next_intended = intended;
    s.next_task = timers_.at(intended, [this, sp = &s] {
      sp->next_task = 0;
      send_exchange(*sp);
    });
  }

  void send_exchange(slot& s) {
    if (stopping_) return;
    const clock::time_point intended = s.next_intended;
    const milliseconds think =
        kind_ == kind::steady ? ctx_.options.message_interval : ctx_.options.response_delay;
    if (!s.pair->ready()) {
      // The session broke earlier: this pair stops here (the original left its loop on
      // "not connected"); the exchanges it would still have sent are counted apart.
      ++pairs_lost_;
      count_abandoned(s, intended);
      pair_done(s);
      return;
    }
    const std::uint64_t id = s.next_message++;
    ++sent_;
    msg_series_.count(intended, outcome_sent);
    ++in_flight_;
    ++s.exchanges;
    s.pair->exchange(id, intended, think,
                     [this, sp = &s](const session::exchange_result& r) { on_exchange(*sp, r); });
    if (kind_ == kind::steady) {
      // Open model: the next request is due one cycle (request → interval → response →
      // interval) after this one's intended time, whether or not this one completed.
      const clock::time_point next = intended + 2 * ctx_.options.message_interval;
      if (next < test_end_) {
        schedule_exchange(s, next);
      } else {
        mark_done(s);  // its loop is over; exchanges may still be in flight
        maybe_wind_down();
      }
    }
  }

  void count_abandoned(const slot& s, clock::time_point from) {
    if (kind_ == kind::steady) {
      const auto cycle = 2 * ctx_.options.message_interval;
      for (auto t = from; t < test_end_ && cycle.count() > 0; t += cycle) ++not_sent_;
    } else if (kind_ == kind::realistic) {
      const std::uint64_t m = ctx_.options.messages_per_session;
      if (s.next_message <= m) not_sent_ += m - s.next_message + 1;
    }
  }

  void on_exchange(slot& s, const session::exchange_result& r) {
    --in_flight_;
    --s.exchanges;
    if (ctx_.continuous && s.closed && s.state == slot_state::done && s.exchanges == 0 &&
        closing_done(s)) {
      s.released = true;
    }
    if (r.ok()) {
      ++received_;
      msg_latency_.record(ns(r.latency()));
      msg_all_.record(ns(r.latency()));
      msg_service_.record(ns(r.service_time()));
      msg_request_leg_.record(ns(r.request_leg()));
      msg_response_leg_.record(ns(r.response_leg()));
      msg_think_.record(ns(r.think_time()));
      msg_series_.record(r.intended, ns(r.latency()));
      msg_series_.count(r.intended, outcome_ok);
    } else {
      ++msg_failed_;
      msg_all_.record(ns(r.latency()));
      errors_.add("message." + r.cause(), condition_of(r.error));
      msg_series_.count(r.intended, outcome_failed);
    }
    if (kind_ == kind::realistic && s.state == slot_state::running) {
      if (stopping_ || s.next_message > ctx_.options.messages_per_session) {
        pair_done(s);
      } else {
        schedule_exchange(s, r.finished + exchange_gap);
      }
      return;
    }
    maybe_wind_down();
  }

  // ---- async-delivery -----------------------------------------------------------------

  void async_drop(slot& s) {
    s.pair->drop_wallet([this, sp = &s](std::error_code ec) {
      sp->wallet_back = true;  // its connection has ended: the next one is its return
      if (ec) {
        errors_.add("setup.drop." + error_name(ec), condition_of(ec));
        recovery_failed_setup(*sp);
        pair_done(*sp);
        return;
      }
      if (stopping_) {
        pair_done(*sp);
        return;
      }
      sp->pair->send_request(1, [this, sp](std::error_code sec, const session::publish_info& i) {
        if (sec) {
          errors_.add("setup.send." + error_name(sec), condition_of(sec));
          recovery_failed_setup(*sp);
          pair_done(*sp);
          return;
        }
        ++async_sent_;
        if (stopping_) {
          pair_done(*sp);
          return;
        }
        // Offline for exactly --delay after this pair's own request was stored (F12).
        const clock::time_point resume_at = i.done + ctx_.options.delay;
        sp->next_task = timers_.at(resume_at, [this, sp, resume_at] {
          sp->next_task = 0;
          if (stopping_) return;
          sp->pair->resume_wallet(
              resume_at, [this, sp](const session::recovery_result& r) { on_recovered(*sp, r); });
        });
      });
    });
  }

  void recovery_failed_setup(slot& s) {
    // Setup failures are failed recoveries: the rate is over every pair (F12).
    if (s.outcome_counted) return;
    s.outcome_counted = true;
    ++rec_failed_;
    ++rec_setup_failed_;
    rec_series_.count(timers_.now(), outcome_failed);
  }

  void on_recovered(slot& s, const session::recovery_result& r) {
    observe(s, timers_.now());
    if (s.outcome_counted) return;
    s.outcome_counted = true;
    if (r.ok()) {
      ++rec_received_;
      rec_latency_.record(ns(r.latency()));
      rec_offline_.record(ns(r.offline_time()));
      rec_series_.record(r.intended, ns(r.latency()));
      rec_series_.count(r.intended, outcome_ok);
    } else {
      ++rec_failed_;
      rec_series_.count(r.intended, outcome_failed);
      errors_.add("recovery." + r.cause(), condition_of(r.error));
    }
    // As the original: the pair disconnects right after its recovery.
    pair_done(s);
  }

  // ---- teardown -----------------------------------------------------------------------

  // The one way a slot becomes done, so that not_done_ stays the count of slots that are not.
  void mark_done(slot& s) {
    if (s.state == slot_state::done) return;
    s.state = slot_state::done;
    --not_done_;
  }

  void pair_done(slot& s) {
    mark_done(s);
    if ((kind_ == kind::async_delivery || ctx_.continuous) && !s.closed) close_pair(s);
    maybe_wind_down();
  }

  bool all_settled() const {
    if (!planned_known_ || started_ + not_started_ < planned_) return false;
    // A counter, not a walk over the slots: this runs after every pair that finishes.
    return in_flight_ == 0 && not_done_ == 0;
  }

  void maybe_wind_down() {
    if (finished_ || winding_down_) return;
    // steady-messaging holds every pair until the end of the window, like the original.
    if (kind_ == kind::steady && !window_closed_ && !stopping_) return;
    if (!all_settled()) return;
    wind_down();
  }

  void wind_down() {
    if (winding_down_) {
      if (closing_ == 0) finish();
      return;
    }
    winding_down_ = true;
    // realistic-session holds every pair until all are done, then disconnects them all.
    for (auto& s : slots_) {
      if (!s->closed) close_pair(*s);
    }
    if (closing_ == 0) finish();
  }

  void close_pair(slot& s) {
    observe(s, timers_.now());
    s.closed = true;
    ++closing_;
    s.pair->disconnect([this, sp = &s](std::error_code) {
      --closing_;
      // A workload's finished pair is freed (by the next sample, not inside its own
      // callback), so that an open model's memory stays bounded by the pairs in flight.
      sp->disconnected = true;
      if (ctx_.continuous && sp->state == slot_state::done && sp->exchanges == 0) {
        sp->released = true;
      }
      if (winding_down_ && closing_ == 0) finish();
    });
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    ended_at_ = timers_.now();
    sample_task_.cancel();
    // Whatever has no outcome yet (a stop cut it short) is a failure, never dropped.
    for (const auto& s : slots_) {
      if (!s->handshake_ok && s->state == slot_state::creating) {
        ++hs_failed_;
        hs_series_.count(ended_at_, hs_failed);
        errors_.add("handshake.pendingAtEnd", condition::timed_out);
      }
      if (kind_ == kind::async_delivery && !s->outcome_counted) {
        s->outcome_counted = true;
        ++rec_failed_;
        rec_series_.count(ended_at_, outcome_failed);
        errors_.add(s->handshake_ok ? "recovery.notFinished" : "recovery.notStarted",
                    condition::timed_out);
      }
    }
    // The level at the end (every connection closed), and every interval up to the end;
    // not when stopped before start (no t0 yet).
    if (pacer_) {
      record_active(ended_at_);
      for (auto* rec : {&conn_series_, &hs_series_, &msg_series_, &rec_series_}) {
        rec->advance(ended_at_);
      }
    }
    final_ = make_report(ended_at_);
    ctx_.done();
  }

  // ---- time series --------------------------------------------------------------------

  // Counts each WebSocket of the pair once, when it is first seen with a connect reply (a
  // transport keeps its connection's server id after the connection has ended).
  void observe(slot& s, clock::time_point now) {
    // Both first connections already counted: only an async-delivery wallet's return is
    // left to see, so the sampling walk over every pair stays a flag test for the others.
    constexpr std::uint8_t both = side_dapp | side_wallet;
    if ((s.opened & both) == both && (kind_ != kind::async_delivery || (s.opened & side_wallet_back))) {
      return;
    }
    const auto has_connected = [](const session::party& p) {
      const session::transport* t = p.current_transport();
      return t != nullptr && !t->client().server_client_id().empty();
    };
    std::uint8_t seen = s.opened;
    if (has_connected(s.pair->dapp())) seen |= side_dapp;
    if (has_connected(s.pair->wallet())) seen |= s.wallet_back ? side_wallet_back : side_wallet;
    const auto fresh = static_cast<std::uint8_t>(seen & ~s.opened);
    if (fresh == 0) return;
    s.opened = seen;
    conn_series_.count(now, conn_opened, std::bitset<8>(fresh).count());
  }

  // Sets the "active" gauge at `at` to the WebSockets of both sides open now.
  void record_active(clock::time_point at) {
    const clock::time_point now = timers_.now();
    std::int64_t open = 0;
    for (const auto& s : slots_) {
      observe(*s, now);
      for (const session::party* p : {static_cast<const session::party*>(&s->pair->dapp()),
                                      static_cast<const session::party*>(&s->pair->wallet())}) {
        const session::transport* t = p->current_transport();
        if (t != nullptr && t->connected()) ++open;
      }
    }
    conn_series_.set_gauge(at, 0, open);
  }

  // The shard's one sampling timer, due at the end of every interval (absolute times from
  // t0; after a late wake-up it skips to the next end still ahead).
  void sample() {
    release_finished();
    record_active(next_sample_ - nanoseconds(1));  // the level at the end of that interval
    const clock::time_point now = timers_.now();
    while (next_sample_ <= now) next_sample_ += ctx_.series_interval;
    sample_task_.arm_at(next_sample_, [this] { sample(); });
  }

  // Folds what the report needs from finished pairs into the shard's totals and frees them.
  void release_finished() {
    if (!ctx_.continuous || winding_down_) return;
    auto keep = slots_.begin();
    for (auto it = slots_.begin(); it != slots_.end(); ++it) {
      slot& s = **it;
      if (!s.released) {
        if (keep != it) *keep = std::move(*it);
        ++keep;
        continue;
      }
      observe(s, timers_.now());
      released_opened_ += std::bitset<8>(s.opened).count();
      released_stats_ += s.pair->dapp().stats();
      released_stats_ += s.pair->wallet().stats();
      released_unmatched_ += s.pair->unmatched_responses();
      released_overflows_ += s.pair->dapp().buffer_overflows();
    }
    slots_.erase(keep, slots_.end());
  }

  // ---- report -------------------------------------------------------------------------

  static std::string error_name(const std::error_code& ec) {
    return metrics::error_tally::cause_of(ec);
  }

  metrics::report make_report(clock::time_point now) const {
    metrics::report r;
    r.connections.attempted = started_ + not_started_;
    r.connections.successful = hs_ok_;
    r.connections.immediate = hs_ok_;
    r.connections.failed = hs_failed_ + not_started_;
    std::uint64_t opened = released_opened_;
    for (const auto& s : slots_) opened += std::bitset<8>(s->opened).count();
    r.connections_opened = opened;
    r.total_time = ns((finished_ ? ended_at_ : now) - ctx_.t0);

    metrics::handshake_section hs;
    hs.attempted = r.connections.attempted;
    hs.successful = hs_ok_;
    hs.failed = r.connections.failed;
    hs.latency = hs_latency_;
    r.handshake = std::move(hs);
    r.histograms.insert_or_assign("handshake.walletSide", hs_wallet_);
    r.histograms.insert_or_assign("handshake.dappSide", hs_dapp_);
    r.histograms.insert_or_assign("handshake.timeToFailure", hs_failure_time_);

    if (kind_ != kind::async_delivery) {
      metrics::messages_section m;
      m.sent = sent_;
      m.received = received_;
      m.failed = msg_failed_;
      m.latency = msg_latency_;
      r.messages = std::move(m);
      r.histograms.insert_or_assign("messages.latencyIncludingFailures", msg_all_);
      r.histograms.insert_or_assign("messages.serviceTime", msg_service_);
      r.histograms.insert_or_assign("messages.requestLeg", msg_request_leg_);
      r.histograms.insert_or_assign("messages.responseLeg", msg_response_leg_);
      r.histograms.insert_or_assign("messages.thinkTime", msg_think_);
    } else {
      metrics::recovery_section rec;
      // Every pair is a recovery attempt; setup failures are failed recoveries (F12).
      rec.attempted = r.connections.attempted;
      rec.received = rec_received_;
      rec.failed = rec_failed_ + not_started_;
      rec.latency = rec_latency_;
      r.recovery = std::move(rec);
      r.histograms.insert_or_assign("recovery.offlineTime", rec_offline_);
    }
    if (kind_ == kind::steady) {
      metrics::steady_messaging_section st;
      st.duration = ctx_.options.duration;
      st.message_interval = ctx_.options.message_interval;
      st.disconnects = link_lost_;
      st.latency_over_time = msg_series_.series();
      r.steady_messaging = std::move(st);
    }
    r.series.insert_or_assign(metrics::connections_series, conn_series_.series());
    r.series.insert_or_assign(metrics::handshakes_series, hs_series_.series());
    if (kind_ == kind::realistic) {
      r.series.insert_or_assign(metrics::messages_series, msg_series_.series());
    }
    if (kind_ == kind::async_delivery) {
      r.series.insert_or_assign(metrics::recovery_series, rec_series_.series());
    }

    r.errors = errors_;
    if (not_started_ > 0) {
      r.errors.add("handshake.notStarted", condition_of(make_error_code(errc::cancelled)),
                   not_started_);
    }

    session::transport_stats ts = released_stats_;
    std::uint64_t unmatched = released_unmatched_;
    std::uint64_t overflows = released_overflows_;
    std::uint64_t active = 0;  // sessions up now: handshake done, the pair not disconnected
    for (const auto& s : slots_) {
      if (s->handshake_ok && !s->closed && s->pair->ready()) ++active;
      ts += s->pair->dapp().stats();
      ts += s->pair->wallet().stats();
      unmatched += s->pair->unmatched_responses();
      overflows += s->pair->dapp().buffer_overflows();
    }
    r.counters.add("pairs.planned", planned_);
    r.counters.add("pairs.started", started_);
    r.counters.add("pairs.notStarted", not_started_);
    r.counters.add("pairs.lost", pairs_lost_);
    r.counters.add("sessions.active", active);  // a level at the snapshot, additive across shards
    r.counters.add("messages.notSent", not_sent_);
    r.counters.add("messages.inFlight", in_flight_);
    r.counters.add("messages.unmatchedResponses", unmatched);
    r.counters.add("messages.bufferOverflows", overflows);
    r.counters.add("recovery.setupFailed", rec_setup_failed_);
    r.counters.add("recovery.requestsStored", async_sent_);
    r.counters.add("links.lost", link_lost_);
    r.counters.add("links.restored", link_restored_);
    r.counters.add("transport.delivered", ts.delivered);
    r.counters.add("transport.duplicates", ts.duplicates);
    r.counters.add("transport.ownEchoes", ts.own_echoes);
    r.counters.add("transport.parseFailures", ts.parse_failures);
    r.counters.add("transport.fromHistory", ts.from_history);
    r.counters.add("transport.recovered", ts.recovered);
    r.counters.add("transport.publishes", ts.publishes);
    r.counters.add("transport.publishAttempts", ts.publish_attempts);
    r.counters.add("transport.publishRetries", ts.publish_retries);
    r.counters.add("transport.publishFailures", ts.publish_failures);
    r.counters.add("transport.publishDropped", ts.publish_dropped);
    r.counters.add("transport.subscribes", ts.subscribes);
    r.counters.add("transport.subscribeTimeouts", ts.subscribe_timeouts);
    r.counters.add("transport.historyFetches", ts.history_fetches);
    r.counters.add("transport.historyFailures", ts.history_failures);
    if (pacer_) {
      const auto& g = pacer_->stats();
      r.counters.add("generator.started", g.started);
      r.counters.add("generator.late", g.late);
      r.counters.add("generator.beyondClamp", g.beyond_clamp);
    }
    r.partial = stopping_;
    return r;
  }

  shard_context& ctx_;
  kind kind_;
  session::scheduler timers_;
  std::unique_ptr<session::key_manager> keys_;
  // Ids are never seeded: a re-run with the same --seed must not reuse channel names whose
  // history (300 s) the relay may still hold.
  session::id_generator ids_ = session::id_generator::system();
  session::session_context sctx_;
  session::pair_options popts_;
  session::timer pace_task_;
  session::timer end_task_;
  session::timer sample_task_;
  clock::time_point next_sample_{};
  std::optional<pacing::pacer> pacer_;

  std::uint64_t planned_ = 0;
  bool planned_known_ = true;
  std::uint64_t released_opened_ = 0;
  std::uint64_t released_unmatched_ = 0;
  std::uint64_t released_overflows_ = 0;
  session::transport_stats released_stats_;
  std::uint64_t started_ = 0;
  std::uint64_t not_started_ = 0;
  std::uint64_t hs_ok_ = 0;
  std::uint64_t hs_failed_ = 0;
  std::uint64_t sent_ = 0;
  std::uint64_t received_ = 0;
  std::uint64_t msg_failed_ = 0;
  std::uint64_t in_flight_ = 0;
  std::uint64_t not_sent_ = 0;
  std::uint64_t pairs_lost_ = 0;
  std::uint64_t rec_received_ = 0;
  std::uint64_t rec_failed_ = 0;
  std::uint64_t rec_setup_failed_ = 0;
  std::uint64_t async_sent_ = 0;
  std::uint64_t link_lost_ = 0;
  std::uint64_t link_restored_ = 0;

  metrics::histogram hs_latency_;
  metrics::histogram hs_wallet_;
  metrics::histogram hs_dapp_;
  metrics::histogram hs_failure_time_;
  metrics::histogram msg_latency_;
  metrics::histogram msg_all_;
  metrics::histogram msg_service_;
  metrics::histogram msg_request_leg_;
  metrics::histogram msg_response_leg_;
  metrics::histogram msg_think_;
  metrics::histogram rec_latency_;
  metrics::histogram rec_offline_;
  metrics::interval_recorder conn_series_;  // "connections": open WebSockets, opened, drops
  metrics::interval_recorder hs_series_;    // "handshakes"
  metrics::interval_recorder msg_series_;   // "messages" (steady-messaging: latencyOverTime)
  metrics::interval_recorder rec_series_;   // "recovery" (async-delivery)
  metrics::error_tally errors_;

  clock::time_point ended_at_{};
  clock::time_point test_end_{};
  bool window_closed_ = false;
  bool stopping_ = false;
  bool winding_down_ = false;
  bool finished_ = false;
  std::uint64_t closing_ = 0;
  std::optional<metrics::report> final_;

  // Last: destroyed first (pairs refer to everything above).
  std::vector<std::unique_ptr<slot>> slots_;
  std::size_t not_done_ = 0;  // slots whose state is not done (mark_done)
};

}  // namespace

void register_session_scenarios(scenario_registry& registry) {
  registry.add({"realistic-session",
                "create --connection-pairs dApp/wallet pairs over --ramp-up (QR delay "
                "--wallet-delay), exchange --messages-per-session request/response messages each, "
                "hold all pairs until every one is done, disconnect",
                true, [](shard_context& ctx) {
                  return std::make_unique<session_shard>(ctx, kind::realistic);
                }});
  registry.add({"async-delivery",
                "create pairs, take each wallet offline, send it a request, bring it back after "
                "--delay and measure delivery from history",
                true, [](shard_context& ctx) {
                  return std::make_unique<session_shard>(ctx, kind::async_delivery);
                }});
  registry.add({"steady-messaging",
                "create pairs over --ramp-up, then each sends a request every 2 x "
                "--message-interval (the wallet answers after --message-interval) until ramp-up + "
                "--duration; open model, latency from the intended send time",
                true, [](shard_context& ctx) {
                  return std::make_unique<session_shard>(ctx, kind::steady);
                }});
}

}  // namespace relayload::scenario
