// to_json(report): renders only; every figure comes from the report's data or from the
// arithmetic in report.cpp / latency_stats.cpp.
#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/storm_summary.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "metrics/iso_time_impl.hpp"
#include "metrics/report_sections_impl.hpp"
#include "relayload/metrics/latency_stats.hpp"
#include "relayload/metrics/latency_summary.hpp"
#include "relayload/metrics/slo.hpp"

namespace relayload::metrics {

namespace {

class json_out {
 public:
  json_out() : w_(buf_) { w_.SetIndent(' ', 2); }

  std::string take() { return std::string(buf_.GetString(), buf_.GetSize()); }

  json_out& key(std::string_view k) {
    w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    return *this;
  }
  void string(std::string_view s) {
    w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  }
  void null() { w_.Null(); }
  void boolean(bool b) { w_.Bool(b); }
  void u64(std::uint64_t v) { w_.Uint64(v); }
  void i64(std::int64_t v) { w_.Int64(v); }
  /// A number as JavaScript's JSON.stringify writes it: whole values without ".0";
  /// non-finite values (which JSON cannot hold) as null, as the original tool did.
  void number(double v) {
    if (!std::isfinite(v)) {
      w_.Null();
    } else if (std::trunc(v) == v && std::fabs(v) < 9.0e15) {
      w_.Int64(static_cast<std::int64_t>(v));
    } else {
      w_.Double(v);
    }
  }
  /// A double that must parse back as a double: keeps its fraction ("5.0").
  void real(double v) {
    if (std::isfinite(v)) {
      w_.Double(v);
    } else {
      w_.Null();
    }
  }
  void duration_ms(std::chrono::nanoseconds d) { number(static_cast<double>(d.count()) / 1e6); }
  void begin_object() { w_.StartObject(); }
  void end_object() { w_.EndObject(); }
  void begin_array() { w_.StartArray(); }
  void end_array() { w_.EndArray(); }

 private:
  rapidjson::StringBuffer buf_;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w_;
};

void write_latency_stats(json_out& o, const histogram& h) {
  const std::optional<latency_stats> s = latency_stats::from(h);
  if (!s) {
    o.null();
    return;
  }
  o.begin_object();
  o.key("min").i64(s->min);
  o.key("max").i64(s->max);
  o.key("avg").i64(s->avg);
  o.key("p50").i64(s->p50);
  o.key("p95").i64(s->p95);
  o.key("p99").i64(s->p99);
  o.end_object();
}

void write_latency_summary(json_out& o, const histogram& h) {
  const std::optional<latency_summary> s = latency_summary::from(h);
  if (!s) {
    o.null();
    return;
  }
  const auto us = [](std::int64_t ns) { return static_cast<double>(ns) / 1e3; };
  o.begin_object();
  o.key("count").u64(s->count);
  o.key("minUs").number(us(s->min));
  o.key("meanUs").number(s->mean / 1e3);
  o.key("p50Us").number(us(s->p50));
  o.key("p90Us").number(us(s->p90));
  o.key("p95Us").number(us(s->p95));
  o.key("p99Us").number(us(s->p99));
  o.key("p999Us").number(us(s->p999));
  o.key("maxUs").number(us(s->max));
  o.key("underflow").u64(s->underflow);
  o.key("overflow").u64(s->overflow);
  o.end_object();
}

// Every histogram of the document goes through here: under each of `keys`, its stats, its
// summary and its encoding; null under each without a histogram.
void write_histogram(json_out& o, const detail::histogram_keys& keys, const histogram* h) {
  if (h == nullptr) {
    for (const char* key : {keys.stats, keys.detail, keys.encoded}) {
      if (key != nullptr) o.key(key).null();
    }
    return;
  }
  if (keys.stats != nullptr) {
    o.key(keys.stats);
    write_latency_stats(o, *h);
  }
  if (keys.detail != nullptr) {
    o.key(keys.detail);
    write_latency_summary(o, *h);
  }
  if (keys.encoded != nullptr) o.key(keys.encoded).string(h->encode());
}

// results.handshake, .messages and .recovery.
template <class Section>
void write_latency_section(json_out& o, const detail::latency_section_format<Section>& format,
                           const Section& s) {
  o.key(format.name).begin_object();
  for (const detail::count_key<Section>& c : format.counts) o.key(c.key).u64(s.*c.value);
  o.key(format.rate_key).number((s.*format.rate)());
  write_histogram(o, detail::section_latency_keys, &s.latency);
  o.end_object();
}

void write_layout(json_out& o, const histogram_layout& l) {
  o.begin_object();
  o.key("lowestNs").i64(l.lowest_discernible);
  o.key("highestNs").i64(l.highest_trackable);
  o.key("significantDigits").i64(l.significant_digits);
  o.end_object();
}

void write_series(json_out& o, const time_series& s) {
  const time_series_options& opt = s.options();
  o.begin_object();
  o.key("intervalNs").i64(static_cast<std::int64_t>(opt.interval.count()));
  o.key("layout");
  write_layout(o, opt.layout);
  o.key("counters").begin_array();
  for (const std::string& n : opt.counters) o.string(n);
  o.end_array();
  o.key("gauges").begin_array();
  for (const std::string& n : opt.gauges) o.string(n);
  o.end_array();
  o.key("dropped").u64(s.dropped());
  o.key("intervals").begin_array();
  for (const interval_snapshot& snap : s.intervals()) {
    o.begin_object();
    o.key("index").u64(snap.index);
    o.key("startMs").duration_ms(s.start_of(snap.index));
    o.key("counts").begin_array();
    for (const std::uint64_t c : snap.counters) o.u64(c);
    o.end_array();
    o.key("gauges").begin_array();
    for (const std::int64_t g : snap.gauges) o.i64(g);
    o.end_array();
    write_histogram(o, detail::interval_keys, snap.latency ? &*snap.latency : nullptr);
    o.end_object();
  }
  o.end_array();
  o.end_object();
}

void write_config(json_out& o, const config_map& config) {
  o.begin_object();
  for (const auto& [k, v] : config.entries()) {
    o.key(k);
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) {
            o.null();
          } else if constexpr (std::is_same_v<T, bool>) {
            o.boolean(x);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            o.i64(x);
          } else if constexpr (std::is_same_v<T, double>) {
            o.real(x);
          } else {
            o.string(x);
          }
        },
        v);
  }
  o.end_object();
}

