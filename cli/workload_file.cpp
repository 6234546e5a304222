#include "workload_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include "cli_options.hpp"
#include "relayload/metrics/slo.hpp"
#include "run_flag_table.hpp"

namespace relayload::cli {

namespace {

using scenario::arrival_kind;
using scenario::workload;
using scenario::workload_group;

// A workload file is a few hundred bytes; anything this large is not one (a log, a dump).
constexpr long max_file_bytes = 4 * 1024 * 1024;

// Keys of a group besides the per-group run flags.
constexpr const char* group_keys[] = {"name",    "scenario", "start-after", "duration", "count",
                                      "ramp-up", "rate",     "stages",      "arrivals"};
// Keys that belong in a group, to tell someone who wrote one at the top level where it goes.
constexpr const char* group_only_keys[] = {"name",    "scenario", "start-after", "count",
                                           "ramp-up", "rate",     "stages",      "arrivals"};

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "unknown key 'mesage-interval' (did you mean 'message-interval'?)": a suggestion only when
// it is close (a typo), so that a wrong idea is not answered with an unrelated key.
std::string unknown_key(const std::string& key, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& k : known) {
    const std::size_t d = edit_distance(key, k);
    if (d < best_distance && d * 3 <= std::max(k.size(), std::size_t{3})) {
      best = k;
      best_distance = d;
    }
  }
  std::string s = "unknown key '" + key + "'";
  if (!best.empty()) s += " (did you mean '" + best + "'?)";
  return s;
}

int line_of(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return m.line >= 0 ? m.line + 1 : 0;
}

const char* kind_of(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "a value";
  }
}

// One key of a mapping, with where it is.
struct entry {
  std::string key;
  int line = 0;
  YAML::Node value;
};

class reader {
 public:
  reader(const std::string& path, std::vector<std::string>& problems)
      : path_(path), problems_(problems) {}

  // "mix.yaml:7: groups[2] 'chatty-pairs': " + message.
  void problem(int line, const std::string& context, const std::string& message) {
    std::string p = path_;
    if (line > 0) p += ":" + std::to_string(line);
    problems_.push_back(p + ": " + context + message);
  }

  // The keys of a mapping in file order; a repeated key is a problem (yaml-cpp keeps both
  // and a lookup would silently see the first).
  std::vector<entry> entries(const YAML::Node& map, const std::string& context) {
    std::vector<entry> out;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const int line = line_of(it->first);
      if (!it->first.IsScalar()) {
        problem(line, context,
                "a key must be a plain name, not " + std::string(kind_of(it->first)));
        continue;
      }
      const std::string key = it->first.Scalar();
      const auto seen =
          std::find_if(out.begin(), out.end(), [&](const entry& e) { return e.key == key; });
      if (seen != out.end()) {
        problem(line, context,
                key + ": given twice (first on line " + std::to_string(seen->line) + ")");
        continue;
      }
      out.push_back({key, line, it->second});
    }
    return out;
  }

  // The text of a single value; null (`key:` or `key: ~`) is the empty text, which each
  // converter reports as an empty value.
  std::optional<std::string> text(const entry& e, const std::string& context) {
    if (e.value.IsNull()) return std::string();
    if (e.value.IsScalar()) return e.value.Scalar();
    problem(e.line, context, e.key + ": expected a single value, not " + kind_of(e.value));
    return std::nullopt;
  }

  // source-ips may be a list; the flag's syntax joins it with commas.
  std::optional<std::string> text_or_list(const entry& e, const std::string& context) {
    if (!e.value.IsSequence()) return text(e, context);
    std::string joined;
    for (const auto& item : e.value) {
      if (!item.IsScalar()) {
        problem(line_of(item), context, e.key + ": expected a list of values");
        return std::nullopt;
      }
      if (!joined.empty()) joined += ',';
      joined += item.Scalar();
    }
    return joined;
  }

  // Applies a run flag from the file; the converter's sentence starts with the key.
  void apply(const entry& e, const std::string& context, scenario::run_options& o) {
    const auto t = e.key == "source-ips" ? text_or_list(e, context) : text(e, context);
    if (!t) return;
    if (auto error = apply_run_flag(e.key, *t, o)) problem(e.line, context, *error);
  }

  void seconds(const entry& e, const std::string& context, std::chrono::milliseconds& out) {
    if (auto t = text(e, context)) {
      if (auto error = parse_seconds(e.key, *t, out)) problem(e.line, context, *error);
    }
  }

  // How many problems have been found so far: a key whose reading added one has failed.
  std::size_t count() const { return problems_.size(); }

 private:
  const std::string& path_;
  std::vector<std::string>& problems_;
};

