#include "relayload/wire/frame.hpp"

#include "wire/frame_impl.hpp"

namespace relayload::wire {

std::error_code split_frame(std::string_view frame, std::vector<std::string_view>& out) {
  return detail::for_each_line(frame, [&](std::size_t off, std::size_t len) {
    out.push_back(frame.substr(off, len));
    return std::error_code{};
  });
}

std::size_t count_messages(std::string_view frame) noexcept {
  std::size_t n = 0;
  const std::error_code ec = detail::for_each_line(frame, [&](std::size_t, std::size_t) {
    ++n;
    return std::error_code{};
  });
  return ec ? 0 : n;
}

void append_message(std::string& frame, std::string_view message) {
  begin_message(frame);
  frame.append(message.data(), message.size());
}

std::string join_messages(const std::vector<std::string_view>& messages) {
  std::string out;
  std::size_t size = 0;
  for (std::string_view m : messages) size += m.size() + 1;
  out.reserve(size);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (i != 0) out.push_back('\n');
    out.append(messages[i].data(), messages[i].size());
  }
  return out;
}

std::string join_messages(std::initializer_list<std::string_view> messages) {
  return join_messages(std::vector<std::string_view>(messages));
}

}  // namespace relayload::wire
