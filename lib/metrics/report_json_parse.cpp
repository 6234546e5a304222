// parse_report(): the inverse of to_json(). Reads measured data only (counts, durations,
// histograms, series, errors); derived figures are recomputed, so they are not read back.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "metrics/iso_time_impl.hpp"
#include "metrics/report_sections_impl.hpp"
#include "relayload/error.hpp"
#include "relayload/metrics/report_json.hpp"
#include "relayload/metrics/slo.hpp"

namespace relayload::metrics {

namespace {

using json = rapidjson::Value;

class report_parser {
 public:
  explicit report_parser(const report_parse_options& options) : options_(options) {}

  const std::string& error() const noexcept { return error_; }

  bool parse(std::string_view text, report& r) {
    rapidjson::Document doc;
    // Iterative parsing: deeply nested input cannot exhaust the stack. Full precision:
    // doubles read back exactly as written.
    doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag>(text.data(),
                                                                                   text.size());
    if (doc.HasParseError()) {
      return fail("", std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
                          " at offset " + std::to_string(doc.GetErrorOffset()));
    }
    if (!doc.IsObject()) return fail("", "the document is not a JSON object");
    return parse_document(doc, r, 0);
  }

 private:
  // One report object: the whole document, or (depth 1) one group of a workload report.
  bool parse_document(const json& doc, report& r, int depth) {
    const json* version = doc.FindMember("schemaVersion") != doc.MemberEnd()
                              ? &doc.FindMember("schemaVersion")->value
                              : nullptr;
    if (version == nullptr) {
      return fail("schemaVersion",
                  "missing: not a relayload report (the original tool's "
                  "documents carry no histograms and cannot be merged)");
    }
    if (!version->IsInt() || version->GetInt() != report_schema_version) {
      return fail("schemaVersion",
                  "unsupported version (expected " + std::to_string(report_schema_version) + ")");
    }
    if (!get_string(doc, "scenario", "", r.scenario) || !get_string(doc, "target", "", r.target) ||
        !get_time(doc, "timestamp", "", r.end_time) ||
        !get_time(doc, "startTime", "", r.start_time) || !get_bool(doc, "partial", "", r.partial) ||
        !get_u64(doc, "parts", "", r.parts)) {
      return false;
    }
    if (r.parts == 0) return fail("parts", "must be at least 1");
    if (member(doc, "ranks") != nullptr && !parse_ranks(doc, r.ranks)) return false;
    const json* config = object(doc, "config", "");
    if (config == nullptr || !parse_config(*config, r.config)) return false;
    // configUnused (optional, absent in older documents): distinct keys of config.
    if (member(doc, "configUnused") != nullptr) {
      if (!parse_names(doc, "configUnused", "", r.config_unused)) return false;
      std::set<std::string> seen;
      for (const std::string& k : r.config_unused) {
        if (r.config.find(k) == nullptr || !seen.insert(k).second) {
          return fail("configUnused", "expected distinct keys of config (\"" + k + "\")");
        }
      }
    }
    const json* results = object(doc, "results", "");
    if (results == nullptr || !parse_results(*results, r) || !parse_slos(doc, r)) return false;
    if (const json* groups = member(doc, "groups"); groups != nullptr) {
      if (depth > 0) return fail("groups", "groups do not nest");
      if (!groups->IsObject()) return fail("groups", "expected an object");
      for (auto it = groups->MemberBegin(); it != groups->MemberEnd(); ++it) {
        group_report g;
        g.name.assign(it->name.GetString(), it->name.GetStringLength());
        const bool valid_name =
            !g.name.empty() && g.name.size() <= 64 &&
            g.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
        if (!valid_name) return fail("groups", "'" + g.name + "' is not a group name ([a-z0-9-]+)");
        if (!it->value.IsObject()) return fail("groups." + g.name, "expected an object");
        if (!parse_document(it->value, g.result, depth + 1)) {
          error_ = "groups." + g.name + "." + error_;
          return false;
        }
        r.groups.push_back(std::move(g));
      }
    }
    if (const json* t = member(doc, "targetMetrics"); t != nullptr) {
      if (!t->IsObject()) return fail("targetMetrics", "expected an object");
      target_metrics out;
      if (!parse_target_metrics(*t, out)) return false;
      r.target_series = std::move(out);
    }
    if (const json* c = member(doc, "capacity"); c != nullptr) {
      if (!c->IsObject()) return fail("capacity", "expected an object");
      capacity_result out;
      if (!parse_capacity(*c, out)) return false;
      r.capacity = std::move(out);
    }
    return true;
  }

