// ISO-8601 UTC timestamps with milliseconds ("2026-11-22T11:20:03.514Z"), private to
// lib/metrics. Civil-date arithmetic after Howard Hinnant's days_from_civil.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "relayload/metrics/report.hpp"

namespace relayload::metrics::detail {

inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil {
  std::int64_t year;
  unsigned month, day;
};

inline civil civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

inline std::string format_iso(report_time t) {
  const std::int64_t ms = t.time_since_epoch().count();
  std::int64_t days = ms / 86'400'000;
  std::int64_t rest = ms % 86'400'000;
  if (rest < 0) {
    rest += 86'400'000;
    --days;
  }
  const civil c = civil_from_days(days);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(c.year), c.month, c.day,
                static_cast<long long>(rest / 3'600'000),
                static_cast<long long>(rest / 60'000 % 60),
                static_cast<long long>(rest / 1000 % 60), static_cast<long long>(rest % 1000));
  return buf;
}

/// Exactly "YYYY-MM-DDTHH:MM:SS.mmmZ" with a valid date and time, years 0000-9999.
inline std::optional<report_time> parse_iso(std::string_view s) noexcept {
  if (s.size() != 24) return std::nullopt;
  const auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<unsigned> {
    unsigned v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return v;
  };
  if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' ||
      s[23] != 'Z') {
    return std::nullopt;
  }
  const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2),
             mi = digits(14, 2), se = digits(17, 2), ms = digits(20, 3);
  if (!y || !mo || !d || !h || !mi || !se || !ms) return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *h > 23 || *mi > 59 || *se > 59) return std::nullopt;
  static constexpr unsigned month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
  const unsigned max_day = month_days[*mo - 1] + (*mo == 2 && leap ? 1 : 0);
  if (*d > max_day) return std::nullopt;
  const std::int64_t days = days_from_civil(*y, *mo, *d);
  const std::int64_t total =
      ((days * 24 + *h) * 60 + *mi) * 60'000 + static_cast<std::int64_t>(*se) * 1000 + *ms;
  return report_time(std::chrono::milliseconds(total));
}

}  // namespace relayload::metrics::detail
