#include "relayload/scenario/runner.hpp"

#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include <unistd.h>

#include "relayload/error.hpp"
#include "scenario/report_config_impl.hpp"

namespace relayload::scenario {

namespace {

// How long the shards' event loops may keep running after every shard is done, before they
// are stopped. Shards report done only after their connections closed (bounded by their own
// close timeouts), so what is left are idle timers: the grace only lets stray handlers end.
constexpr std::chrono::milliseconds drain_grace{300};
// abort(): how long the shards get to hand over a final snapshot before the report is cut.
constexpr std::chrono::milliseconds abort_snapshot_wait{250};
// Delay between releasing the barrier and t0, so that every thread is running when t0 comes.
constexpr std::chrono::milliseconds start_lead{20};

std::uint64_t shard_seed(std::uint64_t base, unsigned index) {
  // splitmix64 of base + index: distinct, well-mixed seeds per shard.
  std::uint64_t z = base + 0x9E3779B97F4A7C15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

class runner::impl {
 public:
  impl(const scenario_info& info, run_options options)
      : info_(info), options_(std::move(options)) {
    unsigned n = options_.threads;
    if (n == 0) n = std::max(1u, std::thread::hardware_concurrency());
    // Never more shards than units: an empty shard would only add a thread. With --shard,
    // the units are this process's slice.
    const std::uint64_t units = process_shard().size_of(options_.unit_count(info_.uses_pairs));
    if (units > 0 && n > units) n = static_cast<unsigned>(units);
    shard_count_ = n;
    series_interval_ = metrics::series_interval_for(planned_duration(options_, info_.name));
    if (options_.seed == 0) options_.seed = std::random_device{}() | 1ULL << 32;
  }

  std::future<result<metrics::report>> start() {
    auto future = promise_.get_future();
    auto url = net::ws_url::parse(options_.target);
    if (!url || info_.make_shard == nullptr) {
      promise_.set_value(unexpected(errc::invalid_argument));
      return future;
    }
    url_ = *url;
    for (unsigned i = 0; i < shard_count_; ++i) slots_.push_back(std::make_unique<slot>());
    for (unsigned i = 0; i < shard_count_; ++i) {
      slots_[i]->thread = std::thread([this, i] { shard_main(i); });
    }
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [&] { return built_ == shard_count_; });
    }
    // The coordinator releases the shards (after waiting for --start-at, if any), so that
    // the caller can watch for signals meanwhile.
    coordinator_ = std::thread([this] {
      release();
      coordinate();
    });
    return future;
  }

  metrics::report progress(std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!released_) return base_report(true);
    const std::uint64_t round = ++progress_round_;
    progress_answers_ = 0;
    unsigned asked = 0;
    for (auto& s : slots_) {
      if (s->done || s->shard == nullptr) continue;
      ++asked;
      asio::post(*s->io, [this, sp = s.get(), round] {
        if (sp->shard == nullptr) return;
        metrics::report snap = sp->shard->snapshot();
        std::lock_guard<std::mutex> g(mutex_);
        sp->last = std::move(snap);
        if (round == progress_round_) ++progress_answers_;
        cv_.notify_all();
      });
    }
    cv_.wait_for(lock, wait, [&] { return progress_answers_ >= asked; });
    metrics::report merged = merge_locked();
    merged.partial = true;
    return merged;
  }

  void stop() noexcept {
    if (stopping_.exchange(true)) return;
    std::lock_guard<std::mutex> lock(mutex_);
    cv_.notify_all();  // ends a wait for --start-at (under the mutex: no lost wake-up)
    for (auto& s : slots_) {
      if (!s->io) continue;
      asio::post(*s->io, [sp = s.get()] {
        if (sp->shard != nullptr && sp->started) sp->shard->stop();
      });
    }
    if (!all_done_locked()) stopped_early_ = true;
  }

