// publish_load — closed-loop publish→push load against a relay (benchmarks/macro).
//
// Opens C connections per thread; connection i subscribes to its own session:<uuid> channel
// and then publishes to it sequentially for D seconds: each publish is sent when the reply
// to the previous one has arrived, so every publish fans out to exactly one subscriber (its
// own connection) and the offered load adapts to what the relay can serve. Prints one JSON
// object: publishes, pushes, errors, rates over the timed window and the publish reply
// latency (sent → reply) percentiles.
//
//   publish_load --url ws://127.0.0.1:PORT/connection/websocket
//                [--connections 100] [--threads 1] [--duration 10] [--warmup 1]
//
// Only what happens inside the timed window [warmup, warmup + duration] is counted, so the
// connect and subscribe phase is excluded. Bounded: it exits after connect + warmup +
// duration + a 5 s drain at most.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <asio.hpp>

#include "relayload/client/centrifuge_client.hpp"
#include "relayload/client/client_context.hpp"
#include "relayload/client/client_options.hpp"
#include "relayload/net/ws_url.hpp"
#include "relayload/wire/envelope.hpp"
#include "relayload/wire/sample_payloads.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
namespace rc = relayload::client;

struct args {
  std::string url;
  int connections = 100;
  int threads = 1;
  double duration = 10.0;
  double warmup = 1.0;
};

struct shard_result {
  std::uint64_t publishes = 0;  // publish replies (success) inside the window
  std::uint64_t pushes = 0;     // publications received inside the window
  std::uint64_t errors = 0;     // failed publishes / subscribes / connects (whole run)
  std::uint64_t connected = 0;
  std::vector<std::uint32_t> latency_us;  // publish sent → reply, inside the window
};

std::string make_uuid(std::uint64_t n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08" PRIx64 "-%04x-4%03x-8%03x-%012" PRIx64,
                (n * 2654435761u) & 0xffffffffu, static_cast<unsigned>(n & 0xffff),
                static_cast<unsigned>((n >> 4) & 0xfff), static_cast<unsigned>(n & 0xfff),
                static_cast<std::uint64_t>(n & 0xffffffffffffULL));
  return buf;
}

// One publishing connection; lives on its shard's thread.
struct publisher {
  std::unique_ptr<rc::centrifuge_client> client;
  std::string channel;
  std::string data;
  std::uint64_t nonce = 0;
};

void run_shard(const args& a, int shard, clock_type::time_point start, shard_result& out,
               std::atomic<int>& ready) {
  asio::io_context io;
  rc::client_context ctx(io);
  auto opts = std::make_shared<rc::client_options>(rc::client_options::raw_scenario());
  opts->url = relayload::net::ws_url::parse(a.url).value();
  const auto window_begin = start + std::chrono::duration_cast<clock_type::duration>(
                                        std::chrono::duration<double>(a.warmup));
  const auto window_end = window_begin + std::chrono::duration_cast<clock_type::duration>(
                                             std::chrono::duration<double>(a.duration));
  const std::string payload = relayload::wire::sample_request_payload(1);
  std::vector<publisher> pubs(static_cast<std::size_t>(a.connections));
  out.latency_us.reserve(1 << 20);
  bool stopping = false;

  std::function<void(publisher&)> publish_next = [&](publisher& p) {
    if (stopping) return;
    p.data.clear();
    relayload::wire::append_envelope_data(p.data, "publish-load", ++p.nonce, payload);
    p.client->publish(p.channel, p.data, [&, pp = &p](std::error_code ec, const rc::call_reply& r) {
      const bool in_window = r.done >= window_begin && r.done < window_end;
      if (ec) {
        ++out.errors;
      } else if (in_window) {
        ++out.publishes;
        out.latency_us.push_back(static_cast<std::uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(r.done - r.sent).count()));
      }
      if (r.done < window_end) publish_next(*pp);
    });
  };

  for (int i = 0; i < a.connections; ++i) {
    auto& p = pubs[static_cast<std::size_t>(i)];
    p.channel = "session:" + make_uuid(static_cast<std::uint64_t>(shard) * 1000003u + i + 1);
    p.client = std::make_unique<rc::centrifuge_client>(ctx, opts, static_cast<std::uint64_t>(i) + 1);
    p.client->callbacks().on_outcome = [&](const rc::connect_outcome&) {};
    rc::subscription_callbacks cb;
    cb.on_publication = [&](const relayload::wire::publication&) {
      const auto now = clock_type::now();
      if (now >= window_begin && now < window_end) ++out.pushes;
    };
    p.client->subscribe(p.channel, std::move(cb),
                        [&, pp = &p](std::error_code ec, const rc::call_reply&) {
                          if (ec) {
                            ++out.errors;
                            return;
                          }
                          ++out.connected;
                          publish_next(*pp);
                        });
    if (auto ec = p.client->connect(); ec) ++out.errors;
  }
  ready.fetch_add(1);

  // Stop after the window plus a short drain; close every client and let the loop finish.
  asio::steady_timer stop_timer(io, window_end + std::chrono::seconds(1));
  stop_timer.async_wait([&](std::error_code) {
    stopping = true;
    for (auto& p : pubs) p.client->close();
  });
  asio::steady_timer hard_stop(io, window_end + std::chrono::seconds(5));
  hard_stop.async_wait([&](std::error_code) { io.stop(); });
  io.run();
  pubs.clear();
}