// Where each group and each of its keys are, to put validate()'s sentences on their lines,
// and which keys were refused already: validate() would only repeat them in other words
// ("rate must be positive" after "rate: 'fast' is not a rate").
struct group_lines {
  int line = 0;
  std::map<std::string, int> keys;
  std::set<std::string> failed;
};

std::vector<std::string> top_level_keys() {
  std::vector<std::string> keys = {"duration", "groups", "slo"};
  for (const auto& f : run_flag_table()) keys.emplace_back(f.name);
  return keys;
}

std::vector<std::string> group_level_keys() {
  std::vector<std::string> keys(std::begin(group_keys), std::end(group_keys));
  for (const auto& f : run_flag_table()) {
    if (f.scope == run_flag_scope::group) keys.emplace_back(f.name);
  }
  return keys;
}

std::string group_names(const workload& w) {
  std::string s;
  for (const auto& g : w.groups) s += (s.empty() ? "" : ", ") + g.name;
  return s.empty() ? "none" : s;
}

void read_stages(reader& r, const entry& e, const std::string& context,
                 std::vector<scenario::rate_stage>& out) {
  if (!e.value.IsSequence()) {
    r.problem(e.line, context,
              "stages: expected a list like [{duration: 60, rate: 50/s}, {duration: 60, rate: "
              "0/s}], not " +
                  std::string(kind_of(e.value)));
    return;
  }
  std::size_t i = 0;
  for (const auto& item : e.value) {
    const std::string at = context + "stages[" + std::to_string(i++) + "]: ";
    if (!item.IsMap()) {
      r.problem(line_of(item), at, "expected {duration: SECONDS, rate: RATE}");
      continue;
    }
    scenario::rate_stage stage;
    bool has_duration = false, has_rate = false;
    for (const auto& k : r.entries(item, at)) {
      if (k.key == "duration") {
        has_duration = true;
        r.seconds(k, at, stage.duration);
      } else if (k.key == "rate") {
        has_rate = true;
        if (auto t = r.text(k, at)) {
          if (auto error = parse_rate("rate", *t, stage.target)) r.problem(k.line, at, *error);
        }
      } else {
        r.problem(k.line, at, unknown_key(k.key, {"duration", "rate"}));
      }
    }
    if (!has_duration) r.problem(line_of(item), at, "duration is missing");
    if (!has_rate) r.problem(line_of(item), at, "rate is missing");
    out.push_back(stage);
  }
}

// What the keys of one group said about its arrival model, read in any order.
struct arrival_keys {
  bool count = false, rate = false, stages = false;
  bool sized = false;  // connections or connection-pairs, refused with a pointer to count
  const entry* ramp_up = nullptr;
};

