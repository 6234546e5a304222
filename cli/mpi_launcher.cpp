// run_distributed(): relayload-cli as one rank of an MPI job, for one scenario (`run
// --scenario`) or a workload mix (`run --workload`); rank_job says which.
//
//   1. MPI_Init (signals are blocked first, so MPI's own threads inherit the mask and
//      SIGINT/SIGTERM reach the main thread's sigtimedwait as in a plain run).
//   2. Rank 0 picks the seed (when --seed is 0) and, without --target, starts the embedded
//      relay; both are broadcast. Each rank runs shard `rank` of `size` (run_options), so
//      counts, unit indices and seeds are sliced exactly as with --shard (a workload: every
//      group's arrivals are dealt round-robin over the ranks).
//   3. Each rank probes its own target (one connection; all failed: exit 2 at once) and runs
//      its own pre-flight (limits are per process and per host).
//   3b. While they run, the ranks send rank 0 small counters (rank_progress), so its progress
//      line shows the totals of all ranks and names a rank behind its schedule.
//   4. Barrier; rank 0 broadcasts t0 as a wall-clock instant (--start-at, or now + a lead),
//      and every runner releases its threads at that instant.
//   5. Every rank sends its report as JSON to rank 0 (also a rank that could not run, so that
//      it is named); rank 0 merges them exactly (report::merge adds histograms bucket by
//      bucket), prints one summary, writes --output and, with --output-dir, every rank's
//      own report. A workload's report merges group by group.
//
// Only the main thread calls MPI (MPI_THREAD_FUNNELED); the runner's threads never do.
#include <mpi.h>
#include <unistd.h>

#include <fmt/core.h>
#include <algorithm>
#include <array>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "commands.hpp"
#include "mpi_launcher.hpp"
#include "probe_command.hpp"
#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/report_text.hpp"
#include "relayload/net/preflight.hpp"
#include "relayload/pacing/rate_profile.hpp"
#include "relayload/pacing/shard.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "relayload/scenario/runner.hpp"
#include "relayload/scenario/workload_runner.hpp"
#include "signals.hpp"
#include "workload_command.hpp"

namespace relayload::cli {

namespace {

using wall_ms = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

// Time between rank 0 choosing t0 and t0: every rank must have received it and built its
// shards by then (a rank that is later starts at once and its lateness shows in latencies).
constexpr std::chrono::milliseconds start_lead{1500};

// A non-negative whole number from OpenMPI's environment; `fallback` when unset or not one.
long env_number(const char* name, long fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const long parsed = std::strtol(v, &end, 10);
  return end != v && *end == '\0' && parsed >= 0 ? parsed : fallback;
}

// MPI_Init/MPI_Finalize around the launcher. Finalize runs on every return path.
class mpi_session {
 public:
  mpi_session() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int len = 0;
    MPI_Get_processor_name(name, &len);
    host_.assign(name, static_cast<std::size_t>(std::max(len, 0)));
  }
  ~mpi_session() { MPI_Finalize(); }
  mpi_session(const mpi_session&) = delete;
  mpi_session& operator=(const mpi_session&) = delete;

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  const std::string& host() const noexcept { return host_; }

 private:
  int rank_ = 0;
  int size_ = 1;
  std::string host_;
};

void bcast(std::string& s) {
  std::uint64_t n = s.size();
  MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  s.resize(n);
  if (n > 0) MPI_Bcast(s.data(), static_cast<int>(n), MPI_CHAR, 0, MPI_COMM_WORLD);
}

void bcast(std::uint64_t& v) { MPI_Bcast(&v, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD); }

// Every rank's host name, in rank order.
std::vector<std::string> all_hosts(const mpi_session& mpi) {
  std::vector<char> names(static_cast<std::size_t>(mpi.size()) * MPI_MAX_PROCESSOR_NAME);
  std::vector<char> mine(MPI_MAX_PROCESSOR_NAME, '\0');
  std::copy_n(mpi.host().begin(),
              std::min<std::size_t>(mpi.host().size(), MPI_MAX_PROCESSOR_NAME - 1), mine.begin());
  MPI_Allgather(mine.data(), MPI_MAX_PROCESSOR_NAME, MPI_CHAR, names.data(), MPI_MAX_PROCESSOR_NAME,
                MPI_CHAR, MPI_COMM_WORLD);
  std::vector<std::string> out;
  for (int r = 0; r < mpi.size(); ++r) out.emplace_back(&names[r * MPI_MAX_PROCESSOR_NAME]);
  return out;
}

// Of `count` starts spread evenly over `ramp` (start i at i·ramp/count, as
// constant_rate_schedule::spread), those intended by `since` from the first.
std::uint64_t spread_due(std::uint64_t count, std::chrono::nanoseconds ramp,
                         std::chrono::nanoseconds since) {
  if (since.count() < 0 || count == 0) return 0;
  if (ramp.count() <= 0 || since >= ramp) return count;
  const long double part = static_cast<long double>(since.count()) / ramp.count();
  return std::min<std::uint64_t>(
      count, static_cast<std::uint64_t>(part * static_cast<long double>(count)) + 1);
}

// What every rank runs: one scenario (scenario::runner) or a workload mix
// (scenario::workload_runner). The launcher's steps are the same for both; a job says what
// differs between them. Used on the main thread only.
class rank_job {
 public:
  virtual ~rank_job() = default;
  rank_job(const rank_job&) = delete;
  rank_job& operator=(const rank_job&) = delete;

