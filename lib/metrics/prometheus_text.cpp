// parse_prometheus_text(): the text format as Prometheus's own parser (expfmt / textparse)
// reads it. Every error names its line and what was expected there.
#include "relayload/metrics/prometheus_text.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <set>

namespace relayload::metrics {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

// A short, printable excerpt of what was found instead of what was expected.
std::string shown(std::string_view s) {
  if (s.empty()) return "the end of the line";
  std::string out = "'";
  for (char c : s.substr(0, 24)) {
    const auto u = static_cast<unsigned char>(c);
    out += u < 0x20 || u == 0x7f ? fmt::format("\\x{:02x}", u) : std::string(1, c);
  }
  return out + (s.size() > 24 ? "…'" : "'");
}

class line_parser {
 public:
  line_parser(std::string_view line, std::string& error) : s_(line), error_(error) {}

  bool parse_comment(prometheus_text& out, std::set<std::string>& typed, bool& eof) {
    ++at_;  // '#'
    skip_blanks();
    const std::string_view keyword = token();
    if (keyword == "EOF" && rest().empty()) {
      eof = true;
      return true;
    }
    if (keyword != "HELP" && keyword != "TYPE") return true;  // any other comment
    skip_blanks();
    const std::string_view name = token();
    if (!valid_metric_name(name)) {
      return fail(fmt::format("# {} needs a metric name, got {}", keyword, shown(name)));
    }
    skip_blanks();
    if (keyword == "TYPE") {
      const std::string_view type = token();
      static const char* const known[] = {"counter", "gauge",    "histogram",
                                          "summary", "untyped",  "unknown",
                                          "info",    "stateset", "gaugehistogram"};
      if (std::none_of(std::begin(known), std::end(known),
                       [&](const char* k) { return type == k; })) {
        return fail(
            fmt::format("unknown metric type {} for '{}' (expected counter, gauge, "
                        "histogram, summary or untyped)",
                        shown(type), name));
      }
      skip_blanks();
      if (!rest().empty()) return fail(fmt::format("unexpected {} after the type", shown(rest())));
      if (!typed.insert(std::string(name)).second) {
        return fail(fmt::format("a second TYPE line for '{}'", name));
      }
      out.types.emplace(std::string(name), std::string(type));
      return true;
    }
    std::string help;
    for (std::size_t i = 0; i < rest().size(); ++i) {
      const char c = rest()[i];
      if (c != '\\' || i + 1 == rest().size()) {
        help += c;
        continue;
      }
      const char e = rest()[++i];
      if (e == 'n')
        help += '\n';
      else if (e == '\\')
        help += '\\';
      else
        help += {'\\', e};  // Prometheus keeps other backslashes in HELP text as they are
    }
    out.help[std::string(name)] = std::move(help);
    return true;
  }

  bool parse_sample(prometheus_sample& out) {
    if (peek() == '{') {
      ++at_;
      if (!parse_labels(out, true)) return false;
    } else {
      const std::size_t start = at_;
      while (at_ < s_.size() && (name_char(s_[at_]) || s_[at_] == ':')) ++at_;
      out.name = std::string(s_.substr(start, at_ - start));
      if (!valid_metric_name(out.name)) {
        return fail(fmt::format("expected a metric name, got {}", shown(s_.substr(start))));
      }
      skip_blanks();
      if (peek() == '{') {
        ++at_;
        if (!parse_labels(out, false)) return false;
      }
    }
    skip_blanks();
    const std::string_view value = token();
    if (value.empty()) return fail(fmt::format("'{}' has no value", out.name));
    if (!parse_value(value, out.value)) {
      return fail(fmt::format("value {} of '{}' is not a number (nor NaN, +Inf or -Inf)",
                              shown(value), out.name));
    }
    skip_blanks();
    if (peek() != '#' && !rest().empty()) {
      const std::string_view ts = token();
      std::int64_t t = 0;
      if (!parse_timestamp(ts, t)) {
        return fail(fmt::format("timestamp {} of '{}' is not a whole number of milliseconds",
                                shown(ts), out.name));
      }
      out.timestamp_ms = t;
      skip_blanks();
    }
    // An OpenMetrics exemplar (` # {trace_id="abc"} 0.67`) is not part of the sample.
    if (peek() == '#') return true;
    if (!rest().empty()) {
      return fail(fmt::format("unexpected {} after the value of '{}'", shown(rest()), out.name));
    }
    return true;
  }

 private:
  char peek() const { return at_ < s_.size() ? s_[at_] : '\0'; }
  std::string_view rest() const { return s_.substr(std::min(at_, s_.size())); }
  void skip_blanks() {
    while (at_ < s_.size() && is_blank(s_[at_])) ++at_;
  }
  std::string_view token() {
    const std::size_t start = at_;
    while (at_ < s_.size() && !is_blank(s_[at_])) ++at_;
    return s_.substr(start, at_ - start);
  }
  bool fail(std::string what) {
    error_ = std::move(what);
    return false;
  }

  static bool valid_metric_name(std::string_view n) {
    if (n.empty() || !(name_start(n[0]) || n[0] == ':')) return false;
    return std::all_of(n.begin(), n.end(), [](char c) { return name_char(c) || c == ':'; });
  }

