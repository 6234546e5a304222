#include "output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace relayload::cli {

std::error_code write_file_atomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path target(path);
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) return ec;
  }
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return {errno, std::system_category()};
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ec = {errno, std::system_category()};
      ::close(fd);
      ::unlink(tmp.c_str());
      return ec;
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) ec = {errno, std::system_category()};
  if (::close(fd) != 0 && !ec) ec = {errno, std::system_category()};
  if (!ec && ::rename(tmp.c_str(), path.c_str()) != 0) ec = {errno, std::system_category()};
  if (ec) ::unlink(tmp.c_str());
  return ec;
}

}  // namespace relayload::cli