  bool get_number(const json& obj, const char* key, const std::string& path, double& out) {
    const json* v = required(obj, key, path);
    if (v == nullptr) return false;
    if (!v->IsNumber()) return fail(join(path, key), "expected a number");
    out = v->GetDouble();
    return true;
  }
  bool get_optional_number(const json& obj, const char* key, const std::string& path,
                           std::optional<double>& out) {
    const json* v = required(obj, key, path);
    if (v == nullptr) return false;
    if (v->IsNull()) {
      out.reset();
      return true;
    }
    double d = 0;
    if (!get_number(obj, key, path, d)) return false;
    out = d;
    return true;
  }
  bool parse_verdicts(const json& obj, const char* key, const std::string& path, bool brief,
                      std::vector<capacity_verdict>& out) {
    const json* a = array(obj, key, path);
    if (a == nullptr) return false;
    for (rapidjson::SizeType i = 0; i < a->Size(); ++i) {
      const std::string ep = join(path, key) + "[" + std::to_string(i) + "]";
      const json& e = (*a)[i];
      if (!e.IsObject()) return fail(ep, "expected an object");
      capacity_verdict v;
      if (!get_string(e, "expression", ep, v.expression) ||
          !get_string(e, "actual", ep, v.actual)) {
        return false;
      }
      if (!brief && (!get_optional_number(e, "value", ep, v.value) ||
                     !get_bool(e, "pass", ep, v.pass))) {
        return false;
      }
      out.push_back(std::move(v));
    }
    return true;
  }
  bool parse_capacity(const json& c, capacity_result& out) {
    const std::string p = "capacity";
    bool bound = false;
    if (!get_string(c, "parameter", p, out.parameter) || !get_string(c, "unit", p, out.unit) ||
        !get_optional_number(c, "lastPassing", p, out.last_passing) ||
        !get_optional_number(c, "firstFailing", p, out.first_failing) ||
        !parse_verdicts(c, "breached", p, true, out.breached) ||
        !get_bool(c, "generatorBound", p, bound) || !get_string(c, "verdict", p, out.verdict)) {
      return false;
    }
    out.generator_bound = bound;
    const json* steps = array(c, "steps", p);
    if (steps == nullptr) return false;
    for (rapidjson::SizeType i = 0; i < steps->Size(); ++i) {
      const std::string sp = "capacity.steps[" + std::to_string(i) + "]";
      const json& e = (*steps)[i];
      if (!e.IsObject()) return fail(sp, "expected an object");
      capacity_step s;
      std::int64_t start = 0, from = 0, end = 0;
      if (!get_number(e, "value", sp, s.value) || !get_i64(e, "startMs", sp, start) ||
          !get_i64(e, "measuredFromMs", sp, from) || !get_i64(e, "endMs", sp, end) ||
          !get_number(e, "achievedRate", sp, s.achieved_rate) ||
          !get_u64(e, "units", sp, s.units) || !get_bool(e, "pass", sp, s.pass) ||
          !parse_verdicts(e, "slo", sp, false, s.slo)) {
        return false;
      }
      s.start = std::chrono::milliseconds(start);
      s.measured_from = std::chrono::milliseconds(from);
      s.end = std::chrono::milliseconds(end);
      const json* g = object(e, "generator", sp);
      if (g == nullptr) return false;
      const std::string gp = sp + ".generator";
      generator_check& gc = s.generator;
      if (!get_number(*g, "cpuPercent", gp, gc.cpu_percent) ||
          !get_number(*g, "lagP99Ms", gp, gc.lag_p99_ms) ||
          !get_number(*g, "latenessP99Ms", gp, gc.lateness_p99_ms) ||
          !get_number(*g, "latenessLimitMs", gp, gc.lateness_limit_ms) ||
          !get_number(*g, "rssMb", gp, gc.rss_mb) || !get_bool(*g, "bound", gp, gc.bound) ||
          !get_string(*g, "reason", gp, gc.reason)) {
        return false;
      }
      out.steps.push_back(std::move(s));
    }
    return true;
  }

