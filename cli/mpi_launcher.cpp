// run_distributed(): relayload-cli as one rank of an MPI job.
//
//   1. MPI_Init (signals are blocked first, so MPI's own threads inherit the mask and
//      SIGINT/SIGTERM reach the main thread's sigtimedwait as in a plain run).
//   2. Rank 0 picks the seed (when --seed is 0) and, without --target, starts the embedded
//      relay; both are broadcast. Each rank runs shard `rank` of `size` (run_options), so
//      counts, unit indices and seeds are sliced exactly as with --shard.
//   3. Each rank runs its own pre-flight (limits are per process and per host).
//   4. Barrier; rank 0 broadcasts t0 as a wall-clock instant (--start-at, or now + a lead),
//      and every runner releases its threads at that instant.
//   5. Every rank sends its report as JSON to rank 0 (also a rank that could not run, so that
//      it is named); rank 0 merges them exactly (report::merge adds histograms bucket by
//      bucket), prints one summary, writes --output and, with --output-dir, every rank's
//      own report.
//
// Only the main thread calls MPI (MPI_THREAD_FUNNELED); the runner's threads never do.
#include <mpi.h>
#include <unistd.h>

#include <fmt/core.h>
#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "commands.hpp"
#include "mpi_launcher.hpp"
#include "relayload/metrics/report_json.hpp"
#include "relayload/net/preflight.hpp"
#include "relayload/pacing/shard.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "relayload/scenario/runner.hpp"
#include "signals.hpp"

