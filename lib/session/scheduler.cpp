#include "relayload/session/scheduler.hpp"

#include <algorithm>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <unordered_map>
#include <vector>

namespace relayload::session {

class scheduler::impl : public std::enable_shared_from_this<scheduler::impl> {
 public:
  explicit impl(client::client_context& ctx) : ctx_(ctx), timer_(ctx.io_context()) {}

  time_point now() const noexcept { return ctx_.now(); }

  task_id at(time_point when, task fn) {
    const task_id id = next_id_++;
    tasks_.emplace(id, std::move(fn));
    heap_.push_back({when, id});
    std::push_heap(heap_.begin(), heap_.end(), later);
    // Tasks never run inside at(): with the real clock the timer fires from the event loop
    // (a time in the past fires on the next turn); with a manual clock the owner calls
    // run_due().
    if (!ctx_.options().clock && (!armed_at_ || when < *armed_at_)) arm(when);
    return id;
  }

  void cancel(task_id id) noexcept { tasks_.erase(id); }
  bool pending(task_id id) const noexcept { return tasks_.count(id) != 0; }

  std::size_t run_due() {
    const auto self = shared_from_this();  // a task may destroy the scheduler's owner
    std::size_t ran = 0;
    // Bounded so that a task that keeps re-scheduling itself for "now" cannot spin here:
    // what it adds beyond the budget runs on the next turn of the event loop.
    std::size_t budget = heap_.size() + 1024;
    while (budget-- > 0 && !heap_.empty() && !detached_) {
      const entry e = heap_.front();
      if (e.at > now()) break;
      std::pop_heap(heap_.begin(), heap_.end(), later);
      heap_.pop_back();
      auto it = tasks_.find(e.id);
      if (it == tasks_.end()) continue;  // cancelled
      task fn = std::move(it->second);
      tasks_.erase(it);
      ++ran;
      if (fn) fn();
    }
    if (!ctx_.options().clock && !detached_) {
      compact();
      drop_cancelled_top();
      if (!heap_.empty()) arm(heap_.front().at);
    }
    return ran;
  }

  std::optional<time_point> next_deadline() const noexcept {
    drop_cancelled_top();
    if (heap_.empty()) return std::nullopt;
    return heap_.front().at;
  }

  std::size_t size() const noexcept { return tasks_.size(); }

  void detach() noexcept {
    detached_ = true;
    tasks_.clear();
    heap_.clear();
    std::error_code ignored;
    timer_.cancel(ignored);
  }

  client::client_context& ctx_;

 private:
  struct entry {
    time_point at;
    task_id id;
  };
  // Min-heap on time; equal times in scheduling order (ids increase).
  static bool later(const entry& a, const entry& b) noexcept {
    return a.at != b.at ? a.at > b.at : a.id > b.id;
  }

  // Pops cancelled entries off the top so the front is a live deadline (logically const:
  // the set of pending tasks does not change).
  void drop_cancelled_top() const noexcept {
    while (!heap_.empty() && tasks_.count(heap_.front().id) == 0) {
      std::pop_heap(heap_.begin(), heap_.end(), later);
      heap_.pop_back();
    }
  }

  // Drops cancelled entries once they dominate the heap, so memory follows live tasks.
  void compact() {
    if (heap_.size() < 64 || heap_.size() < 2 * tasks_.size()) return;
    heap_.erase(std::remove_if(heap_.begin(), heap_.end(),
                               [&](const entry& e) { return tasks_.count(e.id) == 0; }),
                heap_.end());
    std::make_heap(heap_.begin(), heap_.end(), later);
  }

  void arm(time_point when) {
    armed_at_ = when;
    const std::uint64_t generation = ++arm_generation_;
    timer_.expires_at(when);
    timer_.async_wait([weak = weak_from_this(), generation](const std::error_code& ec) {
      if (ec) return;
      const auto self = weak.lock();
      if (!self || self->detached_ || self->arm_generation_ != generation) return;
      self->armed_at_.reset();
      self->run_due();
    });
  }

  asio::steady_timer timer_;
  mutable std::vector<entry> heap_;
  std::unordered_map<task_id, task> tasks_;
  task_id next_id_ = 1;
  std::optional<time_point> armed_at_;
  std::uint64_t arm_generation_ = 0;
  bool detached_ = false;
};

scheduler::scheduler(client::client_context& context) : impl_(std::make_shared<impl>(context)) {}

scheduler::~scheduler() { impl_->detach(); }

scheduler::time_point scheduler::now() const noexcept { return impl_->now(); }
client::client_context& scheduler::context() const noexcept { return impl_->ctx_; }
task_id scheduler::at(time_point when, task fn) { return impl_->at(when, std::move(fn)); }
void scheduler::cancel(task_id id) noexcept { impl_->cancel(id); }
bool scheduler::pending(task_id id) const noexcept { return impl_->pending(id); }
std::size_t scheduler::run_due() { return impl_->run_due(); }
std::optional<scheduler::time_point> scheduler::next_deadline() const noexcept {
  return impl_->next_deadline();
}
std::size_t scheduler::size() const noexcept { return impl_->size(); }

}  // namespace relayload::session
