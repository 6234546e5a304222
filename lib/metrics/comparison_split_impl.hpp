// Splitting "<field><op><rest>" — an SLO ("messages.latency.p99<=400ms") or a gate
// ("messages.latency.p99<=+10%") — private to lib/metrics, so both read fields and operators
// the same way and say the same things about them.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

#include "relayload/metrics/slo_objective.hpp"

namespace relayload::metrics::detail {

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

struct comparison_parts {
  std::string field;      ///< trimmed
  slo_op op = slo_op::less_equal;
  std::string_view op_text;
  std::string_view rest;  ///< after the operator, trimmed
};

/// Splits a trimmed expression; on failure returns false with `problem` saying what is
/// wrong ("no comparison; expected <field><op>" + `expected_rest` + "...").
inline bool split_comparison(std::string_view expr, const char* expected_rest,
                             comparison_parts& out, std::string& problem) {
  const auto is_op_char = [](char c) { return c == '<' || c == '>' || c == '=' || c == '!'; };
  std::size_t op_at = 0;
  while (op_at < expr.size() && !is_op_char(expr[op_at])) ++op_at;
  if (op_at == expr.size()) {
    problem = std::string("no comparison; expected <field><op>") + expected_rest +
              " with op one of <= < >= > ==";
    return false;
  }
  std::size_t op_end = op_at;
  while (op_end < expr.size() && is_op_char(expr[op_end])) ++op_end;
  out.field = std::string(trim(expr.substr(0, op_at)));
  out.op_text = expr.substr(op_at, op_end - op_at);
  out.rest = trim(expr.substr(op_end));
  const std::string op(out.op_text);
  if (out.field.empty()) {
    problem = "the field is missing before '" + op + "'";
    return false;
  }
  if (op == "<=") {
    out.op = slo_op::less_equal;
  } else if (op == "<") {
    out.op = slo_op::less;
  } else if (op == ">=") {
    out.op = slo_op::greater_equal;
  } else if (op == ">") {
    out.op = slo_op::greater;
  } else if (op == "==") {
    out.op = slo_op::equal;
  } else {
    problem = "'" + op + "' is not an operator; use one of <= < >= > ==";
    return false;
  }
  return true;
}

}  // namespace relayload::metrics::detail