void read_group_key(reader& r, const entry& e, const std::string& context,
                    const scenario::scenario_registry& registry, workload_group& g,
                    arrival_keys& arrival) {
  static const std::vector<std::string> known = group_level_keys();
  if (e.key == "name") {
    r.text(e, context);  // read above; a list or a mapping is a problem
  } else if (e.key == "scenario") {
    if (auto t = r.text(e, context)) {
      g.scenario = *t;
      // An empty name is left to validate(), which says it is missing.
      if (!t->empty() && registry.find(*t) == nullptr) {
        r.problem(
            e.line, context,
            "scenario: unknown scenario '" + *t + "'; valid scenarios: " + registry.names_joined());
      } else if (*t == "reconnect-storm") {
        // Its storm is one event for every connection at once, not units that arrive.
        r.problem(e.line, context,
                  "scenario: reconnect-storm cannot be a workload group (its storm hits every "
                  "connection at once); run it on its own with --scenario reconnect-storm");
      }
    }
  } else if (e.key == "start-after") {
    r.seconds(e, context, g.start_after);
  } else if (e.key == "duration") {
    std::chrono::milliseconds d{0};
    r.seconds(e, context, d);
    g.duration = d;
  } else if (e.key == "count") {
    arrival.count = true;
    if (auto t = r.text(e, context)) {
      if (auto error = parse_whole("count", *t, g.arrivals.count)) {
        r.problem(e.line, context, *error);
      }
    }
  } else if (e.key == "ramp-up") {
    arrival.ramp_up = &e;
    r.seconds(e, context, g.arrivals.ramp_up);
  } else if (e.key == "rate") {
    arrival.rate = true;
    if (auto t = r.text(e, context)) {
      if (auto error = parse_rate("rate", *t, g.arrivals.rate)) r.problem(e.line, context, *error);
    }
  } else if (e.key == "stages") {
    arrival.stages = true;
    read_stages(r, e, context, g.arrivals.stages);
  } else if (e.key == "arrivals") {
    if (auto t = r.text(e, context)) {
      if (*t == "uniform")
        g.arrivals.process = scenario::arrival_process::uniform;
      else if (*t == "poisson")
        g.arrivals.process = scenario::arrival_process::poisson;
      else
        r.problem(e.line, context, "arrivals: '" + *t + "' is not one of uniform, poisson");
    }
  } else if (e.key == "connections" || e.key == "connection-pairs") {
    arrival.sized = true;
    r.problem(e.line, context,
              e.key +
                  ": a group's size is its arrival model: use count (with ramp-up), rate "
                  "or stages");
  } else if (is_group_flag(e.key)) {
    r.apply(e, context, g.options);
  } else if (is_run_flag(e.key)) {
    r.problem(e.line, context,
              e.key +
                  " applies to the whole run: set it at the top level of the file, not "
                  "in a group");
  } else {
    r.problem(e.line, context, unknown_key(e.key, known));
  }
}

void read_group(reader& r, const YAML::Node& node, std::size_t index,
                const scenario::scenario_registry& registry, workload& w, group_lines& lines) {
  workload_group g;
  g.options = w.defaults;
  lines.line = line_of(node);
  std::string context = "groups[" + std::to_string(index) + "]: ";
  if (!node.IsMap()) {
    r.problem(lines.line, context,
              "expected a mapping like {name: NAME, scenario: SCENARIO, count: N}, not " +
                  std::string(kind_of(node)));
    // Kept (empty), so that later groups keep their index.
    w.groups.push_back(std::move(g));
    lines.failed = {"name", "scenario", "count", "rate", "stages", "ramp-up"};
    return;
  }
  // The name first, so that every other sentence can name the group.
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == "name" && it->second.IsScalar() &&
        !it->second.Scalar().empty()) {
      g.name = it->second.Scalar();
      context = "groups[" + std::to_string(index) + "] '" + g.name + "': ";
      break;
    }
  }
  const auto keys = r.entries(node, context);
  arrival_keys arrival;
  for (const auto& e : keys) {
    lines.keys[e.key] = e.line;
    const std::size_t before = r.count();
    read_group_key(r, e, context, registry, g, arrival);
    if (r.count() != before) lines.failed.insert(e.key);
  }

  const int models = int{arrival.count} + int{arrival.rate} + int{arrival.stages};
  if (models == 0 && !arrival.sized) {
    r.problem(lines.line, context, "no arrival model: give count (with ramp-up), rate or stages");
  } else if (models > 1) {
    std::string given;
    for (auto [on, key] : {std::pair{arrival.count, "count"}, std::pair{arrival.rate, "rate"},
                           std::pair{arrival.stages, "stages"}}) {
      if (on) given += (given.empty() ? "" : " and ") + std::string(key);
    }
    r.problem(lines.line, context,
              "count, rate and stages exclude each other: give one (got " + given + ")");
  } else if (arrival.rate) {
    g.arrivals.kind = arrival_kind::constant;
  } else if (arrival.stages) {
    g.arrivals.kind = arrival_kind::ramping;
  } else {
    g.arrivals.kind = arrival_kind::closed;
  }
  if (models != 1) lines.failed.insert({"count", "rate", "stages", "ramp-up"});
  if (arrival.ramp_up != nullptr && !arrival.count) {
    r.problem(arrival.ramp_up->line, context,
              "ramp-up applies only to count (rate and stages pace the arrivals themselves)");
  }
  g.options.scenario = g.scenario;
  w.groups.push_back(std::move(g));
}