void write_results(json_out& o, const report& r) {
  o.begin_object();
  o.key("connections").begin_object();
  o.key("attempted").u64(r.connections.attempted);
  o.key("successful").u64(r.connections.successful);
  o.key("failed").u64(r.connections.failed);
  o.key("successRate").number(r.connections.success_rate());
  o.key("immediate").u64(r.connections.immediate);
  o.key("recovered").u64(r.connections.recovered);
  if (r.connections_opened) o.key("opened").u64(*r.connections_opened);
  o.end_object();

  o.key("timing").begin_object();
  o.key("totalTimeMs").duration_ms(r.total_time);
  o.key("connectionsPerSec").number(r.connections_per_sec());
  o.end_object();

  write_histogram(o, detail::connect_time_stats_keys, r.connect_time ? &*r.connect_time : nullptr);

  o.key("retries").begin_object();
  o.key("totalRetries").u64(r.total_retries);
  o.key("avgRetriesPerConnection").number(r.avg_retries_per_connection());
  o.end_object();

  if (r.steady_state) {
    const steady_state_section& s = *r.steady_state;
    o.key("steadyState").begin_object();
    o.key("holdDurationMs").duration_ms(s.hold_duration);
    o.key("currentDisconnects").u64(s.current_disconnects);
    o.key("peakDisconnects").u64(s.peak_disconnects);
    o.key("reconnectsDuringHold").u64(s.reconnects_during_hold);
    o.key("connectionStability").number(r.connection_stability());
    o.key("disconnectEvents").u64(s.disconnect_events);
    o.key("droppedConnections").u64(s.dropped_connections);
    o.end_object();
  }
  if (r.handshake) write_latency_section(o, detail::handshake_format, *r.handshake);
  if (r.messages) write_latency_section(o, detail::messages_format, *r.messages);
  if (r.recovery) write_latency_section(o, detail::recovery_format, *r.recovery);
  if (r.steady_messaging) {
    const steady_messaging_section& s = *r.steady_messaging;
    o.key("steadyMessaging").begin_object();
    o.key("durationSeconds").number(static_cast<double>(s.duration.count()) / 1000.0);
    o.key("messageIntervalSeconds").number(static_cast<double>(s.message_interval.count()) / 1000.0);
    o.key("disconnects").u64(s.disconnects);
    o.key("latencyOverTime").begin_array();
    for (const latency_point& p : latency_over_time(s.latency_over_time)) {
      o.begin_object();
      o.key("timestampMs").i64(p.timestamp_ms);
      o.key("p50").number(p.p50);
      o.key("p99").number(p.p99);
      o.key("exchanges").u64(p.exchanges);
      o.end_object();
    }
    o.end_array();
    o.key("latencyOverTimeSeries");
    write_series(o, s.latency_over_time);
    o.end_object();
  }

  if (const auto st = storm_summary::of(r)) {
    // Derived from counters and the recovery histogram (not read back by the parser).
    const auto ms = [&o](const std::optional<std::chrono::nanoseconds>& t) {
      if (t) o.duration_ms(*t);
      else o.null();
    };
    o.key("reconnectStorm").begin_object();
    o.key("held").u64(st->held);
    o.key("back").u64(st->back);
    o.key("neverRecovered").u64(st->never_recovered);
    o.key("timeTo50PctMs");
    ms(st->time_to_50);
    o.key("timeTo95PctMs");
    ms(st->time_to_95);
    o.key("timeTo100PctMs");
    ms(st->time_to_100);
    o.key("recoveredStreams").u64(st->recovered_streams);
    o.key("recoveryFailed").u64(st->recovery_failed);
    if (st->pairs) {
      o.key("messages").begin_object();
      o.key("published").u64(st->published);
      o.key("publishedDuringOutage").u64(st->published_during_outage);
      o.key("publishFailed").u64(st->publish_failed);
      o.key("received").u64(st->received);
      o.key("receivedByRecovery").u64(st->received_by_recovery);
      o.key("receivedLive").u64(st->received_live);
      o.key("lost").u64(st->lost);
      o.key("duplicates").u64(st->duplicates);
      o.end_object();
    }
    o.end_object();
  }

  if (r.connect_time) write_histogram(o, detail::connect_time_keys, &*r.connect_time);
  o.key("histograms").begin_object();
  for (const auto& [name, h] : r.histograms) {
    o.key(name).begin_object();
    write_histogram(o, detail::named_histogram_keys, &h);
    o.end_object();
  }
  o.end_object();

  o.key("counters").begin_object();
  for (const auto& [name, v] : r.counters.values()) o.key(name).u64(v);
  o.end_object();

  o.key("errors").begin_object();
  o.key("total").u64(r.errors.total());
  o.key("byCondition").begin_object();
  for (const auto& [cls, n] : r.errors.by_condition()) o.key(to_string(cls)).u64(n);
  o.end_object();
  o.key("byCause").begin_array();
  for (const error_tally::entry& e : r.errors.entries()) {
    o.begin_object();
    o.key("cause").string(e.cause);
    o.key("condition").string(to_string(e.cls));
    o.key("count").u64(e.count);
    o.end_object();
  }
  o.end_array();
  o.end_object();

  o.key("timeSeries").begin_object();
  for (const auto& [name, s] : r.series) {
    o.key(name);
    write_series(o, s);
  }
  o.end_object();
  o.end_object();
}

