#include "relayload/wire/decode_options.hpp"

#include "wire/json_tape_impl.hpp"

namespace relayload::wire {

std::vector<std::string> decode_options::validate() const {
  std::vector<std::string> problems;
  if (max_frame_size == 0) problems.emplace_back("max_frame_size must be at least 1 byte.");
  if (max_frame_size > detail::max_supported_size) {
    problems.emplace_back("max_frame_size must be below 4 GiB.");
  }
  if (max_depth == 0) problems.emplace_back("max_depth must be at least 1.");
  if (max_depth > detail::max_supported_depth) {
    problems.emplace_back("max_depth must be at most " +
                          std::to_string(detail::max_supported_depth) + ".");
  }
  return problems;
}

}  // namespace relayload::wire