  // "targetMetrics" (optional): the scraped series and failures; "derived" is recomputed.
  bool parse_target_metrics(const json& t, target_metrics& out) {
    const std::string p = "targetMetrics";
    std::int64_t interval = 0;
    if (!get_string(t, "url", p, out.url) || !get_i64(t, "intervalMs", p, interval) ||
        !get_string(t, "messagesInMetric", p, out.messages_in_metric) ||
        !get_string(t, "messagesOutMetric", p, out.messages_out_metric)) {
      return false;
    }
    if (interval < 0) return fail(p + ".intervalMs", "must not be negative");
    out.interval = std::chrono::milliseconds(interval);
    const json* scrapes = object(t, "scrapes", p);
    if (scrapes == nullptr || !get_u64(*scrapes, "ok", p + ".scrapes", out.scrapes_ok)) {
      return false;
    }
    const json* failures = array(*scrapes, "failures", p + ".scrapes");
    if (failures == nullptr) return false;
    for (rapidjson::SizeType i = 0; i < failures->Size(); ++i) {
      const std::string fp = p + ".scrapes.failures[" + std::to_string(i) + "]";
      const json& e = (*failures)[i];
      if (!e.IsObject()) return fail(fp, "expected an object");
      scrape_failure f;
      if (!get_string(e, "cause", fp, f.cause) || !get_u64(e, "count", fp, f.count) ||
          !get_string(e, "last", fp, f.last)) {
        return false;
      }
      if (f.count == 0) return fail(fp + ".count", "must be at least 1");
      out.failures.push_back(std::move(f));
    }
    const json* samples = array(t, "samples", p);
    if (samples == nullptr) return false;
    for (rapidjson::SizeType i = 0; i < samples->Size(); ++i) {
      const std::string sp = p + ".samples[" + std::to_string(i) + "]";
      const json& e = (*samples)[i];
      if (!e.IsObject()) return fail(sp, "expected an object");
      target_sample s;
      std::int64_t offset = 0;
      if (!get_i64(e, "offsetMs", sp, offset) ||
          !get_optional_number(e, "cpuSeconds", sp, s.cpu_seconds) ||
          !get_optional_number(e, "residentBytes", sp, s.resident_bytes) ||
          !get_optional_number(e, "clients", sp, s.clients) ||
          !get_optional_number(e, "subscriptions", sp, s.subscriptions) ||
          !get_optional_number(e, "messagesIn", sp, s.messages_in) ||
          !get_optional_number(e, "messagesOut", sp, s.messages_out)) {
        return false;
      }
      s.offset = std::chrono::milliseconds(offset);
      if (!out.samples.empty() && s.offset < out.samples.back().offset) {
        return fail(sp + ".offsetMs", "samples must be in time order");
      }
      out.samples.push_back(s);
    }
    return true;
  }

