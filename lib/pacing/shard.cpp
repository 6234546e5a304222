#include "relayload/pacing/shard.hpp"

namespace relayload::pacing {

std::vector<std::uint64_t> split_evenly(std::uint64_t total, std::uint32_t count) {
  std::vector<std::uint64_t> sizes;
  sizes.reserve(count);
  for (std::uint32_t k = 0; k < count; ++k) sizes.push_back(shard{k, count}.size_of(total));
  return sizes;
}

}  // namespace relayload::pacing