namespace relayload::cli {

namespace {

using wall_ms = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

// Time between rank 0 choosing t0 and t0: every rank must have received it and built its
// shards by then (a rank that is later starts at once and its lateness shows in latencies).
constexpr std::chrono::milliseconds start_lead{1500};

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

// What one rank sends to rank 0: its report as JSON, with the tag saying whether it ran.
struct rank_message {
  bool ran = false;
  std::string json;
};

constexpr int ran_tag = 7301;      // the rank ran its shard: merge its report
constexpr int not_run_tag = 7302;  // it did not run: its report only names it and says why

// Rank 0: every rank's message, in rank order (its own first). Point to point, so that no
// count or displacement has to fit the whole job's bytes into an int.
std::vector<rank_message> gather(const mpi_session& mpi, const rank_message& mine) {
  if (mpi.rank() != 0) {
    MPI_Send(mine.json.data(), static_cast<int>(mine.json.size()), MPI_CHAR, 0,
             mine.ran ? ran_tag : not_run_tag, MPI_COMM_WORLD);
    return {};
  }
  std::vector<rank_message> all;
  all.push_back(mine);
  for (int r = 1; r < mpi.size(); ++r) {
    MPI_Status status;
    MPI_Probe(r, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    int count = 0;
    MPI_Get_count(&status, MPI_CHAR, &count);
    rank_message m;
    m.ran = status.MPI_TAG == ran_tag;
    m.json.resize(static_cast<std::size_t>(std::max(count, 0)));
    MPI_Recv(m.json.data(), count, MPI_CHAR, r, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    all.push_back(std::move(m));
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
rank_message failure_message(const mpi_session& mpi, const scenario::run_options& options,
                             const std::string& why) {
  metrics::report r;
  r.scenario = options.scenario;
  r.target = options.target;
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
                            const std::vector<std::string>& hosts,
                            const scenario::run_options& options) {
  std::vector<metrics::rank_info> entries;
  std::optional<metrics::report> merged;
  for (int r = 0; r < static_cast<int>(messages.size()); ++r) {
    const rank_message& m = messages[static_cast<std::size_t>(r)];
    metrics::rank_info entry = rank_entry(mpi, r, hosts[static_cast<std::size_t>(r)]);
    std::string why;
    auto parsed = metrics::parse_report(m.json, &why);
    if (!parsed.has_value()) {
      entry.ok = false;
      entry.error = "its report could not be read: " + why;
      entries.push_back(std::move(entry));
      continue;
    }
    metrics::report part = std::move(parsed).value();
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
    merged->scenario = options.scenario;
    merged->target = options.target;
    merged->partial = true;
  }
  merged->ranks = std::move(entries);
  for (const auto& k : merged->ranks) {
    if (!k.ok) merged->partial = true;
  }
  return std::move(*merged);
}

// Client sockets per unit, as run_scenario counts them: two for a pair, one otherwise.
std::uint64_t sockets_per_unit(const scenario::scenario_info& info,
                               const scenario::run_options& options) {
  return info.uses_pairs || options.storm_pairs ? 2 : 1;
}

}  // namespace

int run_distributed(const parsed_command& command, const scenario::scenario_registry& registry) {
  scenario::run_options options = command.run;
  const scenario::scenario_info& info = *registry.find(options.scenario);
  if (options.shard_count != 1 || options.shard_index != 0) {
    std::cerr << "relayload-cli: error: --shard is given by the MPI rank under mpirun; drop it\n";
    return exit_code::usage;
  }
  signal_watch signals;  // before MPI_Init and before any thread starts
  mpi_session mpi;
  const bool root = mpi.rank() == 0;
  options.shard_index = static_cast<std::uint32_t>(mpi.rank());
  options.shard_count = static_cast<std::uint32_t>(mpi.size());

  const std::uint64_t total = options.unit_count(info.uses_pairs);
  if (total < options.shard_count) {
    if (root) {
      std::cerr << fmt::format(
          "relayload-cli: error: {} {} cannot be split over {} MPI ranks (each rank needs at "
          "least one)\n",
          info.uses_pairs ? "--connection-pairs" : "--connections", total, options.shard_count);
    }
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
        relay = std::make_unique<relay::embedded_relay>();
        relay->start();
        relay_url = relay->url();
        fmt::print("[relayload] no --target given: started the embedded relay at {}\n", relay_url);
      } catch (const std::exception& e) {
        std::cerr << "relayload-cli: error: cannot start the embedded relay: " << e.what() << "\n";
      }
    }
  }
  std::uint64_t relay_needed = root && options.target.empty() ? 1 : 0;
  bcast(relay_needed);
  bcast(relay_url);
  if (relay_needed == 1 && relay_url.empty()) return exit_code::usage;  // rank 0 said why
  if (options.target.empty()) options.target = relay_url;

  // Pre-flight per rank: its slice of the clients, and on rank 0 the relay's side of every
  // rank's connections.
  std::optional<std::string> cannot_run;
  const std::uint64_t per_unit = sockets_per_unit(info, options);
  net::preflight_request pre;
  pre.client_sockets =
      pacing::shard{options.shard_index, options.shard_count}.size_of(total) * per_unit;
  pre.server_sockets = relay ? total * per_unit : 0;
  pre.source_addresses = options.source_ips.empty() ? 1 : options.source_ips.size();
  const auto pf = net::run_preflight(pre);
  for (const auto& a : pf.actions)
    fmt::print("[relayload] rank {}: pre-flight: {}\n", mpi.rank(), a);
  if (!pf.ok()) {
    std::string why = "pre-flight failed on " + mpi.host() + ":";
    for (const auto& p : pf.problems) why += " " + p + ";";
    why.pop_back();
    std::cerr << "relayload-cli: rank " << mpi.rank() << ": " << why << "\n";
    cannot_run = why;
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
  std::optional<metrics::report> own;
  if (!cannot_run) {
    scenario::runner runner(info, options);
    if (root) {
      print_configuration(options, info, command.output, runner.shard_count());
      fmt::print("  MPI ranks:        {} (rank 0 on {}); progress shows rank 0's shard\n",
                 mpi.size(), mpi.host());
      std::fflush(stdout);
    }
    metrics::report report = drive(runner, signals, root && command.progress);
    if (report.scenario.empty()) report.scenario = info.name;
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
      mine = failure_message(mpi, options, "its report exceeds 2 GiB and cannot be sent");
    }
  } else {
    mine = failure_message(mpi, options, *cannot_run);
  }

  // Rank 0 keeps the relay up until every rank has sent its report (and so has finished).
  std::vector<rank_message> messages = gather(mpi, mine);
  if (relay) relay->stop();
  if (!root) return cannot_run ? exit_code::preflight : exit_code::ok;

  int code = exit_code::ok;
  if (!command.output_dir.empty()) {
    for (int r = 0; r < mpi.size(); ++r) {
      const rank_message& m = messages[static_cast<std::size_t>(r)];
      if (!m.ran) continue;  // a rank that did not run has no data; the merged report names it
      auto rep = metrics::parse_report(m.json);
      if (!rep) continue;
      const int c = write_shard_file(command.output_dir, *rep, static_cast<std::uint32_t>(r),
                                     static_cast<std::uint32_t>(mpi.size()));
      if (c != exit_code::ok) code = c;
    }
    if (code == exit_code::ok) {
      fmt::print("[relayload] every rank's report written to {}/\n", command.output_dir);
    }
  }
  metrics::report merged = merge_ranks(mpi, messages, hosts, options);
  return conclude_run(merged, command, code);
}

}  // namespace relayload::cli
