// reconnect-storm: hold N connections (or N pairs) subscribed to their channels, make every
// one lose its connection at once, and measure how long until they are back and subscribed
// — and, with pairs, whether the messages published while the receiving side was away
// reach it (history recovery) or are lost.
//
// The storm comes from run_options::storm_trigger (the CLI passes the embedded relay's
// disconnect_all, tests may restart the relay) or, without one, from every shard dropping
// its own connections client-side (centrifuge_client::drop), which works against any
// remote relay. Every connection's recovery time runs from the storm to its first
// successful resubscribe; the milestones (50/95/100 %) are derived from that histogram and
// the count of held connections (metrics::storm_summary), so merged reports stay exact.
//
// The trigger's own drops are the storm, not failures: they are counted as drops (counters,
// "connections" series), held/back and reconnectStorm.droppedByClient (client-side trigger)
// or reconnectStorm.droppedByRelay (run_options::storm_trigger), and left out of the
// errors. A relay-triggered drop is the first loss, after the storm was fired, of a
// connection that was up when it was fired, closed with the trigger's 3001 "shutdown" (the
// code and reason of embedded_relay::disconnect_all and restart): at most one per
// connection. Everything else that goes wrong — any other close or a second one, a
// reconnect attempt refused or failing, a subscribe error — stays an error under its cause.
//
// A pair is a "dApp" and a "wallet" connection subscribed to one session:<id> channel (the
// channel shape of MWP, without its handshake: the storm tests the relay's reconnect and
// recovery, not the crypto). After the storm the dApp, once back, publishes
// --messages-per-session messages; the wallet (whose reconnect backoff is at least
// --storm-outage) must receive each exactly once.
#include <algorithm>
#include <asio/steady_timer.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "relayload/client/client_callbacks.hpp"
#include "relayload/client/connection_pool.hpp"
#include "relayload/error.hpp"
#include "relayload/metrics/error_tally.hpp"
#include "relayload/metrics/interval_recorder.hpp"
#include "relayload/metrics/storm_summary.hpp"
#include "relayload/pacing/constant_rate_schedule.hpp"
#include "relayload/scenario/scenario_registry.hpp"
#include "relayload/wire/protocol_codes.hpp"
#include "scenario/pool_report_impl.hpp"

