// custom_scenario_mpi — your own scenario spread over MPI ranks, merged exactly: the template
// for a harness that needs more than one process or machine. The scenario is the one of
// custom_scenario.cpp (subscribe_publish_shard.hpp); what this file adds is the distribution:
//   - each rank runs its slice of one global schedule (run_options::shard_index/shard_count),
//   - all ranks pass a barrier and start at one wall-clock t0 chosen by rank 0 (start_at),
//   - every rank sends its report as JSON to rank 0, which merges them with report::merge()
//     (histograms add bucket by bucket: the merged percentiles are exact, never averaged).
// Run: mpirun -np 4 example_custom_scenario_mpi [--target ws://host:port/connection/websocket]
// Without --target, rank 0 starts the embedded relay and broadcasts its URL (one host only).
#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/report_text.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "relayload/scenario/runner.hpp"
#include "relayload/scenario/scenario_registry.hpp"
#include "subscribe_publish_shard.hpp"

namespace {

// Rank 0's string, on every rank.
std::string broadcast(std::string s) {
  int n = static_cast<int>(s.size());
  MPI_Bcast(&n, 1, MPI_INT, 0, MPI_COMM_WORLD);
  s.resize(static_cast<std::size_t>(n));
  MPI_Bcast(s.data(), n, MPI_CHAR, 0, MPI_COMM_WORLD);
  return s;
}

// Every rank's string, on rank 0 (empty elsewhere), in rank order.
std::vector<std::string> gather(const std::string& mine, int size) {
  int n = static_cast<int>(mine.size());
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  std::vector<int> sizes(rank == 0 ? size : 0);
  MPI_Gather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::vector<int> offsets(sizes.size());
  int total = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i)
    offsets[i] = std::exchange(total, total + sizes[i]);
  std::string all(static_cast<std::size_t>(total), '\0');
  MPI_Gatherv(mine.data(), n, MPI_CHAR, all.data(), sizes.data(), offsets.data(), MPI_CHAR, 0,
              MPI_COMM_WORLD);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < sizes.size(); ++i) out.push_back(all.substr(offsets[i], sizes[i]));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  std::optional<rl::relay::embedded_relay> relay;  // rank 0's, unless --target
  std::string target = argc == 3 && std::string(argv[1]) == "--target" ? argv[2] : "";
  if (target.empty() && rank == 0) {
    relay.emplace();
    relay->start();
    target = relay->url();
  }
  target = broadcast(target);

  rl::scenario::scenario_registry registry;
  if (!registry.add({"subscribe-and-publish", "each connection publishes K messages to itself",
                     /*uses_pairs=*/false, [](rl::scenario::shard_context& ctx) {
                       return std::make_unique<subscribe_publish_shard>(ctx);
                     }})) {
    MPI_Abort(MPI_COMM_WORLD, 1);
  }

  rl::scenario::run_options o;
  o.target = target;
  o.scenario = "subscribe-and-publish";
  o.connections = 61;  // not a multiple of the rank count: the remainder is spread, not lost
  o.messages_per_session = 5;
  o.ramp_up = std::chrono::milliseconds(500);
  o.threads = 1;
  o.seed = 42;  // the same on every rank: each shard derives its own from it
  o.shard_index = static_cast<std::uint32_t>(rank);
  o.shard_count = static_cast<std::uint32_t>(size);
  for (const auto& problem : o.validate()) std::fprintf(stderr, "%s\n", problem.c_str());
  if (!o.validate().empty()) MPI_Abort(MPI_COMM_WORLD, 1);

  // One t0 for all: rank 0 picks "now + 1 s" after everyone reached the barrier.
  MPI_Barrier(MPI_COMM_WORLD);
  long long t0_ms = 0;
  if (rank == 0) {
    t0_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count() +
            1000;
  }
  MPI_Bcast(&t0_ms, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
  o.start_at.emplace(std::chrono::milliseconds(t0_ms));

  rl::scenario::runner runner(*registry.find(o.scenario), o);
  auto future = runner.start();
  if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) runner.stop();
  auto report = future.get();
  // A rank that failed still reports (an empty, partial report naming the error), so rank 0
  // never waits forever and the merged report shows the gap.
  rl::metrics::report mine;
  if (report) {
    mine = std::move(*report);
  } else {
    mine.partial = true;
    mine.errors.add(report.error());
  }
  const std::vector<std::string> all = gather(rl::metrics::to_json(mine), size);

  int ok = 1;
  if (rank == 0) {
    std::optional<rl::metrics::report> merged;
    for (std::size_t i = 0; i < all.size(); ++i) {
      auto part = rl::metrics::parse_report(all[i]);
      if (!part) {
        std::fprintf(stderr, "rank %zu: unreadable report: %s\n", i,
                     part.error().message().c_str());
        ok = 0;
        continue;
      }
      if (!merged) {
        merged = std::move(*part);
      } else if (auto m = merged->merge(*part); !m) {
        std::fprintf(stderr, "rank %zu: not mergeable: %s\n", i, m.error().message().c_str());
        ok = 0;
      }
    }
    if (merged) {
      std::printf("%s\n", rl::metrics::render_summary(*merged).c_str());
      // What this example demonstrates: the ranks together did exactly the whole run.
      const auto expected = o.connections * o.messages_per_session;
      const auto received = merged->messages ? merged->messages->received : 0;
      ok = ok && !merged->partial && merged->connections.attempted == o.connections &&
           received == expected && merged->messages->latency.count() == expected &&
           merged->ranks.size() == static_cast<std::size_t>(size);
      std::printf(
          "%s: %d ranks, %llu connections, %llu of %llu messages delivered\n", ok ? "OK" : "FAILED",
          size, static_cast<unsigned long long>(merged->connections.attempted),
          static_cast<unsigned long long>(received), static_cast<unsigned long long>(expected));
    } else {
      ok = 0;
    }
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (relay) relay->stop();
  MPI_Finalize();
  return ok ? 0 : 1;
}
