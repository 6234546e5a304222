// subscribe_publish_shard — the example scenario "subscribe-and-publish": each connection
// subscribes to its own session:<uuid> channel and publishes --messages-per-session messages
// to it, one at a time, timing publish → push. Shared by custom_scenario.cpp (threads) and
// custom_scenario_mpi.cpp (MPI ranks): the same shard runs either way, because the runner
// hands it its slice of the global schedule (ctx.shard) whatever the split.
#pragma once

#include <asio/steady_timer.hpp>
#include <cstdio>
#include <deque>
#include <string>
#include <utility>

#include "relayload/client/centrifuge_client.hpp"
#include "relayload/pacing/schedule.hpp"
#include "relayload/scenario/scenario.hpp"
#include "relayload/session/random.hpp"

namespace rl = relayload;
using steady = std::chrono::steady_clock;

class subscribe_publish_shard final : public rl::scenario::scenario_shard {
 public:
  explicit subscribe_publish_shard(rl::scenario::shard_context& ctx) : ctx_(ctx), timer_(ctx.io) {
    auto o = rl::client::client_options::raw_scenario();  // the original tool's raw client
    o.url = ctx.target;
    o.call_timeout = ctx.options.command_timeout;
    options_ = std::make_shared<const rl::client::client_options>(std::move(o));  // one copy
    report_.connect_time.emplace();
    report_.messages.emplace();  // messages->latency: the publish → push histogram
  }

  void start() override {
    // This shard's round-robin slice of "N starts spread evenly over --ramp-up": exact
    // intended times from the t0 that every shard shares.
    auto all =
        rl::pacing::constant_rate_schedule::spread(ctx_.options.connections, ctx_.options.ramp_up);
    if (auto mine = rl::pacing::schedule::sharded(all.value(), ctx_.shard)) schedule_ = *mine;
    planned_ = schedule_.size().value_or(0);
    planned_ == 0 ? finish_all() : open_due();
  }
  // SIGINT or the caller's time limit: unfinished connections fail, all close, then done().
  void stop() override {
    if (!closing_) report_.partial = true;
    finish_all();
  }

  rl::metrics::report snapshot() const override {
    auto r = report_;  // a copy: the runner also asks while we run (its progress line)
    r.total_time = (closing_ ? finished_at_ : steady::now()) - ctx_.t0;
    return r;
  }

 private:
  struct conn {
    std::unique_ptr<rl::client::centrifuge_client> client;
    std::string channel;
    std::uint64_t received = 0;
    steady::time_point sent_at{};
    bool finished = false;
  };

  // ONE timer per shard, armed at the next ABSOLUTE intended start (relative re-arming drifts).
  void open_due() {
    for (auto ev = schedule_.peek(); ev && ctx_.t0 + ev->offset <= steady::now() && !closing_;
         ev = schedule_.peek()) {
      schedule_.advance();
      open(ctx_.t0 + ev->offset);
    }
    if (auto ev = schedule_.peek(); ev && !closing_) {
      timer_.expires_at(ctx_.t0 + ev->offset);
      timer_.async_wait([this](std::error_code ec) {
        if (!ec) open_due();
      });
    }
  }

  void open(steady::time_point intended) {
    conn& c = conns_.emplace_back();  // a deque: references stay valid while it grows
    c.client = std::make_unique<rl::client::centrifuge_client>(ctx_.client, options_,
                                                               ctx_.seed + conns_.size());
    c.channel = "session:" + rl::session::random_uuid_v4();
    ++report_.connections.attempted;
    // Events run on this shard's thread, never from inside the call that caused them.
    c.client->callbacks().on_outcome = [this, &c](const rl::client::connect_outcome& o) {
      if (!o.connected()) {
        ++report_.connections.failed;
        return fail(c, o.cause);  // failed connects keep their cause too
      }
      ++report_.connections.successful;
      ++(o.kind == rl::client::outcome_kind::immediate ? report_.connections.immediate
                                                       : report_.connections.recovered);
      report_.connect_time->record(o.connect_time());  // from the INTENDED start
      rl::client::subscription_callbacks sub;
      sub.on_publication = [this, &c](const rl::wire::publication&) { on_push(c); };
      c.client->subscribe(c.channel, sub, [this, &c](std::error_code ec, const auto&) {
        ec ? fail(c, {ec}) : publish(c);
      });
    };
    c.client->callbacks().on_stopped = [this](auto, const auto&) { ++stopped_, maybe_done(); };
    c.client->connect(intended);
  }

  void publish(conn& c) {
    c.sent_at = steady::now();
    ++report_.messages->sent;
    // MWP publishes a JSON string: the data is quoted JSON text, inserted verbatim.
    c.client->publish(c.channel, "\"message " + std::to_string(c.received) + "\"",
                      [this, &c](std::error_code ec, const auto&) {
                        if (ec) fail(c, {ec});
                      });
  }

  void on_push(conn& c) {
    if (c.finished) return;
    report_.messages->latency.record(steady::now() - c.sent_at);
    ++report_.messages->received;
    if (++c.received < ctx_.options.messages_per_session) return publish(c);
    c.finished = true;
    if (++finished_ == planned_) finish_all();
  }

  // Failures are data: counted by cause, and every message not delivered counts as failed.
  void fail(conn& c, const rl::client::client_error& e) {
    if (c.finished) return;
    c.finished = true;
    report_.errors.add(e.cause(), e.condition_of());
    report_.messages->failed += ctx_.options.messages_per_session - c.received;
    if (++finished_ == planned_) finish_all();
  }

  void finish_all() {  // close every connection gracefully; done() once every one has ended
    if (closing_) return;
    closing_ = true;
    finished_at_ = steady::now();
    timer_.cancel();
    for (auto& c : conns_) {
      fail(c, {rl::make_error_code(rl::errc::cancelled)});  // no-op for finished ones
      c.client->close();                                    // no-op for stopped ones
    }
    maybe_done();
  }
  void maybe_done() {
    if (closing_ && stopped_ == conns_.size() && !std::exchange(done_, true)) ctx_.done();
  }

  rl::scenario::shard_context& ctx_;
  asio::steady_timer timer_;
  std::shared_ptr<const rl::client::client_options> options_;
  rl::pacing::schedule schedule_;
  std::uint64_t planned_ = 0, finished_ = 0, stopped_ = 0;
  steady::time_point finished_at_{};
  bool closing_ = false, done_ = false;
  std::deque<conn> conns_;
  rl::metrics::report report_;
};
