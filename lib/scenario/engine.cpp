#include "scenario/engine_impl.hpp"

#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "relayload/error.hpp"
#include "relayload/metrics/interval_recorder.hpp"

namespace relayload::scenario::detail {

namespace {

// How long the shards' event loops may keep running after every shard is done, before they
// are stopped. Shards report done only after their connections closed (bounded by their own
// close timeouts), so what is left are idle timers: the grace only lets stray handlers end.
constexpr std::chrono::milliseconds drain_grace{300};
// abort(): how long the shards get to hand over a final snapshot before the report is cut.
constexpr std::chrono::milliseconds abort_snapshot_wait{250};
// Delay between releasing the barrier and t0, so that every thread is running when t0 comes.
constexpr std::chrono::milliseconds start_lead{20};

std::uint64_t mix_seed(std::uint64_t base, std::uint64_t index) {
  // splitmix64 of base + index: distinct, well-mixed seeds.
  std::uint64_t z = base + 0x9E3779B97F4A7C15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

metrics::time_series_options arrivals_options(std::chrono::nanoseconds interval) {
  metrics::time_series_options o;
  o.interval = interval;
  o.counters = {"started", "late"};
  return o;
}

metrics::time_series_options generator_options(std::chrono::nanoseconds interval) {
  metrics::time_series_options o;
  o.interval = interval;
  o.counters = {"samples"};
  return o;
}

}  // namespace

class engine::impl {
 public:
  impl(std::vector<group_plan> groups, engine_options options)
      : groups_(std::move(groups)), options_(std::move(options)) {
    if (options_.process.seed == 0) options_.process.seed = std::random_device{}() | 1ULL << 32;
    unsigned n = options_.process.threads;
    if (n == 0) n = std::max(1u, std::thread::hardware_concurrency());
    // Never more threads than units: an empty shard would only add a thread.
    std::uint64_t units = 0;
    bool known = true;
    for (const group_plan& g : groups_) {
      if (g.units) units += *g.units;
      else known = false;
    }
    if (known && units > 0 && n > units) n = static_cast<unsigned>(units);
    thread_count_ = n;
  }

  std::future<result<metrics::report>> start() {
    auto future = promise_.get_future();
    auto url = net::ws_url::parse(options_.process.target);
    bool usable = url.has_value() && !groups_.empty();
    for (const group_plan& g : groups_) usable = usable && g.info.make_shard != nullptr;
    if (!usable) {
      promise_.set_value(unexpected(errc::invalid_argument));
      return future;
    }
    url_ = *url;
    for (unsigned i = 0; i < thread_count_; ++i) {
      auto s = std::make_unique<slot>();
      s->members.resize(groups_.size());
      slots_.push_back(std::move(s));
    }
    for (unsigned i = 0; i < thread_count_; ++i) {
      slots_[i]->thread = std::thread([this, i] { thread_main(i); });
    }
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [&] { return built_ == thread_count_; });
    }
    coordinator_ = std::thread([this] {
      release();
      coordinate();
    });
    return future;
  }

