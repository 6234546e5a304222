// --shard=I/N and --start-at: a process runs its slice of the connections or pairs, its threads
// divide that slice again, and every process together covers the whole run exactly once —
// with the schedule's own offsets, distinct unit indices and distinct seeds — even when the
// processes use different thread counts. No sockets: the scenario records what it is given.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "relayload/pacing/constant_rate_schedule.hpp"
#include "relayload/pacing/schedule.hpp"
#include "relayload/pacing/shard.hpp"
#include "relayload/scenario/runner.hpp"

using namespace std::chrono_literals;
namespace sc = relayload::scenario;
namespace pacing = relayload::pacing;
namespace metrics = relayload::metrics;

namespace {

// What every shard of every runner was given, gathered across threads.
struct seen {
  std::mutex mutex;
  std::vector<pacing::scheduled_event> events;
  std::vector<std::uint64_t> seeds;
  std::vector<sc::clock::time_point> t0s;
  // Shards run on the runner's threads, where Catch2 assertions are not allowed (it is not
  // thread-safe): a shard that cannot build its schedule counts here, checked by the test.
  std::uint64_t bad_schedules = 0;
};

// Walks its shard of the global --ramp-up schedule, as the built-in scenarios do, records
// every event and its seed, counts one connection per event, and is done.
class recording_shard final : public sc::scenario_shard {
 public:
  recording_shard(sc::shard_context& ctx, seen& out) : ctx_(ctx), out_(out) {}
  void start() override {
    auto spread = pacing::constant_rate_schedule::spread(
        ctx_.options.connections,
        std::chrono::duration_cast<std::chrono::nanoseconds>(ctx_.options.ramp_up));
    if (!spread) return unusable();
    auto sched = pacing::schedule::sharded(*spread, ctx_.shard);
    if (!sched) return unusable();
    std::vector<pacing::scheduled_event> mine;
    while (auto e = sched->next()) mine.push_back(*e);
    counted_ = mine.size();
    {
      std::lock_guard<std::mutex> lock(out_.mutex);
      out_.events.insert(out_.events.end(), mine.begin(), mine.end());
      out_.seeds.push_back(ctx_.seed);
      out_.t0s.push_back(ctx_.t0);
    }
    finish();
  }
  void stop() override { finish(); }
  metrics::report snapshot() const override {
    metrics::report r;
    r.connections.attempted = counted_;
    r.connections.successful = counted_;
    return r;
  }

 private:
  void unusable() {
    {
      std::lock_guard<std::mutex> lock(out_.mutex);
      ++out_.bad_schedules;
    }
    finish();
  }
  void finish() {
    if (done_) return;
    done_ = true;
    ctx_.done();
  }
  sc::shard_context& ctx_;
  seen& out_;
  std::uint64_t counted_ = 0;
  bool done_ = false;
};

sc::scenario_info recording_scenario(seen& out) {
  sc::scenario_info info;
  info.name = "recording";
  info.description = "test";
  info.make_shard = [&out](sc::shard_context& ctx) {
    return std::make_unique<recording_shard>(ctx, out);
  };
  return info;
}

sc::run_options sharded_options(std::uint64_t connections, std::uint32_t index, std::uint32_t count,
                                unsigned threads) {
  sc::run_options o;
  o.target = "ws://127.0.0.1:9/connection/websocket";  // never contacted
  o.connections = connections;
  o.ramp_up = 1s;
  o.threads = threads;
  o.seed = 42;
  o.shard_index = index;
  o.shard_count = count;
  return o;
}

}  // namespace

TEST_CASE("shard::sub divides a shard's events among threads without gaps or overlaps",
          "[scenario][shard]") {
  // Processes with different thread counts, and totals that leave remainders at both levels.
  const std::vector<unsigned> threads_of = {3, 1, 4, 2, 5};
  const std::uint32_t n = static_cast<std::uint32_t>(threads_of.size());
  for (std::uint64_t total : {0ULL, 1ULL, 4ULL, 5ULL, 97ULL, 1000ULL, 1003ULL}) {
    std::vector<int> hits(total, 0);
    std::uint64_t sum = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      const pacing::shard process{i, n};
      std::uint64_t process_sum = 0;
      for (unsigned j = 0; j < threads_of[i]; ++j) {
        const pacing::shard part = process.sub(j, threads_of[i]);
        REQUIRE(part.valid());
        const std::uint64_t size = part.size_of(total);
        process_sum += size;
        for (std::uint64_t local = 0; local < size; ++local) {
          const std::uint64_t g = part.global_index(local);
          REQUIRE(g < total);
          CHECK(process.owns(g));  // a thread only gets its own process's events
          ++hits[g];
        }
      }
      CHECK(process_sum == process.size_of(total));
      sum += process_sum;
    }
    CHECK(sum == total);
    for (std::uint64_t g = 0; g < total; ++g) {
      INFO("event " << g << " of " << total);
      CHECK(hits[g] == 1);
    }
  }
}

TEST_CASE("shards of shards of a ramp-up schedule are exactly the whole schedule",
          "[scenario][shard]") {
  auto whole = pacing::constant_rate_schedule::spread(1003, 10s);
  REQUIRE(whole.has_value());
  std::map<std::uint64_t, std::chrono::nanoseconds> expected;
  auto all = pacing::schedule::sharded(*whole, pacing::shard{0, 1});
  REQUIRE(all.has_value());
  while (auto e = all->next()) expected.emplace(e->index, e->offset);
  REQUIRE(expected.size() == 1003);

  std::map<std::uint64_t, std::chrono::nanoseconds> got;
  const std::uint32_t n = 4;
  const unsigned threads_of[n] = {2, 3, 1, 7};
  for (std::uint32_t i = 0; i < n; ++i) {
    for (unsigned j = 0; j < threads_of[i]; ++j) {
      auto part = pacing::schedule::sharded(*whole, pacing::shard{i, n}.sub(j, threads_of[i]));
      REQUIRE(part.has_value());
      while (auto e = part->next()) CHECK(got.emplace(e->index, e->offset).second);
    }
  }
  CHECK(got == expected);  // every start once, at its place in the one global ramp
}

