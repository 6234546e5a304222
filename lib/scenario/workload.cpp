#include "relayload/scenario/workload.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace relayload::scenario {

namespace {

using std::chrono::milliseconds;

// The limits run_options::validate() applies to its own counts and spans, so that a group
// cannot ask for more than a single-scenario run may.
constexpr std::uint64_t max_units = 100'000'000;
constexpr milliseconds max_span{std::chrono::hours(24 * 365)};

// "60 s", "2.5 s", "0.125 s": seconds as a workload file writes them.
std::string seconds_text(milliseconds d) {
  const long long ms = d.count();
  const long long whole = ms / 1000;
  long long frac = ms % 1000;
  if (frac < 0) frac = -frac;
  char buf[48];
  if (frac == 0) {
    std::snprintf(buf, sizeof buf, "%lld s", whole);
  } else {
    std::snprintf(buf, sizeof buf, "%s%lld.%03lld", ms < 0 && whole == 0 ? "-" : "", whole, frac);
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    return s + " s";
  }
  return buf;
}

// "20/s", "0.5/s", "0.016667/s": exact from the fixed-point rate, trailing zeros dropped.
std::string rate_text(pacing::rate r) {
  const std::uint64_t whole = r.micro_hz() / pacing::rate::micro;
  const std::uint64_t frac = r.micro_hz() % pacing::rate::micro;
  char buf[48];
  if (frac == 0) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 "/s", whole);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%" PRIu64 ".%06" PRIu64, whole, frac);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  return s + "/s";
}

// run_options::validate() names command-line flags ("--message-interval must be positive");
// in a workload the same settings are keys without the dashes.
std::string as_keys(const std::string& problem) {
  std::string out;
  out.reserve(problem.size());
  for (std::size_t i = 0; i < problem.size(); ++i) {
    const bool flag = problem.compare(i, 2, "--") == 0 && i + 2 < problem.size() &&
                      problem[i + 2] >= 'a' && problem[i + 2] <= 'z' &&
                      (i == 0 || problem[i - 1] == ' ' || problem[i - 1] == '(');
    if (flag) {
      ++i;  // skip both dashes
      continue;
    }
    out += problem[i];
  }
  return out;
}

void check_arrivals(std::vector<std::string>& out, const std::string& prefix,
                    const arrival_model& a, milliseconds window) {
  switch (a.kind) {
    case arrival_kind::closed:
      if (a.count < 1) out.push_back(prefix + "count must be at least 1");
      if (a.count > max_units) {
        out.push_back(prefix + "count must be at most " + std::to_string(max_units));
      }
      if (a.ramp_up.count() < 0) {
        out.push_back(prefix + "ramp-up must not be negative");
      } else if (a.ramp_up > window) {
        // Units scheduled after the window closes would never start.
        out.push_back(prefix + "ramp-up (" + seconds_text(a.ramp_up) +
                      ") is longer than the group's window (" + seconds_text(window) + ")");
      }
      break;
    case arrival_kind::constant:
      if (a.rate.is_zero()) out.push_back(prefix + "rate must be positive");
      break;
    case arrival_kind::ramping: {
      if (a.stages.empty()) {
        out.push_back(prefix + "stages: give at least one stage");
        break;
      }
      milliseconds total{0};
      bool any_rate = false;
      for (std::size_t i = 0; i < a.stages.size(); ++i) {
        const auto& s = a.stages[i];
        if (s.duration.count() < 0) {
          out.push_back(prefix + "stages[" + std::to_string(i) +
                        "]: duration must not be negative");
        } else if (s.duration > max_span) {
          out.push_back(prefix + "stages[" + std::to_string(i) +
                        "]: duration must be at most one year");
        } else {
          total += s.duration;
        }
        any_rate = any_rate || !s.target.is_zero();
      }
      // A zero-length stage is a step change, but the stages together must take time, and
      // some stage must have a rate, or no unit would ever arrive.
      if (total.count() == 0) out.push_back(prefix + "stages: the total duration must be positive");
      if (!any_rate) out.push_back(prefix + "stages: every rate is 0, so no unit would arrive");
      break;
    }
  }
}

}  // namespace