  bool fail(const std::string& path, const std::string& what) {
    if (error_.empty()) error_ = path.empty() ? what : path + ": " + what;
    return false;
  }
  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  const json* member(const json& obj, const char* key) {
    const auto it = obj.FindMember(key);
    return it == obj.MemberEnd() ? nullptr : &it->value;
  }
  const json* required(const json& obj, const char* key, const std::string& path) {
    const json* v = member(obj, key);
    if (v == nullptr) fail(join(path, key), "missing");
    return v;
  }
  const json* object(const json& obj, const char* key, const std::string& path) {
    const json* v = required(obj, key, path);
    if (v != nullptr && !v->IsObject()) {
      fail(join(path, key), "expected an object");
      return nullptr;
    }
    return v;
  }
  const json* array(const json& obj, const char* key, const std::string& path) {
    const json* v = required(obj, key, path);
    if (v != nullptr && !v->IsArray()) {
      fail(join(path, key), "expected an array");
      return nullptr;
    }
    return v;
  }

  bool get_u64(const json& obj, const char* key, const std::string& path, std::uint64_t& out) {
    const json* v = required(obj, key, path);
    if (v == nullptr) return false;
    if (!v->IsUint64()) return fail(join(path, key), "expected a non-negative integer");
    out = v->GetUint64();
    return true;
  }
  bool get_i64(const json& obj, const char* key, const std::string& path, std::int64_t& out) {
    const json* v = required(obj, key, path);
    if (v == nullptr) return false;
    if (!v->IsInt64()) return fail(join(path, key), "expected an integer");
    out = v->GetInt64();
    return true;
  }
  bool get_bool(const json& obj, const char* key, const std::string& path, bool& out) {
    const json* v = required(obj, key, path);
    if (v == nullptr) return false;
    if (!v->IsBool()) return fail(join(path, key), "expected true or false");
    out = v->GetBool();
    return true;
  }
  bool get_string(const json& obj, const char* key, const std::string& path, std::string& out) {
    const json* v = required(obj, key, path);
    if (v == nullptr) return false;
    if (!v->IsString()) return fail(join(path, key), "expected a string");
    out.assign(v->GetString(), v->GetStringLength());
    return true;
  }
  // "ranks" (optional): [{rank, shardCount, host, ok, error}], distinct ranks of one count.
  bool parse_ranks(const json& doc, std::vector<rank_info>& out) {
    const json* a = array(doc, "ranks", "");
    if (a == nullptr) return false;
    for (rapidjson::SizeType i = 0; i < a->Size(); ++i) {
      const std::string ep = "ranks[" + std::to_string(i) + "]";
      const json& e = (*a)[i];
      if (!e.IsObject()) return fail(ep, "expected an object");
      std::uint64_t rank = 0, count = 0;
      rank_info k;
      if (!get_u64(e, "rank", ep, rank) || !get_u64(e, "shardCount", ep, count) ||
          !get_string(e, "host", ep, k.host) || !get_bool(e, "ok", ep, k.ok)) {
        return false;
      }
      if (count == 0 || count > std::numeric_limits<std::uint32_t>::max() || rank >= count) {
        return fail(ep, "rank must be below shardCount, and shardCount at least 1");
      }
      const json* err = required(e, "error", ep);
      if (err == nullptr) return false;
      if (err->IsString()) k.error.assign(err->GetString(), err->GetStringLength());
      else if (!err->IsNull()) return fail(join(ep, "error"), "expected a string or null");
      k.rank = static_cast<std::uint32_t>(rank);
      k.shard_count = static_cast<std::uint32_t>(count);
      if (!out.empty() && (k.shard_count != out.back().shard_count || k.rank <= out.back().rank)) {
        return fail(ep, "ranks must share one shardCount and be listed once, in rank order");
      }
      out.push_back(std::move(k));
    }
    return true;
  }