  /// The process-wide options: the launcher sets shard, seed, target and t0 on them.
  virtual scenario::run_options& options() = 0;
  /// The `scenario` of the job's report.
  virtual std::string scenario_name() const = 0;
  /// Why the job cannot be split over `ranks` (on rank 0's stderr), or empty.
  virtual std::string split_problem(std::uint32_t ranks) const = 0;
  /// Client sockets of `part` of the job at its peak (shard {0, 1}: of the whole job).
  virtual std::uint64_t sockets(pacing::shard part) const = 0;
  /// Units of `part` whose intended start lies before `since` from t0; units whose start
  /// is random (Poisson arrivals) are not counted, so that chance is never taken for lag.
  virtual std::uint64_t due(pacing::shard part, std::chrono::nanoseconds since) const = 0;
  /// Builds this rank's runner from options(), prints the configuration block when
  /// `announce`, and returns its controls for drive(). The controls own the runner: it
  /// stops and joins its threads when the last copy is destroyed.
  virtual run_control launch(const std::string& output, bool announce) = 0;

 protected:
  rank_job() = default;
};

// A single scenario, as `run --scenario`: its units are split over the ranks, each needing
// at least one.
class scenario_job final : public rank_job {
 public:
  scenario_job(const scenario::scenario_info& info, scenario::run_options options)
      : info_(info), options_(std::move(options)) {}

  scenario::run_options& options() override { return options_; }
  std::string scenario_name() const override { return info_.name; }

  std::string split_problem(std::uint32_t ranks) const override {
    if (units() >= ranks) return {};
    return fmt::format("{} {} cannot be split over {} MPI ranks (each rank needs at least one)",
                       info_.uses_pairs ? "--connection-pairs" : "--connections", units(), ranks);
  }

  std::uint64_t sockets(pacing::shard part) const override {
    // Two per unit for a pair, one otherwise, as run_scenario counts them.
    return part.size_of(units()) * (info_.uses_pairs || options_.storm_pairs ? 2 : 1);
  }

  std::uint64_t due(pacing::shard part, std::chrono::nanoseconds since) const override {
    return part.size_of(spread_due(units(), options_.ramp_up, since));
  }

  run_control launch(const std::string& output, bool announce) override {
    auto runner = std::make_shared<scenario::runner>(info_, options_);
    if (announce) print_configuration(options_, info_, output, runner->shard_count());
    return control_of(runner);
  }

 private:
  std::uint64_t units() const { return options_.unit_count(info_.uses_pairs); }

  const scenario::scenario_info& info_;
  scenario::run_options options_;
};

// A workload mix, as `run --workload`: every rank runs every group, and each group's
// arrivals are dealt round-robin over the ranks (and their threads) by the engine. A group
// may have fewer units than there are ranks (an open-model group cannot know its count): a
// rank without units of it reports its sections with zeros.
class workload_job final : public rank_job {
 public:
  workload_job(scenario::workload w, const scenario::scenario_registry& registry)
      : workload_(std::move(w)), registry_(registry) {
    // The uniform schedules of the open-model groups, for due(): their Λ(t) is exact.
    for (const auto& g : workload_.groups) {
      std::optional<pacing::rate_profile> profile;
      const auto& a = g.arrivals;
      if (a.process == scenario::arrival_process::uniform) {
        if (a.kind == scenario::arrival_kind::constant) {
          auto p = pacing::rate_profile::constant(a.rate, workload_.window_end(g) - g.start_after);
          if (p) profile = std::move(*p);
        } else if (a.kind == scenario::arrival_kind::ramping) {
          std::vector<std::pair<std::chrono::nanoseconds, pacing::rate>> stages;
          for (const auto& s : a.stages) stages.emplace_back(s.duration, s.target);
          auto p = pacing::rate_profile::from_stages(stages);
          if (p) profile = std::move(*p);
        }
      }
      profiles_.push_back(std::move(profile));
    }
  }

  scenario::run_options& options() override { return workload_.defaults; }
  std::string scenario_name() const override { return metrics::workload_scenario; }
  std::string split_problem(std::uint32_t /*ranks*/) const override { return {}; }

  std::uint64_t sockets(pacing::shard part) const override {
    scenario::workload w = workload_;
    w.defaults.shard_index = part.index;
    w.defaults.shard_count = part.count;
    return workload_sockets(w, registry_);
  }

  std::uint64_t due(pacing::shard part, std::chrono::nanoseconds since) const override {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < workload_.groups.size(); ++i) {
      const auto& g = workload_.groups[i];
      const std::chrono::nanoseconds t = since - g.start_after;
      if (t.count() < 0) continue;
      std::uint64_t started = 0;  // units of the whole group intended before t
      if (g.arrivals.kind == scenario::arrival_kind::closed) {
        if (g.arrivals.process == scenario::arrival_process::poisson) continue;
        started = spread_due(g.arrivals.count, g.arrivals.ramp_up, t);
      } else if (profiles_[i]) {
        const long double expected = std::ceil(profiles_[i]->events_before(t));
        started = std::min(profiles_[i]->event_count(), static_cast<std::uint64_t>(expected));
      }
      sum += part.size_of(started);
    }
    return sum;
  }