namespace relayload::scenario {

namespace {

using std::chrono::nanoseconds;

// Per-message state bits (pairs).
constexpr std::uint8_t msg_acked = 1;
constexpr std::uint8_t msg_received = 2;
constexpr std::uint8_t msg_answered = 4;  // the publish call has an outcome (ack or error)

std::uint64_t splitmix(std::uint64_t z) noexcept {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// "session:<uuid>" (the MWP namespace accepts only UUIDs), distinct per run seed and unit.
std::string channel_of(std::uint64_t seed, std::uint64_t unit) {
  const std::uint64_t hi = splitmix(seed * 0x100000001b3ULL ^ unit);
  const std::uint64_t lo = splitmix(hi ^ unit);
  static const char hex[] = "0123456789abcdef";
  std::string out = "session:";
  const std::uint64_t words[2] = {hi, lo};
  for (int n = 0; n < 32; ++n) {
    if (n == 8 || n == 12 || n == 16 || n == 20) out.push_back('-');
    const std::uint64_t w = words[n / 16];
    out.push_back(hex[(w >> (60 - 4 * (n % 16))) & 0xf]);
  }
  return out;
}

// Moves up to `n` losses of `cause` out of a pool's tally of lost connections and returns
// how many it moved (never more than the tally holds).
std::uint64_t take_own_drops(metrics::error_tally& disconnects, const std::string& cause,
                             std::uint64_t n) {
  n = std::min(disconnects.count(cause), n);
  if (n == 0) return 0;
  metrics::error_tally rest;
  std::uint64_t left = n;  // taken from the first entries of the cause (one in practice)
  for (const auto& e : disconnects.entries()) {
    std::uint64_t keep = e.count;
    if (e.cause == cause) {
      const std::uint64_t take = std::min(keep, left);
      left -= take;
      keep -= take;
    }
    if (keep > 0) rest.add(e.cause, e.cls, keep);
  }
  disconnects = std::move(rest);
  return n;
}

// The client-side trigger's own drops: at most `issued` (the drop() calls made on connected
// clients). centrifuge_client::drop() loses the connection with cause errc::cancelled,
// which a lost connection otherwise has only in odd cases (a stopped or cancelled connect
// attempt is an attempt error or a failed outcome, not a lost connection); in this
// scenario drop() is called only by the storm. Any "cancelled" beyond `issued` stays an
// error.
std::uint64_t take_client_drops(metrics::error_tally& disconnects, std::uint64_t issued) {
  return take_own_drops(disconnects,
                        metrics::error_tally::cause_of(make_error_code(errc::cancelled)), issued);
}

// The close of run_options::storm_trigger as the CLI issues it: embedded_relay's
// disconnect_all() (and restart()) close every connection with 3001 "shutdown".
constexpr auto trigger_close = wire::disconnect_code::shutdown;

bool is_trigger_close(const client::disconnected_info& info) {
  return info.cause.close_code == static_cast<std::uint16_t>(trigger_close) &&
         info.reason == wire::disconnect_reason(trigger_close);
}

struct side {
  bool settled = false;            // has its first outcome: subscribed, or failed for good
  bool subscribed = false;         // subscribed at least once before the storm
  bool held = false;               // subscribed when the storm hit
  bool back = false;               // resubscribed after the storm
  std::size_t recovered_left = 0;  // publications of the last resubscribe reply still to come
  // Relay trigger: when the current connection's connect reply came; unset while down.
  std::optional<std::chrono::steady_clock::time_point> up_since;
};

struct unit {
  std::string channel;
  side recv;  // the connection (single mode) or the wallet (pairs)
  side pub;   // pairs: the dApp
  bool publishing = false;
  std::vector<std::uint8_t> msgs;  // pairs: per message sequence number
};

class storm_shard final : public scenario_shard {
 public:
  explicit storm_shard(shard_context& ctx)
      : ctx_(ctx),
        pairs_(ctx.options.storm_pairs),
        timer_(ctx.io),
        units_(ctx.shard.size_of(ctx.options.unit_count(false))) {
    for (std::size_t i = 0; i < units_.size(); ++i) {
      units_[i].channel = channel_of(ctx.options.seed, ctx.shard.global_index(i));
    }
    auto po = pool_opts(ctx.seed);
    if (pairs_ && ctx.options.storm_outage > po.client.reconnect.min) {
      po.client.reconnect.min = ctx.options.storm_outage;
      po.client.reconnect.max = std::max(po.client.reconnect.max, ctx.options.storm_outage);
    }
    recv_.emplace(ctx.client, std::move(po));
    recv_->callbacks().on_outcome = [this](std::uint64_t g, const client::connect_outcome& o) {
      if (o.connected())
        on_first_connected(local_of(g), false);
      else
        settle(local_of(g), false);
    };
    if (pairs_) {
      pub_.emplace(ctx.client, pool_opts(ctx.seed ^ 0x5bd1e995ULL));
      pub_->callbacks().on_outcome = [this](std::uint64_t g, const client::connect_outcome& o) {
        if (o.connected())
          on_first_connected(local_of(g), true);
        else
          settle(local_of(g), true);
      };
    }
  }

  void start() override {
    recovery_.emplace(ctx_.t0, recovery_options());
    const auto total = ctx_.options.unit_count(false);
    const auto ramp = std::chrono::duration_cast<nanoseconds>(ctx_.options.ramp_up);
    for (auto* pool : pools()) {
      auto spread = pacing::constant_rate_schedule::spread(total, ramp);
      auto sched = spread ? pacing::schedule::sharded(*spread, ctx_.shard)
                          : result<pacing::schedule>(unexpected(spread.error()));
      if (!sched || pool->start(std::move(*sched), ctx_.t0)) {
        setup_error_ = sched ? std::error_code(errc::invalid_argument) : sched.error();
        finish_now();
        return;
      }
    }
    storm_due_ = ctx_.t0 + ctx_.options.ramp_up + ctx_.options.storm_after;
    settle_deadline_ = *storm_due_ + ctx_.options.connect_timeout + ctx_.options.command_timeout;
    unsettled_ = units_.size() * (pairs_ ? 2 : 1);
    arm();
  }

  void stop() override {
    stopping_ = true;
    timer_.cancel();
    close();
  }

  metrics::report snapshot() const override {
    if (final_) return *final_;
    return make_report(merged_snapshot(), clock::now());
  }

 private:
  enum class phase { holding, storm, closing, done };

  static client::pool_options pool_opts_base(const shard_context& ctx, std::uint64_t seed) {
    client::pool_options po;
    po.client.url = ctx.target;
    po.client.call_timeout = ctx.options.command_timeout;
    po.client.give_up_after = ctx.options.connect_timeout;
    apply_token_options(ctx.options, po.client);  // --token / --token-hmac-secret, every attempt
    po.source_addresses = source_addresses(ctx.options);
    po.seed = seed;
    po.series_interval = ctx.series_interval;
    return po;
  }
  client::pool_options pool_opts(std::uint64_t seed) const { return pool_opts_base(ctx_, seed); }

  std::vector<client::connection_pool*> pools() {
    std::vector<client::connection_pool*> out{&*recv_};
    if (pub_) out.push_back(&*pub_);
    return out;
  }

  // The schedule is sharded round-robin: global event g is this shard's (g - index) / count.
  std::size_t local_of(std::uint64_t g) const {
    return static_cast<std::size_t>((g - ctx_.shard.index) / ctx_.shard.count);
  }

  client::centrifuge_client* find_client(client::connection_pool& pool, std::size_t i) {
    return i < pool.size() ? &pool.client(i) : nullptr;
  }

  void on_first_connected(std::size_t i, bool is_pub) {
    if (ctx_.options.storm_trigger) watch_connection(i, is_pub);
    subscribe(i, is_pub);
  }

  // Relay trigger: follows client i's connection state next to the pool's own handlers
  // (which run first and still count every drop), so that make_report() can tell the
  // trigger's drops from the rest. Installed from the initial outcome, which comes before
  // the client's first on_connected.
  void watch_connection(std::size_t i, bool is_pub) {
    auto& pool = is_pub ? *pub_ : *recv_;
    auto* c = find_client(pool, i);
    if (c == nullptr || i >= units_.size()) return;
    auto& cb = c->callbacks();
    cb.on_connected = [this, i, is_pub,
                       pool_cb = std::move(cb.on_connected)](const client::connected_info& info) {
      if (pool_cb) pool_cb(info);
      (is_pub ? units_[i].pub : units_[i].recv).up_since = clock::now();
    };
    cb.on_disconnected = [this, i, is_pub, pool_cb = std::move(cb.on_disconnected)](
                             const client::disconnected_info& info) {
      if (pool_cb) pool_cb(info);
      on_lost(is_pub ? units_[i].pub : units_[i].recv, info);
    };
  }

  // A connection that was up when this shard was ready for the storm (shard 0 fires the
  // trigger only once every shard is: see ready(); another shard may see the close before
  // its own storm() runs) and is lost afterwards with the trigger's close was dropped by
  // the trigger. A connection is lost once, so this counts at most one drop per connection.
  void on_lost(side& s, const client::disconnected_info& info) {
    const auto up_since = s.up_since;
    s.up_since.reset();
    if (!up_since || !ready_at_ || *up_since >= *ready_at_) return;
    if (!is_trigger_close(info)) return;
    ++relay_drops_;
    if (relay_drop_cause_.empty()) relay_drop_cause_ = info.cause.cause();
  }

  void subscribe(std::size_t i, bool is_pub) {
    if (i >= units_.size()) return;
    auto& pool = is_pub ? *pub_ : *recv_;
    auto* c = find_client(pool, i);
    if (c == nullptr) return;
    client::subscription_callbacks cbs;
    cbs.on_subscribed = [this, i, is_pub](const client::subscribed_info& info) {
      on_subscribed(i, is_pub, info);
    };
    if (!is_pub && pairs_) {
      cbs.on_publication = [this, i](const wire::publication& p) { on_publication(i, p); };
    } else {
      cbs.on_publication = [this, i, is_pub](const wire::publication&) {
        auto& s = is_pub ? units_[i].pub : units_[i].recv;
        if (s.recovered_left > 0) --s.recovered_left;
      };
    }
    c->subscribe(units_[i].channel, std::move(cbs), [this, i, is_pub](std::error_code ec,
                                                                       const auto&) {
      if (!ec) return;
      subscribe_errors_.add(ec);
      settle(i, is_pub);
    });
  }

  void on_subscribed(std::size_t i, bool is_pub, const client::subscribed_info& info) {
    unit& u = units_[i];
    side& s = is_pub ? u.pub : u.recv;
    s.recovered_left = info.recovered_publications;
    if (!storm_at_) {
      s.subscribed = true;
      settle(i, is_pub);
      return;
    }
    const auto now = clock::now();
    if (info.was_recovering) {
      ++(info.recovered ? recovered_streams_ : recovery_failed_);
      if (recovery_) recovery_->count(now, info.recovered ? 1 : 2);
    }
    if (!s.held || s.back) return;
    s.back = true;
    ++back_;
    const auto away = std::chrono::duration_cast<nanoseconds>(now - *storm_at_);
    recovery_time_.record(away);
    if (recovery_) {
      recovery_->record(now, away);
      recovery_->count(now, 0);
    }
    if (is_pub && !u.publishing && u.recv.held) publish_all(i);
    check_done();
  }

  void publish_all(std::size_t i) {
    unit& u = units_[i];
    u.publishing = true;
    const std::uint64_t k = ctx_.options.messages_per_session;
    u.msgs.assign(static_cast<std::size_t>(k), 0);
    auto* c = find_client(*pub_, i);
    for (std::uint64_t seq = 0; seq < k; ++seq) {
      ++publish_attempted_;
      ++publishes_in_flight_;
      const std::string data = "\"storm:" + std::to_string(i) + ":" + std::to_string(seq) + "\"";
      c->publish(u.channel, data, [this, i, seq](std::error_code ec, const auto&) {
        on_publish_done(i, static_cast<std::size_t>(seq), ec);
      });
    }
  }

  void on_publish_done(std::size_t i, std::size_t seq, std::error_code ec) {
    unit& u = units_[i];
    --publishes_in_flight_;
    u.msgs[seq] |= msg_answered;
    if (ec) {
      ++publish_failed_;
      publish_errors_.add(ec);
    } else {
      u.msgs[seq] |= msg_acked;
      ++published_;
      // Acknowledged while the wallet had not resubscribed: stored in the channel's history
      // before the wallet's resubscribe, so only recovery can deliver it.
      ++(u.recv.back ? published_after_recovery_ : published_during_outage_);
      last_ack_ = clock::now();
    }
    check_done();
  }

  void on_publication(std::size_t i, const wire::publication& p) {
    unit& u = units_[i];
    const bool by_recovery = u.recv.recovered_left > 0;
    if (by_recovery) --u.recv.recovered_left;
    // data is the raw JSON string "storm:<unit>:<seq>".
    const std::string_view d = p.data;
    const std::string prefix = "\"storm:" + std::to_string(i) + ":";
    if (d.size() < prefix.size() + 2 || d.substr(0, prefix.size()) != prefix || d.back() != '"') {
      ++foreign_;
      return;
    }
    std::size_t seq = 0;
    for (char ch : d.substr(prefix.size(), d.size() - prefix.size() - 1)) {
      if (ch < '0' || ch > '9') {
        ++foreign_;
        return;
      }
      seq = seq * 10 + static_cast<std::size_t>(ch - '0');
    }
    if (seq >= u.msgs.size()) {
      ++foreign_;
      return;
    }
    if (u.msgs[seq] & msg_received) {
      ++duplicates_;
      return;
    }
    u.msgs[seq] |= msg_received;
    ++(by_recovery ? received_by_recovery_ : received_live_);
    check_done();
  }

  // The storm hits a population that is set up: not before it is due (--storm-after after
  // the ramp), then as soon as every connection of this shard has its first outcome
  // (subscribed, or its connect or subscribe failed), at the latest when every first
  // attempt has run out of time (connect and command timeouts after it was due); and it
  // hits every thread of the process at once (shard_context::meet), so that the relay
  // trigger, which shard 0 fires for all, finds every thread's connections set up too.
  // Connections still not subscribed then are reconnectStorm.notHeld.
  void settle(std::size_t i, bool is_pub) {
    if (i >= units_.size()) return;
    side& s = is_pub ? units_[i].pub : units_[i].recv;
    if (s.settled) return;
    s.settled = true;
    if (unsettled_ > 0) --unsettled_;
    if (unsettled_ == 0 && phase_ == phase::holding && storm_due_ && clock::now() >= *storm_due_)
      ready();
  }

  void ready() {
    if (ready_ || phase_ != phase::holding || stopping_) return;
    ready_ = true;
    ready_at_ = clock::now();
    timer_.cancel();
    if (!ctx_.meet) {
      storm();
      return;
    }
    ctx_.meet([this] {
      if (phase_ == phase::holding && !stopping_) storm();
    });
  }

  void storm() {
    storm_at_ = clock::now();
    phase_ = phase::storm;
    for (auto& u : units_) {
      for (side* s : {&u.recv, &u.pub}) {
        if (s->subscribed) {
          s->held = true;
          ++held_;
        }
      }
    }
    if (ctx_.options.storm_trigger) {
      if (ctx_.shard.index == 0) ctx_.options.storm_trigger();
    } else {
      for (auto* pool : pools()) {
        for (std::size_t i = 0; i < pool->size(); ++i) {
          auto& c = pool->client(i);
          if (!c.connected()) continue;  // drop() would do nothing
          ++drops_issued_;
          c.drop();
        }
      }
    }
    deadline_ = *storm_at_ + ctx_.options.duration;
    check_done();
    if (phase_ == phase::storm) arm();
  }

  void arm() {
    if (phase_ == phase::holding) {
      if (ready_) return;
      timer_.expires_at(clock::now() < *storm_due_ ? *storm_due_ : *settle_deadline_);
    } else if (phase_ == phase::storm) {
      auto due = *deadline_;
      if (message_wait_until_ && *message_wait_until_ < due) due = *message_wait_until_;
      timer_.expires_at(due);
    } else {
      return;
    }
    timer_.async_wait([this](std::error_code ec) {
      if (ec || stopping_) return;
      if (phase_ == phase::holding) {
        if (unsettled_ == 0 || clock::now() >= *settle_deadline_)
          ready();
        else
          arm();
      } else if (phase_ == phase::storm) {
        const auto now = clock::now();
        if (now >= *deadline_ || (message_wait_until_ && now >= *message_wait_until_))
          close();
        else
          arm();
      }
    });
  }

  std::uint64_t received_acked() const {
    std::uint64_t n = 0;
    for (const auto& u : units_) {
      for (auto m : u.msgs) n += (m & msg_acked) && (m & msg_received) ? 1 : 0;
    }
    return n;
  }

  // Ends the observation early once nothing more can happen: every held connection is back
  // and, with pairs, every publish is answered and every acknowledged message arrived (or
  // --message-timeout passed since the last acknowledgement).
  void check_done() {
    if (phase_ != phase::storm) return;
    if (back_ < held_) return;
    if (pairs_) {
      if (publishes_in_flight_ > 0) return;
      if (received_acked() < published_) {
        if (!message_wait_until_) {
          message_wait_until_ = last_ack_.value_or(clock::now()) + ctx_.options.message_timeout;
          timer_.cancel();
          arm();
        }
        return;
      }
    }
    timer_.cancel();
    close();
  }

  client::pool_snapshot merged_snapshot() const {
    auto s = recv_->snapshot();
    if (pub_) {
      // Never silently: a snapshot that cannot be merged is counted where failures go.
      if (auto ok = s.merge(pub_->snapshot()); !ok) s.errors.add(ok.error());
    }
    return s;
  }

  void close() {
    if (phase_ == phase::closing || phase_ == phase::done) return;
    end_ = clock::now();
    phase_ = phase::closing;
    closes_left_ = pub_ ? 2 : 1;
    for (auto* pool : pools()) {
      pool->close_all([this](const client::pool_snapshot&) {
        if (--closes_left_ == 0) {
          final_ = make_report(merged_snapshot(), *end_);
          finish_now();
        }
      });
    }
  }

  void finish_now() {
    phase_ = phase::done;
    timer_.cancel();
    if (!final_) final_ = make_report(merged_snapshot(), clock::now());
    ctx_.done();
  }

  // The "recovery" series: counters in the order of the ids used in on_subscribed().
  metrics::time_series_options recovery_options() const {
    metrics::time_series_options o;
    o.interval = ctx_.series_interval;
    o.counters = {"back", "recoveredStreams", "recoveryFailed"};
    return o;
  }

  metrics::report make_report(client::pool_snapshot s, clock::time_point end) const {
    metrics::report r;
    const std::uint64_t client_drops = take_client_drops(s.disconnects, drops_issued_);
    const std::uint64_t relay_drops =
        take_own_drops(s.disconnects, relay_drop_cause_, relay_drops_);
    fill_from_pool(r, s);
    metrics::time_series recovery =
        recovery_ ? recovery_->series() : metrics::time_series(recovery_options());
    if (recovery_) recovery.extend_to(recovery.index_at(end - ctx_.t0));
    r.series.insert_or_assign(metrics::recovery_series, std::move(recovery));
    if (setup_error_) r.errors.add(setup_error_);
    r.errors.merge(subscribe_errors_);
    r.errors.merge(publish_errors_);
    r.total_time = std::chrono::duration_cast<nanoseconds>(end - ctx_.t0);
    r.histograms.insert_or_assign(metrics::storm_recovery_histogram, recovery_time_);
    const std::uint64_t sides = pairs_ ? 2 : 1;
    auto add = [&r](const char* name, std::uint64_t v) {
      r.counters.add(std::string("reconnectStorm.") + name, v);
    };
    add("planned", units_.size() * sides);
    add("held", held_);
    add("notHeld", storm_at_ ? units_.size() * sides - held_ : 0);
    add("back", back_);
    add("recoveredStreams", recovered_streams_);
    add("recoveryFailed", recovery_failed_);
    add("stormHappened", storm_at_ ? 1 : 0);
    add("droppedByClient", client_drops);
    add("droppedByRelay", relay_drops);
    if (pairs_) {
      std::uint64_t received = 0, lost = 0, received_unacked = 0;
      for (const auto& u : units_) {
        for (auto m : u.msgs) {
          if (m & msg_acked)
            ++((m & msg_received) ? received : lost);
          else if (m & msg_received)
            ++received_unacked;
        }
      }
      add("pairs", units_.size());
      add("publishAttempted", publish_attempted_);
      add("published", published_);
      add("publishFailed", publish_failed_ + publishes_in_flight_);  // unanswered at the end
      add("publishedDuringOutage", published_during_outage_);
      add("publishedAfterRecovery", published_after_recovery_);
      add("received", received);
      add("receivedByRecovery", received_by_recovery_);
      add("receivedLive", received_live_);
      add("receivedUnacknowledged", received_unacked);
      add("lost", lost);
      add("duplicates", duplicates_);
      add("foreign", foreign_);
    }
    if (stopping_ || !storm_at_) r.partial = true;
    return r;
  }

  shard_context& ctx_;
  bool pairs_;
  asio::steady_timer timer_;
  std::vector<unit> units_;
  std::optional<client::connection_pool> recv_;
  std::optional<client::connection_pool> pub_;
  phase phase_ = phase::holding;
  bool stopping_ = false;
  std::error_code setup_error_;
  std::optional<clock::time_point> storm_due_, settle_deadline_, ready_at_, storm_at_, deadline_, message_wait_until_, last_ack_,
      end_;
  int closes_left_ = 0;
  std::size_t unsettled_ = 0;  // sides without their first outcome
  bool ready_ = false;         // the storm is due and this shard is set up (or gave up)
  std::optional<metrics::report> final_;

  metrics::histogram recovery_time_;
  std::optional<metrics::interval_recorder> recovery_;  // from start(), when t0 is known
  metrics::error_tally subscribe_errors_;
  metrics::error_tally publish_errors_;
  std::uint64_t drops_issued_ = 0;  // client-side trigger: drop() calls on connected clients
  std::uint64_t relay_drops_ = 0;   // relay trigger: connections it dropped (on_lost)
  std::string relay_drop_cause_;    // their cause in the pool's tally ("close_3001")
  std::uint64_t held_ = 0, back_ = 0, recovered_streams_ = 0, recovery_failed_ = 0;
  std::uint64_t publish_attempted_ = 0, published_ = 0, publish_failed_ = 0,
                publishes_in_flight_ = 0, published_during_outage_ = 0,
                published_after_recovery_ = 0, received_by_recovery_ = 0, received_live_ = 0,
                duplicates_ = 0, foreign_ = 0;
};

}  // namespace

void register_reconnect_storm(scenario_registry& registry) {
  registry.add({"reconnect-storm",
                "hold N connections (or --connection-pairs pairs) subscribed, drop every one at "
                "once, measure time until 50/95/100% are back and whether outage messages "
                "were recovered",
                false, [](shard_context& ctx) { return std::make_unique<storm_shard>(ctx); }});
}

}  // namespace relayload::scenario