  bool get_time(const json& obj, const char* key, const std::string& path, report_time& out) {
    std::string s;
    if (!get_string(obj, key, path, s)) return false;
    const auto t = detail::parse_iso(s);
    if (!t)
      return fail(join(path, key), "expected an ISO-8601 UTC time like 2026-01-31T12:00:00.000Z");
    out = *t;
    return true;
  }
  // Seconds with millisecond digits (steadyMessaging's durationSeconds and interval).
  bool get_seconds(const json& obj, const char* key, const std::string& path,
                   std::chrono::milliseconds& out) {
    const json* v = required(obj, key, path);
    if (v == nullptr) return false;
    if (!v->IsNumber()) return fail(join(path, key), "expected a number of seconds");
    const double s = v->GetDouble();
    if (!(s >= 0.0) || s > 9.0e9) return fail(join(path, key), "expected seconds between 0 and 9e9");
    out = std::chrono::milliseconds(std::llround(s * 1e3));
    return true;
  }
  // Milliseconds with nanosecond digits, as to_json() writes durations.
  bool get_duration_ms(const json& obj, const char* key, const std::string& path,
                       std::chrono::nanoseconds& out) {
    const json* v = required(obj, key, path);
    if (v == nullptr) return false;
    if (!v->IsNumber()) return fail(join(path, key), "expected a number of milliseconds");
    const double ms = v->GetDouble();
    if (!(ms >= 0.0) || ms > 9.0e12) {
      return fail(join(path, key), "expected milliseconds between 0 and 9e12");
    }
    out = std::chrono::nanoseconds(std::llround(ms * 1e6));
    return true;
  }
  bool get_histogram(const json& v, const std::string& path, histogram& out) {
    if (!v.IsString()) return fail(path, "expected an encoded histogram string");
    auto h = histogram::decode(std::string_view(v.GetString(), v.GetStringLength()));
    if (!h) return fail(path, "corrupt histogram");
    used_buckets_ += h->layout().bucket_count();
    if (used_buckets_ > options_.max_total_buckets) {
      return fail(path, "the report's histograms exceed the bucket limit");
    }
    out = std::move(*h);
    return true;
  }
  bool get_histogram(const json& obj, const char* key, const std::string& path, histogram& out) {
    const json* v = required(obj, key, path);
    return v != nullptr && get_histogram(*v, join(path, key), out);
  }
  // Latency objects are derived; only their shape is checked.
  bool check_stats(const json& obj, const char* key, const std::string& path) {
    const json* v = required(obj, key, path);
    if (v == nullptr) return false;
    if (!v->IsNull() && !v->IsObject()) return fail(join(path, key), "expected an object or null");
    return true;
  }

  bool parse_config(const json& obj, config_map& out) {
    for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
      const std::string key(it->name.GetString(), it->name.GetStringLength());
      const std::string path = join("config", key);
      if (out.find(key) != nullptr) return fail(path, "defined twice");
      const json& v = it->value;
      if (v.IsNull()) {
        out.set(key, nullptr);
      } else if (v.IsBool()) {
        out.set(key, v.GetBool());
      } else if (v.IsInt64()) {
        out.set(key, v.GetInt64());
      } else if (v.IsDouble()) {
        out.set(key, v.GetDouble());
      } else if (v.IsString()) {
        out.set(key, std::string(v.GetString(), v.GetStringLength()));
      } else {
        return fail(path, "expected null, a boolean, a number (within 64-bit range) or a string");
      }
    }
    return true;
  }

  // results.handshake, .messages or .recovery (optional): the counts, then the latency
  // histogram; the rate and the latency's stats and detail are derived.
  template <class Section>
  bool parse_latency_section(const json& res, const std::string& path,
                             const detail::latency_section_format<Section>& format,
                             std::optional<Section>& out) {
    const json* s = member(res, format.name);
    if (s == nullptr) return true;
    const std::string sp = join(path, format.name);
    if (!s->IsObject()) return fail(sp, "expected an object");
    Section sec;
    for (const detail::count_key<Section>& c : format.counts) {
      if (!get_u64(*s, c.key, sp, sec.*c.value)) return false;
    }
    if (!check_stats(*s, detail::section_latency_keys.stats, sp) ||
        !get_histogram(*s, detail::section_latency_keys.encoded, sp, sec.latency)) {
      return false;
    }
    out = std::move(sec);
    return true;
  }