void read_slo(reader& r, const entry& e, workload& w) {
  std::vector<std::pair<std::string, int>> texts;
  if (e.value.IsSequence()) {
    for (const auto& item : e.value) {
      if (item.IsScalar())
        texts.emplace_back(item.Scalar(), line_of(item));
      else
        r.problem(line_of(item), "", "slo: expected a list of expressions");
    }
  } else if (auto t = r.text(e, "")) {
    texts.emplace_back(*t, e.line);
  }
  for (const auto& [text, line] : texts) {
    std::string why;
    if (parse_workload_slo(text, w, why))
      w.slo.push_back(text);
    else
      r.problem(line, "", "slo: " + why);
  }
}

// "--insecure and --ca-file contradict" → "insecure and ca-file contradict": how
// workload::validate() names the keys of run_options::validate()'s sentences.
std::string without_dashes(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 2, "--") == 0 && i + 2 < s.size() && s[i + 2] >= 'a' && s[i + 2] <= 'z' &&
        (i == 0 || s[i - 1] == ' ' || s[i - 1] == '(')) {
      ++i;
      continue;
    }
    out += s[i];
  }
  return out;
}

// The first word of a sentence when it is a key ("threads must be at most 1024").
std::string leading_key(const std::string& s) {
  const auto end = s.find_first_not_of("abcdefghijklmnopqrstuvwxyz-");
  return s.substr(0, end);
}

}  // namespace

std::optional<std::string> parse_rate(const std::string& label, const std::string& text,
                                      pacing::rate& out) {
  const std::string example = " (e.g. 20/s, 1200/min, 0.5/s or 72000/h)";
  if (text.empty()) return label + ": empty value; expected a rate" + example;
  const auto slash = text.find('/');
  std::string number = text.substr(0, slash);
  const std::string unit = slash == std::string::npos ? "s" : text.substr(slash + 1);
  double per = 0;
  if (unit == "s")
    per = 1;
  else if (unit == "min")
    per = 60;
  else if (unit == "h")
    per = 3600;
  const bool negative = !number.empty() && number[0] == '-';
  if (negative) number.erase(0, 1);
  const auto dot = number.find('.');
  const std::string whole = number.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : number.substr(dot + 1);
  const auto digits = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (per == 0 || whole.empty() || !digits(whole) ||
      (dot != std::string::npos && (frac.empty() || !digits(frac)))) {
    return label + ": '" + text + "' is not a rate" + example;
  }
  if (negative) return label + " must not be negative (got " + text + ")";
  if (whole.size() > 12) return label + ": " + text + " is too large";
  auto r = pacing::rate::from_double(std::strtod(number.c_str(), nullptr) / per);
  if (!r) return label + ": " + text + " is too large";
  out = *r;
  return std::nullopt;
}