  void abort() noexcept {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      aborted_ = true;
    }
    cv_.notify_all();
  }

  unsigned shard_count() const noexcept { return shard_count_; }

 private:
  struct slot {
    std::unique_ptr<asio::io_context> io = std::make_unique<asio::io_context>(1);
    std::thread thread;
    scenario_shard* shard = nullptr;  // written on the shard's thread before release
    bool started = false;             // shard thread only
    bool done = false;                // guarded by mutex_
    bool exited = false;              // io.run() returned; guarded by mutex_
    std::optional<metrics::report> last;  // guarded by mutex_
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  };

  void shard_main(unsigned index) {
    slot& s = *slots_[index];
    asio::io_context& io = *s.io;
    s.work.emplace(io.get_executor());
    client::client_context_options client_options;
    client_options.ws.ca_file = options_.ca_file;
    client_options.ws.insecure = options_.insecure;
    client::client_context client(io, client_options);
    // Thread `index` of this process's shard: one shard of the whole run, so schedules,
    // unit indices and seeds are distinct across every thread of every process.
    const pacing::shard part = process_shard().sub(index, shard_count_);
    shard_context ctx{io, client, part, options_, url_, {}, shard_seed(options_.seed, part.index),
                      {}};
    ctx.done = [this, &s] { mark_done(s); };
    ctx.series_interval = series_interval_;

    std::unique_ptr<scenario_shard> shard;
    bool build_failed = false;
    try {
      shard = info_.make_shard(ctx);
    } catch (...) {
      build_failed = true;  // counted as a shard without data; the report is partial
    }
    {
      std::unique_lock<std::mutex> lock(mutex_);
      s.shard = shard.get();
      ++built_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return released_; });
      ctx.t0 = t0_;
    }
    if (build_failed || !shard) {
      std::lock_guard<std::mutex> lock(mutex_);
      shard_failed_ = true;
    }
    if (shard) {
      asio::post(io, [this, &s] {
        s.started = true;
        if (stopping_) s.shard->stop();
        else s.shard->start();
      });
    } else {
      mark_done(s);
    }
    try {
      io.run();
    } catch (...) {
      // An exception escaped a handler: this shard's data stops here.
      std::lock_guard<std::mutex> lock(mutex_);
      shard_failed_ = true;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!s.done) {
        s.done = true;
        ++done_count_;
      }
      s.shard = nullptr;
    }
    shard.reset();  // connections are dropped here, on their own thread
    {
      std::lock_guard<std::mutex> lock(mutex_);
      s.exited = true;
    }
    cv_.notify_all();
  }

  void mark_done(slot& s) {
    std::optional<metrics::report> snap;
    if (s.shard != nullptr) snap = s.shard->snapshot();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (s.done) return;
      s.done = true;
      if (snap) s.last = std::move(snap);
      ++done_count_;
    }
    cv_.notify_all();
  }

  bool all_done_locked() const { return done_count_ == shard_count_; }

  pacing::shard process_shard() const noexcept {
    return pacing::shard{options_.shard_index, options_.shard_count};
  }

  // Fixes t0 (at --start-at when it lies ahead, else just ahead of now), waits until just
  // before it, unless stop() or abort() comes first, and releases the shards.
  void release() {
    using namespace std::chrono;
    std::unique_lock<std::mutex> lock(mutex_);
    const auto wall_now = system_clock::now();
    const auto now = clock::now();
    nanoseconds ahead = start_lead;
    if (options_.start_at) {
      ahead = std::max(ahead, duration_cast<nanoseconds>(*options_.start_at - wall_now));
    }
    t0_ = now + ahead;
    start_wall_ = time_point_cast<milliseconds>(wall_now + ahead);
    if (cv_.wait_until(lock, t0_ - start_lead, [&] { return aborted_ || stopping_.load(); })) {
      // Stopped while waiting: the shards start (and stop) now, not at the planned t0.
      t0_ = clock::now();
      start_wall_ = time_point_cast<milliseconds>(system_clock::now());
    }
    released_ = true;
    lock.unlock();
    cv_.notify_all();
  }

  void coordinate() {
    bool cut_short = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [&] { return all_done_locked() || aborted_; });
      cut_short = !all_done_locked();
    }
    // Aborted while shards still run: their last snapshots may be old (none at all without a
    // progress line), so ask each for a fresh one, on its own thread, and wait briefly.
    if (cut_short) (void)progress(abort_snapshot_wait);
    metrics::report merged;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      merged = merge_locked();
      merged.partial = merged.partial || aborted_ || stopped_early_ || shard_failed_ ||
                       !all_done_locked();
    }
    release_event_loops();
    promise_.set_value(std::move(merged));
  }

  // Lets every event loop finish its closing handshakes, then stops the stragglers.
  void release_event_loops() {
    for (auto& s : slots_) {
      asio::post(*s->io, [sp = s.get()] { sp->work.reset(); });
    }
    std::unique_lock<std::mutex> lock(mutex_);
    const bool quick = aborted_;
    cv_.wait_for(lock, quick ? std::chrono::seconds(0) : drain_grace, [&] {
      for (auto& s : slots_) {
        if (!s->exited) return false;
      }
      return true;
    });
    for (auto& s : slots_) {
      if (!s->exited) s->io->stop();
    }
  }

  // Joins every thread; called by ~runner, never from one of the runner's own threads.
 public:
  void shutdown() noexcept {
    if (coordinator_.joinable()) {
      abort();
      coordinator_.join();
    }
    for (auto& s : slots_) {
      if (s->io) s->io->stop();
      if (s->thread.joinable()) s->thread.join();
    }
  }

 private:
  metrics::report base_report(bool partial) const {
    metrics::report r;
    r.scenario = info_.name;
    r.target = options_.target;
    r.config = report_config(options_, info_);
    r.config_unused = report_config_unused(options_, info_);
    r.partial = partial;
    r.parts = 0;
    r.start_time = start_wall_;
    r.end_time = std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
    if (options_.shard_count > 1) {
      // The report names its shard, so that merging tells the parts of one run apart.
      metrics::rank_info k;
      k.rank = options_.shard_index;
      k.shard_count = options_.shard_count;
      char host[256] = {};
      if (::gethostname(host, sizeof host - 1) == 0) k.host = host;
      r.ranks.push_back(std::move(k));
    }
    return r;
  }

  // Merges the last snapshot of every shard. Each shard report is normalised to the run's
  // identity first (scenario, target, config), so merge() compares like with like.
  metrics::report merge_locked() const {
    metrics::report merged = base_report(false);
    bool first = true;
    for (const auto& s : slots_) {
      if (!s->last) continue;
      metrics::report part = *s->last;
      part.scenario = merged.scenario;
      part.target = merged.target;
      part.config = merged.config;
      part.config_unused = merged.config_unused;
      part.start_time = merged.start_time;
      part.end_time = merged.end_time;
      if (first) {
        part.start_time = merged.start_time;
        part.end_time = merged.end_time;
        merged = std::move(part);
        first = false;
      } else {
        auto ok = merged.merge(part);
        if (!ok) merged.errors.add(ok.error());  // never silently: the mismatch is counted
      }
    }
    if (!first) merged.ranks = base_report(false).ranks;
    return merged;
  }

  scenario_info info_;
  run_options options_;
  net::ws_url url_;
  unsigned shard_count_ = 1;
  std::chrono::nanoseconds series_interval_{std::chrono::seconds(1)};
  std::vector<std::unique_ptr<slot>> slots_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  unsigned built_ = 0;
  bool released_ = false;
  clock::time_point t0_{};
  metrics::report_time start_wall_{};
  unsigned done_count_ = 0;
  bool aborted_ = false;
  bool stopped_early_ = false;
  bool shard_failed_ = false;
  std::uint64_t progress_round_ = 0;
  unsigned progress_answers_ = 0;
  std::atomic<bool> stopping_{false};

  std::promise<result<metrics::report>> promise_;
  std::thread coordinator_;
};

runner::runner(const scenario_info& info, run_options options)
    : impl_(std::make_unique<impl>(info, std::move(options))) {}

runner::~runner() {
  if (impl_) impl_->shutdown();
}

std::future<result<metrics::report>> runner::start() { return impl_->start(); }

metrics::report runner::progress(std::chrono::milliseconds wait) { return impl_->progress(wait); }

void runner::stop() noexcept { impl_->stop(); }

void runner::abort() noexcept { impl_->abort(); }

unsigned runner::shard_count() const noexcept { return impl_->shard_count(); }

}  // namespace relayload::scenario
