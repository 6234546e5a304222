// relayload::metrics::capacity_result — the answer of a capacity search (relayload-cli
// capacity): the last passing and first failing step of the scaled parameter, what broke, and
// per step the achieved load, the SLO verdicts on that step's own window, and the generator's
// self-check (capacity.md "A capacity step", "Generator self-check").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relayload::metrics {

/// One SLO judged on one step's window (slo_verdict's fields, kept with the result because a
/// step's data is not part of the document).
struct capacity_verdict {
  std::string expression;        ///< "groups.new-sessions.handshake.latency.p99<=1500ms"
  std::string actual;            ///< "2.31s", "no data"
  std::optional<double> value;   ///< in the field's own unit (nanoseconds for durations)
  bool pass = false;

  friend bool operator==(const capacity_verdict& a, const capacity_verdict& b) {
    return a.expression == b.expression && a.actual == b.actual && a.value == b.value &&
           a.pass == b.pass;
  }
};

/// Whether the load generator kept its schedule during a step. A step is generator-bound
/// when CPU ≥ 90 % of the cores its threads may use, or the pacing lateness p99 exceeds the
/// larger of 10 ms and 10 % of the mean gap between arrivals, or the event-loop lag p99
/// exceeds 10 ms.
struct generator_check {
  double cpu_percent = 0;       ///< process CPU over the step, % of the cores its threads may use
  double lag_p99_ms = 0;        ///< event-loop lag p99 (timer firing − its scheduled time)
  double lateness_p99_ms = 0;   ///< pacing lateness p99 of the units intended in the step
  double lateness_limit_ms = 0; ///< the lateness bound this step was judged by
  double rss_mb = 0;            ///< resident memory at the end of the step
  bool bound = false;
  std::string reason;           ///< why bound, in words; empty when not

  friend bool operator==(const generator_check& a, const generator_check& b) {
    return a.cpu_percent == b.cpu_percent && a.lag_p99_ms == b.lag_p99_ms &&
           a.lateness_p99_ms == b.lateness_p99_ms && a.lateness_limit_ms == b.lateness_limit_ms &&
           a.rss_mb == b.rss_mb && a.bound == b.bound && a.reason == b.reason;
  }
};

struct capacity_step {
  double value = 0;                      ///< the scaled parameter during the step
  std::chrono::milliseconds start{0};    ///< step start, from the run's start
  std::chrono::milliseconds measured_from{0};  ///< start + warmup: the judged window begins
  std::chrono::milliseconds end{0};
  double achieved_rate = 0;              ///< units of the scaled group started per second (window)
  std::uint64_t units = 0;               ///< units of the scaled group intended in the window
  std::vector<capacity_verdict> slo;
  bool pass = false;
  generator_check generator;

  friend bool operator==(const capacity_step& a, const capacity_step& b) {
    return a.value == b.value && a.start == b.start && a.measured_from == b.measured_from &&
           a.end == b.end && a.achieved_rate == b.achieved_rate && a.units == b.units &&
           a.slo == b.slo && a.pass == b.pass && a.generator == b.generator;
  }
};

struct capacity_result {
  std::string parameter;                 ///< "new-sessions.rate"
  std::string unit;                      ///< "units/s" or "units"
  std::optional<double> last_passing;    ///< the capacity; nullopt when the first step failed
  std::optional<double> first_failing;   ///< nullopt when --max was reached without a breach
  /// The first failing step's failed objectives: expression and actual only (the step's own
  /// verdicts carry the values).
  std::vector<capacity_verdict> breached;
  bool generator_bound = false;          ///< the first failing step was generator-bound
  std::string verdict;                   ///< the answer in one sentence
  std::vector<capacity_step> steps;

  friend bool operator==(const capacity_result& a, const capacity_result& b) {
    return a.parameter == b.parameter && a.unit == b.unit && a.last_passing == b.last_passing &&
           a.first_failing == b.first_failing && a.breached == b.breached &&
           a.generator_bound == b.generator_bound && a.verdict == b.verdict && a.steps == b.steps;
  }
};

}  // namespace relayload::metrics