  bool parse_results(const json& res, report& r) {
    const std::string p = "results";
    const json* c = object(res, "connections", p);
    if (c == nullptr) return false;
    const std::string cp = join(p, "connections");
    if (!get_u64(*c, "attempted", cp, r.connections.attempted) ||
        !get_u64(*c, "successful", cp, r.connections.successful) ||
        !get_u64(*c, "failed", cp, r.connections.failed) ||
        !get_u64(*c, "immediate", cp, r.connections.immediate) ||
        !get_u64(*c, "recovered", cp, r.connections.recovered)) {
      return false;
    }
    if (member(*c, "opened") != nullptr) {  // optional: absent in older documents
      std::uint64_t opened = 0;
      if (!get_u64(*c, "opened", cp, opened)) return false;
      r.connections_opened = opened;
    }
    const json* timing = object(res, "timing", p);
    if (timing == nullptr ||
        !get_duration_ms(*timing, "totalTimeMs", join(p, "timing"), r.total_time)) {
      return false;
    }
    const json* retries = object(res, "retries", p);
    if (retries == nullptr ||
        !get_u64(*retries, "totalRetries", join(p, "retries"), r.total_retries)) {
      return false;
    }
    if (!check_stats(res, detail::connect_time_stats_keys.stats, p)) return false;
    if (member(res, detail::connect_time_keys.encoded) != nullptr) {
      histogram h;
      if (!get_histogram(res, detail::connect_time_keys.encoded, p, h)) return false;
      r.connect_time = std::move(h);
    }

    if (const json* s = member(res, "steadyState")) {
      const std::string sp = join(p, "steadyState");
      if (!s->IsObject()) return fail(sp, "expected an object");
      steady_state_section sec;
      if (!get_duration_ms(*s, "holdDurationMs", sp, sec.hold_duration) ||
          !get_u64(*s, "currentDisconnects", sp, sec.current_disconnects) ||
          !get_u64(*s, "peakDisconnects", sp, sec.peak_disconnects) ||
          !get_u64(*s, "reconnectsDuringHold", sp, sec.reconnects_during_hold) ||
          !get_u64(*s, "disconnectEvents", sp, sec.disconnect_events) ||
          !get_u64(*s, "droppedConnections", sp, sec.dropped_connections)) {
        return false;
      }
      r.steady_state = std::move(sec);
    }
    if (!parse_latency_section(res, p, detail::handshake_format, r.handshake) ||
        !parse_latency_section(res, p, detail::messages_format, r.messages) ||
        !parse_latency_section(res, p, detail::recovery_format, r.recovery)) {
      return false;
    }
    if (const json* s = member(res, "steadyMessaging")) {
      const std::string sp = join(p, "steadyMessaging");
      if (!s->IsObject()) return fail(sp, "expected an object");
      steady_messaging_section sec;
      const json* series = object(*s, "latencyOverTimeSeries", sp);
      if (!get_seconds(*s, "durationSeconds", sp, sec.duration) ||
          !get_seconds(*s, "messageIntervalSeconds", sp, sec.message_interval) ||
          !get_u64(*s, "disconnects", sp, sec.disconnects) || series == nullptr ||
          !parse_series(*series, join(sp, "latencyOverTimeSeries"), sec.latency_over_time)) {
        return false;
      }
      r.steady_messaging = std::move(sec);
    }

    const json* hs = object(res, "histograms", p);
    if (hs == nullptr) return false;
    for (auto it = hs->MemberBegin(); it != hs->MemberEnd(); ++it) {
      const std::string name(it->name.GetString(), it->name.GetStringLength());
      const std::string hp = join(join(p, "histograms"), name);
      if (!it->value.IsObject()) return fail(hp, "expected an object");
      histogram h;
      if (!get_histogram(it->value, detail::named_histogram_keys.encoded, hp, h)) return false;
      if (!r.histograms.emplace(name, std::move(h)).second) return fail(hp, "defined twice");
    }

    const json* counters = object(res, "counters", p);
    if (counters == nullptr) return false;
    for (auto it = counters->MemberBegin(); it != counters->MemberEnd(); ++it) {
      const std::string name(it->name.GetString(), it->name.GetStringLength());
      const std::string cp2 = join(join(p, "counters"), name);
      if (!it->value.IsUint64()) return fail(cp2, "expected a non-negative integer");
      if (r.counters.values().count(name) != 0) return fail(cp2, "defined twice");
      r.counters.add(name, it->value.GetUint64());
    }

    const json* errors = object(res, "errors", p);
    if (errors == nullptr || !parse_errors(*errors, join(p, "errors"), r.errors)) return false;

    const json* ts = object(res, "timeSeries", p);
    if (ts == nullptr) return false;
    for (auto it = ts->MemberBegin(); it != ts->MemberEnd(); ++it) {
      const std::string name(it->name.GetString(), it->name.GetStringLength());
      const std::string sp = join(join(p, "timeSeries"), name);
      if (!it->value.IsObject()) return fail(sp, "expected an object");
      time_series s;
      if (!parse_series(it->value, sp, s)) return false;
      if (!r.series.emplace(name, std::move(s)).second) return fail(sp, "defined twice");
    }
    return true;
  }