std::optional<metrics::slo_objective> parse_workload_slo(const std::string& text, const workload& w,
                                                         std::string& why) {
  const auto first = text.find_first_not_of(" \t");
  const auto last = text.find_last_not_of(" \t");
  const std::string expr = first == std::string::npos ? "" : text.substr(first, last - first + 1);
  constexpr std::string_view prefix = "groups.";
  std::string group;
  if (expr.compare(0, prefix.size(), prefix) == 0) {
    const auto dot = expr.find('.', prefix.size());
    group = expr.substr(prefix.size(),
                        dot == std::string::npos ? std::string::npos : dot - prefix.size());
    const bool known = std::any_of(w.groups.begin(), w.groups.end(),
                                   [&](const workload_group& g) { return g.name == group; });
    if (!known) {
      why = "SLO '" + expr + "': no group '" + group +
            "' in the workload (groups: " + group_names(w) + ")";
      return std::nullopt;
    }
    if (dot == std::string::npos) {
      why = "SLO '" + expr + "': expected groups.<name>.<field><op><number>[unit]";
      return std::nullopt;
    }
  }
  auto whole = metrics::parse_slo(expr, &why);
  if (whole) return std::move(*whole);
  if (group.empty()) return std::nullopt;
  // A metrics library that does not know "groups." yet: check the group's own field, and
  // keep the whole path in the objective, so that it is judged against that group.
  std::string inner_why;
  auto inner = metrics::parse_slo(expr.substr(prefix.size() + group.size() + 1), &inner_why);
  if (!inner) return std::nullopt;
  inner->expression = expr;
  inner->field = std::string(prefix) + group + "." + inner->field;
  why.clear();
  return std::move(*inner);
}