void write_verdicts(json_out& o, const std::vector<capacity_verdict>& verdicts, bool brief) {
  o.begin_array();
  for (const capacity_verdict& v : verdicts) {
    o.begin_object();
    o.key("expression").string(v.expression);
    o.key("actual").string(v.actual);
    if (!brief) {
      o.key("value");
      if (v.value) o.number(*v.value);
      else o.null();
      o.key("pass").boolean(v.pass);
    }
    o.end_object();
  }
  o.end_array();
}

void write_capacity(json_out& o, const capacity_result& c) {
  const auto optional_number = [&o](const std::optional<double>& v) {
    if (v) o.number(*v);
    else o.null();
  };
  o.begin_object();
  o.key("parameter").string(c.parameter);
  o.key("unit").string(c.unit);
  o.key("lastPassing");
  optional_number(c.last_passing);
  o.key("firstFailing");
  optional_number(c.first_failing);
  o.key("breached");
  write_verdicts(o, c.breached, true);
  o.key("generatorBound").boolean(c.generator_bound);
  o.key("verdict").string(c.verdict);
  o.key("steps").begin_array();
  for (const capacity_step& s : c.steps) {
    o.begin_object();
    o.key("value").number(s.value);
    o.key("startMs").i64(s.start.count());
    o.key("measuredFromMs").i64(s.measured_from.count());
    o.key("endMs").i64(s.end.count());
    o.key("achievedRate").number(s.achieved_rate);
    o.key("units").u64(s.units);
    o.key("pass").boolean(s.pass);
    o.key("slo");
    write_verdicts(o, s.slo, false);
    const generator_check& g = s.generator;
    o.key("generator").begin_object();
    o.key("cpuPercent").number(g.cpu_percent);
    o.key("lagP99Ms").number(g.lag_p99_ms);
    o.key("latenessP99Ms").number(g.lateness_p99_ms);
    o.key("latenessLimitMs").number(g.lateness_limit_ms);
    o.key("rssMb").number(g.rss_mb);
    o.key("bound").boolean(g.bound);
    o.key("reason").string(g.reason);
    o.end_object();
    o.end_object();
  }
  o.end_array();
  o.end_object();
}

