#include "relayload/metrics/report_text.hpp"

#include <fmt/format.h>

#include "relayload/metrics/latency_stats.hpp"
#include "relayload/metrics/slo.hpp"
#include "relayload/metrics/storm_summary.hpp"

namespace relayload::metrics {

namespace {

enum class tone { none, green, yellow, red };

class painter {
 public:
  explicit painter(bool on) : on_(on) {}
  std::string operator()(tone t, const std::string& s) const {
    if (!on_ || t == tone::none) return s;
    const char* code = t == tone::green ? "\x1b[32m" : t == tone::yellow ? "\x1b[33m" : "\x1b[31m";
    return code + s + "\x1b[0m";
  }

 private:
  bool on_;
};

tone by_floor(double v, double green, double yellow) {
  return v >= green ? tone::green : v >= yellow ? tone::yellow : tone::red;
}

std::string pct(double v) { return fmt::format("{:.1f}%", v); }

// "min=1ms, avg=2ms, p50=1ms, p95=3ms, p99=4ms, max=23ms"; p99 coloured (≤100 green,
// ≤400 yellow), or against an SLO (≤slo green, else red).
std::string latency_line(const histogram& h, const painter& paint, std::int64_t slo_ms = 0) {
  const auto s = latency_stats::from(h);
  if (!s) return "no samples";
  tone t;
  if (slo_ms > 0) t = s->p99 <= slo_ms ? tone::green : tone::red;
  else t = s->p99 <= 100 ? tone::green : s->p99 <= 400 ? tone::yellow : tone::red;
  return fmt::format("min={}ms, avg={}ms, p50={}ms, p95={}ms, {}, max={}ms (n={})", s->min,
                     s->avg, s->p50, s->p95, paint(t, fmt::format("p99={}ms", s->p99)), s->max,
                     h.count());
}

// The verdict of objective `expression` when the report carries objectives: std::nullopt
// when it carries none (the original's fixed lines apply), an empty verdict list when the
// objective is not among them (the line is left out).
std::optional<std::vector<slo_verdict>> carried_verdict(const report& r,
                                                        std::string_view expression) {
  if (r.slos.empty()) return std::nullopt;
  for (const slo_objective& o : r.slos) {
    if (o.expression == expression) return evaluate_slos(r, {o});
  }
  return std::vector<slo_verdict>{};
}

// The original's message SLO: p99 ≤ 400 ms. No data is a failure, and says so.
std::string p99_slo_line(const report& r, const histogram& h, const painter& paint) {
  constexpr std::int64_t target = 400;
  if (const auto carried = carried_verdict(r, "messages.latency.p99<=400ms")) {
    if (carried->empty()) return "";
    const slo_verdict& v = carried->front();
    const std::string actual = v.value ? "actual " + v.actual : "no successful samples";
    return fmt::format("  SLO P99:     {} (target ≤ {}ms, {})\n",
                       v.pass ? paint(tone::green, "✓ PASS") : paint(tone::red, "✗ FAIL"),
                       target, actual);
  }
  const auto s = latency_stats::from(h);
  if (!s) {
    return fmt::format("  SLO P99:     {} (target ≤ {}ms, no successful samples)\n",
                       paint(tone::red, "✗ FAIL"), target);
  }
  const bool ok = s->p99 <= target;
  return fmt::format("  SLO P99:     {} (target ≤ {}ms, actual {}ms)\n",
                     ok ? paint(tone::green, "✓ PASS") : paint(tone::red, "✗ FAIL"), target,
                     s->p99);
}

}  // namespace

namespace {

// The closing lines of every summary: one PASS/FAIL line per objective the report carries
// (when `slos`), then the errors by cause.
// --target-metrics: what the relay itself reported, and the scrapes that failed.
std::string target_lines(const target_metrics& t, const painter& paint) {
  std::string out = "\nRelay (target metrics: " + t.url + ")\n";
  std::string failed;
  for (const scrape_failure& f : t.failures) {
    failed += fmt::format("{}{} ×{}: {}", failed.empty() ? "" : "; ", f.cause, f.count, f.last);
  }
  out += fmt::format("  Scrapes:     {} ok, {} failed{}\n", t.scrapes_ok,
                     paint(t.scrapes_failed() == 0 ? tone::none : tone::yellow,
                           std::to_string(t.scrapes_failed())),
                     failed.empty() ? "" : " (" + failed + ")");
  if (const auto clients = t.peak_clients()) {
    out += fmt::format("  Clients:     peak {:.0f}", *clients);
    if (const auto subs = t.peak_subscriptions())
      out += fmt::format(", subscriptions peak {:.0f}", *subs);
    out += "\n";
  }
  if (const auto cpu = t.cpu_seconds_used()) {
    out += fmt::format("  CPU:         {:.3f} s", *cpu);
    if (const auto span = t.cpu_span()) {
      const double secs = static_cast<double>(span->count()) / 1e3;
      out += fmt::format(" over {:.1f} s ({:.1f}% of a core)", secs, *cpu / secs * 100.0);
    }
    if (const auto per = t.cpu_per_connection()) {
      out += fmt::format(" · {:.1f} µs per connection", *per * 1e6);
    }
    if (const auto per = t.cpu_per_message())
      out += fmt::format(" · {:.1f} µs per message", *per * 1e6);
    out += "\n";
  }
  if (const auto rss = t.peak_resident_bytes()) {
    out += fmt::format("  Memory:      peak {:.1f} MB resident\n", *rss / 1e6);
  }
  const auto in = t.messages_in_total(), out_total = t.messages_out_total();
  if (in || out_total) {
    std::string parts;
    if (in) parts = fmt::format("{:.0f} in ({})", *in, t.messages_in_metric);
    if (out_total) {
      parts += fmt::format("{}{:.0f} out ({})", parts.empty() ? "" : ", ", *out_total,
                           t.messages_out_metric);
    }
    out += "  Messages:    " + parts + "\n";
  }
  if (t.samples.empty()) {
    out += paint(tone::yellow, "  No scrape succeeded: no server-side series.") + "\n";
  }
  return out;
}

std::string verdicts_and_errors(const report& r, const painter& paint, bool slos,
                                const char* errors_title) {
  std::string out;
  if (slos && !r.slos.empty()) {
    out += "\nService-level objectives\n";
    for (const slo_verdict& v : evaluate_slos(r)) {
      out += fmt::format("  {}  {} (actual {})\n",
                         v.pass ? paint(tone::green, "✓ PASS") : paint(tone::red, "✗ FAIL"),
                         v.expression, v.actual);
    }
  }
  if (!r.errors.empty()) {
    out += fmt::format("\n{}\n", errors_title);
    for (const auto& e : r.errors.entries()) {
      out += fmt::format("  {:>8}x {} ({})\n", e.count, e.cause, to_string(e.cls));
    }
  }
  return out;
}

std::string config_text(const report& r, const char* key) {
  const config_value* v = r.config.find(key);
  if (v == nullptr) return "";
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  return "";
}

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

// A workload: one block per group (each its scenario's usual summary, titled with the group),
// then the totals over all groups, the generator's self-check, the capacity answer and the
// objectives.
std::string render_workload(const report& r, const text_options& options) {
  const painter paint(options.color);
  const std::string rule(60, '=');
  std::string out;
  for (const group_report& g : r.groups) {
    std::string block = render_summary(g.result, options);
    const std::string title = fmt::format("GROUP {} · {} · arrivals {}", g.name, g.result.scenario,
                                          config_text(g.result, "arrivals"));
    const auto at = block.find("RESULTS SUMMARY");
    if (at != std::string::npos) block.replace(at, std::string("RESULTS SUMMARY").size(), title);
    if (const auto it = g.result.histograms.find("generator.lateness");
        it != g.result.histograms.end() && !it->second.empty()) {
      const auto late = g.result.series.find("arrivals");
      std::uint64_t n_late = 0;
      if (late != g.result.series.end()) {
        if (const auto id = late->second.counter_id("late")) {
          for (const auto& i : late->second.intervals()) n_late += i.counters[*id];
        }
      }
      const std::string line = fmt::format(
          "Arrivals:         {} started, {} late (> 1 ms); lateness p50 {:.2f}ms, p99 {:.2f}ms, "
          "max {:.1f}ms\n",
          it->second.count(), n_late, ms(it->second.value_at_percentile(50)),
          ms(it->second.value_at_percentile(99)), ms(it->second.max()));
      block.insert(block.rfind(rule), line);
    }
    out += block + "\n";
  }
  out += rule + "\nTOTALS over " + std::to_string(r.groups.size()) + " groups" +
         (r.partial ? "  (PARTIAL: the run did not complete)" : "") + "\n" + rule + "\n";
  const auto& c = r.connections;
  out += fmt::format("Units:            {} attempted, {} successful ({:.1f}%)", c.attempted,
                     c.successful, c.success_rate());
  if (r.connections_opened) out += fmt::format(", {} connections opened", *r.connections_opened);
  out += "\n";
  const auto stats_line = [&](const char* label, const histogram& h) {
    if (h.empty()) return fmt::format("{:<18}no samples\n", label);
    return fmt::format("{:<18}p50 {:.1f}ms  p99 {:.1f}ms  max {:.1f}ms  ({} samples)\n", label,
                       ms(h.value_at_percentile(50)), ms(h.value_at_percentile(99)), ms(h.max()),
                       h.count());
  };
  if (r.connect_time) out += stats_line("Connect time:", *r.connect_time);
  if (r.handshake) {
    out += fmt::format("Handshakes:       {} attempted, {} successful, {} failed\n",
                       r.handshake->attempted, r.handshake->successful, r.handshake->failed);
    out += stats_line("  latency:", r.handshake->latency);
  }
  if (r.messages) {
    out += fmt::format("Messages:         {} sent, {} received, {} failed\n", r.messages->sent,
                       r.messages->received, r.messages->failed);
    out += stats_line("  latency:", r.messages->latency);
  }
  if (r.recovery) {
    out += fmt::format("Recoveries:       {} attempted, {} received, {} failed\n",
                       r.recovery->attempted, r.recovery->received, r.recovery->failed);
    out += stats_line("  latency:", r.recovery->latency);
  }
  if (const auto it = r.histograms.find("generator.loopLag"); it != r.histograms.end()) {
    out += stats_line("Generator lag:", it->second);
  }
  if (r.capacity) {
    const capacity_result& cap = *r.capacity;
    out += "\nCapacity search: " + cap.parameter + "\n";
    out += fmt::format("  {:>10}  {:>10}  {:>8}  {:>6}  {:>8}  {}\n", "value", "achieved", "verdict",
                       "CPU", "lag p99", "objectives");
    for (const capacity_step& st : cap.steps) {
      std::string objectives;
      for (const auto& v : st.slo) {
        objectives += (objectives.empty() ? "" : "; ") + v.expression + " = " + v.actual;
      }
      const std::string verdict = st.generator.bound ? "GEN-BOUND" : st.pass ? "pass" : "FAIL";
      out += fmt::format("  {:>10.6g}  {:>10.4g}  {:>8}  {:>5.0f}%  {:>6.1f}ms  {}\n", st.value,
                         st.achieved_rate,
                         paint(st.pass && !st.generator.bound ? tone::green : tone::red, verdict),
                         st.generator.cpu_percent, st.generator.lag_p99_ms, objectives);
    }
    out += "  " + paint(cap.generator_bound || !cap.last_passing ? tone::red : tone::green,
                        cap.verdict) +
           "\n";
  }
  if (r.target_series) out += target_lines(*r.target_series, paint);
  out += verdicts_and_errors(r, paint, !r.capacity, "Errors by cause (all groups)");
  out += rule + "\n";
  return out;
}

}  // namespace

std::string render_summary(const report& r, const text_options& options) {
  if (!r.groups.empty()) return render_workload(r, options);
  const painter paint(options.color);
  const std::string rule(60, '=');
  std::string out;
  out += rule + "\nRESULTS SUMMARY" + (r.partial ? "  (PARTIAL: the run did not complete)" : "") +
         "\n" + rule + "\n";

  // Session-pair counts are of pairs (the original's "Connection Pairs:" line, and the JSON);
  // the WebSockets they opened follow, so that 20 pairs are never read as 20 connections.
  const bool pairs = r.counts_pairs() || r.recovery || r.steady_messaging;
  const auto& c = r.connections;
  std::string opened;
  if (pairs && r.connections_opened) {
    opened = fmt::format(", {} connection{} opened", *r.connections_opened,
                         *r.connections_opened == 1 ? "" : "s");
  }
  out += fmt::format("{:<18}{} attempted, {} successful ({}){}\n",
                     pairs ? "Connection Pairs:" : "Connections:", c.attempted, c.successful,
                     paint(by_floor(c.success_rate(), 99, 95), pct(c.success_rate())), opened);
  if (!pairs) {
    out += fmt::format("  ✓ Immediate: {} | ↻ Recovered: {} | ✗ Failed: {}\n", c.immediate,
                       c.recovered, c.failed);
  }
  out += fmt::format("Total time:       {}ms\n",
                     (r.total_time.count() + 500'000) / 1'000'000);
  out += fmt::format("Rate:             {:.1f} {}/sec\n", r.connections_per_sec(),
                     pairs ? "pairs" : "conn");
  if (r.connect_time && !r.handshake) {
    out += "Connect:          " + latency_line(*r.connect_time, paint) + "\n";
  }
  if (r.total_retries > 0) {
    out += paint(tone::yellow, fmt::format("Retries:          {} total (avg {:.1f} per conn)",
                                           r.total_retries, r.avg_retries_per_connection())) +
           "\n";
  }
  if (r.steady_state) {
    const auto& s = *r.steady_state;
    out += fmt::format("Hold:             {}s\n", (s.hold_duration.count() + 500'000'000) / 1'000'000'000);
    out += fmt::format("Disconnects:      {} current, {} peak, {} events during the hold "
                       "({} connections affected)\n",
                       paint(s.current_disconnects == 0 ? tone::green : tone::red,
                             std::to_string(s.current_disconnects)),
                       s.peak_disconnects, s.disconnect_events, s.dropped_connections);
    if (s.reconnects_during_hold > 0) {
      out += fmt::format("Reconnects:       {} during hold\n", s.reconnects_during_hold);
    }
    const double stability = r.connection_stability();
    out += fmt::format("Stability:        {}\n", paint(by_floor(stability, 99.9, 99), pct(stability)));
  }
  if (r.handshake) {
    const auto& h = *r.handshake;
    out += "\nHandshake\n";
    out += fmt::format("  Pairs:       {}/{} ({})\n", h.successful, h.attempted,
                       paint(by_floor(h.success_rate(), 99, 95), pct(h.success_rate())));
    out += "  Latency:     " + latency_line(h.latency, paint) + "\n";
  }
  if (r.messages && !r.steady_messaging) {
    const auto& m = *r.messages;
    out += "\nMessages\n";
    out += fmt::format("  Delivery:    {}/{} ({})\n", m.received, m.sent,
                       paint(by_floor(m.delivery_rate(), 99.9, 99), pct(m.delivery_rate())));
    if (m.failed > 0) out += fmt::format("  Failed:      {}\n", m.failed);
    out += "  Latency:     " + latency_line(m.latency, paint, 400) + "\n";
    out += p99_slo_line(r, m.latency, paint);
  }
  if (r.recovery) {
    const auto& v = *r.recovery;
    out += "\nHistorical Recovery\n";
    out += fmt::format("  Received:    {}/{} ({})\n", v.received, v.attempted,
                       paint(by_floor(v.delivery_rate(), 100, 99), pct(v.delivery_rate())));
    if (v.failed > 0) out += fmt::format("  Failed:      {}\n", v.failed);
    if (v.latency.count() > 0) out += "  Latency:     " + latency_line(v.latency, paint) + "\n";
    const auto carried = carried_verdict(r, "recovery.deliveryRate>=100");
    if (!carried || !carried->empty()) {
      const bool ok = carried ? carried->front().pass
                              : v.attempted > 0 && v.received == v.attempted;
      out += fmt::format("  SLO:         {} (target 100%, actual {})\n",
                         ok ? paint(tone::green, "✓ PASS") : paint(tone::red, "✗ FAIL"),
                         pct(v.delivery_rate()));
    }
  }
  if (const auto st = storm_summary::of(r)) {
    const auto at = [](const std::optional<std::chrono::nanoseconds>& t) {
      return t ? fmt::format("{:.0f}ms", static_cast<double>(t->count()) / 1e6)
               : std::string("never");
    };
    out += "\nReconnect Storm\n";
    out += fmt::format("  Back:        {}/{} ({} never recovered)\n", st->back, st->held,
                       st->never_recovered);
    out += fmt::format("  Back at:     50% {} · 95% {} · 100% {}\n", at(st->time_to_50),
                       at(st->time_to_95), at(st->time_to_100));
    // The trigger's own drops (the storm itself, not errors; a merged report may hold both).
    const std::uint64_t by_relay = r.counters.get("reconnectStorm.droppedByRelay");
    const std::uint64_t by_clients = r.counters.get("reconnectStorm.droppedByClient");
    if (by_relay > 0 || by_clients > 0) {
      std::string who;
      if (by_relay > 0) who = fmt::format("{} by the relay", by_relay);
      if (by_clients > 0) {
        who += fmt::format("{}{} by the clients", who.empty() ? "" : ", ", by_clients);
      }
      out += fmt::format("  Dropped:     {} (the storm's trigger)\n", who);
    }
    if (st->recovery_failed > 0) {
      out += fmt::format("  Recovery:    {} streams could not be recovered (history lost)\n",
                         st->recovery_failed);
    }
    if (st->pairs) {
      out += fmt::format("  Messages:    {} published ({} during the outage), {} received "
                         "({} by recovery), {} lost\n",
                         st->published, st->published_during_outage, st->received,
                         st->received_by_recovery,
                         paint(st->lost == 0 ? tone::green : tone::red, std::to_string(st->lost)));
    }
  }
  if (r.steady_messaging) {
    const auto& s = *r.steady_messaging;
    out += "\nSustained Messaging\n";
    out += fmt::format("  Duration:    {:g}s (interval: {:g}s)\n",
                       static_cast<double>(s.duration.count()) / 1e3,
                       static_cast<double>(s.message_interval.count()) / 1e3);
    if (r.messages) {
      const auto& m = *r.messages;
      out += fmt::format("  Exchanges:   {}/{} ({})\n", m.received, m.sent,
                         paint(by_floor(m.delivery_rate(), 99.9, 99), pct(m.delivery_rate())));
      if (s.disconnects > 0) out += fmt::format("  Disconnects: {} during test\n", s.disconnects);
      out += "  Latency:     " + latency_line(m.latency, paint, 400) + "\n";
      out += p99_slo_line(r, m.latency, paint);
    }
    const auto points = latency_over_time(s.latency_over_time);
    if (points.size() >= 2) {
      const double first = points.front().p99, last = points.back().p99;
      out += fmt::format("  Trend:       P99 {:.0f}ms → {} (first → last)\n", first,
                         paint(last <= 1.2 * first ? tone::green : tone::yellow,
                               fmt::format("{:.0f}ms", last)));
    }
  }
  if (r.target_series) out += target_lines(*r.target_series, paint);
  out += verdicts_and_errors(r, paint, true, "Errors by cause");
  out += rule + "\n";
  return out;
}

std::string render_progress(const report& live, std::chrono::nanoseconds elapsed) {
  const double secs = static_cast<double>(elapsed.count()) / 1e9;
  const auto& c = live.connections;
  const double rate = secs > 0 ? static_cast<double>(c.successful) / secs : 0.0;
  std::string line = fmt::format("[{:.0f}s] connected {}/{} | failed {} | {:.1f}/s", secs,
                                 c.successful, c.attempted, c.failed, rate);
  if (live.messages) {
    line += fmt::format(" | messages {}/{}", live.messages->received, live.messages->sent);
  }
  if (live.steady_state) {
    line += fmt::format(" | down {} (peak {})", live.steady_state->current_disconnects,
                        live.steady_state->peak_disconnects);
  }
  return line;
}

}  // namespace relayload::metrics
