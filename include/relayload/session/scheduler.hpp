// relayload::session::scheduler — the session layer's deadlines (publish retry backoff,
// subscribe and handshake timeouts, the simulated QR scan and OTP typing, the wallet's think
// time, message timeouts, scenario schedules) on ONE timer per shard, driven by the
// client_context's clock so that unit tests with a manual clock stay deterministic.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "relayload/client/client_context.hpp"

namespace relayload::session {

/// Names one scheduled task; 0 is never a valid id.
using task_id = std::uint64_t;

/// A min-heap of absolute deadlines with cancellable tasks, on the client_context's clock:
/// with the real clock one asio::steady_timer is kept armed at the earliest deadline; with a
/// manual clock (client_context_options::clock) nothing is armed and the owner moves its
/// clock and calls run_due(), as it does for the client_context.
///
/// Tasks run on the context's thread from the timer (or run_due()), never from inside the
/// call that scheduled them; tasks due at the same time run in the order they were
/// scheduled. A task may schedule, cancel, and destroy whatever owns it.
///
/// Thread safety: none; one scheduler per shard, used on its io_context's thread.
/// Lifetime: the client_context must outlive it. Destroying it drops every pending task
/// without running it.
class scheduler {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;
  using task = std::function<void()>;

  explicit scheduler(client::client_context& context);
  ~scheduler();
  scheduler(const scheduler&) = delete;
  scheduler& operator=(const scheduler&) = delete;

  /// The context's now().
  time_point now() const noexcept;
  client::client_context& context() const noexcept;

  /// Runs `fn` once at `when` (at once, from the event loop, when `when` has passed).
  /// Absolute times: schedules never drift by re-arming from relative delays.
  task_id at(time_point when, task fn);
  /// at(now() + delay).
  task_id after(clock::duration delay, task fn) { return at(now() + delay, std::move(fn)); }

  /// Drops a pending task; no effect for 0, a task that ran, or one already cancelled.
  void cancel(task_id id) noexcept;
  /// Whether the task is still waiting to run.
  bool pending(task_id id) const noexcept;

  /// Runs every task due at now(), including tasks those schedule for a time already due;
  /// returns how many ran. With the real clock the timer calls it; tests with a manual clock
  /// call it after moving the clock.
  std::size_t run_due();
  /// The earliest pending deadline, if any.
  std::optional<time_point> next_deadline() const noexcept;
  /// Tasks waiting to run.
  std::size_t size() const noexcept;


 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

/// One re-armable deadline owned by an object: cancels itself when re-armed, reset or
/// destroyed, so an owner never gets a call after it is gone.
///
/// Thread safety and lifetime: as scheduler; the scheduler must outlive the timer.
class timer {
 public:
  explicit timer(scheduler& s) noexcept : scheduler_(&s) {}
  ~timer() { cancel(); }
  timer(const timer&) = delete;
  timer& operator=(const timer&) = delete;

  void arm_at(scheduler::time_point when, scheduler::task fn) {
    cancel();
    id_ = scheduler_->at(when, std::move(fn));
  }
  void arm_after(scheduler::clock::duration d, scheduler::task fn) {
    arm_at(scheduler_->now() + d, std::move(fn));
  }
  void cancel() noexcept {
    if (id_ != 0) scheduler_->cancel(id_);
    id_ = 0;
  }
  bool armed() const noexcept { return id_ != 0 && scheduler_->pending(id_); }

 private:
  scheduler* scheduler_;
  task_id id_ = 0;
};

}  // namespace relayload::session
