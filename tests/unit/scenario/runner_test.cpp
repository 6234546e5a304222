// The runner with a scenario that needs no sockets: each shard counts its share of units
// on timers, so the test checks splitting, the barrier, merging and stop/abort.
#include <catch2/catch.hpp>

#include <asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include "relayload/scenario/runner.hpp"
#include "relayload/scenario/scenario_registry.hpp"

using namespace std::chrono_literals;
namespace sc = relayload::scenario;
namespace metrics = relayload::metrics;

namespace {

// Counts one "connection" per unit, one timer tick apart; done when all are counted, or
// never (hang = true) until stop(). `counted`, when given, is raised after each unit so that a
// test can wait until every shard has counted all of its share.
class counting_shard final : public sc::scenario_shard {
 public:
  counting_shard(sc::shard_context& ctx, bool hang, std::atomic<int>* t0_seen,
                 std::atomic<std::uint64_t>* counted)
      : ctx_(ctx), timer_(ctx.io), hang_(hang), t0_seen_(t0_seen), counted_total_(counted) {
    units_ = ctx.shard.size_of(ctx.options.connections);
  }
  void start() override {
    if (t0_seen_ != nullptr) t0_seen_->fetch_add(1);
    tick();
  }
  void stop() override {
    timer_.cancel();
    if (!done_) finish();
  }
  metrics::report snapshot() const override {
    metrics::report r;
    r.connections.attempted = counted_;
    r.connections.successful = counted_;
    r.connections.immediate = counted_;
    r.connect_time.emplace();
    for (std::uint64_t i = 0; i < counted_; ++i) {
      r.connect_time->record(std::int64_t{1000} * static_cast<std::int64_t>(ctx_.shard.global_index(i) + 1));
    }
    return r;
  }

 private:
  void tick() {
    if (counted_ == units_) {
      if (!hang_) finish();
      return;
    }
    ++counted_;
    if (counted_total_ != nullptr) counted_total_->fetch_add(1);
    timer_.expires_after(1ms);
    timer_.async_wait([this](std::error_code ec) {
      if (!ec) tick();
    });
  }
  void finish() {
    done_ = true;
    ctx_.done();
  }
  sc::shard_context& ctx_;
  asio::steady_timer timer_;
  bool hang_;
  std::atomic<int>* t0_seen_;
  std::atomic<std::uint64_t>* counted_total_;
  std::uint64_t units_ = 0;
  std::uint64_t counted_ = 0;
  bool done_ = false;
};

sc::scenario_info counting_scenario(bool hang, std::atomic<int>* starts = nullptr,
                                    std::atomic<std::uint64_t>* counted = nullptr) {
  sc::scenario_info info;
  info.name = "counting";
  info.description = "test";
  info.make_shard = [hang, starts, counted](sc::shard_context& ctx) {
    return std::make_unique<counting_shard>(ctx, hang, starts, counted);
  };
  return info;
}

sc::run_options options_for(std::uint64_t connections, unsigned threads) {
  sc::run_options o;
  o.target = "ws://127.0.0.1:9/connection/websocket";  // never contacted by this scenario
  o.connections = connections;
  o.threads = threads;
  o.seed = 42;
  return o;
}

}  // namespace

TEST_CASE("runner splits units over shards and merges their reports exactly", "[scenario]") {
  std::atomic<int> starts{0};
  sc::runner r(counting_scenario(false, &starts), options_for(103, 4));
  CHECK(r.shard_count() == 4);
  auto result = r.start().get();
  REQUIRE(result.has_value());
  const metrics::report& rep = *result;
  CHECK(starts.load() == 4);
  CHECK(rep.scenario == "counting");
  CHECK_FALSE(rep.partial);
  CHECK(rep.parts == 4);
  CHECK(rep.connections.attempted == 103);  // the remainder is spread, not dropped
  REQUIRE(rep.connect_time.has_value());
  CHECK(rep.connect_time->count() == 103);
  // Every unit 1..103 µs was recorded exactly once across the shards.
  CHECK(rep.connect_time->min() == 1000);
  CHECK(rep.connect_time->max() == 103000);
}

TEST_CASE("runner never starts more shards than units", "[scenario]") {
  sc::runner r(counting_scenario(false), options_for(3, 8));
  CHECK(r.shard_count() == 3);
  auto result = r.start().get();
  REQUIRE(result.has_value());
  CHECK(result->connections.attempted == 3);
}

TEST_CASE("runner stop() winds shards down and marks the report partial", "[scenario]") {
  sc::runner r(counting_scenario(true), options_for(10, 2));
  auto future = r.start();
  CHECK(future.wait_for(200ms) == std::future_status::timeout);  // hangs until stopped
  r.stop();
  REQUIRE(future.wait_for(10s) == std::future_status::ready);
  auto result = future.get();
  REQUIRE(result.has_value());
  CHECK(result->partial);
  CHECK(result->connections.attempted == 10);
}

TEST_CASE("runner progress() merges live snapshots from every shard", "[scenario]") {
  sc::runner r(counting_scenario(true), options_for(20, 2));
  auto future = r.start();
  metrics::report live;
  for (int i = 0; i < 200 && live.connections.attempted < 20; ++i) {
    std::this_thread::sleep_for(10ms);
    live = r.progress();
  }
  CHECK(live.connections.attempted == 20);
  CHECK(live.partial);
  r.stop();
  REQUIRE(future.wait_for(10s) == std::future_status::ready);
}

