// parse_original_document(): the original Node tool's TestResults document
// (original-tool.md §4.1) read as figures, so that archives of it can serve as a baseline.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cmath>
#include <string>
#include <string_view>
#include <utility>

#include "metrics/iso_time_impl.hpp"
#include "relayload/error.hpp"
#include "relayload/metrics/compare.hpp"

namespace relayload::metrics {

namespace {

using json = rapidjson::Value;

constexpr const char* known_scenarios[] = {"connection-storm", "steady-state", "realistic-session",
                                           "async-delivery", "steady-messaging"};

// Standard error of a value rounded to whole milliseconds: uniform over ±0.5 ms.
constexpr double rounding_error_ns = 1e6 / 3.4641016151377544;  // 1 ms / √12

class original_parser {
 public:
  explicit original_parser(run_figures& figures) : out_(&figures) {}

  const std::string& error() const noexcept { return error_; }

  bool parse(std::string_view text, original_document& out) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag>(text.data(),
                                                                                   text.size());
    if (doc.HasParseError()) {
      return fail("", std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
                          " at offset " + std::to_string(doc.GetErrorOffset()));
    }
    if (!doc.IsObject()) return fail("", "the document is not a JSON object");
    if (doc.HasMember("schemaVersion")) {
      return fail("schemaVersion", "present: this is a relayload report, not an original one");
    }
    if (!string_of(doc, "scenario", out.scenario) || !string_of(doc, "target", out.target)) {
      return false;
    }
    bool known = false;
    for (const char* s : known_scenarios) known = known || out.scenario == s;
    if (!known) return fail("scenario", "'" + out.scenario + "' is not one of the original tool's");
    std::string timestamp;
    if (!string_of(doc, "timestamp", timestamp)) return false;
    const auto when = detail::parse_iso(timestamp);
    if (!when) return fail("timestamp", "'" + timestamp + "' is not an ISO-8601 UTC time");
    out.end_time = *when;

    const auto config = doc.FindMember("config");
    if (config == doc.MemberEnd() || !config->value.IsObject()) {
      return fail("config", "missing or not an object");
    }
    for (const auto& m : config->value.GetObject()) {
      const std::string key = m.name.GetString();
      if (m.value.IsNull()) {
        return fail("config." + key, "null (the original tool writes NaN as null: the run "
                                     "was given a value that is not a number)");
      }
      if (m.value.IsBool()) {
        out.config.set(key, m.value.GetBool());
      } else if (m.value.IsInt64()) {
        out.config.set(key, m.value.GetInt64());
      } else if (m.value.IsNumber()) {
        out.config.set(key, m.value.GetDouble());
      } else if (m.value.IsString()) {
        out.config.set(key, std::string(m.value.GetString()));
      } else {
        return fail("config." + key, "not a number, string or boolean");
      }
    }

    const json* results = object(doc, "results", "");
    if (results == nullptr) return false;
    run_figures& f = out.figures;
    f.origin = run_origin::original_tool;
    f.scenario = out.scenario;
    f.target = out.target;
    f.end_time = out.end_time;
    f.config = out.config;

    // results.connections (always).
    const json* c = object(*results, "connections", "results.");
    if (c == nullptr) return false;
    double attempted = 0, successful = 0;
    if (!count(*c, "results.connections.", "attempted", "connections.attempted", &attempted) ||
        !count(*c, "results.connections.", "successful", "connections.successful", &successful) ||
        !count(*c, "results.connections.", "failed", "connections.failed") ||
        !count(*c, "results.connections.", "immediate", "connections.immediate") ||
        !count(*c, "results.connections.", "recovered", "connections.recovered")) {
      return false;
    }
    if (attempted > 0) {
      add("connections.successRate", slo_field_kind::percent, successful / attempted * 100.0);
    }
    if (const json* t = optional_object(*results, "timing")) {
      double per_sec = 0;
      if (!number(*t, "results.timing.", "connectionsPerSec", &per_sec)) return false;
      add("timing.connectionsPerSec", slo_field_kind::number, per_sec);
    }
    if (const json* r = optional_object(*results, "retries")) {
      double total = 0, avg = 0;
      if (!number(*r, "results.retries.", "totalRetries", &total) ||
          !number(*r, "results.retries.", "avgRetriesPerConnection", &avg)) {
        return false;
      }
      add("retries.totalRetries", slo_field_kind::count, total);
      if (attempted > 0) add("retries.avgRetriesPerConnection", slo_field_kind::number, avg);
    }
    if (!latency(*results, "results.", "connectTime", "connectTime.")) return false;
    if (const json* s = optional_object(*results, "steadyState")) {
      const std::string p = "results.steadyState.";
      if (!count(*s, p, "currentDisconnects", "steadyState.currentDisconnects") ||
          !count(*s, p, "peakDisconnects", "steadyState.peakDisconnects")) {
        return false;
      }
      double stability = 0;
      if (!number(*s, p, "connectionStability", &stability)) return false;
      if (successful > 0) add("steadyState.connectionStability", slo_field_kind::percent, stability);
    }
    for (const char* section : {"handshake", "messages", "recovery"}) {
      const json* s = optional_object(*results, section);
      if (s == nullptr) continue;
      const std::string name = section;
      const std::string p = "results." + name + ".";
      const bool messages = name == "messages";
      const char* first = messages ? "sent" : "attempted";
      const char* second = name == "handshake" ? "successful" : "received";
      double whole = 0, part = 0;
      if (!count(*s, p, first, name + "." + first, &whole) ||
          !count(*s, p, second, name + "." + second, &part) ||
          !count(*s, p, "failed", name + ".failed")) {
        return false;
      }
      const char* rate = name == "handshake" ? ".successRate" : ".deliveryRate";
      if (whole > 0) add(name + rate, slo_field_kind::percent, part / whole * 100.0);
      if (!latency(*s, p, "latency", name + ".latency.")) return false;
    }
    if (const json* s = optional_object(*results, "steadyMessaging")) {
      const std::string p = "results.steadyMessaging.";
      if (!count(*s, p, "disconnects", "steadyMessaging.disconnects")) return false;
      const auto over = s->FindMember("latencyOverTime");
      if (over != s->MemberEnd()) {
        if (!over->value.IsArray()) return fail(p + "latencyOverTime", "not an array");
        for (const auto& point : over->value.GetArray()) {
          if (!point.IsObject()) return fail(p + "latencyOverTime[]", "not an object");
          latency_point lp;
          double ts = 0, exchanges = 0;
          const std::string q = p + "latencyOverTime[].";
          if (!number(point, q, "timestampMs", &ts) || !number(point, q, "p50", &lp.p50) ||
              !number(point, q, "p99", &lp.p99) || !number(point, q, "exchanges", &exchanges)) {
            return false;
          }
          lp.timestamp_ms = static_cast<std::int64_t>(ts);
          lp.exchanges = static_cast<std::uint64_t>(exchanges);
          out.latency_over_time.push_back(lp);
        }
      }
    }
    return true;
  }