  // A quoted string at at_ (the opening '"' not yet consumed), unescaped.
  bool quoted(std::string& out, const std::string& what) {
    if (peek() != '"')
      return fail(fmt::format("expected '\"' to open {}, got {}", what, shown(rest())));
    ++at_;
    while (at_ < s_.size()) {
      const char c = s_[at_++];
      if (c == '"') return true;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ == s_.size()) break;
      const char e = s_[at_++];
      if (e == '\\')
        out += '\\';
      else if (e == '"')
        out += '"';
      else if (e == 'n')
        out += '\n';
      else
        return fail(fmt::format("invalid escape '\\{}' in {} (only \\\\, \\\" and \\n)", e, what));
    }
    return fail(fmt::format("{} is not closed with '\"'", what));
  }

  // After '{': label pairs up to '}'. With `name_inside`, the first item may be the metric
  // name as a quoted string (the UTF-8 names of Prometheus 3: {"my.metric", le="1"}).
  bool parse_labels(prometheus_sample& out, bool name_inside) {
    std::set<std::string, std::less<>> seen;
    bool first = true;
    for (;;) {
      skip_blanks();
      if (peek() == '}') {
        ++at_;
        break;
      }
      std::string label;
      if (peek() == '"') {
        if (!quoted(label, "a quoted name")) return false;
        skip_blanks();
        if (first && name_inside && (peek() == ',' || peek() == '}')) {
          out.name = std::move(label);
          if (peek() == ',') ++at_;
          first = false;
          continue;
        }
      } else {
        const std::size_t start = at_;
        while (at_ < s_.size() && name_char(s_[at_])) ++at_;
        label = std::string(s_.substr(start, at_ - start));
        if (label.empty() || !name_start(label[0])) {
          return fail(
              fmt::format("expected a label name or '}}', got {}", shown(s_.substr(start))));
        }
      }
      first = false;
      skip_blanks();
      if (peek() != '=') {
        return fail(
            fmt::format("expected '=' after label name '{}', got {}", label, shown(rest())));
      }
      ++at_;
      skip_blanks();
      std::string value;
      if (!quoted(value, fmt::format("the value of label '{}'", label))) return false;
      if (!seen.insert(label).second) return fail(fmt::format("label '{}' given twice", label));
      out.labels.emplace_back(std::move(label), std::move(value));
      skip_blanks();
      if (peek() == ',') {
        ++at_;
        continue;
      }
      if (peek() == '}') {
        ++at_;
        break;
      }
      return fail(fmt::format("expected ',' or '}}' after a label, got {}", shown(rest())));
    }
    if (out.name.empty()) return fail("a sample without a metric name");
    return true;
  }

  static bool parse_value(std::string_view v, double& out) {
    // Go's strconv.ParseFloat (what Prometheus uses) accepts Inf, +Inf, -Inf, Infinity and NaN
    // in any case, decimal and hexadecimal floats; strtod accepts the same set.
    const std::string text(v);
    char* end = nullptr;
    errno = 0;
    const double d = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || text.empty()) return false;
    // Out of range: Go answers ±Inf (and an error); Prometheus refuses the line.
    if (errno == ERANGE && (d > 1.0 || d < -1.0)) return false;
    out = d;
    return true;
  }

  static bool parse_timestamp(std::string_view v, std::int64_t& out) {
    std::size_t i = (v.size() > 1 && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
    if (i == v.size() || v.size() - i > 18) return false;
    std::int64_t t = 0;
    for (; i < v.size(); ++i) {
      if (v[i] < '0' || v[i] > '9') return false;
      t = t * 10 + (v[i] - '0');
    }
    out = v[0] == '-' ? -t : t;
    return true;
  }

  std::string_view s_;
  std::size_t at_ = 0;
  std::string& error_;
};

}  // namespace

const std::string* prometheus_sample::label(std::string_view n) const noexcept {
  for (const auto& [k, v] : labels) {
    if (k == n) return &v;
  }
  return nullptr;
}

std::optional<double> prometheus_text::sum(
    std::string_view name, const std::vector<std::pair<std::string, std::string>>& match) const {
  std::optional<double> total;
  for (const prometheus_sample& s : samples) {
    if (s.name != name) continue;
    const bool all = std::all_of(match.begin(), match.end(), [&](const auto& m) {
      const std::string* v = s.label(m.first);
      return v != nullptr && *v == m.second;
    });
    if (all) total = total.value_or(0.0) + s.value;
  }
  return total;
}

bool prometheus_text::has(std::string_view name) const noexcept {
  return std::any_of(samples.begin(), samples.end(),
                     [&](const prometheus_sample& s) { return s.name == name; });
}

std::optional<prometheus_text> parse_prometheus_text(std::string_view text, std::string* why) {
  prometheus_text out;
  std::set<std::string> typed;
  std::size_t number = 0;
  std::string error;
  while (!text.empty()) {
    ++number;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t first = 0;
    while (first < line.size() && is_blank(line[first])) ++first;
    line.remove_prefix(first);
    if (line.empty()) continue;
    line_parser p(line, error);
    bool ok = false;
    bool eof = false;
    if (line.front() == '#') {
      ok = p.parse_comment(out, typed, eof);
    } else {
      prometheus_sample s;
      ok = p.parse_sample(s);
      if (ok) out.samples.push_back(std::move(s));
    }
    if (!ok) {
      if (why != nullptr) *why = fmt::format("line {}: {}", number, error);
      return std::nullopt;
    }
    if (eof) break;
  }
  return out;
}

}  // namespace relayload::metrics