  metrics::report progress(std::chrono::milliseconds wait, bool series_only = false) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!released_) {
      metrics::report r = empty_report();
      r.partial = true;
      return r;
    }
    const std::uint64_t round = ++progress_round_;
    progress_answers_ = 0;
    unsigned asked = 0;
    for (auto& s : slots_) {
      if (s->exited) continue;
      ++asked;
      asio::post(*s->io, [this, sp = s.get(), round, series_only] {
        take_snapshots(*sp, series_only);
        std::lock_guard<std::mutex> g(mutex_);
        if (round == progress_round_) ++progress_answers_;
        cv_.notify_all();
      });
    }
    cv_.wait_for(lock, wait, [&] { return progress_answers_ >= asked; });
    metrics::report merged = merge_locked(series_only);
    merged.partial = true;
    return merged;
  }

  void stop(bool planned = false) noexcept {
    if (stopping_.exchange(true)) return;
    std::lock_guard<std::mutex> lock(mutex_);
    cv_.notify_all();  // ends a wait for --start-at (under the mutex: no lost wake-up)
    for (auto& s : slots_) {
      if (!s->io) continue;
      asio::post(*s->io, [sp = s.get()] {
        for (member& m : sp->members) {
          if (m.shard != nullptr && m.started) m.shard->stop();
        }
      });
    }
    if (!all_done_locked() && !planned) stopped_early_ = true;
  }

  void abort() noexcept {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      aborted_ = true;
    }
    cv_.notify_all();
  }

  unsigned shard_count() const noexcept { return thread_count_; }

  std::chrono::nanoseconds cpu_time() const noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    std::chrono::nanoseconds total{0};
    for (const auto& s : slots_) {
      // A thread that has exited keeps the CPU time it had when its loop ended.
      if (s->exited) {
        total += s->cpu_at_exit;
        continue;
      }
      total += thread_cpu(const_cast<std::thread&>(s->thread));
    }
    return total;
  }

  static std::chrono::nanoseconds thread_cpu(std::thread& t) noexcept {
    clockid_t id{};
    timespec ts{};
    if (!t.joinable() || pthread_getcpuclockid(t.native_handle(), &id) != 0 ||
        clock_gettime(id, &ts) != 0) {
      return std::chrono::nanoseconds(0);
    }
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  }

  // Waits until the shards are released (t0 is fixed then), unless the run never starts.
  clock::time_point t0() const noexcept {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [&] { return released_ || aborted_ || slots_.empty(); });
    return t0_;
  }

  // Joins every thread; called by ~engine, never from one of the engine's own threads.
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
  // One group's shard on one thread.
  struct member {
    std::unique_ptr<shard_context> ctx;
    std::unique_ptr<scenario_shard> shard;
    bool started = false;                  // thread only
    bool done = false;                     // guarded by mutex_
    bool met = false;                      // called meet() or counted as met; guarded by mutex_
    std::optional<metrics::report> last;   // guarded by mutex_
    std::optional<metrics::report> last_series;  // the last series-only look; guarded by mutex_
    // Workloads: arrivals and their lateness (thread only; copied into `last`).
    std::optional<metrics::interval_recorder> arrivals;
    metrics::histogram lateness;
  };

  struct slot {
    std::unique_ptr<asio::io_context> io = std::make_unique<asio::io_context>(1);
    std::thread thread;
    std::vector<member> members;
    bool exited = false;  // io.run() returned; guarded by mutex_
    std::chrono::nanoseconds cpu_at_exit{0};  // guarded by mutex_
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    // Workloads: the event loop's lag (thread only; copied into last_lag under mutex_).
    std::optional<asio::steady_timer> lag_timer;
    clock::time_point lag_due{};
    std::optional<metrics::interval_recorder> lag;
    metrics::histogram lag_histogram;
    std::chrono::nanoseconds observer_time{0};     // snapshot time since the last lag sample
    metrics::histogram snapshot_histogram;         // how long each snapshot took
    std::optional<metrics::time_series> last_lag;  // guarded by mutex_
    metrics::histogram last_lag_histogram;         // guarded by mutex_
    metrics::histogram last_snapshot_histogram;    // guarded by mutex_
  };

  pacing::shard process_shard() const noexcept {
    return pacing::shard{options_.process.shard_index, options_.process.shard_count};
  }

  std::uint64_t group_seed(std::size_t g) const noexcept {
    return groups_.size() == 1 && !options_.workload ? options_.process.seed
                                                     : mix_seed(options_.process.seed, 1000 + g);
  }

  void thread_main(unsigned index) {
    slot& s = *slots_[index];
    asio::io_context& io = *s.io;
    s.work.emplace(io.get_executor());
    client::client_context_options client_options;
    client_options.ws.ca_file = options_.process.ca_file;
    client_options.ws.insecure = options_.process.insecure;
    client_options.transport = options_.process.transport;  // --transport
    client::client_context client(io, client_options);
    // Thread `index` of this process's shard: one shard of the whole run, so schedules,
    // unit indices and seeds are distinct across every thread of every process.
    const pacing::shard part = process_shard().sub(index, thread_count_);

    bool build_failed = false;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      const group_plan& plan = groups_[g];
      member& m = s.members[g];
      m.ctx = std::make_unique<shard_context>(shard_context{
          io, client, part, plan.options, url_, {}, mix_seed(group_seed(g), part.index), {},
          options_.series_interval, std::nullopt, std::nullopt, options_.workload, {}, {}});
      m.ctx->done = [this, &s, g] { mark_done(s, g); };
      m.ctx->meet = [this, &s, g](std::function<void()> then) {
        std::lock_guard<std::mutex> lock(mutex_);
        meet_locked(s, g, std::move(then));
      };
      if (plan.arrivals) {
        auto sched = plan.arrivals(part, group_seed(g));
        if (!sched) {
          build_failed = true;
          continue;
        }
        m.ctx->arrivals = std::move(*sched);
      }
      if (options_.workload) {
        m.ctx->unit_started = [this, mp = &m](const pacing::due_event& e) {
          if (mp->arrivals) {
            mp->arrivals->count(e.intended, 0);
            if (e.lateness > late_threshold) mp->arrivals->count(e.intended, 1);
            mp->arrivals->record(e.intended, e.lateness);
          }
          mp->lateness.record(e.lateness.count());
        };
      }
      try {
        m.shard = plan.info.make_shard(*m.ctx);
      } catch (...) {
        build_failed = true;  // counted as a shard without data; the report is partial
      }
    }
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ++built_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return released_; });
      for (std::size_t g = 0; g < groups_.size(); ++g) {
        member& m = s.members[g];
        m.ctx->t0 = t0_;
        if (groups_[g].window_end) m.ctx->window_end = t0_ + *groups_[g].window_end;
      }
      if (build_failed) shard_failed_ = true;
    }
    if (options_.workload) {
      for (member& m : s.members) {
        m.arrivals.emplace(t0_, arrivals_options(options_.series_interval));
      }
      s.lag.emplace(t0_, generator_options(options_.series_interval));
      s.lag_timer.emplace(io);
      s.lag_due = t0_;
      arm_lag(s);
    }
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      member& m = s.members[g];
      if (m.shard) {
        asio::post(io, [this, &m] {
          m.started = true;
          if (stopping_) m.shard->stop();
          else m.shard->start();
        });
      } else {
        mark_done(s, g);
      }
    }
    try {
      io.run();
    } catch (...) {
      // An exception escaped a handler: this thread's data stops here.
      std::lock_guard<std::mutex> lock(mutex_);
      shard_failed_ = true;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (std::size_t g = 0; g < s.members.size(); ++g) {
        member& m = s.members[g];
        if (!m.done) {
          m.done = true;
          ++done_count_;
        }
        meet_locked(s, g, nullptr);
      }
    }
    s.lag_timer.reset();
    for (member& m : s.members) m.shard.reset();  // connections drop here, on their thread
    timespec own{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &own);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      s.cpu_at_exit = std::chrono::seconds(own.tv_sec) + std::chrono::nanoseconds(own.tv_nsec);
      s.exited = true;
    }
    cv_.notify_all();
  }

  // The lag timer: due every loop_lag_period at absolute times from t0; the lag is how late
  // it fired. It stops once every group on the thread is done.
  void arm_lag(slot& s) {
    s.lag_due += loop_lag_period;
    s.lag_timer->expires_at(s.lag_due);
    s.lag_timer->async_wait([this, sp = &s](std::error_code ec) {
      if (ec) return;
      const clock::time_point now = clock::now();
      // Time the runner spent taking its own snapshots since the last sample is the
      // observer's cost, not the load's: it is kept apart ("generator.snapshotTime"), and
      // its effect on the schedule still shows in pacing lateness.
      const auto lag = std::max(std::chrono::nanoseconds(0),
                                now - sp->lag_due - std::exchange(sp->observer_time, {}));
      sp->lag->record(sp->lag_due, lag);
      sp->lag->count(sp->lag_due, 0);
      sp->lag_histogram.record(lag.count());
      // After a long stall, skip the sample times that have passed.
      while (sp->lag_due + loop_lag_period < now) sp->lag_due += loop_lag_period;
      bool all_done = true;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const member& m : sp->members) all_done = all_done && m.done;
      }
      if (!all_done) arm_lag(*sp);
    });
  }

  // On the slot's thread: a fresh snapshot of every running member (and of the lag).
  void take_snapshots(slot& s, bool series_only = false) {
    std::vector<std::optional<metrics::report>> snaps(s.members.size());
    for (std::size_t g = 0; g < s.members.size(); ++g) {
      member& m = s.members[g];
      if (m.shard == nullptr) continue;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (m.done) continue;
      }
      snaps[g] = observed(s, [&] { return member_snapshot(m, series_only); });
    }
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t g = 0; g < s.members.size(); ++g) {
      if (!snaps[g]) continue;
      if (series_only) s.members[g].last_series = std::move(snaps[g]);
      else s.members[g].last = std::move(snaps[g]);
    }
    if (s.lag) {
      s.last_lag = s.lag->series();
      s.last_lag_histogram = s.lag_histogram;
      s.last_snapshot_histogram = s.snapshot_histogram;
    }
  }

  // Runs a snapshot on the slot's thread, counting its time as the observer's (see arm_lag).
  template <class F>
  metrics::report observed(slot& s, F&& take) {
    const clock::time_point begin = clock::now();
    metrics::report r = take();
    const auto spent = clock::now() - begin;
    s.observer_time += spent;
    s.snapshot_histogram.record(std::chrono::duration_cast<std::chrono::nanoseconds>(spent));
    return r;
  }

  metrics::report member_snapshot(member& m, bool series_only = false) {
    metrics::report r = series_only ? only_series(m.shard->series_snapshot()) : m.shard->snapshot();
    if (options_.workload) {
      if (m.arrivals) {
        m.arrivals->advance(clock::now());
        r.series.insert_or_assign(arrivals_series, m.arrivals->series());
      } else {
        r.series.insert_or_assign(arrivals_series,
                                  metrics::time_series(arrivals_options(options_.series_interval)));
      }
      if (!series_only) r.histograms.insert_or_assign(lateness_histogram, m.lateness);
    }
    return r;
  }

  // What a series-only look keeps of a report: its series and steady-messaging's.
  static metrics::report only_series(const metrics::report& full) {
    metrics::report r;
    r.series = full.series;
    if (full.steady_messaging) {
      metrics::steady_messaging_section st;
      st.latency_over_time = full.steady_messaging->latency_over_time;
      r.steady_messaging = std::move(st);
    }
    return r;
  }

  void mark_done(slot& s, std::size_t g) {
    member& m = s.members[g];
    std::optional<metrics::report> snap;
    if (m.shard != nullptr) snap = observed(s, [&] { return member_snapshot(m); });
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (m.done) return;
      m.done = true;
      meet_locked(s, g, nullptr);
      if (snap) m.last = std::move(snap);
      ++done_count_;
      if (s.lag) {
        s.last_lag = s.lag->series();
        s.last_lag_histogram = s.lag_histogram;
        s.last_snapshot_histogram = s.snapshot_histogram;
      }
    }
    cv_.notify_all();
  }

  // shard_context::meet of member g of `s` (`then` empty: the member is done or gone and
  // only counts as met). When the last thread of the group meets, every waiting `then`
  // is posted to its own thread.
  void meet_locked(slot& s, std::size_t g, std::function<void()> then) {
    member& m = s.members[g];
    if (m.met) return;
    m.met = true;
    if (meetings_.size() < groups_.size()) meetings_.resize(groups_.size());
    meeting& mt = meetings_[g];
    if (then) mt.waiting.emplace_back(s.io.get(), std::move(then));
    if (++mt.met < thread_count_) return;
    for (auto& w : mt.waiting) asio::post(*w.first, std::move(w.second));
    mt.waiting.clear();
  }

  bool all_done_locked() const { return done_count_ == thread_count_ * groups_.size(); }

  // Fixes t0 (at --start-at when it lies ahead, else just ahead of now), waits until just
  // before it, unless stop() or abort() comes first, and releases the shards.
  void release() {
    using namespace std::chrono;
    std::unique_lock<std::mutex> lock(mutex_);
    const auto wall_now = system_clock::now();
    const auto now = clock::now();
    nanoseconds ahead = start_lead;
    if (options_.process.start_at) {
      ahead = std::max(ahead, duration_cast<nanoseconds>(*options_.process.start_at - wall_now));
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
      for (auto& g : merged.groups) g.result.partial = g.result.partial || merged.partial;
    }
    release_event_loops();
    promise_.set_value(std::move(merged));
  }

  // Lets every event loop finish its closing handshakes, then stops the stragglers.
  void release_event_loops() {
    for (auto& s : slots_) {
      asio::post(*s->io, [sp = s.get()] {
        if (sp->lag_timer) sp->lag_timer->cancel();
        sp->work.reset();
      });
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

  std::vector<metrics::rank_info> rank_list() const {
    std::vector<metrics::rank_info> ranks;
    if (options_.process.shard_count > 1) {
      // The report names its shard, so that merging tells the parts of one run apart.
      metrics::rank_info k;
      k.rank = options_.process.shard_index;
      k.shard_count = options_.process.shard_count;
      char host[256] = {};
      if (::gethostname(host, sizeof host - 1) == 0) k.host = host;
      ranks.push_back(std::move(k));
    }
    return ranks;
  }

  metrics::report identity(const group_plan& g) const {
    metrics::report r;
    r.scenario = g.info.name;
    r.target = options_.process.target;
    r.config = g.config;
    r.config_unused = g.config_unused;
    r.parts = 0;
    r.start_time = start_wall_;
    r.end_time = std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
    r.ranks = rank_list();
    return r;
  }

  metrics::report empty_report() const {
    if (!options_.workload) return identity(groups_.front());
    metrics::report r;
    r.scenario = metrics::workload_scenario;
    r.target = options_.process.target;
    r.config = options_.config;
    r.parts = 0;
    r.start_time = start_wall_;
    r.end_time = std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
    r.ranks = rank_list();
    for (const group_plan& g : groups_) r.groups.push_back({g.name, identity(g)});
    return r;
  }

  // One group: the last snapshot of its shard on every thread, merged. Each shard report is
  // normalised to the group's identity first (scenario, target, config), so merge() compares
  // like with like.
  metrics::report merge_group_locked(std::size_t g, bool series_only = false) const {
    const metrics::report base = identity(groups_[g]);
    metrics::report merged = base;
    bool first = true;
    for (const auto& s : slots_) {
      const member& m = s->members[g];
      // A series-only look: a member that is done has only its full final report.
      const std::optional<metrics::report> look =
          !series_only ? m.last
          : m.done && m.last ? std::optional<metrics::report>(only_series(*m.last))
                             : m.last_series;
      if (!look) continue;
      metrics::report part = *look;
      part.scenario = base.scenario;
      part.target = base.target;
      part.config = base.config;
      part.config_unused = base.config_unused;
      part.start_time = base.start_time;
      part.end_time = base.end_time;
      part.ranks.clear();
      if (first) {
        merged = std::move(part);
        first = false;
      } else {
        auto ok = merged.merge(part);
        if (!ok) {
          // Never silently: the mismatch is counted, and the report lacks that shard's data.
          merged.errors.add(ok.error());
          merged.partial = true;
        }
      }
    }
    merged.ranks = base.ranks;
    return merged;
  }

  metrics::report merge_locked(bool series_only = false) const {
    if (!options_.workload) return merge_group_locked(0, series_only);
    metrics::report r = empty_report();
    r.groups.clear();
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      r.groups.push_back({groups_[g].name, merge_group_locked(g, series_only)});
    }
    metrics::report totals = metrics::workload_totals(r.groups);
    totals.scenario = r.scenario;
    totals.target = r.target;
    totals.config = r.config;
    totals.start_time = r.start_time;
    totals.end_time = r.end_time;
    totals.ranks = r.ranks;
    totals.groups = std::move(r.groups);
    // The generator's own event-loop lag, over every thread.
    std::optional<metrics::time_series> lag;
    metrics::histogram lag_histogram;
    metrics::histogram snapshot_histogram;
    for (const auto& s : slots_) {
      if (!s->last_lag) continue;
      if (!lag) lag = *s->last_lag;
      else (void)lag->merge(*s->last_lag);
      (void)lag_histogram.merge(s->last_lag_histogram);
      (void)snapshot_histogram.merge(s->last_snapshot_histogram);
    }
    totals.histograms.insert_or_assign(snapshot_histogram_name, snapshot_histogram);
    totals.series.insert_or_assign(
        generator_series, lag ? *lag : metrics::time_series(generator_options(options_.series_interval)));
    totals.histograms.insert_or_assign(loop_lag_histogram, lag_histogram);
    return totals;
  }

  std::vector<group_plan> groups_;
  engine_options options_;
  net::ws_url url_;
  unsigned thread_count_ = 1;
  std::vector<std::unique_ptr<slot>> slots_;

  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  unsigned built_ = 0;
  bool released_ = false;
  clock::time_point t0_{};
  metrics::report_time start_wall_{};
  std::size_t done_count_ = 0;
  struct meeting {
    unsigned met = 0;
    std::vector<std::pair<asio::io_context*, std::function<void()>>> waiting;
  };
  std::vector<meeting> meetings_;  // per group; guarded by mutex_
  bool aborted_ = false;
  bool stopped_early_ = false;
  bool shard_failed_ = false;
  std::uint64_t progress_round_ = 0;
  unsigned progress_answers_ = 0;
  std::atomic<bool> stopping_{false};

  std::promise<result<metrics::report>> promise_;
  std::thread coordinator_;
};

engine::engine(std::vector<group_plan> groups, engine_options options)
    : impl_(std::make_unique<impl>(std::move(groups), std::move(options))) {}

engine::~engine() {
  if (impl_) impl_->shutdown();
}

std::future<result<metrics::report>> engine::start() { return impl_->start(); }
metrics::report engine::progress(std::chrono::milliseconds wait) { return impl_->progress(wait); }
metrics::report engine::progress_series(std::chrono::milliseconds wait) {
  return impl_->progress(wait, true);
}
void engine::stop() noexcept { impl_->stop(); }
void engine::end_load() noexcept { impl_->stop(true); }
void engine::abort() noexcept { impl_->abort(); }
unsigned engine::shard_count() const noexcept { return impl_->shard_count(); }
std::chrono::nanoseconds engine::cpu_time() const noexcept { return impl_->cpu_time(); }
std::chrono::steady_clock::time_point engine::t0() const noexcept { return impl_->t0(); }

}  // namespace relayload::scenario::detail
