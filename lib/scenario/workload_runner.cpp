#include "relayload/scenario/workload_runner.hpp"

#include <algorithm>

#include "relayload/error.hpp"
#include "relayload/pacing/constant_rate_schedule.hpp"
#include "relayload/pacing/poisson_profile_schedule.hpp"
#include "relayload/pacing/poisson_schedule.hpp"
#include "relayload/pacing/profile_schedule.hpp"
#include "relayload/pacing/rate_profile.hpp"
#include "scenario/engine_impl.hpp"
#include "scenario/report_config_impl.hpp"

namespace relayload::scenario {

namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

metrics::config_value seconds_value(milliseconds ms) {
  if (ms.count() % 1000 == 0) return static_cast<std::int64_t>(ms.count() / 1000);
  return static_cast<double>(ms.count()) / 1000.0;
}

// The group's rate over its window, for the open models.
result<pacing::rate_profile> profile_of(const arrival_model& a, nanoseconds window) {
  if (a.kind == arrival_kind::constant) return pacing::rate_profile::constant(a.rate, window);
  std::vector<std::pair<nanoseconds, pacing::rate>> stages;
  for (const rate_stage& s : a.stages) stages.emplace_back(s.duration, s.target);
  return pacing::rate_profile::from_stages(stages);
}

// Thread `part`'s share of a group's arrivals, shifted to the group's start.
result<pacing::schedule> arrivals_for(const arrival_model& a, nanoseconds start, nanoseconds window,
                                      pacing::shard part, std::uint64_t seed) {
  result<pacing::schedule> s = unexpected(errc::invalid_argument);
  if (a.kind == arrival_kind::closed) {
    if (a.process == arrival_process::poisson && a.ramp_up.count() > 0 && a.count > 0) {
      // Exponential gaps at the mean rate count / ramp-up, exactly `count` units.
      auto r = pacing::rate::from_double(static_cast<double>(a.count) * 1000.0 /
                                         static_cast<double>(a.ramp_up.count()));
      if (!r) return unexpected(r.error());
      auto p = pacing::poisson_schedule::for_count(*r, a.count, seed);
      if (!p) return unexpected(p.error());
      s = pacing::schedule::sharded(*p, part);
    } else {
      auto c = pacing::constant_rate_schedule::spread(a.count, a.ramp_up);
      if (!c) return unexpected(c.error());
      s = pacing::schedule::sharded(*c, part);
    }
  } else {
    auto profile = profile_of(a, window);
    if (!profile) return unexpected(profile.error());
    if (a.process == arrival_process::poisson) {
      s = pacing::schedule::sharded(pacing::poisson_profile_schedule(*profile, seed), part);
    } else {
      s = pacing::schedule::sharded(pacing::profile_schedule(*profile), part);
    }
  }
  if (!s) return s;
  return std::move(*s).shifted(start);
}

// Units a group starts in this process, when known in advance.
std::optional<std::uint64_t> units_of(const arrival_model& a, nanoseconds window,
                                      pacing::shard process) {
  if (a.kind == arrival_kind::closed) return process.size_of(a.count);
  if (a.process == arrival_process::poisson) return std::nullopt;
  auto profile = profile_of(a, window);
  if (!profile) return std::nullopt;
  return process.size_of(pacing::profile_schedule(*profile).size());
}

metrics::config_map group_config(const workload& w, const workload_group& g,
                                 const scenario_info& info) {
  metrics::config_map c = report_config(g.options, info);
  const milliseconds window = w.window_end(g) - g.start_after;
  if (g.arrivals.kind == arrival_kind::closed) {
    c.set("connections", static_cast<std::int64_t>(g.arrivals.count));
    c.set("rampUpSec", seconds_value(g.arrivals.ramp_up));
  } else {
    c.set("connections", nullptr);
    c.set("rampUpSec", nullptr);
  }
  c.set("durationSec", seconds_value(window));
  c.set("arrivals", g.arrivals.describe());
  c.set("startAfterSec", seconds_value(g.start_after));
  return c;
}

}  // namespace