TEST_CASE(
    "runners given --shard run their slices: the union is the whole run, ids and seeds "
    "distinct",
    "[scenario][shard]") {
  seen out;
  const std::uint32_t n = 3;
  const unsigned threads_of[n] = {2, 1, 4};
  const std::uint64_t total = 200;  // 67 + 67 + 66
  std::uint64_t attempted = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    sc::runner r(recording_scenario(out), sharded_options(total, i, n, threads_of[i]));
    CHECK(r.shard_count() == threads_of[i]);
    auto result = r.start().get();
    REQUIRE(result.has_value());
    CHECK_FALSE(result->partial);
    CHECK(result->connections.attempted == pacing::shard{i, n}.size_of(total));
    attempted += result->connections.attempted;
    // The report names its shard, so that merging can tell the parts of one run apart.
    REQUIRE(result->ranks.size() == 1);
    CHECK(result->ranks[0].rank == i);
    CHECK(result->ranks[0].shard_count == n);
    CHECK(result->ranks[0].ok);
  }
  CHECK(attempted == total);
  CHECK(out.bad_schedules == 0);
  std::set<std::uint64_t> indices;
  for (const auto& e : out.events) CHECK(indices.insert(e.index).second);
  CHECK(indices.size() == total);
  CHECK(*indices.rbegin() == total - 1);
  const std::set<std::uint64_t> seeds(out.seeds.begin(), out.seeds.end());
  CHECK(seeds.size() == 2 + 1 + 4);  // one per thread of every process, all different
}

TEST_CASE("an unsharded run records no ranks and keeps its old division", "[scenario][shard]") {
  seen out;
  sc::runner r(recording_scenario(out), sharded_options(10, 0, 1, 3));
  auto result = r.start().get();
  REQUIRE(result.has_value());
  CHECK(result->ranks.empty());
  CHECK(result->connections.attempted == 10);
  CHECK(out.events.size() == 10);
}

TEST_CASE("sharded reports merge into the whole, and the same shard twice is refused",
          "[scenario][shard]") {
  seen out;
  std::vector<metrics::report> parts;
  for (std::uint32_t i = 0; i < 2; ++i) {
    sc::runner r(recording_scenario(out), sharded_options(9, i, 2, 1));
    auto result = r.start().get();
    REQUIRE(result.has_value());
    parts.push_back(*result);
  }
  metrics::report merged = parts[0];
  REQUIRE(merged.merge(parts[1]).has_value());
  CHECK(merged.connections.attempted == 9);
  REQUIRE(merged.ranks.size() == 2);
  CHECK(merged.ranks[0].rank == 0);
  CHECK(merged.ranks[1].rank == 1);
  metrics::report again = merged;
  CHECK_FALSE(again.merge(parts[1]).has_value());  // shard 1 is already in
  CHECK(again == merged);                          // and a refusal changes nothing
}

TEST_CASE("a start time (--start-at) fixes t0 and the report's start time at that instant",
          "[scenario][shard]") {
  seen out;
  auto o = sharded_options(4, 0, 1, 2);
  const auto at = std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now() + 400ms);
  o.start_at = at;
  sc::runner r(recording_scenario(out), o);
  auto future = r.start();
  auto result = future.get();
  const auto returned_wall = std::chrono::system_clock::now();
  REQUIRE(result.has_value());
  CHECK(result->start_time == at);
  // The shards were held until just before it (they are released a moment ahead of t0).
  CHECK(returned_wall >= at - 100ms);
  REQUIRE(out.t0s.size() == 2);
  CHECK(out.t0s[0] == out.t0s[1]);  // one common t0 for every thread
}

TEST_CASE("stop() ends the wait for --start-at", "[scenario][shard]") {
  seen out;
  auto o = sharded_options(4, 0, 1, 1);
  o.start_at = std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now() + 1h);
  sc::runner r(recording_scenario(out), o);
  auto future = r.start();  // returns while the runner waits
  r.stop();
  REQUIRE(future.wait_for(30s) == std::future_status::ready);
  auto result = future.get();
  REQUIRE(result.has_value());
  CHECK(result->partial);
  CHECK(out.events.empty());  // stopped before it started: the shard never began its work
}

TEST_CASE("run_options::validate names bad shards and start times", "[scenario][shard]") {
  auto has = [](const std::vector<std::string>& v, const std::string& needle) {
    for (const auto& s : v) {
      if (s.find(needle) != std::string::npos) return true;
    }
    return false;
  };
  sc::run_options o;
  o.shard_index = 4;
  o.shard_count = 4;
  CHECK(has(o.validate(), "--shard: the index I must be below the count N (got 4/4"));
  o.shard_index = 0;
  o.shard_count = 0;
  CHECK(has(o.validate(), "--shard: the count N must be 1 to"));
  o.shard_count = 3;
  CHECK(o.validate().empty());

  const auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  o.start_at = now - 1h;
  CHECK(has(o.validate(), "s in the past"));
  o.start_at = now + 48h;
  CHECK(has(o.validate(), "more than 24 hours ahead"));
  o.start_at = now + 1min;
  CHECK(o.validate().empty());
  o.start_at = now - 2s;  // a little late: starts at once
  CHECK(o.validate().empty());
}