bool parse_args(int argc, char** argv, args& a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--url") a.url = v;
    else if (k == "--connections") a.connections = std::atoi(v);
    else if (k == "--threads") a.threads = std::atoi(v);
    else if (k == "--duration") a.duration = std::atof(v);
    else if (k == "--warmup") a.warmup = std::atof(v);
    else return false;
  }
  return !a.url.empty() && a.connections > 0 && a.threads > 0 && a.duration > 0 &&
         a.duration <= 600 && a.warmup >= 0 && (argc % 2) == 1;
}

}  // namespace

int main(int argc, char** argv) {
  args a;
  if (!parse_args(argc, argv, a)) {
    std::fprintf(stderr,
                 "usage: publish_load --url ws://HOST:PORT/connection/websocket "
                 "[--connections N] [--threads T] [--duration S] [--warmup S]\n");
    return 1;
  }
  if (!relayload::net::ws_url::parse(a.url)) {
    std::fprintf(stderr, "publish_load: bad --url %s\n", a.url.c_str());
    return 1;
  }
  std::vector<shard_result> results(static_cast<std::size_t>(a.threads));
  std::atomic<int> ready{0};
  const auto start = clock_type::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < a.threads; ++t)
    threads.emplace_back(run_shard, std::cref(a), t, start, std::ref(results[static_cast<std::size_t>(t)]),
                         std::ref(ready));
  for (auto& t : threads) t.join();

  shard_result total;
  for (auto& r : results) {
    total.publishes += r.publishes;
    total.pushes += r.pushes;
    total.errors += r.errors;
    total.connected += r.connected;
    total.latency_us.insert(total.latency_us.end(), r.latency_us.begin(), r.latency_us.end());
  }
  std::sort(total.latency_us.begin(), total.latency_us.end());
  auto pct = [&](double p) -> std::uint32_t {
    if (total.latency_us.empty()) return 0;
    auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(total.latency_us.size()) + 0.999999);
    rank = std::min(std::max<std::size_t>(rank, 1), total.latency_us.size());
    return total.latency_us[rank - 1];
  };
  std::printf(
      "{\"connections\":%d,\"threads\":%d,\"subscribed\":%" PRIu64 ",\"durationS\":%.3f,"
      "\"publishes\":%" PRIu64 ",\"pushes\":%" PRIu64 ",\"errors\":%" PRIu64 ","
      "\"publishesPerSec\":%.1f,\"pushesPerSec\":%.1f,"
      "\"publishLatencyUs\":{\"p50\":%u,\"p90\":%u,\"p99\":%u,\"max\":%u}}\n",
      a.connections * a.threads, a.threads, total.connected, a.duration, total.publishes,
      total.pushes, total.errors, static_cast<double>(total.publishes) / a.duration,
      static_cast<double>(total.pushes) / a.duration, pct(50), pct(90), pct(99), pct(100));
  return 0;
}
