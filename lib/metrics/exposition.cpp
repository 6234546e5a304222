#include "relayload/metrics/exposition.hpp"

#include <fmt/format.h>
#include <cmath>

#include "relayload/metrics/report.hpp"

namespace relayload::metrics {

namespace {

// The shortest text that reads back to the same double, in the spellings Prometheus parses.
std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

void escape_into(std::string& out, std::string_view text, bool quote) {
  for (const char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quote)
      out += "\\\"";
    else
      out += c;
  }
}

const char* type_name(metric_type t) {
  switch (t) {
    case metric_type::counter:
      return "counter";
    case metric_type::histogram:
      return "histogram";
    case metric_type::gauge:
      break;
  }
  return "gauge";
}

metric_labels with(const metric_labels& base, std::string name, std::string value) {
  metric_labels l = base;
  l.emplace_back(std::move(name), std::move(value));
  return l;
}

double u(std::uint64_t v) { return static_cast<double>(v); }

// The level of a gauge at the end of the last interval of a series, if it has one.
const std::int64_t* last_gauge(const report& r, std::string_view series, std::string_view gauge) {
  const auto it = r.series.find(series);
  if (it == r.series.end() || it->second.intervals().empty()) return nullptr;
  const auto id = it->second.gauge_id(gauge);
  if (!id) return nullptr;
  const auto& last = it->second.intervals().back();
  return *id < last.gauges.size() ? &last.gauges[*id] : nullptr;
}

void add_one(exposition& e, const report& r, const metric_labels& l) {
  const auto& bounds = latency_bucket_bounds();
  const auto& c = r.connections;
  const char* unit = r.counts_pairs() ? "session pairs" : "connections";
  e.add_counter(
      "relayload_connects_attempted",
      fmt::format("Connects attempted ({}; a unit counts once however often it retries)", unit), l,
      u(c.attempted));
  e.add_counter("relayload_connects_succeeded", fmt::format("Connects that succeeded ({})", unit),
                l, u(c.successful));
  e.add_counter("relayload_connects_failed", fmt::format("Connects that failed ({})", unit), l,
                u(c.failed));
  e.add_counter("relayload_connect_retries", "Connect attempts after the first", l,
                u(r.total_retries));
  if (const std::int64_t* active = last_gauge(r, connections_series, "active")) {
    e.add_gauge("relayload_connections_active",
                "Open WebSocket connections (both sides of session pairs)", l,
                static_cast<double>(*active));
  }
  if (const std::int64_t* down = last_gauge(r, connections_series, "down")) {
    e.add_gauge("relayload_connections_down", "Connections lost and not (yet) back", l,
                static_cast<double>(*down));
  }
  for (const auto& entry : r.errors.entries()) {
    e.add_counter(
        "relayload_errors", "Failures by cause and condition",
        with(with(l, "cause", entry.cause), "condition", std::string(to_string(entry.cls))),
        u(entry.count));
  }
  if (r.counters.values().count("sessions.active") != 0) {
    e.add_gauge("relayload_sessions_active",
                "MWP sessions up: handshake completed and the pair still connected", l,
                static_cast<double>(r.counters.get("sessions.active")));
  }
  if (r.handshake) {
    const auto& h = *r.handshake;
    e.add_counter("relayload_handshakes_started", "MWP handshakes started", l, u(h.attempted));
    e.add_counter("relayload_handshakes_completed", "MWP handshakes completed", l, u(h.successful));
    e.add_counter("relayload_handshakes_failed", "MWP handshakes failed", l, u(h.failed));
    e.add_histogram("relayload_handshake_duration_seconds",
                    "Handshake latency from its intended start", l, h.latency, bounds);
  }
  if (r.messages) {
    const auto& m = *r.messages;
    e.add_counter("relayload_messages_sent", "Messages sent", l, u(m.sent));
    e.add_counter("relayload_messages_received", "Messages received (answered)", l, u(m.received));
    e.add_counter("relayload_messages_failed", "Messages failed (timed out or not delivered)", l,
                  u(m.failed));
    e.add_histogram("relayload_message_latency_seconds",
                    "Message latency from its intended send time (corrected for coordinated "
                    "omission)",
                    l, m.latency, bounds);
  }
  if (r.recovery) {
    const auto& v = *r.recovery;
    e.add_counter("relayload_recoveries_attempted", "Recoveries of missed messages attempted", l,
                  u(v.attempted));
    e.add_counter("relayload_recoveries_received", "Recoveries that delivered the message", l,
                  u(v.received));
    e.add_counter("relayload_recoveries_failed", "Recoveries that failed", l, u(v.failed));
  }
  if (r.counters.values().count("generator.started") != 0) {
    e.add_counter("relayload_pacing_starts", "Operations the pacer started", l,
                  u(r.counters.get("generator.started")));
    e.add_counter("relayload_pacing_late_starts",
                  "Operations the pacer started more than 1 ms after their intended time", l,
                  u(r.counters.get("generator.late")));
    e.add_counter("relayload_pacing_beyond_clamp_starts",
                  "Operations started so late that the pacer's catch-up clamp cut in", l,
                  u(r.counters.get("generator.beyondClamp")));
  }
  if (r.connect_time) {
    e.add_histogram("relayload_connect_duration_seconds",
                    "Connect time of successful connections (TCP, WebSocket upgrade and connect "
                    "reply)",
                    l, *r.connect_time, bounds);
  }
}

}  // namespace