// targetMetrics: the target relay's series as scraped (read back by the parser) and the
// figures derived from them under "derived" (not read back).
void write_target_metrics(json_out& o, const target_metrics& t) {
  const auto optional_number = [&o](const std::optional<double>& v) {
    if (v)
      o.number(*v);
    else
      o.null();
  };
  o.begin_object();
  o.key("url").string(t.url);
  o.key("intervalMs").i64(t.interval.count());
  o.key("scrapes").begin_object();
  o.key("ok").u64(t.scrapes_ok);
  o.key("failed").u64(t.scrapes_failed());
  o.key("failures").begin_array();
  for (const scrape_failure& f : t.failures) {
    o.begin_object();
    o.key("cause").string(f.cause);
    o.key("count").u64(f.count);
    o.key("last").string(f.last);
    o.end_object();
  }
  o.end_array();
  o.end_object();
  o.key("messagesInMetric").string(t.messages_in_metric);
  o.key("messagesOutMetric").string(t.messages_out_metric);
  o.key("samples").begin_array();
  for (const target_sample& s : t.samples) {
    o.begin_object();
    o.key("offsetMs").i64(s.offset.count());
    o.key("cpuSeconds");
    optional_number(s.cpu_seconds);
    o.key("residentBytes");
    optional_number(s.resident_bytes);
    o.key("clients");
    optional_number(s.clients);
    o.key("subscriptions");
    optional_number(s.subscriptions);
    o.key("messagesIn");
    optional_number(s.messages_in);
    o.key("messagesOut");
    optional_number(s.messages_out);
    o.end_object();
  }
  o.end_array();
  const auto scaled = [](const std::optional<double>& v, double by) -> std::optional<double> {
    if (v) return *v * by;
    return std::nullopt;
  };
  o.key("derived").begin_object();
  o.key("cpuSeconds");
  optional_number(t.cpu_seconds_used());
  o.key("peakClients");
  optional_number(t.peak_clients());
  o.key("peakSubscriptions");
  optional_number(t.peak_subscriptions());
  o.key("peakResidentBytes");
  optional_number(t.peak_resident_bytes());
  o.key("messagesIn");
  optional_number(t.messages_in_total());
  o.key("messagesOut");
  optional_number(t.messages_out_total());
  o.key("cpuPerConnectionUs");
  optional_number(scaled(t.cpu_per_connection(), 1e6));
  o.key("cpuPerMessageUs");
  optional_number(scaled(t.cpu_per_message(), 1e6));
  o.end_object();
  o.end_object();
}

void write_document(json_out& o, const report& r) {
  o.begin_object();
  o.key("scenario").string(r.scenario);
  o.key("timestamp").string(detail::format_iso(r.end_time));
  o.key("target").string(r.target);
  o.key("config");
  write_config(o, r.config);
  if (!r.config_unused.empty()) {
    o.key("configUnused").begin_array();
    for (const std::string& k : r.config_unused) o.string(k);
    o.end_array();
  }
  o.key("results");
  write_results(o, r);
  if (!r.groups.empty()) {
    o.key("groups").begin_object();
    for (const group_report& g : r.groups) {
      o.key(g.name);
      write_document(o, g.result);
    }
    o.end_object();
  }
  if (r.capacity) {
    o.key("capacity");
    write_capacity(o, *r.capacity);
  }
  if (r.target_series) {
    o.key("targetMetrics");
    write_target_metrics(o, *r.target_series);
  }
  o.key("schemaVersion").i64(report_schema_version);
  o.key("partial").boolean(r.partial);
  o.key("parts").u64(r.parts);
  o.key("startTime").string(detail::format_iso(r.start_time));
  if (!r.ranks.empty()) {
    o.key("ranks").begin_array();
    for (const rank_info& k : r.ranks) {
      o.begin_object();
      o.key("rank").u64(k.rank);
      o.key("shardCount").u64(k.shard_count);
      o.key("host").string(k.host);
      o.key("ok").boolean(k.ok);
      o.key("error");
      if (k.error.empty()) o.null();
      else o.string(k.error);
      o.end_object();
    }
    o.end_array();
  }
  // SLO verdicts, recomputed from the data on every write (parse_report reads back only
  // the expressions); absent when the report carries no objectives.
  if (!r.slos.empty()) {
    o.key("slo").begin_array();
    for (const slo_verdict& v : evaluate_slos(r)) {
      o.begin_object();
      o.key("expression").string(v.expression);
      o.key("actual").string(v.actual);
      o.key("value");
      if (v.value) o.number(*v.value);
      else o.null();
      o.key("pass").boolean(v.pass);
      o.end_object();
    }
    o.end_array();
  }
  o.end_object();
}

}  // namespace

std::string to_json(const report& r) {
  json_out o;
  write_document(o, r);
  return o.take();
}

}  // namespace relayload::metrics
