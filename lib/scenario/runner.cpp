#include "relayload/scenario/runner.hpp"

#include "scenario/engine_impl.hpp"
#include "scenario/report_config_impl.hpp"

namespace relayload::scenario {

class runner::impl {
 public:
  impl(const scenario_info& info, run_options options) : engine_(plan(info, options), engine_options(info, options)) {}

  detail::engine engine_;

 private:
  static std::vector<detail::group_plan> plan(const scenario_info& info, const run_options& o) {
    detail::group_plan g;
    g.info = info;
    g.options = o;
    g.config = report_config(o, info);
    g.config_unused = report_config_unused(o, info);
    // With --shard, the units are this process's slice.
    g.units = pacing::shard{o.shard_index, o.shard_count}.size_of(o.unit_count(info.uses_pairs));
    std::vector<detail::group_plan> out;
    out.push_back(std::move(g));
    return out;
  }
  static detail::engine_options engine_options(const scenario_info& info, const run_options& o) {
    detail::engine_options e;
    e.process = o;
    e.series_interval = metrics::series_interval_for(planned_duration(o, info.name));
    return e;
  }
};

runner::runner(const scenario_info& info, run_options options)
    : impl_(std::make_unique<impl>(info, std::move(options))) {}

runner::~runner() = default;

std::future<result<metrics::report>> runner::start() { return impl_->engine_.start(); }

metrics::report runner::progress(std::chrono::milliseconds wait) {
  return impl_->engine_.progress(wait);
}

void runner::stop() noexcept { impl_->engine_.stop(); }

void runner::abort() noexcept { impl_->engine_.abort(); }

unsigned runner::shard_count() const noexcept { return impl_->engine_.shard_count(); }

}  // namespace relayload::scenario