std::string arrival_model::describe() const {
  if (!label.empty()) return label;
  std::string s;
  switch (kind) {
    case arrival_kind::closed:
      s = "count " + std::to_string(count) +
          (ramp_up.count() == 0 ? " at once" : " over " + seconds_text(ramp_up));
      break;
    case arrival_kind::constant:
      s = rate_text(rate);
      break;
    case arrival_kind::ramping:
      s = "stages ";
      for (std::size_t i = 0; i < stages.size(); ++i) {
        if (i > 0) s += ", ";
        s += seconds_text(stages[i].duration) + "\u2192" + rate_text(stages[i].target);
      }
      break;
  }
  if (process == arrival_process::poisson) s += " poisson";
  return s;
}

bool valid_group_name(const std::string& name) noexcept {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

milliseconds workload::window_end(const workload_group& g) const noexcept {
  milliseconds end = g.duration ? g.start_after + *g.duration : duration;
  if (g.arrivals.kind == arrival_kind::ramping) {
    milliseconds stages{0};
    for (const auto& s : g.arrivals.stages) stages += std::max(s.duration, milliseconds{0});
    end = std::max(end, g.start_after + stages);
  }
  return end;
}

std::vector<std::string> workload::validate() const {
  std::vector<std::string> out;
  if (duration.count() <= 0) {
    out.push_back("duration must be positive");
  } else if (duration > max_span) {
    out.push_back("duration must be at most one year");
  }
  if (groups.empty()) out.push_back("groups: a workload needs at least one group");

  // The defaults once, so that a bad top-level value is not repeated for every group.
  std::vector<std::string> shared;
  for (const auto& p : defaults.validate()) shared.push_back(as_keys(p));
  out.insert(out.end(), shared.begin(), shared.end());

  for (std::size_t i = 0; i < groups.size(); ++i) {
    const workload_group& g = groups[i];
    const std::string prefix =
        g.name.empty() ? "groups[" + std::to_string(i) + "]: " : "group '" + g.name + "': ";
    if (g.name.empty()) {
      out.push_back(prefix + "name is missing");
    } else if (!valid_group_name(g.name)) {
      out.push_back(prefix + "the name must be 1 to 64 characters of a-z, 0-9 and -");
    }
    for (std::size_t j = 0; j < i && !g.name.empty(); ++j) {
      if (groups[j].name == g.name) {
        out.push_back(prefix + "groups[" + std::to_string(i) + "] has the same name as groups[" +
                      std::to_string(j) + "]; names must be unique");
        break;
      }
    }
    if (g.scenario.empty()) out.push_back(prefix + "scenario is missing");

    bool window_ok = true;
    if (g.start_after.count() < 0) {
      out.push_back(prefix + "start-after must not be negative");
      window_ok = false;
    } else if (duration.count() > 0 && g.start_after >= duration) {
      out.push_back(prefix + "start-after (" + seconds_text(g.start_after) +
                    ") must be before the end of the run (duration " + seconds_text(duration) +
                    ")");
      window_ok = false;
    }
    if (g.duration) {
      if (g.duration->count() <= 0) {
        out.push_back(prefix + "duration must be positive");
        window_ok = false;
      } else if (*g.duration > max_span) {
        out.push_back(prefix + "duration must be at most one year");
        window_ok = false;
      }
    }
    const milliseconds window = window_ok ? window_end(g) - g.start_after : milliseconds{max_span};
    check_arrivals(out, prefix, g.arrivals, window);

    for (const auto& p : g.options.validate()) {
      std::string k = as_keys(p);
      if (std::find(shared.begin(), shared.end(), k) == shared.end()) out.push_back(prefix + k);
    }
  }
  return out;
}

}  // namespace relayload::scenario