std::chrono::milliseconds planned_duration(const workload& w) {
  milliseconds end = w.duration;
  milliseconds slack{0};
  for (const workload_group& g : w.groups) {
    end = std::max(end, w.window_end(g));
    // A unit that arrives at the end of the window still lives its lifecycle.
    run_options o = g.options;
    o.ramp_up = milliseconds(0);
    o.connection_pairs = 1;
    o.connections = 1;
    slack = std::max(slack, planned_duration(o, g.scenario) - o.duration);
  }
  return end + slack + milliseconds(1000);
}

class workload_runner::impl {
 public:
  impl(const workload& w, const scenario_registry& registry, workload_runner_options o) {
    std::vector<detail::group_plan> plans;
    bool usable = w.validate().empty();
    const pacing::shard process{w.defaults.shard_index, w.defaults.shard_count};
    for (const workload_group& g : w.groups) {
      const scenario_info* info = registry.find(g.scenario);
      // reconnect-storm's storm is one event for every connection: not a unit that arrives.
      if (info == nullptr || info->name == "reconnect-storm") {
        usable = false;
        continue;
      }
      detail::group_plan p;
      p.name = g.name;
      p.info = *info;
      p.options = g.options;
      p.options.target = w.defaults.target;
      const nanoseconds start = g.start_after;
      const nanoseconds window = w.window_end(g) - g.start_after;
      p.arrivals = [a = g.arrivals, start, window](pacing::shard part, std::uint64_t seed) {
        return arrivals_for(a, start, window, part, seed);
      };
      p.window_end = nanoseconds(w.window_end(g));
      p.config = group_config(w, g, *info);
      p.config_unused = report_config_unused(g.options, *info);
      p.config_unused.erase(std::remove(p.config_unused.begin(), p.config_unused.end(),
                                        std::string("durationSec")),
                            p.config_unused.end());
      p.units = units_of(g.arrivals, window, process);
      plans.push_back(std::move(p));
    }
    detail::engine_options e;
    e.process = w.defaults;
    e.workload = true;
    e.series_interval =
        o.series_interval.value_or(metrics::series_interval_for(planned_duration(w)));
    e.config.set("durationSec", seconds_value(w.duration));
    e.config.set("groups", static_cast<std::int64_t>(w.groups.size()));
    e.config.set("threads", static_cast<std::int64_t>(w.defaults.threads));
    if (!usable) plans.clear();  // start() refuses an engine without groups
    engine_ = std::make_unique<detail::engine>(std::move(plans), std::move(e));
  }

  std::unique_ptr<detail::engine> engine_;
};

workload_runner::workload_runner(const workload& w, const scenario_registry& registry,
                                 workload_runner_options options)
    : impl_(std::make_unique<impl>(w, registry, options)) {}

workload_runner::~workload_runner() = default;

std::future<result<metrics::report>> workload_runner::start() { return impl_->engine_->start(); }

metrics::report workload_runner::progress(std::chrono::milliseconds wait) {
  return impl_->engine_->progress(wait);
}

metrics::report workload_runner::progress_series(std::chrono::milliseconds wait) {
  return impl_->engine_->progress_series(wait);
}

void workload_runner::stop() noexcept { impl_->engine_->stop(); }

void workload_runner::end_load() noexcept { impl_->engine_->end_load(); }

void workload_runner::abort() noexcept { impl_->engine_->abort(); }

unsigned workload_runner::shard_count() const noexcept { return impl_->engine_->shard_count(); }

std::chrono::nanoseconds workload_runner::cpu_time() const noexcept {
  return impl_->engine_->cpu_time();
}

std::chrono::steady_clock::time_point workload_runner::t0() const noexcept {
  return impl_->engine_->t0();
}

}  // namespace relayload::scenario
