#include "relayload/metrics/report_export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include "metrics/histogram_geometry_impl.hpp"

namespace relayload::metrics {

namespace {

// A CSV cell holding a name from the report (which may be hostile): formula starters are
// defused with a leading ', and the cell is quoted when it holds a comma, quote or newline.
std::string csv_text(std::string_view s) {
  std::string v(s);
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v.insert(0, "'");
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::string ms(double ns) { return fmt::format("{:.6f}", ns / 1e6); }

}  // namespace

std::string to_csv(const report& r) {
  std::vector<std::pair<std::string, const time_series*>> all;
  if (r.steady_messaging) {
    all.emplace_back("steadyMessaging.latencyOverTime", &r.steady_messaging->latency_over_time);
  }
  for (const auto& [name, s] : r.series) all.emplace_back(name, &s);

  std::vector<std::string> columns;
  const auto add_column = [&columns](const std::string& n) {
    if (std::find(columns.begin(), columns.end(), n) == columns.end()) columns.push_back(n);
  };
  for (const auto& entry : all) {
    for (const auto& n : entry.second->options().counters) add_column(n);
    for (const auto& n : entry.second->options().gauges) add_column(n);
  }

  std::string out =
      "series,interval,start_s,end_s,latency_count,latency_min_ms,latency_mean_ms,"
      "latency_p50_ms,latency_p90_ms,latency_p99_ms,latency_max_ms";
  for (const auto& c : columns) out += "," + csv_text(c);
  out += "\n";

  for (const auto& [name, s] : all) {
    const time_series_options& opt = s->options();
    const std::string series_cell = csv_text(name);
    for (const interval_snapshot& snap : s->intervals()) {
      const double start = std::chrono::duration<double>(s->start_of(snap.index)).count();
      const double end = std::chrono::duration<double>(s->start_of(snap.index + 1)).count();
      out += fmt::format("{},{},{:.3f},{:.3f}", series_cell, snap.index, start, end);
      if (snap.latency && !snap.latency->empty()) {
        const histogram& h = *snap.latency;
        out += fmt::format(",{},{},{},{},{},{},{}", h.count(), ms(static_cast<double>(h.min())),
                           ms(h.mean()), ms(static_cast<double>(h.value_at_percentile(50.0))),
                           ms(static_cast<double>(h.value_at_percentile(90.0))),
                           ms(static_cast<double>(h.value_at_percentile(99.0))),
                           ms(static_cast<double>(h.max())));
      } else {
        out += ",0,,,,,,";
      }
      for (const auto& c : columns) {
        out += ",";
        const auto ci = std::find(opt.counters.begin(), opt.counters.end(), c);
        if (ci != opt.counters.end()) {
          const auto k = static_cast<std::size_t>(ci - opt.counters.begin());
          if (k < snap.counters.size()) out += std::to_string(snap.counters[k]);
          continue;
        }
        const auto gi = std::find(opt.gauges.begin(), opt.gauges.end(), c);
        if (gi != opt.gauges.end()) {
          const auto k = static_cast<std::size_t>(gi - opt.gauges.begin());
          if (k < snap.gauges.size()) out += std::to_string(snap.gauges[k]);
        }
      }
      out += "\n";
    }
  }
  return out;
}

std::string to_hdr_percentiles(const histogram& h, const hdr_text_options& options) {
  const int digits = h.layout().significant_digits;
  const double scale = options.value_scale > 0 ? options.value_scale : 1.0;
  const std::int64_t ticks = std::max(1, options.ticks_per_half_distance);
  std::string out = fmt::format("{:>12} {:>14} {:>10} {:>14}\n\n", "Value", "Percentile",
                                "TotalCount", "1/(1-Percentile)");

  const std::uint64_t total = h.count();
  const auto line = [&](std::int64_t value, double level, std::uint64_t cumulative) {
    const double v = static_cast<double>(std::clamp(value, h.min(), h.max())) / scale;
    const double p = level / 100.0;
    if (level < 100.0) {
      out += fmt::format("{:12.{}f} {:2.12f} {:10d} {:14.2f}\n", v, digits, p, cumulative,
                         1.0 / (1.0 - p));
    } else {
      out += fmt::format("{:12.{}f} {:2.12f} {:10d}\n", v, digits, p, cumulative);
    }
  };
  // HdrHistogram's PercentileIterator: report each level as soon as the cumulative count
  // reaches it, stepping by 100 / (ticks · 2^(floor(log2(100 / (100 - level))) + 1)); after
  // the bucket that completes the count, one last line at 100 %.
  double level = 0.0;
  std::uint64_t cumulative = 0;
  for (const histogram_bucket b : h.buckets()) {
    cumulative += b.count;
    const double current = 100.0 * static_cast<double>(cumulative) / static_cast<double>(total);
    bool done = false;
    while (current >= level) {
      line(b.highest, level, cumulative);
      if (cumulative >= total) {
        line(b.highest, 100.0, cumulative);
        done = true;
        break;
      }
      const double halvings = std::log(100.0 / (100.0 - level)) / std::log(2.0);
      if (!std::isfinite(halvings)) break;  // level reached 100 by rounding; cannot step on
      const auto steps =
          ticks * static_cast<std::int64_t>(
                      std::pow(2.0, static_cast<double>(static_cast<std::int64_t>(halvings) + 1)));
      level += 100.0 / static_cast<double>(steps);
    }
    if (done) break;
  }

  // Footer: exact mean and max; standard deviation from bucket midpoints.
  double stddev = 0.0;
  if (total > 0) {
    const double mean = h.mean();
    double squares = 0.0;
    for (const histogram_bucket b : h.buckets()) {
      const double mid = (static_cast<double>(b.lowest) + static_cast<double>(b.highest)) / 2.0;
      const double clamped =
          std::clamp(mid, static_cast<double>(h.min()), static_cast<double>(h.max()));
      squares += (clamped - mean) * (clamped - mean) * static_cast<double>(b.count);
    }
    stddev = std::sqrt(squares / static_cast<double>(total));
  }
  const detail::histogram_geometry g = detail::compute_geometry(h.layout());
  out += fmt::format("#[Mean    = {:12.{}f}, StdDeviation   = {:12.{}f}]\n", h.mean() / scale,
                     digits, stddev / scale, digits);
  out += fmt::format("#[Max     = {:12.{}f}, Total count    = {:12d}]\n",
                     static_cast<double>(h.max()) / scale, digits, total);
  out += fmt::format("#[Buckets = {:12d}, SubBuckets     = {:12d}]\n", g.bucket_count,
                     g.sub_bucket_half_count * 2);
  return out;
}

std::vector<std::pair<std::string, const histogram*>> report_histograms(const report& r) {
  std::vector<std::pair<std::string, const histogram*>> out;
  if (r.connect_time) out.emplace_back("connectTime", &*r.connect_time);
  if (r.handshake) out.emplace_back("handshake.latency", &r.handshake->latency);
  if (r.messages) out.emplace_back("messages.latency", &r.messages->latency);
  if (r.recovery) out.emplace_back("recovery.latency", &r.recovery->latency);
  for (const auto& [name, h] : r.histograms) out.emplace_back(name, &h);
  return out;
}

std::string hdr_file_name(std::string_view histogram_name) {
  std::string out;
  for (char c : histogram_name) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_';
    out += keep ? c : '_';
  }
  if (out.empty()) out = "_";
  if (out[0] == '.') out[0] = '_';
  if (out.size() > 200) out.resize(200);
  return out + ".hgrm";
}

}  // namespace relayload::metrics