TEST_CASE("runner abort() returns at once with the last snapshots", "[scenario]") {
  // Three shards count 5 + 5 + 4 units and then hang; nobody asked for progress before the
  // abort, so what they counted can reach the report only through the snapshots the abort
  // collects from the shards that still run.
  constexpr std::uint64_t units = 14;
  std::atomic<std::uint64_t> counted{0};
  sc::runner r(counting_scenario(true, nullptr, &counted), options_for(units, 3));
  REQUIRE(r.shard_count() == 3);
  auto future = r.start();
  for (int i = 0; i < 1000 && counted.load() < units; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(counted.load() == units);
  CHECK(future.wait_for(0ms) == std::future_status::timeout);  // hanging, not finished
  r.abort();
  REQUIRE(future.wait_for(10s) == std::future_status::ready);
  auto result = future.get();
  REQUIRE(result.has_value());
  const metrics::report& rep = *result;
  CHECK(rep.partial);
  CHECK(rep.parts == 3);
  CHECK(rep.connections.attempted == units);
  CHECK(rep.connections.successful == units);
  CHECK(rep.connections.immediate == units);
  // Each unit's value (its global index + 1, in µs) was reported by its own shard once.
  REQUIRE(rep.connect_time.has_value());
  CHECK(rep.connect_time->count() == units);
  CHECK(rep.connect_time->min() == 1000);
  CHECK(rep.connect_time->max() == std::int64_t{1000} * static_cast<std::int64_t>(units));
  CHECK(static_cast<std::uint64_t>(rep.connect_time->sum()) == 1000 * units * (units + 1) / 2);
}

TEST_CASE("runner refuses a target that is not a WebSocket URL", "[scenario]") {
  auto o = options_for(1, 1);
  o.target = "http://x";
  sc::runner r(counting_scenario(false), o);
  auto result = r.start().get();
  CHECK(result.error() == relayload::errc::invalid_argument);
}

TEST_CASE("run_options::validate lists every problem at once", "[scenario]") {
  sc::run_options o;
  o.target = "http://relay.example/connection/websocket";
  o.connections = 0;
  o.duration = -1s;
  o.source_ips = {"127.0.0.2", "not-an-ip"};
  const auto problems = o.validate();
  REQUIRE(problems.size() == 4);
  CHECK(problems[0].find("--target") != std::string::npos);
  CHECK(problems[1].find("--connections") != std::string::npos);
  CHECK(problems[2].find("--duration") != std::string::npos);
  CHECK(problems[3].find("not-an-ip") != std::string::npos);
  CHECK(sc::run_options{}.validate().empty());
}

TEST_CASE("scenario_registry finds by exact name and refuses duplicates", "[scenario]") {
  sc::scenario_registry reg;
  REQUIRE(reg.add(counting_scenario(false)).has_value());
  CHECK(reg.find("counting") != nullptr);
  CHECK(reg.find("Counting") == nullptr);
  CHECK_FALSE(reg.add(counting_scenario(false)).has_value());
  CHECK(reg.names_joined() == "counting");
}

namespace {

// Counts its share of units like counting_shard, then meets the other shards
// (shard_context::meet); once met, records how many shards had finished counting and ends.
// A shard with `skip` set ends without meeting: it must still count as met.
class meeting_shard final : public sc::scenario_shard {
 public:
  meeting_shard(sc::shard_context& ctx, std::atomic<int>& counted_shards,
                std::atomic<int>& seen_at_meeting_min, bool skip)
      : ctx_(ctx), timer_(ctx.io), counted_shards_(counted_shards),
        seen_min_(seen_at_meeting_min), skip_(skip) {
    // Unequal shares of time: shard k counts (k + 1) * 20 ticks.
    left_ = (ctx.shard.index + 1) * 20;
  }
  void start() override { tick(); }
  void stop() override {
    timer_.cancel();
    if (!done_) finish();
  }
  metrics::report snapshot() const override { return {}; }

 private:
  void tick() {
    if (left_ == 0) {
      counted_shards_.fetch_add(1);
      if (skip_ && ctx_.shard.index == 0) {
        finish();
        return;
      }
      if (!ctx_.meet) {  // seen_min stays unset: the test fails
        finish();
        return;
      }
      ctx_.meet([this] {
        const int seen = counted_shards_.load();
        int cur = seen_min_.load();
        while (seen < cur && !seen_min_.compare_exchange_weak(cur, seen)) {
        }
        finish();
      });
      return;
    }
    --left_;
    timer_.expires_after(1ms);
    timer_.async_wait([this](std::error_code ec) {
      if (!ec) tick();
    });
  }
  void finish() {
    done_ = true;
    ctx_.done();
  }
  sc::shard_context& ctx_;
  asio::steady_timer timer_;
  std::atomic<int>& counted_shards_;
  std::atomic<int>& seen_min_;
  bool skip_;
  std::uint64_t left_ = 0;
  bool done_ = false;
};

}  // namespace

TEST_CASE("shard_context::meet runs each shard's callback once every shard has met",
          "[scenario]") {
  const bool skip = GENERATE(false, true);
  CAPTURE(skip);
  std::atomic<int> counted{0};
  std::atomic<int> seen_min{1000};
  sc::scenario_info info;
  info.name = "meeting";
  info.description = "test";
  info.make_shard = [&](sc::shard_context& ctx) {
    return std::make_unique<meeting_shard>(ctx, counted, seen_min, skip);
  };
  sc::runner r(info, options_for(4, 4));
  auto future = r.start();
  // Without the meeting opening, the shards would wait for ever; bounded here.
  REQUIRE(future.wait_for(30s) == std::future_status::ready);
  auto result = future.get();
  REQUIRE(result.has_value());
  CHECK_FALSE(result->partial);
  CHECK(counted.load() == 4);
  // No callback ran before the last shard had finished counting (a shard that ended
  // without meeting counts as met).
  CHECK(seen_min.load() == 4);
}
