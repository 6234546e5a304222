#include "relayload/metrics/report.hpp"

#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "relayload/error.hpp"
#include "relayload/metrics/interval_recorder.hpp"
#include "relayload/metrics/latency_stats.hpp"
#include "relayload/metrics/report_json.hpp"

using namespace std::chrono_literals;
using relayload::condition;
using relayload::errc;
using namespace relayload::metrics;

namespace {

constexpr std::int64_t us = 1'000;
constexpr std::int64_t ms = 1'000'000;

report_time at_ms(std::int64_t since_epoch) {
  return report_time(std::chrono::milliseconds(since_epoch));
}
// 2026-11-22T11:18:25.051Z
const report_time storm_end = at_ms(1'795'346'305'051);

report storm_report() {
  report r;
  r.scenario = "connection-storm";
  r.target = "ws://127.0.0.1:18000/connection/websocket";
  r.end_time = storm_end;
  r.start_time = at_ms(1'795'346'302'942);
  r.config.set("connections", std::int64_t{200});
  r.config.set("durationSec", std::int64_t{60});
  r.config.set("rampUpSec", std::int64_t{2});
  r.connections = {200, 200, 0, 200, 0};
  r.total_time = std::chrono::nanoseconds(2'109'207'627);
  histogram h;
  h.record(1'200 * us, 120);
  h.record(2'200 * us, 70);
  h.record(2'900 * us, 8);
  h.record(3'100 * us);
  h.record(19 * ms);
  r.connect_time = h;
  return r;
}

report realistic_report() {
  report r;
  r.scenario = "realistic-session";
  r.target = "ws://127.0.0.1:18003/connection/websocket";
  r.end_time = storm_end;
  r.start_time = storm_end - 8s;
  r.config.set("connections", std::int64_t{5});
  r.config.set("durationSec", std::int64_t{60});
  r.config.set("rampUpSec", std::int64_t{1});
  r.config.set("messagesPerSession", std::int64_t{3});
  r.connections = {5, 5, 0, 5, 0};
  r.total_time = std::chrono::nanoseconds(8'116'407'712);
  handshake_section hs;
  hs.attempted = hs.successful = 5;
  for (int i = 0; i < 5; ++i) hs.latency.record((5 + i % 3) * ms);
  r.handshake = hs;
  messages_section m;
  m.sent = m.failed = 15;
  r.messages = m;  // nothing delivered: latency null
  r.errors.add(errc::reply_timeout, 15);
  return r;
}

// A report that uses every part of the model.
report full_report(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  report r;
  r.scenario = "steady-messaging";
  r.target = "wss://relay.example/connection/websocket";
  r.start_time = at_ms(1'700'000'000'123);
  r.end_time = at_ms(1'700'000'027'142);
  r.config.set("connections", std::int64_t{20});
  r.config.set("durationSec", std::int64_t{25});
  r.config.set("rampUpSec", std::int64_t{2});
  r.config.set("messageIntervalSec", std::int64_t{1});
  r.config.set("rate", 2.5);
  r.config.set("whole", 5.0);
  r.config.set("crypto", std::string("mock"));
  r.config.set("failOnSlo", true);
  r.config.set("shard", nullptr);
  r.connections = {20, 19, 1, 18, 1};
  r.total_time = std::chrono::nanoseconds(27'019'630'813);
  r.connect_time = histogram{};
  for (int i = 0; i < 19; ++i) r.connect_time->record(static_cast<std::int64_t>(rng() % (50 * ms)));
  r.total_retries = 3;
  r.steady_state = steady_state_section{12'051'491'653ns, 2, 41, 39, 45, 2};
  handshake_section hs;
  hs.attempted = 20;
  hs.successful = 19;
  hs.failed = 1;
  for (int i = 0; i < 19; ++i) hs.latency.record(static_cast<std::int64_t>(4 * ms + rng() % ms));
  r.handshake = hs;
  messages_section m;
  m.sent = 165;
  m.received = 160;
  m.failed = 5;
  for (int i = 0; i < 160; ++i) m.latency.record(static_cast<std::int64_t>(rng() % (6 * ms)));
  r.messages = m;
  recovery_section rec;
  rec.attempted = 4;
  rec.received = 3;
  rec.failed = 1;
  rec.latency.record(3 * ms);
  r.recovery = rec;

  steady_messaging_section sm;
  sm.duration = std::chrono::seconds(25);
  sm.message_interval = std::chrono::seconds(1);
  sm.disconnects = 1;
  time_series_options lo;
  lo.interval = 10s;
  const interval_recorder::clock::time_point t0{};
  interval_recorder lat(t0, lo);
  for (int i = 0; i < 165; ++i) {
    lat.record(t0 + std::chrono::milliseconds(rng() % 27'000),
               std::chrono::microseconds(rng() % 6'000));
  }
  sm.latency_over_time = lat.take();
  r.steady_messaging = std::move(sm);

  r.histograms.emplace("messages.serviceTime", histogram{});
  r.histograms["messages.serviceTime"].record(2 * ms, 160);
  r.histograms.emplace("empty", histogram(histogram_layout{1, 1'000, 1}));
  r.counters.add("generatorLateStarts", 7);
  r.counters.add("zero", 0);
  r.errors.add(errc::reply_timeout, 5);
  r.errors.add("close_3012", condition::remote_rejected);
  r.errors.add(std::error_code(EDOM, std::generic_category()));

  time_series_options co;
  co.interval = 1s;
  co.counters = {"connects", "disconnects"};
  co.gauges = {"active"};
  interval_recorder conns(t0, co);
  for (int s = 0; s < 27; ++s) {
    conns.count(t0 + std::chrono::seconds(s), 0, rng() % 3);
    conns.set_gauge(t0 + std::chrono::seconds(s), 0, static_cast<std::int64_t>(rng() % 40));
  }
  conns.record(t0 + 3s, 1ms);
  r.series.emplace("connections", conns.take());
  r.partial = true;
  r.parts = 3;
  return r;
}

std::vector<std::string> member_names(const rapidjson::Value& obj) {
  std::vector<std::string> out;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it)
    out.emplace_back(it->name.GetString());
  return out;
}

rapidjson::Document dom(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  text.replace(pos, from.size(), to);
  return text;
}

std::string parse_error(const std::string& text, const report_parse_options& o = {}) {
  std::string why;
  const auto r = parse_report(text, &why, o);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::corrupt_data);
  CHECK_FALSE(why.empty());
  return why;
}

}  // namespace

TEST_CASE("report JSON: the original tool's keys, order, units and layout are kept",
          "[metrics][report]") {
  const std::string text = to_json(storm_report());
  const std::string expected_head = R"({
  "scenario": "connection-storm",
  "timestamp": "2026-11-22T11:18:25.051Z",
  "target": "ws://127.0.0.1:18000/connection/websocket",
  "config": {
    "connections": 200,
    "durationSec": 60,
    "rampUpSec": 2
  },
  "results": {
    "connections": {
      "attempted": 200,
      "successful": 200,
      "failed": 0,
      "successRate": 100,
      "immediate": 200,
      "recovered": 0
    },
    "timing": {
      "totalTimeMs": 2109.207627,
      "connectionsPerSec": 94.822338)";
  CHECK(text.substr(0, expected_head.size()) == expected_head);
  CHECK(text.find(R"("connectTime": {
      "min": 1,
      "max": 19,
      "avg": 2,
      "p50": 1,
      "p95": 2,
      "p99": 3
    },
    "retries": {
      "totalRetries": 0,
      "avgRetriesPerConnection": 0
    },)") != std::string::npos);

  const auto d = dom(text);
  CHECK(member_names(d) == std::vector<std::string>{"scenario", "timestamp", "target", "config",
                                                    "results", "schemaVersion", "partial", "parts",
                                                    "startTime"});
  CHECK(member_names(d["results"]) ==
        std::vector<std::string>{"connections", "timing", "connectTime", "retries",
                                 "connectTimeDetail", "connectTimeHistogram", "histograms",
                                 "counters", "errors", "timeSeries"});
  CHECK(d["schemaVersion"].GetInt() == 2);
  CHECK(d["results"]["timing"]["connectionsPerSec"].GetDouble() == Approx(94.8223387));
  CHECK(std::string(d["startTime"].GetString()) == "2026-11-22T11:18:22.942Z");
  const auto& detail = d["results"]["connectTimeDetail"];
  CHECK(detail["count"].GetUint64() == 200);
  CHECK(detail["maxUs"].GetDouble() == 19'000.0);
  CHECK(detail["minUs"].GetDouble() == 1'200.0);
}

TEST_CASE("report JSON: a connect time without samples is null, yet keeps its histogram",
          "[metrics][report]") {
  report r = storm_report();
  r.connect_time = histogram{};
  const auto d = dom(to_json(r));
  CHECK(d["results"]["connectTime"].IsNull());
  CHECK(d["results"]["connectTimeDetail"].IsNull());
  CHECK(d["results"]["connectTimeHistogram"].IsString());
  const auto back = parse_report(to_json(r));
  REQUIRE(back);
  REQUIRE(back->connect_time);
  CHECK(back->connect_time->empty());
}

TEST_CASE("report JSON: session-pair reports write null where there is no data",
          "[metrics][report]") {
  const std::string text = to_json(realistic_report());
  const auto d = dom(text);
  const auto& res = d["results"];
  CHECK(member_names(res) ==
        std::vector<std::string>{"connections", "timing", "connectTime", "retries", "handshake",
                                 "messages", "histograms", "counters", "errors", "timeSeries"});
  CHECK(res["connectTime"].IsNull());
  CHECK(member_names(res["handshake"]) ==
        std::vector<std::string>{"attempted", "successful", "failed", "successRate", "latency",
                                 "latencyDetail", "latencyHistogram"});
  CHECK(member_names(res["messages"]) ==
        std::vector<std::string>{"sent", "received", "failed", "deliveryRate", "latency",
                                 "latencyDetail", "latencyHistogram"});
  CHECK(member_names(res["handshake"]["latency"]) ==
        std::vector<std::string>{"min", "max", "avg", "p50", "p95", "p99"});
  CHECK(res["messages"]["latency"].IsNull());
  CHECK(res["messages"]["latencyDetail"].IsNull());
  CHECK(res["messages"]["deliveryRate"].IsInt());
  CHECK(res["messages"]["deliveryRate"].GetInt() == 0);
  CHECK(res["errors"]["total"].GetUint64() == 15);
  CHECK(res["errors"]["byCondition"]["timed_out"].GetUint64() == 15);
  CHECK(std::string(res["errors"]["byCause"][0]["cause"].GetString()) == "reply_timeout");
}

TEST_CASE("report JSON: steady-state and steady-messaging sections", "[metrics][report]") {
  const report r = full_report(1);
  const auto d = dom(to_json(r));
  const auto& ss = d["results"]["steadyState"];
  CHECK(member_names(ss) == std::vector<std::string>{"holdDurationMs", "currentDisconnects",
                                                     "peakDisconnects", "reconnectsDuringHold",
                                                     "connectionStability", "disconnectEvents",
                                                     "droppedConnections"});
  CHECK(ss["holdDurationMs"].GetDouble() == 12051.491653);
  CHECK(ss["connectionStability"].GetDouble() == Approx(100.0 * 17 / 19));
  const auto& sm = d["results"]["steadyMessaging"];
  CHECK(member_names(sm) == std::vector<std::string>{"durationSeconds", "messageIntervalSeconds",
                                                     "disconnects", "latencyOverTime",
                                                     "latencyOverTimeSeries"});
  // Whole seconds stay integers, as the original wrote them.
  CHECK(sm["durationSeconds"].IsInt64());
  CHECK(sm["durationSeconds"].GetInt64() == 25);
  const auto& lot = sm["latencyOverTime"];
  REQUIRE(lot.IsArray());
  REQUIRE(lot.Size() == 3);
  CHECK(member_names(lot[0]) == std::vector<std::string>{"timestampMs", "p50", "p99", "exchanges"});
  CHECK(lot[0]["timestampMs"].GetInt64() == 10'000);
  CHECK(lot[2]["timestampMs"].GetInt64() == 30'000);
  std::uint64_t exchanges = 0;
  for (const auto& p : lot.GetArray()) exchanges += p["exchanges"].GetUint64();
  CHECK(exchanges == 165);
}

TEST_CASE("report JSON: round trip is exact", "[metrics][report]") {
  report no_samples = storm_report();
  no_samples.connect_time = histogram(histogram_layout{1'000, 60'000'000'000, 2});
  no_samples.connections = {3, 0, 3, 0, 0};
  no_samples.errors.add(errc::connect_timeout, 3);
  for (const report& r :
       {full_report(1), full_report(2), storm_report(), realistic_report(), no_samples}) {
    const std::string text = to_json(r);
    std::string why = "stale";
    const auto back = parse_report(text, &why);
    INFO(why);
    REQUIRE(back);
    CHECK(why.empty());
    CHECK(*back == r);
    CHECK(to_json(*back) == text);
  }
}

TEST_CASE("report JSON: config values keep their JSON types", "[metrics][report]") {
  const auto d = dom(to_json(full_report(3)));
  const auto& c = d["config"];
  CHECK(c["connections"].IsInt64());
  CHECK(c["rate"].GetDouble() == 2.5);
  CHECK(c["whole"].IsDouble());  // "5.0", so it parses back as a double
  CHECK(std::string(c["crypto"].GetString()) == "mock");
  CHECK(c["failOnSlo"].IsTrue());
  CHECK(c["shard"].IsNull());
}

TEST_CASE("report JSON: a sub-second message interval is not truncated", "[metrics][report]") {
  report r = full_report(1);
  r.steady_messaging->message_interval = std::chrono::milliseconds(200);
  const auto text = to_json(r);
  CHECK(dom(text)["results"]["steadyMessaging"]["messageIntervalSeconds"].GetDouble() == 0.2);
  auto back = parse_report(text);
  REQUIRE(back.has_value());
  CHECK(back->steady_messaging->message_interval == std::chrono::milliseconds(200));
}

TEST_CASE("report: derived figures are arithmetic on the data", "[metrics][report]") {
  report r = storm_report();
  CHECK(r.connections.success_rate() == 100.0);
  CHECK(r.connections_per_sec() == Approx(200 / 2.109207627));
  CHECK(r.avg_retries_per_connection() == 0.0);
  CHECK(r.connection_stability() == 0.0);  // no steady-state section
  r.steady_state = steady_state_section{};
  // The original's flaw: 41 dropped and came back, none down at the end, "100 % stable".
  // Stability counts every connection that was down at any moment of the hold.
  r.steady_state->current_disconnects = 0;
  r.steady_state->disconnect_events = 41;
  r.steady_state->dropped_connections = 41;
  CHECK(r.connection_stability() == Approx(79.5));
  r.connections.successful = 0;
  CHECK(r.connection_stability() == 0.0);

  const report empty;
  CHECK(empty.connections.success_rate() == 0.0);
  CHECK(empty.connections_per_sec() == 0.0);
  CHECK(empty.avg_retries_per_connection() == 0.0);
  CHECK(messages_section{}.delivery_rate() == 0.0);
  CHECK(recovery_section{}.delivery_rate() == 0.0);
  CHECK(handshake_section{}.success_rate() == 0.0);
}

TEST_CASE("report: merging shard reports equals one report of all the data", "[metrics][report]") {
  report a = realistic_report(), b = realistic_report();
  b.start_time = a.start_time - 2s;
  b.end_time = a.end_time + 1s;
  b.total_time = a.total_time + 5ms;
  b.handshake->latency.record(90 * ms);
  b.handshake->attempted = 6;
  b.messages->received = 2;
  b.messages->latency.record(3 * ms, 2);
  b.errors.add("close_3012", condition::remote_rejected);
  b.partial = true;

  report merged = a;
  REQUIRE(merged.merge(b));
  CHECK(merged.parts == 2);
  CHECK(merged.partial);
  CHECK(merged.start_time == b.start_time);
  CHECK(merged.end_time == b.end_time);
  CHECK(merged.total_time == b.total_time);
  CHECK(merged.connections.attempted == 10);
  CHECK(merged.handshake->attempted == 11);
  CHECK(merged.messages->sent == 30);
  CHECK(merged.messages->delivery_rate() == Approx(100.0 * 2 / 30));
  CHECK(merged.errors.count("reply_timeout") == 30);
  CHECK(merged.errors.count("close_3012") == 1);

  histogram all = a.handshake->latency;
  REQUIRE(all.merge(b.handshake->latency));
  CHECK(merged.handshake->latency == all);
  // Stats come from the merged histogram, never from averaging the shards' stats.
  CHECK(latency_stats::from(merged.handshake->latency)->p99 == 90);
  CHECK(latency_stats::from(merged.handshake->latency) == latency_stats::from(all));

  // Merging through JSON gives the same result: reports from other machines merge exactly.
  auto pa = parse_report(to_json(a));
  auto pb = parse_report(to_json(b));
  REQUIRE(pa);
  REQUIRE(pb);
  REQUIRE(pa->merge(*pb));
  CHECK(*pa == merged);

  report full_a = full_report(5), full_b = full_report(6);
  report full_merged = full_a;
  REQUIRE(full_merged.merge(full_b));
  time_series expected = full_a.series.at("connections");
  REQUIRE(expected.merge(full_b.series.at("connections")));
  CHECK(full_merged.series.at("connections") == expected);
  CHECK(full_merged.steady_state->peak_disconnects == 82);
}

TEST_CASE("report: merge refuses reports of different runs and stays unchanged",
          "[metrics][report]") {
  const report base = realistic_report();
  const auto refused = [&](const report& other, errc expected) {
    report r = base;
    const auto result = r.merge(other);
    REQUIRE_FALSE(result);
    CHECK(result.error() == expected);
    CHECK(r == base);
  };
  report other_scenario = base;
  other_scenario.scenario = "async-delivery";
  refused(other_scenario, errc::invalid_argument);
  report other_target = base;
  other_target.target = "ws://elsewhere/connection/websocket";
  refused(other_target, errc::invalid_argument);
  report other_config = base;
  other_config.config.set("messagesPerSession", std::int64_t{4});
  refused(other_config, errc::invalid_argument);
  report extra_section = base;
  extra_section.recovery = recovery_section{};
  refused(extra_section, errc::invalid_argument);
  report extra_histogram = base;
  extra_histogram.histograms.emplace("x", histogram{});
  refused(extra_histogram, errc::invalid_argument);
  report other_layout = base;
  other_layout.handshake->latency = histogram(histogram_layout{1'000, 3'600'000'000'000, 2});
  refused(other_layout, errc::layout_mismatch);
  report other_messaging = full_report(1);
  other_messaging.steady_messaging->message_interval = std::chrono::seconds(5);
  report mine = full_report(1);
  const report mine_before = mine;
  CHECK(mine.merge(other_messaging).error() == errc::invalid_argument);
  CHECK(mine == mine_before);
}

TEST_CASE("report JSON: invalid documents are refused with a message", "[metrics][report]") {
  const std::string good = to_json(realistic_report());
  CHECK(parse_error("{not json").find("not JSON") != std::string::npos);
  CHECK(parse_error("[1, 2]").find("not a JSON object") != std::string::npos);
  CHECK(parse_error("").find("not JSON") != std::string::npos);

  // The original tool's own output (spec/original-output/storm.json) has no histograms.
  const std::string original = R"({
  "scenario": "connection-storm", "timestamp": "2026-11-22T11:18:25.051Z",
  "target": "ws://127.0.0.1:18000/connection/websocket",
  "config": {"connections": 200, "durationSec": 60, "rampUpSec": 2},
  "results": {
    "connections": {"attempted": 200, "successful": 200, "failed": 0, "successRate": 100,
                    "immediate": 200, "recovered": 0},
    "timing": {"totalTimeMs": 2109.2076270000002, "connectionsPerSec": 94.82233870188824},
    "connectTime": {"min": 1, "max": 19, "avg": 2, "p50": 2, "p95": 3, "p99": 3},
    "retries": {"totalRetries": 0, "avgRetriesPerConnection": 0}
  }
})";
  CHECK(parse_error(original).find("schemaVersion") == 0);

  const struct {
    const char* from;
    const char* to;
    const char* message;
  } cases[] = {
      {R"("schemaVersion": 2)", R"("schemaVersion": 3)", "schemaVersion: unsupported"},
      {R"("attempted": 5,)", R"("attempted": -5,)",
       "results.connections.attempted: expected a non-negative integer"},
      {R"("attempted": 5,)", R"("attempted": "5",)", "results.connections.attempted"},
      {R"("timestamp": "2026-11-22T11:18:25.051Z")", R"("timestamp": "2026-02-30T00:00:00.000Z")",
       "timestamp: expected an ISO-8601"},
      {R"("timestamp": "2026-11-22T11:18:25.051Z")", R"("timestamp": "2026-11-22 11:18:25")",
       "timestamp"},
      {R"("latencyHistogram": ")", R"("latencyHistogram": "AAAA", "x": ")",
       "results.handshake.latencyHistogram: corrupt histogram"},
      {R"("totalTimeMs": 8116.407712)", R"("totalTimeMs": -1)", "results.timing.totalTimeMs"},
      {R"("parts": 1)", R"("parts": 0)", "parts: must be at least 1"},
      {R"("partial": false)", R"("partial": 0)", "partial: expected true or false"},
      {R"("condition": "timed_out")", R"("condition": "slow")", "unknown condition"},
      {R"("count": 15)", R"("count": 0)", "must be at least 1"},
      {R"("results": {)", R"("results": [], "x": {)", "results: expected an object"},
      {R"("counters": {})", R"("counters": {"a": 1, "a": 2})", "defined twice"},
      {R"("counters": {})", R"("counters": {"a": -1})", "results.counters.a"},
      {R"("messagesPerSession": 3)", R"("messagesPerSession": [3])", "config.messagesPerSession"},
      {R"("sent": 15,)", R"("sent": 1.5,)", "results.messages.sent"},
      {R"("handshake": {)", R"("handshake": null, "x": {)", "results.handshake"},
      {R"(,
    "timeSeries": {})",
       "", "results.timeSeries: missing"},
  };
  for (const auto& c : cases) {
    INFO(c.from << " -> " << c.to);
    const std::string why = parse_error(replace_once(good, c.from, c.to));
    CHECK(why.find(c.message) != std::string::npos);
  }
}

TEST_CASE("report JSON: broken time series are refused", "[metrics][report]") {
  const std::string good = to_json(full_report(1));
  const struct {
    const char* from;
    const char* to;
    const char* message;
  } cases[] = {
      {R"("index": 1,)", R"("index": 7,)", "intervals must be numbered"},
      {R"("intervalNs": 1000000000,)", R"("intervalNs": 0,)", "the interval must be positive"},
      {R"("significantDigits": 2)", R"("significantDigits": 9)", "significantDigits"},
      {R"("gauges": [
          "active"
        ])",
       R"("gauges": ["active", "active"])", "defined twice"},
      {"\"counts\": [\n", "\"counts\": [1,\n", "must match the series' names"},
  };
  for (const auto& c : cases) {
    INFO(c.from << " -> " << c.to);
    const std::string why = parse_error(replace_once(good, c.from, c.to));
    CHECK(why.find(c.message) != std::string::npos);
  }
  // A histogram of another layout inside a series.
  const std::string foreign = histogram{}.encode();
  const auto r = full_report(1);
  const std::string own = r.series.at("connections").intervals()[3].latency->encode();
  const std::string why = parse_error(replace_once(good, own, foreign));
  CHECK(why.find("layout differs") != std::string::npos);
}

TEST_CASE("report JSON: truncated documents never parse", "[metrics][report]") {
  const std::string text = to_json(full_report(4));
  for (std::size_t n = 0; n < text.size(); n += 61) {
    INFO("prefix " << n);
    CHECK_FALSE(parse_report(text.substr(0, n)));
  }
  for (std::size_t n = text.size() - 40; n < text.size(); ++n) {
    CHECK_FALSE(parse_report(text.substr(0, n)));
  }
}

TEST_CASE("report JSON: hostile documents cannot make the parser allocate without bound",
          "[metrics][report]") {
  const std::string text = to_json(full_report(1));
  report_parse_options tight;
  tight.max_total_buckets = 50'000;
  CHECK(parse_error(text, tight).find("bucket limit") != std::string::npos);
  // Deep nesting is parsed iteratively (no stack overflow) and refused.
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  CHECK_FALSE(parse_report(deep));
}

TEST_CASE("report JSON: timestamps are ISO-8601 UTC with milliseconds", "[metrics][report]") {
  for (const std::int64_t t :
       {std::int64_t{0}, std::int64_t{951'782'400'000} /* 2000-02-29 */,
        std::int64_t{1'795'346'305'051}, std::int64_t{253'402'300'799'999}}) {
    report r = realistic_report();
    r.end_time = at_ms(t);
    const auto back = parse_report(to_json(r));
    REQUIRE(back);
    CHECK(back->end_time == r.end_time);
  }
  report r = realistic_report();
  r.end_time = at_ms(951'782'400'000);
  CHECK(to_json(r).find(R"("timestamp": "2000-02-29T00:00:00.000Z")") != std::string::npos);
  r.end_time = at_ms(253'402'300'799'999);
  CHECK(to_json(r).find(R"("timestamp": "9999-12-31T23:59:59.999Z")") != std::string::npos);
}

TEST_CASE("report: connections opened and unused config keys travel and merge",
          "[metrics][report]") {
  // A realistic-session shard: 5 pairs (the original's meaning of results.connections), 10
  // WebSockets; the run did not use durationSec (the original wrote it for every scenario).
  report a = realistic_report();
  a.connections_opened = 10;
  a.config_unused = {"durationSec"};
  time_series_options hs;
  hs.interval = 50ms;
  hs.counters = {"started", "completed", "failed"};
  interval_recorder rec(interval_recorder::clock::time_point{}, hs);
  rec.count(interval_recorder::clock::time_point{} + 10ms, 0, 5);
  rec.record(interval_recorder::clock::time_point{} + 60ms, 5ms);
  rec.count(interval_recorder::clock::time_point{} + 60ms, 1, 5);
  a.series.emplace(handshakes_series, rec.take());

  const std::string text = to_json(a);
  const auto d = dom(text);
  CHECK(d["results"]["connections"]["attempted"].GetUint64() == 5);  // pairs, as the original
  CHECK(d["results"]["connections"]["opened"].GetUint64() == 10);
  REQUIRE(d["configUnused"].IsArray());
  CHECK(std::string(d["configUnused"][0].GetString()) == "durationSec");
  CHECK(d["config"]["durationSec"].GetInt64() == 60);  // the JSON keeps the key
  const auto back = parse_report(text);
  REQUIRE(back);
  CHECK(*back == a);
  CHECK(to_json(*back) == text);

  // Older documents have neither key: opened is unknown, nothing is unused.
  const auto old = parse_report(to_json(realistic_report()));
  REQUIRE(old);
  CHECK_FALSE(old->connections_opened);
  CHECK(old->config_unused.empty());

  // Merge: opened adds; the series merge by interval.
  report b = a;
  b.connections_opened = 8;
  report m = a;
  REQUIRE(m.merge(b));
  CHECK(m.connections_opened == std::optional<std::uint64_t>(18));
  CHECK(m.config_unused == std::vector<std::string>{"durationSec"});
  CHECK(m.series.at(handshakes_series).intervals()[1].counters[1] == 10);
  CHECK(m.series.at(handshakes_series).intervals()[1].latency->count() == 2);
  // A part that does not know its count makes the sum unknown, not too small.
  report unknown = b;
  unknown.connections_opened.reset();
  report m2 = a;
  REQUIRE(m2.merge(unknown));
  CHECK_FALSE(m2.connections_opened);

  // configUnused must name distinct keys of config.
  CHECK(parse_error(replace_once(text, R"("durationSec"
  ])",
                                 R"("noSuchKey"
  ])"))
            .find("configUnused") == 0);
  CHECK(parse_error(replace_once(text, R"("opened": 10)", R"("opened": -1)"))
            .find("results.connections.opened") == 0);
}