  run_control launch(const std::string& output, bool announce) override {
    for (auto& g : workload_.groups) g.options.target = workload_.defaults.target;
    auto runner = std::make_shared<scenario::workload_runner>(workload_, registry_);
    if (announce) {
      print_workload(workload_, workload_.defaults.target, output, runner->shard_count());
    }
    return control_of(runner);
  }

 private:
  scenario::workload workload_;
  const scenario::scenario_registry& registry_;
  std::vector<std::optional<pacing::rate_profile>> profiles_;
};

// What one rank sends to rank 0: its report as JSON, with the tag saying whether it ran.
// `lost`: nothing came from the rank before the job ended (rank 0 sets it; see gather()).
struct rank_message {
  bool ran = false;
  std::string json;
  bool lost = false;
};

// A rank's report as rank 0 read it: parsed once, for its --output-dir file and the merge.
struct rank_report {
  std::optional<metrics::report> report;
  std::string why;  // why it could not be read, when it could not
};

std::vector<rank_report> read_rank_reports(const std::vector<rank_message>& messages) {
  std::vector<rank_report> out(messages.size());
  for (std::size_t r = 0; r < messages.size(); ++r) {
    if (messages[r].lost) continue;
    auto parsed = metrics::parse_report(messages[r].json, &out[r].why);
    if (parsed.has_value()) out[r].report = std::move(parsed).value();
  }
  return out;
}

constexpr int ran_tag = 7301;        // the rank ran its shard: merge its report
constexpr int not_run_tag = 7302;    // it did not run: its report only names it and says why
constexpr int progress_tag = 7303;   // a rank's live counters (rank_progress)
constexpr int stop_tag = 7304;       // rank 0 to the others: stop gracefully (stop_relay)
constexpr int heartbeat_tag = 7305;  // the others to rank 0: still here (stop_relay)
constexpr char stop_byte = 1;        // what the stop message carries

// The live counters a rank sends rank 0 while it runs: fixed-size, a few dozen bytes.
enum progress_field : std::size_t {
  f_attempted,
  f_successful,
  f_failed,
  f_has_messages,
  f_messages_sent,
  f_messages_received,
  f_has_steady,
  f_down,
  f_peak_down,
  f_done,   // its part has ended: these are its final counters
  f_count
};
using progress_counters = std::array<std::uint64_t, f_count>;