const std::vector<double>& latency_bucket_bounds() {
  static const std::vector<double> bounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                             0.25,   0.5,   1,      2.5,   5,    10,    30,   60};
  return bounds;
}

metric_family& exposition::family(std::string_view name, std::string_view help, metric_type type) {
  for (auto& f : families_) {
    if (f.name == name) return f;
  }
  families_.push_back({std::string(name), std::string(help), type, {}});
  return families_.back();
}

void exposition::add_counter(std::string_view name, std::string_view help,
                             const metric_labels& labels, double value) {
  // In the text format 0.0.4 a counter's family is named with its _total (as the Go client
  // writes it, and as promtool checks it).
  family(std::string(name) + "_total", help, metric_type::counter)
      .samples.push_back({"", labels, value});
}

void exposition::add_gauge(std::string_view name, std::string_view help,
                           const metric_labels& labels, double value) {
  family(name, help, metric_type::gauge).samples.push_back({"", labels, value});
}

void exposition::add_histogram(std::string_view name, std::string_view help,
                               const metric_labels& labels, const histogram& h,
                               const std::vector<double>& bounds_seconds) {
  auto& f = family(name, help, metric_type::histogram);
  std::vector<std::uint64_t> cumulative(bounds_seconds.size(), 0);
  for (const histogram_bucket b : h.buckets()) {
    const double top = static_cast<double>(b.highest) / 1e9;
    for (std::size_t i = 0; i < bounds_seconds.size(); ++i) {
      if (top <= bounds_seconds[i]) cumulative[i] += b.count;
    }
  }
  for (std::size_t i = 0; i < bounds_seconds.size(); ++i) {
    f.samples.push_back(
        {"_bucket", with(labels, "le", number(bounds_seconds[i])), u(cumulative[i])});
  }
  f.samples.push_back({"_bucket", with(labels, "le", "+Inf"), u(h.count())});
  f.samples.push_back({"_sum", labels, static_cast<double>(h.sum()) / 1e9});
  f.samples.push_back({"_count", labels, u(h.count())});
}

void exposition::append(const exposition& other) {
  for (const auto& f : other.families_) {
    auto& mine = family(f.name, f.help, f.type);
    mine.samples.insert(mine.samples.end(), f.samples.begin(), f.samples.end());
  }
}

std::string render_prometheus_text(const exposition& e) {
  std::string out;
  for (const auto& f : e.families()) {
    out += "# HELP ";
    out += f.name;
    out += ' ';
    escape_into(out, f.help, false);
    out += "\n# TYPE ";
    out += f.name;
    out += ' ';
    out += type_name(f.type);
    out += '\n';
    for (const auto& s : f.samples) {
      out += f.name;
      out += s.suffix;
      if (!s.labels.empty()) {
        out += '{';
        bool first = true;
        for (const auto& [name, value] : s.labels) {
          if (!first) out += ',';
          first = false;
          out += name;
          out += "=\"";
          escape_into(out, value, true);
          out += '"';
        }
        out += '}';
      }
      out += ' ';
      out += number(s.value);
      out += '\n';
    }
  }
  return out;
}

void add_report(exposition& e, const report& r, const metric_labels& labels) {
  if (r.groups.empty()) {
    add_one(e, r, labels);
    return;
  }
  for (const auto& g : r.groups) add_one(e, g.result, with(labels, "group", g.name));
}

}  // namespace relayload::metrics
