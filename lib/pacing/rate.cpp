#include "relayload/pacing/rate.hpp"

#include <cmath>

#include "relayload/error.hpp"

namespace relayload::pacing {

result<rate> rate::from_double(double per_second) noexcept {
  // The comparison is written so that NaN fails it.
  if (!(per_second >= 0.0) || !std::isfinite(per_second)) {
    return unexpected(errc::invalid_argument);
  }
  if (per_second > static_cast<double>(max_per_second)) return unexpected(errc::invalid_argument);
  const double scaled = std::round(per_second * static_cast<double>(micro));
  return rate(static_cast<std::uint64_t>(scaled));
}

}  // namespace relayload::pacing