 private:
  bool fail(const std::string& where, const std::string& what) {
    error_ = where.empty() ? what : where + ": " + what;
    return false;
  }

  const json* object(const json& parent, const char* name, const std::string& prefix) {
    const auto it = parent.FindMember(name);
    if (it == parent.MemberEnd()) {
      fail(prefix + name, "missing (an original-tool document always has it)");
      return nullptr;
    }
    if (!it->value.IsObject()) {
      fail(prefix + name, "not an object");
      return nullptr;
    }
    return &it->value;
  }

  static const json* optional_object(const json& parent, const char* name) {
    const auto it = parent.FindMember(name);
    if (it == parent.MemberEnd() || !it->value.IsObject()) return nullptr;
    return &it->value;
  }

  bool string_of(const json& parent, const char* name, std::string& out) {
    const auto it = parent.FindMember(name);
    if (it == parent.MemberEnd()) return fail(name, "missing");
    if (!it->value.IsString()) return fail(name, "not a string");
    out = it->value.GetString();
    return true;
  }

  bool number(const json& parent, const std::string& prefix, const char* name, double* out) {
    const auto it = parent.FindMember(name);
    if (it == parent.MemberEnd()) return fail(prefix + name, "missing");
    if (it->value.IsNull()) {
      return fail(prefix + name, "null (the original tool writes NaN as null: the run was "
                                 "given a value that is not a number)");
    }
    if (!it->value.IsNumber()) return fail(prefix + name, "not a number");
    const double v = it->value.GetDouble();
    if (!std::isfinite(v)) return fail(prefix + name, "not a finite number");
    *out = v;
    return true;
  }

  bool count(const json& parent, const std::string& prefix, const char* name,
             const std::string& field, double* out = nullptr) {
    double v = 0;
    if (!number(parent, prefix, name, &v)) return false;
    if (v < 0 || v != std::floor(v)) return fail(prefix + name, "not a whole, non-negative count");
    add(field, slo_field_kind::count, v);
    if (out != nullptr) *out = v;
    return true;
  }

  // A LatencyStats object (min, max, avg, p50, p95, p99 in whole ms) or null.
  bool latency(const json& parent, const std::string& prefix, const char* name,
               const std::string& field_prefix) {
    const auto it = parent.FindMember(name);
    if (it == parent.MemberEnd() || it->value.IsNull()) return true;
    if (!it->value.IsObject()) return fail(prefix + name, "neither a latency object nor null");
    const std::string p = prefix + name + ".";
    for (const char* stat : {"min", "avg", "p50", "p95", "p99", "max"}) {
      double ms = 0;
      if (!number(it->value, p, stat, &ms)) return false;
      if (ms < 0) return fail(p + stat, "negative");
      run_figure f;
      f.field = field_prefix + stat;
      f.kind = slo_field_kind::duration;
      f.value = ms * 1e6;
      f.error = rounding_error_ns;
      out_->figures.push_back(std::move(f));
    }
    return true;
  }

  void add(const std::string& field, slo_field_kind kind, double value) {
    run_figure f;
    f.field = field;
    f.kind = kind;
    f.value = value;
    out_->figures.push_back(std::move(f));
  }

  run_figures* out_;
  std::string error_;
};

}  // namespace

bool is_original_document(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject() || doc.HasMember("schemaVersion")) return false;
  const auto results = doc.FindMember("results");
  return results != doc.MemberEnd() && results->value.IsObject() &&
         results->value.HasMember("connections");
}

result<original_document> parse_original_document(std::string_view json_text,
                                                  std::string* error_message) {
  original_document doc;
  original_parser parser(doc.figures);
  if (!parser.parse(json_text, doc)) {
    if (error_message != nullptr) *error_message = parser.error();
    return unexpected(errc::invalid_argument);
  }
  if (error_message != nullptr) error_message->clear();
  return doc;
}

}  // namespace relayload::metrics