void discard_progress(const MPI_Status& status) {
  progress_counters c{};
  MPI_Recv(c.data(), static_cast<int>(c.size()), MPI_UINT64_T, status.MPI_SOURCE, progress_tag,
           MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

// Live progress over all ranks. Every rank calls tick() with its own snapshot from drive()'s
// loop on the main thread (the only thread that calls MPI). A rank other than 0 sends its
// counters without blocking (at most one send in flight; a tick while it is still in flight
// is skipped); rank 0 takes whatever has arrived and draws the totals, naming a rank that is
// behind its schedule or has gone quiet.
class rank_progress {
 public:
  rank_progress(const mpi_session& mpi, const rank_job& job, wall_ms t0)
      : mpi_(mpi),
        job_(job),
        t0_(t0),
        latest_(static_cast<std::size_t>(mpi.size())),
        heard_(static_cast<std::size_t>(mpi.size())) {}
  ~rank_progress() { finish(); }
  rank_progress(const rank_progress&) = delete;
  rank_progress& operator=(const rank_progress&) = delete;

  std::string tick(const metrics::report& live, std::chrono::nanoseconds elapsed) {
    progress_counters own = counters_of(live);
    if (mpi_.rank() != 0) {
      send(own);
      return {};
    }
    receive();
    const auto now = std::chrono::steady_clock::now();
    latest_[0] = own;
    heard_[0] = now;
    progress_counters sum{};
    int reporting = 0;
    std::vector<std::string> lagging;
    for (std::size_t r = 0; r < latest_.size(); ++r) {
      if (!latest_[r]) {
        // Not heard from yet: behind once any of its units is due.
        if (const std::uint64_t due = due_now(r); due > 0) {
          lagging.push_back(fmt::format("rank {} behind schedule (no counters yet, {} due)", r, due));
        }
        continue;
      }
      ++reporting;
      const progress_counters& c = *latest_[r];
      for (std::size_t f = 0; f < f_count; ++f) {
        sum[f] = f == f_has_messages || f == f_has_steady ? (sum[f] | c[f]) : sum[f] + c[f];
      }
      if (c[f_done] != 0) continue;
      // Judged here, from rank 0's clock, so that a rank whose last counters are old (its
      // main thread stalled) falls behind too.
      if (const std::uint64_t due = due_now(r); c[f_attempted] < due) {
        lagging.push_back(
            fmt::format("rank {} behind schedule ({}/{} due started)", r, c[f_attempted], due));
      } else if (now - heard_[r] > quiet_after) {
        lagging.push_back(fmt::format("rank {} quiet for {:.0f}s", r,
                                      std::chrono::duration<double>(now - heard_[r]).count()));
      }
    }
    metrics::report total;
    total.connections.attempted = sum[f_attempted];
    total.connections.successful = sum[f_successful];
    total.connections.failed = sum[f_failed];
    if (sum[f_has_messages] != 0) {
      total.messages.emplace();
      total.messages->sent = sum[f_messages_sent];
      total.messages->received = sum[f_messages_received];
    }
    if (sum[f_has_steady] != 0) {
      total.steady_state.emplace();
      total.steady_state->current_disconnects = sum[f_down];
      total.steady_state->peak_disconnects = sum[f_peak_down];  // an upper bound
    }
    std::string line = metrics::render_progress(total, elapsed);
    line += fmt::format(" | ranks {}/{}", reporting, mpi_.size());
    for (const auto& l : lagging) line += " | " + l;
    return line;
  }

  // Completes the last send and, on a rank other than 0, sends its final counters marked
  // done, so that rank 0 does not take a rank that has finished for one that went quiet.
  // Rank 0 receives them during its run or in gather(). Idempotent.
  void finish(const metrics::report* final_report = nullptr) {
    if (in_flight_ != MPI_REQUEST_NULL) MPI_Wait(&in_flight_, MPI_STATUS_IGNORE);
    if (mpi_.rank() == 0 || final_report == nullptr || finished_) return;
    finished_ = true;
    outgoing_ = counters_of(*final_report);
    outgoing_[f_done] = 1;
    MPI_Isend(outgoing_.data(), static_cast<int>(outgoing_.size()), MPI_UINT64_T, 0, progress_tag,
              MPI_COMM_WORLD, &in_flight_);
    MPI_Wait(&in_flight_, MPI_STATUS_IGNORE);
  }

 private:
  // A rank not heard from for this long is named (its main thread is stuck, or it died).
  static constexpr std::chrono::seconds quiet_after{12};
  // Starts later than the schedule by less than this are not "behind": a start takes a
  // turn of the shard's event loop.
  static constexpr std::chrono::milliseconds grace{1000};

  progress_counters counters_of(const metrics::report& live) const {
    progress_counters c{};
    c[f_attempted] = live.connections.attempted;
    c[f_successful] = live.connections.successful;
    c[f_failed] = live.connections.failed;
    if (live.messages) {
      c[f_has_messages] = 1;
      c[f_messages_sent] = live.messages->sent;
      c[f_messages_received] = live.messages->received;
    }
    if (live.steady_state) {
      c[f_has_steady] = 1;
      c[f_down] = live.steady_state->current_disconnects;
      c[f_peak_down] = live.steady_state->peak_disconnects;
    }
    return c;
  }

  // Of rank `r`'s units, those whose start time has passed (less the grace).
  std::uint64_t due_now(std::size_t r) const {
    const auto since = std::chrono::system_clock::now() - t0_ - grace;
    if (since.count() < 0) return 0;
    return job_.due(
        pacing::shard{static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(mpi_.size())},
        std::chrono::duration_cast<std::chrono::nanoseconds>(since));
  }

  void send(const progress_counters& c) {
    if (in_flight_ != MPI_REQUEST_NULL) {
      int done = 0;
      MPI_Test(&in_flight_, &done, MPI_STATUS_IGNORE);
      if (done == 0) return;  // rank 0 has not taken the last one yet: skip, never block
    }
    outgoing_ = c;
    MPI_Isend(outgoing_.data(), static_cast<int>(outgoing_.size()), MPI_UINT64_T, 0, progress_tag,
              MPI_COMM_WORLD, &in_flight_);
  }

  void receive() {
    const auto now = std::chrono::steady_clock::now();
    // A probe that finds nothing is what drives MPI's progress (rank 0 calls MPI only here
    // while it runs): messages that had arrived unseen are matched by the next probe, so
    // the loop ends at the second miss in a row, not the first.
    for (int misses = 0; misses < 2;) {
      int flag = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, progress_tag, MPI_COMM_WORLD, &flag, &status);
      if (flag == 0) {
        ++misses;
        continue;
      }
      misses = 0;
      progress_counters c{};
      MPI_Recv(c.data(), static_cast<int>(c.size()), MPI_UINT64_T, status.MPI_SOURCE,
               progress_tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      const auto r = static_cast<std::size_t>(status.MPI_SOURCE);
      if (r < latest_.size()) {
        latest_[r] = c;
        heard_[r] = now;
      }
    }
  }

  const mpi_session& mpi_;
  const rank_job& job_;
  wall_ms t0_;
  std::vector<std::optional<progress_counters>> latest_;
  std::vector<std::chrono::steady_clock::time_point> heard_;
  progress_counters outgoing_{};
  MPI_Request in_flight_ = MPI_REQUEST_NULL;
  bool finished_ = false;
};

// How long rank 0 waits for the other ranks' reports after the first SIGINT/SIGTERM. Under
// mpirun a SIGTERM means the job is being torn down (SIGINT to mpirun, or a host lost: OpenMPI
// ends the whole job when a daemon goes away) and OpenMPI sends SIGKILL
// odls_base_sigkill_timeout seconds (default 1) after it; rank 0 gives up on the missing
// reports a quarter of that (at least 400 ms) before it, so that it can still read, merge and
// write what it has — also on a loaded machine, where 400 ms of wall time is little CPU.
std::chrono::milliseconds report_wait_after_signal() {
  const long seconds = env_number("OMPI_MCA_odls_base_sigkill_timeout", 1);
  const std::chrono::milliseconds until_kill(seconds * 1000);
  const std::chrono::milliseconds to_write =  // to read, merge and write the reports
      std::max(std::chrono::milliseconds(400), until_kill / 4);
  return std::max(until_kill - to_write, std::chrono::milliseconds(200));
}

// Rank 0 passes its stop on to the other ranks. When OpenMPI ends a job because a host was
// lost, it signals the ranks host by host, mpirun's own host first, each host's ranks SIGCONT,
// then SIGTERM and SIGKILL odls_base_sigkill_timeout seconds apart: rank 0, beside mpirun, is
// gone before the ranks on the other hosts even get their SIGTERM, and their reports would
// never reach it. So at its first signal rank 0 tells the other ranks itself; they stop
// gracefully and send their reports while it waits for them (gather()).
//
// Only ranks heard from lately are told: every other rank sends rank 0 a one-byte heartbeat
// each second. A message from rank 0 to a rank whose process is gone makes OpenMPI open a
// connection to it, and a refused connection aborts rank 0 (OpenMPI 4: a transport error is
// fatal), so rank 0 only answers ranks that reach it, over the connections they opened.
// Main thread only.
class stop_relay {
 public:
  stop_relay(const mpi_session& mpi, const signal_watch& signals)
      : mpi_(mpi), signals_(signals), heard_(static_cast<std::size_t>(mpi.size())) {}
  ~stop_relay() {
    if (heartbeat_ != MPI_REQUEST_NULL) MPI_Request_free(&heartbeat_);
  }
  stop_relay(const stop_relay&) = delete;
  stop_relay& operator=(const stop_relay&) = delete;

  /// Rank 0: takes the heartbeats that have come and, once it has taken a signal, sends the
  /// stop to every rank heard from lately (once); returns false. Another rank: sends its
  /// heartbeat when due; true once rank 0's stop has come.
  bool poll() {
    const auto now = std::chrono::steady_clock::now();
    if (mpi_.rank() == 0) {
      take_heartbeats();
      if (!sent_ && signals_.taken() > 0) {
        sent_ = true;
        for (int r = 1; r < mpi_.size(); ++r) {
          const auto& heard = heard_[static_cast<std::size_t>(r)];
          if (!heard || now - *heard > alive_within) continue;
          MPI_Request request = MPI_REQUEST_NULL;
          MPI_Isend(&stop_byte, 1, MPI_CHAR, r, stop_tag, MPI_COMM_WORLD, &request);
          MPI_Request_free(&request);  // stop_byte is a constant: it outlives the send
        }
      }
      return false;
    }
    if (now - last_beat_ >= beat_every) {
      int done = 1;
      if (heartbeat_ != MPI_REQUEST_NULL) MPI_Test(&heartbeat_, &done, MPI_STATUS_IGNORE);
      if (done != 0) {
        MPI_Isend(&stop_byte, 1, MPI_CHAR, 0, heartbeat_tag, MPI_COMM_WORLD, &heartbeat_);
        last_beat_ = now;
      }
    }
    if (!received_) {
      int flag = 0;
      MPI_Iprobe(0, stop_tag, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
      if (flag != 0) {
        char byte = 0;
        MPI_Recv(&byte, 1, MPI_CHAR, 0, stop_tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        received_ = true;
      }
    }
    return received_;
  }

  /// Rank 0: takes one heartbeat that probing found (gather() sees them among the reports).
  void take(const MPI_Status& status) {
    char byte = 0;
    MPI_Recv(&byte, 1, MPI_CHAR, status.MPI_SOURCE, heartbeat_tag, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    heard_[static_cast<std::size_t>(status.MPI_SOURCE)] = std::chrono::steady_clock::now();
  }

 private:
  static constexpr std::chrono::milliseconds beat_every{1000};
  static constexpr std::chrono::milliseconds alive_within{2500};

  void take_heartbeats() {
    for (;;) {
      int flag = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, heartbeat_tag, MPI_COMM_WORLD, &flag, &status);
      if (flag == 0) return;
      take(status);
    }
  }

  const mpi_session& mpi_;
  const signal_watch& signals_;
  std::vector<std::optional<std::chrono::steady_clock::time_point>> heard_;
  std::chrono::steady_clock::time_point last_beat_{};
  MPI_Request heartbeat_ = MPI_REQUEST_NULL;
  bool sent_ = false;
  bool received_ = false;
};

// Rank 0: every rank's message, in rank order (its own first). Point to point, so that no
// count or displacement has to fit the whole job's bytes into an int. Reports are taken in
// the order they come. Without a signal, rank 0 waits for all of them; once a stop signal
// has come (before or during the gather), it waits report_wait_after_signal() from it, or
// not at all after a second signal, and marks the ranks still missing `lost`: their host is
// down or cut off, and OpenMPI is ending the job.
std::vector<rank_message> gather(const mpi_session& mpi, const rank_message& mine,
                                 signal_watch& signals, stop_relay& stops) {
  if (mpi.rank() != 0) {
    MPI_Send(mine.json.data(), static_cast<int>(mine.json.size()), MPI_CHAR, 0,
             mine.ran ? ran_tag : not_run_tag, MPI_COMM_WORLD);
    return {};
  }
  // Every rank lost until its report comes.
  std::vector<rank_message> all(static_cast<std::size_t>(mpi.size()),
                                rank_message{false, {}, true});
  all[0] = mine;
  int missing = mpi.size() - 1;
  const auto wait_after_signal = report_wait_after_signal();
  while (missing > 0) {
    int flag = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
    if (flag != 0) {
      if (status.MPI_TAG == progress_tag) {
        // Progress sent before the rank finished (messages from one rank arrive in order, so
        // its report comes after all of them).
        discard_progress(status);
        continue;
      }
      if (status.MPI_TAG == heartbeat_tag) {
        stops.take(status);
        continue;
      }
      int count = 0;
      MPI_Get_count(&status, MPI_CHAR, &count);
      rank_message m;
      m.ran = status.MPI_TAG == ran_tag;
      m.json.resize(static_cast<std::size_t>(std::max(count, 0)));
      MPI_Recv(m.json.data(), count, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
               MPI_STATUS_IGNORE);
      rank_message& slot = all[static_cast<std::size_t>(status.MPI_SOURCE)];
      if (slot.lost) --missing;
      slot = std::move(m);
      continue;
    }
    stops.poll();  // a signal that came after rank 0's run: the others stop too
    if (signals.taken() >= 2) break;
    if (signals.taken() == 1 &&
        std::chrono::steady_clock::now() - signals.first_taken_at() >= wait_after_signal) {
      break;
    }
    // Sleeps briefly and sees a SIGTERM that comes during the gather.
    signals.wait(std::chrono::milliseconds(2));
  }
  return all;
}

metrics::rank_info rank_entry(const mpi_session& mpi, int rank, const std::string& host) {
  metrics::rank_info k;
  k.rank = static_cast<std::uint32_t>(rank);
  k.shard_count = static_cast<std::uint32_t>(mpi.size());
  k.host = host;
  return k;
}

// A rank whose part did not run still sends a report: it carries only the rank's identity
// and why it failed, so that the merged report names it.
rank_message failure_message(const mpi_session& mpi, const std::string& scenario,
                             const std::string& target, const std::string& why) {
  metrics::report r;
  r.scenario = scenario;
  r.target = target;
  r.partial = true;
  metrics::rank_info k = rank_entry(mpi, mpi.rank(), mpi.host());
  k.ok = false;
  k.error = why;
  r.ranks.push_back(std::move(k));
  return {false, metrics::to_json(r)};
}

// Why `part` cannot join `merged`, in words; empty when it can (and then it has joined).
std::string merge_into(metrics::report& merged, const metrics::report& part) {
  if (part.scenario != merged.scenario) {
    return "its scenario '" + part.scenario + "' differs from '" + merged.scenario + "'";
  }
  if (part.target != merged.target) {
    return "its target " + part.target + " differs from " + merged.target;
  }
  if (part.config != merged.config) return "its options differ from rank 0's";
  if (auto ok = merged.merge(part); !ok) return ok.error().message();
  return {};
}

// Rank 0: one report from every rank's message. Reports that ran are merged exactly; every
// rank is listed in `ranks`, failed ones with their reason, and any failure makes the
// merged report partial.
metrics::report merge_ranks(const mpi_session& mpi, const std::vector<rank_message>& messages,
                            std::vector<rank_report> reports,
                            const std::vector<std::string>& hosts, const std::string& scenario,
                            const std::string& target) {
  std::vector<metrics::rank_info> entries;
  std::optional<metrics::report> merged;
  for (int r = 0; r < static_cast<int>(messages.size()); ++r) {
    const rank_message& m = messages[static_cast<std::size_t>(r)];
    metrics::rank_info entry = rank_entry(mpi, r, hosts[static_cast<std::size_t>(r)]);
    if (m.lost) {
      const std::string& host = hosts[static_cast<std::size_t>(r)];
      const bool host_heard =
          std::any_of(messages.begin(), messages.end(), [&](const rank_message& o) {
            return !o.lost && hosts[static_cast<std::size_t>(&o - messages.data())] == host;
          });
      entry.ok = false;
      entry.error = host_heard ? "lost: no report from it on " + host + " before the job ended"
                               : "lost with its host " + host +
                                     ": no report from any rank there before the job ended (the "
                                     "host is down or cut off; OpenMPI then ends the job)";
      std::cerr << "relayload-cli: error: rank " << r << " on " << host << " " << entry.error
                << "\n";
      entries.push_back(std::move(entry));
      continue;
    }
    rank_report& parsed = reports[static_cast<std::size_t>(r)];
    if (!parsed.report.has_value()) {
      entry.ok = false;
      entry.error = "its report could not be read: " + parsed.why;
      // Said at once, not only in the merged report's ranks.
      std::cerr << "relayload-cli: error: rank " << r << "'s report could not be read: "
                << parsed.why << "\n";
      entries.push_back(std::move(entry));
      continue;
    }
    metrics::report part = std::move(parsed.report).value();
    if (part.ranks.size() == 1 && part.ranks[0].rank == entry.rank) entry = part.ranks[0];
    if (m.ran) {
      if (!merged) {
        merged = std::move(part);
      } else if (auto refused = merge_into(*merged, part); !refused.empty()) {
        entry.ok = false;
        entry.error += (entry.error.empty() ? "" : "; ") + ("its data is not merged: " + refused);
      }
    }
    entries.push_back(std::move(entry));
  }
  if (!merged) {
    merged.emplace();
    merged->scenario = scenario;
    merged->target = target;
    merged->partial = true;
  }
  merged->ranks = std::move(entries);
  for (const auto& k : merged->ranks) {
    if (!k.ok) merged->partial = true;
  }
  return std::move(*merged);
}

}  // namespace

int run_distributed(const parsed_command& command, const scenario::scenario_registry& registry) {
  std::unique_ptr<rank_job> job;
  if (command.workload) {
    job = std::make_unique<workload_job>(*command.workload, registry);
  } else {
    job = std::make_unique<scenario_job>(*registry.find(command.run.scenario), command.run);
  }
  scenario::run_options& options = job->options();
  if (options.shard_count != 1 || options.shard_index != 0) {
    std::cerr << "relayload-cli: error: --shard is given by the MPI rank under mpirun; drop it\n";
    return exit_code::usage;
  }
  signal_watch signals;  // before MPI_Init and before any thread starts
  mpi_session mpi;
  const bool root = mpi.rank() == 0;
  // Rank 0 writes every output: it checks them before anything runs, for the whole job.
  std::uint64_t outputs = root ? static_cast<std::uint64_t>(check_outputs(command)) : 0;
  bcast(outputs);
  if (outputs != exit_code::ok) return static_cast<int>(outputs);
  options.shard_index = static_cast<std::uint32_t>(mpi.rank());
  options.shard_count = static_cast<std::uint32_t>(mpi.size());
  // --metrics-listen: every rank serves its own endpoint (port 0: a free one each; a port P:
  // P + rank) and prints its URL. One rank that cannot bind stops the job before any load.
  std::unique_ptr<metrics_endpoint> endpoint;
  {
    int bad = open_metrics(command.metrics_listen, endpoint, options.shard_index) ==
                      exit_code::ok
                  ? 0
                  : 1;
    int bad_ranks = 0;
    MPI_Allreduce(&bad, &bad_ranks, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (bad_ranks != 0) return exit_code::usage;  // the rank that failed said why
  }

  if (const std::string why = job->split_problem(options.shard_count); !why.empty()) {
    if (root) std::cerr << "relayload-cli: error: " << why << "\n";
    return exit_code::usage;
  }

  // One seed for the job: each thread of each rank derives its own from it and its shard.
  std::uint64_t seed = options.seed;
  if (root && seed == 0) seed = std::random_device{}() | (std::uint64_t{1} << 32);
  bcast(seed);
  options.seed = seed;

  // Rank 0 starts the embedded relay when it has no --target; ranks without --target use
  // its URL. It listens on loopback, so every rank must be on rank 0's host.
  const std::vector<std::string> hosts = all_hosts(mpi);
  std::unique_ptr<relay::embedded_relay> relay;
  std::string relay_url;
  if (root && options.target.empty()) {
    const bool all_local = std::all_of(hosts.begin(), hosts.end(),
                                       [&](const std::string& h) { return h == hosts[0]; });
    if (!all_local) {
      std::cerr << "relayload-cli: error: without --target the embedded relay listens on rank 0's "
                   "loopback, which ranks on other hosts cannot reach; give --target\n";
    } else {
      try {
        relay = start_embedded_relay(options, relay_url);
      } catch (const std::exception& e) {
        std::cerr << "relayload-cli: error: cannot start the embedded relay: " << e.what() << "\n";
        relay_url.clear();
      }
    }
  }
  std::uint64_t relay_needed = root && options.target.empty() ? 1 : 0;
  bcast(relay_needed);
  bcast(relay_url);
  if (relay_needed == 1 && relay_url.empty()) return exit_code::usage;  // rank 0 said why
  if (options.target.empty()) options.target = relay_url;

  // The probe: each rank connects once to its own target (MPMD jobs may give ranks different
  // targets) before any load. When every rank's probe fails, the job ends at once with exit
  // 2 and rank 0's diagnosis; a rank that fails alone does not run and the merged report
  // names it with its diagnosis, as for a failed pre-flight.
  // (--no-probe on some ranks only is allowed: every rank takes part in the reduction.)
  std::optional<std::string> cannot_run;
  {
    std::string failure;
    const int probed = command.probe ? probe_target(options, &failure, root) : exit_code::ok;
    int failed = probed == exit_code::ok ? 0 : 1;
    int failed_ranks = 0;
    MPI_Allreduce(&failed, &failed_ranks, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (failed_ranks == mpi.size()) return probed;
    if (failed != 0) {
      std::cerr << "relayload-cli: rank " << mpi.rank() << ": " << failure << "\n";
      cannot_run = failure;
    }
  }

  // Pre-flight per rank: its slice of the clients, and on rank 0 the relay's side of every
  // rank's connections.
  net::preflight_request pre;
  pre.client_sockets = job->sockets(pacing::shard{options.shard_index, options.shard_count});
  pre.server_sockets = relay ? job->sockets(pacing::shard{0, 1}) : 0;
  pre.source_addresses = options.source_ips.empty() ? 1 : options.source_ips.size();
  // The ranks on one host share its port space: the advice counts all of them (OpenMPI
  // says how many run here) and is printed once per host, by its first local rank.
  const auto local_ranks = static_cast<std::uint64_t>(env_number("OMPI_COMM_WORLD_LOCAL_SIZE", 1));
  pre.run_client_sockets = pre.client_sockets * std::max<std::uint64_t>(local_ranks, 1);
  const auto pf = net::run_preflight(pre);
  for (const auto& a : pf.actions)
    fmt::print("[relayload] rank {}: pre-flight: {}\n", mpi.rank(), a);
  if (env_number("OMPI_COMM_WORLD_LOCAL_RANK", 0) == 0) {
    for (const auto& a : pf.advice)
      fmt::print("[relayload] {}: pre-flight advice: {}\n", mpi.host(), a);
  }
  if (!pf.ok()) {
    std::string why = "pre-flight failed on " + mpi.host() + ":";
    for (const auto& p : pf.problems) why += " " + p + ";";
    why.pop_back();
    std::cerr << "relayload-cli: rank " << mpi.rank() << ": " << why << "\n";
    cannot_run = cannot_run ? *cannot_run + "; " + why : why;
  }

  // Start together: the barrier makes every rank ready, then one wall-clock t0 for all.
  MPI_Barrier(MPI_COMM_WORLD);
  std::uint64_t start_ms = 0;
  if (root) {
    const auto at = options.start_at ? *options.start_at
                                     : std::chrono::time_point_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now() + start_lead);
    start_ms = static_cast<std::uint64_t>(at.time_since_epoch().count());
  }
  bcast(start_ms);
  options.start_at = wall_ms(std::chrono::milliseconds(start_ms));

  rank_message mine;
  stop_relay stops(mpi, signals);
  if (!cannot_run) {
    const run_control control = job->launch(command.output, root);
    if (root) {
      fmt::print("  MPI ranks:        {} (rank 0 on {}); progress shows all ranks\n",
                 mpi.size(), mpi.host());
      std::fflush(stdout);
    }
    progress_plan plan;
    std::optional<rank_progress> ranks_progress;
    if (command.progress) {
      ranks_progress.emplace(mpi, *job, *options.start_at);
      plan.show = root;
      plan.line = [&](const metrics::report& live, std::chrono::nanoseconds elapsed) {
        return ranks_progress->tick(live, elapsed);
      };
      // The other ranks send every second: rank 0's line (every 5 s under mpirun, whose
      // output is not a terminal) is never more than a second behind theirs.
      if (!root) plan.every = std::chrono::milliseconds(1000);
    } else {
      plan.show = false;
    }
    plan.stop_requested = [&stops] { return stops.poll(); };
    plan.metrics = endpoint.get();
    plan.metric_labels = run_labels(options.shard_index, job->scenario_name());
    metrics::report report = drive(control, signals, plan);
    if (ranks_progress) ranks_progress->finish(&report);
    if (report.scenario.empty()) report.scenario = job->scenario_name();
    if (report.target.empty()) report.target = options.target;
    report.ranks = {rank_entry(mpi, mpi.rank(), mpi.host())};
    judge_shard(report);
    if (!root) {
      fmt::print("[relayload] rank {} on {}: {} attempted, {} successful{}\n", mpi.rank(),
                 mpi.host(), report.connections.attempted, report.connections.successful,
                 report.partial ? " (partial)" : "");
      std::fflush(stdout);
    }
    mine = {true, metrics::to_json(report)};
    if (mine.json.size() >= INT_MAX) {
      mine = failure_message(mpi, job->scenario_name(), options.target,
                             "its report exceeds 2 GiB and cannot be sent");
    }
  } else {
    mine = failure_message(mpi, job->scenario_name(), options.target, *cannot_run);
  }

  // Rank 0 keeps the relay up until every rank has sent its report (and so has finished).
  std::vector<rank_message> messages = gather(mpi, mine, signals, stops);
  if (relay) relay->stop();
  if (!root) return cannot_run ? exit_code::preflight : exit_code::ok;

  int code = exit_code::ok;
  std::vector<rank_report> reports = read_rank_reports(messages);
  if (!command.output_dir.empty()) {
    for (int r = 0; r < mpi.size(); ++r) {
      const rank_message& m = messages[static_cast<std::size_t>(r)];
      if (!m.ran) continue;  // a rank that did not run has no data; the merged report names it
      const rank_report& rep = reports[static_cast<std::size_t>(r)];
      if (!rep.report) {
        std::cerr << "relayload-cli: error: rank " << r << "'s report could not be read ("
                  << rep.why << "); no "
                  << shard_file_name(static_cast<std::uint32_t>(r),
                                     static_cast<std::uint32_t>(mpi.size()))
                  << " written\n";
        code = exit_code::usage;
        continue;
      }
      const int c = write_shard_file(command.output_dir, *rep.report, static_cast<std::uint32_t>(r),
                                     static_cast<std::uint32_t>(mpi.size()));
      if (c != exit_code::ok) code = c;
    }
    if (code == exit_code::ok) {
      fmt::print("[relayload] every rank's report written to {}/\n", command.output_dir);
    }
  }
  metrics::report merged = merge_ranks(mpi, messages, std::move(reports), hosts,
                                       job->scenario_name(), options.target);
  return conclude_run(merged, command, code);
}

}  // namespace relayload::cli