  bool parse_errors(const json& obj, const std::string& path, error_tally& out) {
    const json* causes = array(obj, "byCause", path);
    if (causes == nullptr) return false;
    std::set<std::pair<std::string, int>> seen;
    for (rapidjson::SizeType i = 0; i < causes->Size(); ++i) {
      const json& e = (*causes)[i];
      const std::string ep = join(path, "byCause[" + std::to_string(i) + "]");
      if (!e.IsObject()) return fail(ep, "expected an object");
      std::string cause, cls_name;
      std::uint64_t count = 0;
      if (!get_string(e, "cause", ep, cause) || !get_string(e, "condition", ep, cls_name) ||
          !get_u64(e, "count", ep, count)) {
        return false;
      }
      const auto cls = condition_from_string(cls_name);
      if (!cls) return fail(join(ep, "condition"), "unknown condition \"" + cls_name + "\"");
      if (count == 0) return fail(join(ep, "count"), "must be at least 1");
      if (!seen.emplace(cause, static_cast<int>(*cls)).second) {
        return fail(ep, "cause and condition listed twice");
      }
      out.add(cause, *cls, count);
    }
    return true;
  }

  bool parse_names(const json& obj, const char* key, const std::string& path,
                   std::vector<std::string>& out) {
    const json* a = array(obj, key, path);
    if (a == nullptr) return false;
    for (rapidjson::SizeType i = 0; i < a->Size(); ++i) {
      if (!(*a)[i].IsString()) return fail(join(path, key), "expected an array of strings");
      out.emplace_back((*a)[i].GetString(), (*a)[i].GetStringLength());
    }
    return true;
  }

