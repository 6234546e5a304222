#include "relayload/scenario/capacity_search.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <numeric>
#include <thread>

#include <unistd.h>

#include "relayload/error.hpp"
#include "relayload/metrics/slo.hpp"
#include "relayload/scenario/workload_runner.hpp"

namespace relayload::scenario {

namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using clock = std::chrono::steady_clock;

// The generator self-check's bounds (capacity.md "Generator self-check").
constexpr double cpu_bound_percent = 90.0;
constexpr nanoseconds lag_bound = milliseconds(10);
constexpr nanoseconds lateness_floor = milliseconds(10);
// How often the search looks at the run while a step's verdict is pending.
constexpr milliseconds poll_period{1000};
// The shortest series interval the search accepts (it is gcd of step, warm-up and start).
constexpr milliseconds min_interval{100};

struct step_plan {
  double value = 0;
  milliseconds start{0};
  milliseconds measured_from{0};
  milliseconds end{0};
};

std::size_t step_count(const capacity_plan& p) {
  if (!p.max) return max_unbounded_steps;
  if (p.step <= 0) return 1;
  return static_cast<std::size_t>(std::floor((*p.max - p.from) / p.step + 1e-9)) + 1;
}

const workload_group* find_group(const workload& w, const std::string& name) {
  for (const workload_group& g : w.groups) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

std::string strip_group(const std::string& field) {
  constexpr std::string_view prefix = "groups.";
  if (field.compare(0, prefix.size(), prefix) != 0) return field;
  const auto dot = field.find('.', prefix.size());
  return dot == std::string::npos ? field : field.substr(dot + 1);
}

// Sums of one series over the intervals [from, to).
struct window_sums {
  std::vector<std::uint64_t> counters;
  metrics::histogram latency;
  bool present = false;
};

window_sums sum_window(const metrics::time_series& s, std::uint64_t from, std::uint64_t to) {
  window_sums w;
  w.present = true;
  w.counters.assign(s.options().counters.size(), 0);
  w.latency = metrics::histogram(s.options().layout);
  for (const auto& i : s.intervals()) {
    if (i.index < from || i.index >= to) continue;
    for (std::size_t c = 0; c < w.counters.size() && c < i.counters.size(); ++c) {
      w.counters[c] += i.counters[c];
    }
    if (i.latency) (void)w.latency.merge(*i.latency);
  }
  return w;
}

std::uint64_t counter(const metrics::time_series& s, const window_sums& w, const char* name) {
  const auto id = s.counter_id(name);
  return id && *id < w.counters.size() ? w.counters[*id] : 0;
}

const metrics::time_series* series_of(const metrics::report& r, const char* name) {
  const auto it = r.series.find(name);
  return it == r.series.end() ? nullptr : &it->second;
}

// One group's data for one step window, shaped as a report so that the usual SLO fields
// address it.
metrics::report step_group(const metrics::report& r, std::uint64_t from, std::uint64_t to) {
  metrics::report s;
  s.scenario = r.scenario;
  if (const auto* hs = series_of(r, metrics::handshakes_series)) {
    const window_sums w = sum_window(*hs, from, to);
    metrics::handshake_section h;
    h.attempted = counter(*hs, w, "started");
    h.successful = counter(*hs, w, "completed");
    h.failed = counter(*hs, w, "failed");
    h.latency = w.latency;
    s.connections.attempted = h.attempted;
    s.connections.successful = h.successful;
    s.connections.failed = h.failed;
    s.handshake = std::move(h);
  } else if (const auto* cs = series_of(r, metrics::connections_series);
             cs != nullptr && cs->counter_id("connects")) {
    // Connection pools: successful initial connects (their connect times) and failures, by
    // intended start.
    const window_sums w = sum_window(*cs, from, to);
    s.connect_time = w.latency;
    s.connections.successful = w.latency.count();
    s.connections.failed = counter(*cs, w, "failed");
    s.connections.attempted = s.connections.successful + s.connections.failed;
  }
  const metrics::time_series* ms = r.steady_messaging ? &r.steady_messaging->latency_over_time
                                                      : series_of(r, metrics::messages_series);
  if (ms != nullptr && ms->counter_id("completed")) {
    const window_sums w = sum_window(*ms, from, to);
    metrics::messages_section m;
    m.received = counter(*ms, w, "completed");
    m.failed = counter(*ms, w, "failed");
    m.sent = std::max(counter(*ms, w, "sent"), m.received + m.failed);
    m.latency = w.latency;
    s.messages = std::move(m);
  }
  if (const auto* rs = series_of(r, metrics::recovery_series);
      rs != nullptr && rs->counter_id("received")) {
    const window_sums w = sum_window(*rs, from, to);
    metrics::recovery_section rec;
    rec.received = counter(*rs, w, "received");
    rec.failed = counter(*rs, w, "failed");
    rec.attempted = rec.received + rec.failed;
    rec.latency = w.latency;
    s.recovery = std::move(rec);
  }
  if (const auto* as = series_of(r, "arrivals")) {
    const window_sums w = sum_window(*as, from, to);
    s.counters.add("arrivals.started", counter(*as, w, "started"));
    s.counters.add("arrivals.late", counter(*as, w, "late"));
    s.histograms.insert_or_assign("generator.lateness", w.latency);
  }
  return s;
}

// Whether every operation intended in the window has an outcome, as far as the series tell
// (session handshakes and messages; pools and recoveries do not count their starts).
bool settled(const metrics::report& r, std::uint64_t from, std::uint64_t to) {
  if (const auto* hs = series_of(r, metrics::handshakes_series)) {
    const window_sums w = sum_window(*hs, from, to);
    if (counter(*hs, w, "started") > counter(*hs, w, "completed") + counter(*hs, w, "failed")) {
      return false;
    }
  }
  const metrics::time_series* ms = r.steady_messaging ? &r.steady_messaging->latency_over_time
                                                      : series_of(r, metrics::messages_series);
  if (ms != nullptr && ms->counter_id("sent")) {
    const window_sums w = sum_window(*ms, from, to);
    if (counter(*ms, w, "sent") > counter(*ms, w, "completed") + counter(*ms, w, "failed")) {
      return false;
    }
  }
  return true;
}

double resident_mb() {
  long pages = 0, resident = 0;
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  const int got = std::fscanf(f, "%ld %ld", &pages, &resident);
  std::fclose(f);
  if (got != 2) return 0;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / 1048576.0;
}

double ms_of(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

std::string unit_of(const capacity_plan& p, const scenario_registry& registry) {
  const workload_group* g = find_group(p.mix, p.group);
  const scenario_info* info = g != nullptr ? registry.find(g->scenario) : nullptr;
  const bool pairs = info != nullptr && info->uses_pairs;
  if (p.parameter == capacity_parameter::rate) return pairs ? "sessions/s" : "connections/s";
  return pairs ? "pairs" : "connections";
}

std::string format_value(double v) {
  std::string s = fmt::format("{:.3f}", v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::chrono::milliseconds effective_warmup(const capacity_plan& plan) noexcept {
  if (plan.warmup) return *plan.warmup;
  milliseconds w = std::max(milliseconds(2000), plan.step_duration / 5);
  if (w >= plan.step_duration) w = plan.step_duration / 5;
  // Whole 100 ms, so that step and warm-up share a usable series interval.
  return milliseconds(w.count() / 100 * 100);
}

bool supported_step_field(const std::string& field) noexcept {
  for (const char* prefix : {"connections.", "connectTime.", "handshake.", "messages.",
                             "recovery."}) {
    if (field.compare(0, std::char_traits<char>::length(prefix), prefix) == 0) return true;
  }
  return false;
}

std::vector<std::string> validate(const capacity_plan& plan, const scenario_registry& registry) {
  std::vector<std::string> out = plan.mix.validate();
  for (const workload_group& g : plan.mix.groups) {
    if (registry.find(g.scenario) == nullptr) {
      out.push_back("group '" + g.name + "': unknown scenario '" + g.scenario + "'");
    }
  }
  const workload_group* g = find_group(plan.mix, plan.group);
  const char* param = plan.parameter == capacity_parameter::rate ? "rate" : "count";
  if (g == nullptr) {
    out.push_back("--scale: '" + plan.group + "' is not a group of the workload");
  } else if (plan.parameter == capacity_parameter::rate && g->arrivals.kind != arrival_kind::constant) {
    out.push_back("--scale " + plan.group + ".rate: the group must arrive at a rate (rate: in the file)");
  } else if (plan.parameter == capacity_parameter::count &&
             g->arrivals.kind != arrival_kind::closed) {
    out.push_back("--scale " + plan.group + ".count: the group must have a count (count: in the file)");
  }
  if (!(plan.from > 0) || !std::isfinite(plan.from)) out.push_back("--from must be positive");
  if (!(plan.step > 0) || !std::isfinite(plan.step)) out.push_back("--step must be positive");
  if (plan.max && !(*plan.max >= plan.from)) out.push_back("--max must be at least --from");
  if (plan.parameter == capacity_parameter::count) {
    const auto whole = [](double v) { return std::floor(v) == v; };
    if (!whole(plan.from) || !whole(plan.step) || (plan.max && !whole(*plan.max))) {
      out.push_back(std::string("--from, --step and --max of a ") + param +
                    " are whole numbers of units");
    }
  }
  if (plan.step_duration < milliseconds(1000)) out.push_back("--step-duration must be at least 1 s");
  const milliseconds warmup = effective_warmup(plan);
  if (warmup.count() < 0 || warmup >= plan.step_duration) {
    out.push_back("--warmup must be shorter than --step-duration");
  }
  const milliseconds start = g != nullptr ? g->start_after : milliseconds(0);
  const auto interval = std::gcd(std::gcd(plan.step_duration.count(), warmup.count()), start.count());
  if (interval < min_interval.count() && plan.step_duration >= milliseconds(1000)) {
    out.push_back("--step-duration, --warmup and the group's start-after must be multiples of " +
                  std::to_string(min_interval.count()) +
                  " ms (each step's window is a whole number of series intervals)");
  }
  if (plan.slos.empty()) {
    out.push_back("capacity needs at least one SLO (--slo or slo: in the workload file)");
  }
  for (const metrics::slo_objective& o : plan.slos) {
    const std::string field = strip_group(o.field);
    if (!supported_step_field(field)) {
      out.push_back("--slo '" + o.expression + "': " + field +
                    " cannot be judged per step; use connections.*, connectTime.*, handshake.*, "
                    "messages.* or recovery.* (of the totals or of groups.<name>)");
    }
    if (field != o.field) {
      const std::string name = o.field.substr(7, o.field.size() - 7 - field.size() - 1);
      if (find_group(plan.mix, name) == nullptr) {
        out.push_back("--slo '" + o.expression + "': no group '" + name + "' in the workload");
      }
    }
  }
  return out;
}

class capacity_search::impl {
  // A step whose window has closed and whose verdict waits for its stragglers.
  struct pending {
    std::size_t k = 0;
    nanoseconds cpu_from{0}, cpu_to{0};
    clock::time_point wall_from{}, wall_to{};
  };

 public:
  impl(capacity_plan plan, const scenario_registry& registry)
      : plan_(std::move(plan)), registry_(registry) {}

  result<metrics::report> run(const capacity_events& events) {
    if (!validate(plan_, registry_).empty()) return unexpected(errc::invalid_argument);
    const milliseconds warmup = effective_warmup(plan_);
    workload mix = plan_.mix;
    workload_group* g = nullptr;
    for (auto& x : mix.groups) {
      if (x.name == plan_.group) g = &x;
    }
    const std::size_t n = step_count(plan_);
    const milliseconds s = plan_.step_duration;
    std::vector<rate_stage> stages;
    for (std::size_t k = 0; k < n; ++k) {
      const double value = plan_.from + plan_.step * static_cast<double>(k);
      step_plan sp;
      sp.value = value;
      sp.start = g->start_after + s * static_cast<std::int64_t>(k);
      sp.measured_from = sp.start + warmup;
      sp.end = sp.start + s;
      steps_.push_back(sp);
      if (plan_.parameter == capacity_parameter::rate) {
        auto r = pacing::rate::from_double(value);
        if (!r) return unexpected(errc::invalid_argument);
        stages.push_back({milliseconds(0), *r});
        stages.push_back({s, *r});
      } else {
        // The step's new units arrive spread over its warm-up, then are held.
        const double joining = k == 0 ? plan_.from : plan_.step;
        const milliseconds spread = std::max(warmup, milliseconds(1));
        auto r = pacing::rate::from_double(joining * 1000.0 / static_cast<double>(spread.count()));
        if (!r) return unexpected(errc::invalid_argument);
        stages.push_back({milliseconds(0), *r});
        stages.push_back({spread, *r});
        stages.push_back({milliseconds(0), pacing::rate()});
        stages.push_back({s - spread, pacing::rate()});
      }
    }
    g->arrivals.kind = arrival_kind::ramping;
    g->arrivals.stages = std::move(stages);
    g->arrivals.label = fmt::format(
        "capacity steps: {} from {} by {} every {} s{}",
        plan_.parameter == capacity_parameter::rate ? "rate" : "count", format_value(plan_.from),
        format_value(plan_.step), format_value(static_cast<double>(s.count()) / 1000.0),
        plan_.parameter == capacity_parameter::rate ? " (units/s)" : "");
    g->duration = s * static_cast<std::int64_t>(n);
    const milliseconds steps_end = g->start_after + *g->duration;
    mix.duration = std::max(mix.duration, steps_end);

    const milliseconds interval(
        std::gcd(std::gcd(s.count(), warmup.count()), g->start_after.count()));
    workload_runner_options ro;
    ro.series_interval = interval;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stop_requested_) return unexpected(errc::cancelled);
      runner_ = std::make_unique<workload_runner>(mix, registry_, ro);
    }
    workload_runner& runner = *runner_;
    auto future = runner.start();
    if (future.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      auto early = future.get();
      if (!early) return unexpected(early.error());
    }
    const clock::time_point t0 = runner.t0();
    const unsigned threads = runner.shard_count();
    const unsigned cores = std::max(1u, std::min(threads, std::thread::hardware_concurrency()));

    // Longest time a straggler of a step may take to have its outcome.
    milliseconds settle{0};
    for (const workload_group& x : mix.groups) {
      settle = std::max({settle, x.options.connect_timeout, x.options.handshake_timeout,
                         x.options.message_timeout});
    }
    settle += milliseconds(1000);

    metrics::capacity_result result;
    result.parameter = plan_.group + (plan_.parameter == capacity_parameter::rate ? ".rate" : ".count");
    result.unit = unit_of(plan_, registry_);
    std::vector<pending> waiting;
    std::size_t next_boundary_step = 0;
    bool measuring = false;  // between measured_from and end of next_boundary_step
    pending current{};
    bool finished = false;
    clock::time_point last_progress = clock::now();
    const bool full_looks = events.on_full_look && events.full_look_every.count() > 0;
    clock::time_point last_full_look = clock::now();
    std::size_t judged = 0;

    while (!finished) {
      // The next instant the search must act: a step's measured window opening or closing,
      // or a poll while verdicts are pending.
      clock::time_point wake = clock::time_point::max();
      if (next_boundary_step < steps_.size()) {
        const step_plan& sp = steps_[next_boundary_step];
        wake = t0 + (measuring ? sp.end : sp.measured_from);
      }
      if (!waiting.empty()) {
        // Not before the step's last interval can have closed; then every poll period. Each
        // look costs the shards a snapshot, so the search looks only when it must.
        const clock::time_point ready =
            t0 + steps_[waiting.front().k].end + interval + milliseconds(500);
        wake = std::min(wake, std::max(ready, clock::now() + poll_period));
      }
      if (events.on_progress) wake = std::min(wake, last_progress + std::chrono::seconds(1));
      if (full_looks) wake = std::min(wake, last_full_look + events.full_look_every);
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait_until(lock, wake, [&] { return stop_requested_; });
        if (stop_requested_) break;
      }
      const clock::time_point now = clock::now();
      if (next_boundary_step < steps_.size()) {
        const step_plan& sp = steps_[next_boundary_step];
        if (!measuring && now >= t0 + sp.measured_from) {
          current = pending{next_boundary_step, runner.cpu_time(), {}, now, {}};
          measuring = true;
        }
        if (measuring && now >= t0 + sp.end) {
          current.cpu_to = runner.cpu_time();
          current.wall_to = now;
          rss_.push_back(resident_mb());
          waiting.push_back(current);
          measuring = false;
          ++next_boundary_step;
        }
      }
      if (events.on_progress && now - last_progress >= std::chrono::seconds(1)) {
        last_progress = now;
        events.on_progress(runner.progress_series(),
                           std::min(next_boundary_step, steps_.size() - 1));
      }
      if (full_looks && now - last_full_look >= events.full_look_every) {
        last_full_look = now;
        events.on_full_look(runner.progress(), std::min(next_boundary_step, steps_.size() - 1));
      }
      while (!waiting.empty()) {
        const pending& p = waiting.front();
        const step_plan& sp = steps_[p.k];
        const metrics::report live = runner.progress_series();
        const auto from = index_of(live, sp.measured_from);
        const auto to = index_of(live, sp.end);
        bool all_settled = true;
        for (const auto& gr : live.groups) all_settled = all_settled && settled(gr.result, from, to);
        const bool grace_over = now >= t0 + sp.end + interval + milliseconds(500);
        if (!((all_settled && grace_over) || now >= t0 + sp.end + settle)) break;
        metrics::capacity_step step = judge(live, p, from, to, cores);
        step.value = sp.value;
        result.steps.push_back(step);
        ++judged;
        if (events.on_step) events.on_step(step);
        waiting.erase(waiting.begin());
        if (!step.pass || step.generator.bound) {
          finished = true;
          break;
        }
        if (judged == steps_.size()) finished = true;
      }
    }
    const bool interrupted = !finished;
    if (interrupted) runner.stop();
    else runner.end_load();
    auto rep = future.get();
    if (!rep) return unexpected(rep.error());
    metrics::report out = std::move(*rep);
    conclude(result, interrupted);
    out.capacity = std::move(result);
    out.slos = plan_.slos;
    if (interrupted) out.partial = true;
    return out;
  }

  void stop() noexcept {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_requested_ = true;
    }
    cv_.notify_all();
  }

  void abort() noexcept {
    stop();
    std::lock_guard<std::mutex> lock(mutex_);
    if (runner_) runner_->abort();
  }

 private:
  static std::uint64_t index_of(const metrics::report& r, milliseconds offset) {
    for (const auto& g : r.groups) {
      if (const auto* a = series_of(g.result, "arrivals")) return a->index_at(offset);
    }
    return 0;
  }

  metrics::capacity_step judge(const metrics::report& live, const pending& p, std::uint64_t from,
                               std::uint64_t to, unsigned cores) {
    const step_plan& sp = steps_[p.k];
    metrics::report step;
    step.scenario = metrics::workload_scenario;
    std::uint64_t started = 0;
    metrics::histogram lateness;
    for (const auto& g : live.groups) {
      metrics::group_report sg{g.name, step_group(g.result, from, to)};
      started += sg.result.counters.get("arrivals.started");
      if (auto it = sg.result.histograms.find("generator.lateness");
          it != sg.result.histograms.end()) {
        // The series' per-interval layout, not the default one: histograms merge only
        // within one layout.
        if (lateness.count() == 0) lateness = metrics::histogram(it->second.layout());
        if (auto merged = lateness.merge(it->second); !merged) ++layout_mismatches_;
      }
      step.groups.push_back(std::move(sg));
    }
    metrics::report totals = metrics::workload_totals(step.groups);
    totals.groups = std::move(step.groups);

    metrics::capacity_step out;
    out.start = sp.start;
    out.measured_from = sp.measured_from;
    out.end = sp.end;
    const double window_s = static_cast<double>((sp.end - sp.measured_from).count()) / 1000.0;
    if (const metrics::group_report* scaled = totals.group(plan_.group)) {
      if (plan_.parameter == capacity_parameter::rate) {
        out.units = scaled->result.counters.get("arrivals.started");
        out.achieved_rate = window_s > 0 ? static_cast<double>(out.units) / window_s : 0;
      } else {
        // Units held: every unit of the group intended up to the step's end.
        const metrics::group_report* lg = live.group(plan_.group);
        const auto* a = lg != nullptr ? series_of(lg->result, "arrivals") : nullptr;
        out.units = a != nullptr ? counter(*a, sum_window(*a, 0, to), "started") : 0;
        out.achieved_rate = static_cast<double>(out.units);
      }
    }
    for (const metrics::slo_verdict& v : metrics::evaluate_slos(totals, plan_.slos)) {
      out.slo.push_back({v.expression, v.actual, v.value, v.pass});
    }
    out.pass = std::all_of(out.slo.begin(), out.slo.end(),
                           [](const metrics::capacity_verdict& v) { return v.pass; });

    // The generator's self-check.
    metrics::generator_check& gc = out.generator;
    const double wall = std::chrono::duration<double>(p.wall_to - p.wall_from).count();
    const double cpu = std::chrono::duration<double>(p.cpu_to - p.cpu_from).count();
    gc.cpu_percent = wall > 0 ? cpu / wall / cores * 100.0 : 0;
    if (const auto* lag = series_of(live, "generator")) {
      const window_sums w = sum_window(*lag, from, to);
      gc.lag_p99_ms = ms_of(w.latency.value_at_percentile(99));
    }
    gc.lateness_p99_ms = ms_of(lateness.value_at_percentile(99));
    const double mean_gap_ms = started > 0 ? window_s * 1000.0 / static_cast<double>(started) : 0;
    gc.lateness_limit_ms = std::max(ms_of(lateness_floor.count()), 0.1 * mean_gap_ms);
    gc.rss_mb = p.k < rss_.size() ? rss_[p.k] : resident_mb();
    std::vector<std::string> why;
    if (gc.cpu_percent >= cpu_bound_percent) {
      why.push_back(fmt::format("CPU {:.0f} % of {} core{}", gc.cpu_percent, cores,
                                cores == 1 ? "" : "s"));
    }
    if (gc.lateness_p99_ms > gc.lateness_limit_ms) {
      why.push_back(fmt::format("pacing lateness p99 {:.1f} ms > {:.1f} ms", gc.lateness_p99_ms,
                                gc.lateness_limit_ms));
    }
    if (gc.lag_p99_ms > ms_of(lag_bound.count())) {
      why.push_back(fmt::format("event-loop lag p99 {:.1f} ms > {:.0f} ms", gc.lag_p99_ms,
                                ms_of(lag_bound.count())));
    }
    if (layout_mismatches_ > 0) {
      why.push_back("pacing lateness could not be measured (histogram layouts differ)");
    }
    gc.bound = !why.empty();
    for (const std::string& w : why) gc.reason += (gc.reason.empty() ? "" : "; ") + w;
    return out;
  }

  void conclude(metrics::capacity_result& r, bool interrupted) const {
    const metrics::capacity_step* first_bad = nullptr;
    for (const metrics::capacity_step& s : r.steps) {
      if (!s.pass || s.generator.bound) {
        first_bad = &s;
        break;
      }
      r.last_passing = s.value;
    }
    const std::string unit = r.unit;
    const auto value_text = [&](double v) { return format_value(v) + " " + unit; };
    if (first_bad != nullptr) {
      if (!first_bad->pass) r.first_failing = first_bad->value;
      for (const auto& v : first_bad->slo) {
        if (!v.pass) r.breached.push_back({v.expression, v.actual, std::nullopt, false});
      }
      r.generator_bound = first_bad->generator.bound;
    }
    std::string gen;
    if (!r.steps.empty()) {
      const auto& g = (first_bad != nullptr ? *first_bad : r.steps.back()).generator;
      gen = fmt::format("generator CPU {:.0f} %, lag p99 {:.1f} ms, lateness p99 {:.1f} ms ({})",
                        g.cpu_percent, g.lag_p99_ms, g.lateness_p99_ms,
                        g.bound ? "saturated: " + g.reason : "valid");
    }
    std::string broke;
    for (const auto& v : r.breached) {
      broke += (broke.empty() ? "" : "; ") + v.expression + " (actual " + v.actual + ")";
    }
    if (r.steps.empty()) {
      r.verdict = interrupted ? "stopped before the first step was judged" : "no step was judged";
    } else if (r.generator_bound) {
      r.verdict = fmt::format(
          "the generator was the limit at {}, not the relay: {}{}. Add threads (--threads) or "
          "ranks (mpirun) and run again.",
          value_text(first_bad->value), first_bad->generator.reason,
          r.last_passing ? "; last valid passing step " + value_text(*r.last_passing) : "");
    } else if (first_bad != nullptr && !r.last_passing) {
      r.verdict = fmt::format("the first step, {}, already breaches: {}; {}.",
                              value_text(first_bad->value), broke, gen);
    } else if (first_bad != nullptr) {
      r.verdict = fmt::format("capacity: {} (last passing step), first failing {}: {}; {}.",
                              value_text(*r.last_passing), value_text(first_bad->value), broke, gen);
    } else {
      r.verdict = fmt::format("{}: {} passed every objective (the last step{}); {}.",
                              interrupted ? "stopped early" : "no SLO broke up to --max",
                              value_text(r.steps.back().value),
                              interrupted ? " judged" : "", gen);
    }
  }

  capacity_plan plan_;
  const scenario_registry& registry_;
  std::vector<step_plan> steps_;
  std::vector<double> rss_;
  std::uint64_t layout_mismatches_ = 0;  // never expected: every series shares one layout
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_requested_ = false;
  std::unique_ptr<workload_runner> runner_;
};

capacity_search::capacity_search(capacity_plan plan, const scenario_registry& registry)
    : impl_(std::make_unique<impl>(std::move(plan), registry)) {}

capacity_search::~capacity_search() = default;

result<metrics::report> capacity_search::run(const capacity_events& events) {
  return impl_->run(events);
}

void capacity_search::stop() noexcept { impl_->stop(); }

void capacity_search::abort() noexcept { impl_->abort(); }

}  // namespace relayload::scenario