std::optional<workload> load_workload(const std::string& path,
                                      const scenario::scenario_registry& registry,
                                      const std::vector<flag_override>& cli_overrides,
                                      std::vector<std::string>& problems) {
  const std::size_t problems_before = problems.size();
  std::string content;
  {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
      problems.push_back(path + ": cannot open the workload file: " + std::strerror(errno));
      return std::nullopt;
    }
    char buf[8192];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
      content.append(buf, n);
      if (content.size() > static_cast<std::size_t>(max_file_bytes)) break;
    }
    const int read_error = std::ferror(f) ? errno : 0;
    std::fclose(f);
    if (read_error != 0) {
      problems.push_back(path + ": cannot read the workload file: " + std::strerror(read_error));
      return std::nullopt;
    }
    if (content.size() > static_cast<std::size_t>(max_file_bytes)) {
      problems.push_back(path + ": larger than 4 MiB; is it a workload file?");
      return std::nullopt;
    }
  }

  YAML::Node root;
  try {
    root = YAML::Load(content);
  } catch (const YAML::ParserException& e) {
    problems.push_back(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                       std::to_string(e.mark.column + 1) + ": YAML syntax error: " + e.msg);
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    problems.push_back(path + ": cannot read the YAML: " + e.what());
    return std::nullopt;
  }

  reader r(path, problems);
  if (!root.IsMap()) {
    r.problem(root.IsNull() ? 0 : line_of(root), "",
              root.IsNull() ? "the file is empty; expected keys such as duration and groups"
                            : "expected a mapping of keys (duration, groups, …), not " +
                                  std::string(kind_of(root)));
    return std::nullopt;
  }

  workload w;
  static const std::vector<std::string> known = top_level_keys();
  const auto overridden = [&](const std::string& key) {
    return std::any_of(cli_overrides.begin(), cli_overrides.end(),
                       [&](const flag_override& o) { return o.first == key; });
  };
  const auto keys = r.entries(root, "");
  std::map<std::string, int> top_lines;
  std::set<std::string> top_failed;  // as group_lines::failed
  const entry* groups = nullptr;
  const entry* slo = nullptr;
  for (const auto& e : keys) {
    top_lines[e.key] = e.line;
    const std::size_t before = r.count();
    if (e.key == "groups") {
      groups = &e;
    } else if (e.key == "slo") {
      slo = &e;
    } else if (e.key == "duration") {
      if (!overridden(e.key)) r.seconds(e, "", w.duration);
    } else if (is_run_flag(e.key)) {
      // A value replaced on the command line is not read, so that a bad one can be
      // overridden.
      if (!overridden(e.key)) r.apply(e, "", w.defaults);
    } else if (e.key == "connections" || e.key == "connection-pairs") {
      r.problem(e.line, "",
                e.key +
                    ": each group says how many units it starts: use count (with ramp-up), "
                    "rate or stages in the groups");
    } else if (std::find(std::begin(group_only_keys), std::end(group_only_keys), e.key) !=
               std::end(group_only_keys)) {
      r.problem(e.line, "", e.key + " belongs in a group (under groups:), not at the top level");
    } else {
      r.problem(e.line, "", unknown_key(e.key, known));
    }
    if (r.count() != before) top_failed.insert(e.key);
  }
  for (const auto& [name, text] : cli_overrides) {
    const std::string flag = "--" + name;
    std::optional<std::string> error;
    if (name == "duration")
      error = parse_seconds(flag, text, w.duration);
    else
      error = apply_run_flag(name, text, w.defaults, flag);
    if (error) {
      problems.push_back(*error);
      top_failed.insert(name);
    }
  }
  w.defaults.duration = w.duration;

  std::vector<group_lines> lines;
  if (groups != nullptr) {
    if (!groups->value.IsSequence() && !groups->value.IsNull()) {
      r.problem(groups->line, "",
                "groups: expected a list of groups (- {name: NAME, scenario: SCENARIO, "
                "count: N}), not " +
                    std::string(kind_of(groups->value)));
      top_failed.insert("groups");
    } else {
      std::size_t i = 0;
      for (const auto& node : groups->value) {
        lines.emplace_back();
        read_group(r, node, i++, registry, w, lines.back());
      }
    }
  }
  // steady-state and steady-messaging run for options.duration: the group's window.
  for (auto& g : w.groups) {
    const auto window = w.window_end(g) - g.start_after;
    if (window.count() > 0 && g.start_after.count() >= 0) g.options.duration = window;
  }
  if (slo != nullptr) read_slo(r, *slo, w);

  // validate() does not know lines: put each sentence on its group's and key's line. A
  // sentence about an overridden value names the flag as command-line parsing would, so that
  // the caller can drop the copy it found itself.
  const std::vector<std::string> defaults_problems = w.defaults.validate();
  for (const std::string& p : w.validate()) {
    std::optional<std::size_t> index;
    std::string rest;
    if (p.rfind("group '", 0) == 0) {
      const auto close = p.find("': ");
      const std::string name = p.substr(7, close - 7);
      rest = p.substr(close + 3);
      // The last group of that name: a repeated name is reported where it is repeated.
      for (std::size_t i = w.groups.size(); i-- > 0;) {
        if (w.groups[i].name == name) {
          index = i;
          break;
        }
      }
    } else if (p.rfind("groups[", 0) == 0) {
      index = std::strtoul(p.c_str() + 7, nullptr, 10);
      rest = p.substr(p.find("]: ") + 3);
    }
    if (index && *index < w.groups.size() && *index < lines.size()) {
      const auto& g = w.groups[*index];
      const auto& at = lines[*index];
      if (at.failed.count(leading_key(rest)) != 0) continue;
      const auto key = at.keys.find(leading_key(rest));
      r.problem(key != at.keys.end() ? key->second : at.line,
                "groups[" + std::to_string(*index) + "]" +
                    (g.name.empty() ? "" : " '" + g.name + "'") + ": ",
                rest);
      continue;
    }
    const std::string key = leading_key(p);
    if (top_failed.count(key) != 0) continue;
    if (overridden(key)) {
      // run_options::validate()'s own sentence, which names the flags with their dashes.
      const auto raw = std::find_if(defaults_problems.begin(), defaults_problems.end(),
                                    [&](const std::string& q) { return without_dashes(q) == p; });
      problems.push_back(raw != defaults_problems.end() ? *raw : "--" + p);
      continue;
    }
    const auto line = top_lines.find(key);
    r.problem(line != top_lines.end() ? line->second : 0, "", p);
  }
  if (problems.size() != problems_before) return std::nullopt;
  return w;
}

}  // namespace relayload::cli