  bool parse_series(const json& obj, const std::string& path, time_series& out) {
    time_series_options opt;
    std::int64_t interval = 0, digits = 0;
    const json* layout = object(obj, "layout", path);
    if (!get_i64(obj, "intervalNs", path, interval) || layout == nullptr ||
        !get_i64(*layout, "lowestNs", join(path, "layout"), opt.layout.lowest_discernible) ||
        !get_i64(*layout, "highestNs", join(path, "layout"), opt.layout.highest_trackable) ||
        !get_i64(*layout, "significantDigits", join(path, "layout"), digits) ||
        !parse_names(obj, "counters", path, opt.counters) ||
        !parse_names(obj, "gauges", path, opt.gauges)) {
      return false;
    }
    if (digits < 1 || digits > 5) return fail(join(path, "layout"), "invalid significantDigits");
    opt.interval = std::chrono::nanoseconds(interval);
    opt.layout.significant_digits = static_cast<int>(digits);
    if (const auto problems = opt.validate(); !problems.empty()) {
      return fail(path, problems.front());
    }
    time_series s(std::move(opt));
    std::uint64_t dropped = 0;
    if (!get_u64(obj, "dropped", path, dropped)) return false;
    s.set_dropped(dropped);

    const json* intervals = array(obj, "intervals", path);
    if (intervals == nullptr) return false;
    if (intervals->Size() > time_series::max_intervals) return fail(path, "too many intervals");
    for (rapidjson::SizeType i = 0; i < intervals->Size(); ++i) {
      const json& iv = (*intervals)[i];
      const std::string ip = join(path, "intervals[" + std::to_string(i) + "]");
      if (!iv.IsObject()) return fail(ip, "expected an object");
      interval_snapshot snap;
      if (!get_u64(iv, "index", ip, snap.index)) return false;
      if (snap.index != i) return fail(join(ip, "index"), "intervals must be numbered 0, 1, 2, …");
      const json* counts = array(iv, "counts", ip);
      const json* gauges = array(iv, "gauges", ip);
      const json* hist = required(iv, detail::interval_keys.encoded, ip);
      if (counts == nullptr || gauges == nullptr || hist == nullptr) return false;
      if (counts->Size() != s.options().counters.size() ||
          gauges->Size() != s.options().gauges.size()) {
        return fail(ip, "counts and gauges must match the series' names");
      }
      for (rapidjson::SizeType k = 0; k < counts->Size(); ++k) {
        if (!(*counts)[k].IsUint64())
          return fail(join(ip, "counts"), "expected non-negative integers");
        snap.counters.push_back((*counts)[k].GetUint64());
      }
      for (rapidjson::SizeType k = 0; k < gauges->Size(); ++k) {
        if (!(*gauges)[k].IsInt64()) return fail(join(ip, "gauges"), "expected integers");
        snap.gauges.push_back((*gauges)[k].GetInt64());
      }
      if (!hist->IsNull()) {
        histogram h;
        if (!get_histogram(*hist, join(ip, detail::interval_keys.encoded), h)) return false;
        snap.latency = std::move(h);
      }
      if (!s.append(std::move(snap))) {
        return fail(join(ip, detail::interval_keys.encoded),
                    "layout differs from the series' layout");
      }
    }
    out = std::move(s);
    return true;
  }

  // "slo": optional (older documents have none); only the expressions are read, the
  // verdicts are recomputed from the data.
  bool parse_slos(const json& doc, report& r) {
    const json* slo = member(doc, "slo");
    if (slo == nullptr) return true;
    if (!slo->IsArray()) return fail("slo", "expected an array");
    for (rapidjson::SizeType i = 0; i < slo->Size(); ++i) {
      const std::string path = "slo[" + std::to_string(i) + "]";
      if (!(*slo)[i].IsObject()) return fail(path, "expected an object");
      std::string text;
      if (!get_string((*slo)[i], "expression", path, text)) return false;
      std::string why;
      auto objective = parse_slo(text, &why);
      if (!objective) return fail(join(path, "expression"), why);
      r.slos.push_back(std::move(*objective));
    }
    return true;
  }

  report_parse_options options_;
  std::size_t used_buckets_ = 0;
  std::string error_;
};

}  // namespace

result<report> parse_report(std::string_view json_text, std::string* error_message,
                            const report_parse_options& options) {
  report_parser parser(options);
  report r;
  if (!parser.parse(json_text, r)) {
    if (error_message != nullptr) *error_message = parser.error();
    return unexpected(errc::corrupt_data);
  }
  if (error_message != nullptr) error_message->clear();
  return r;
}

}  // namespace relayload::metrics
