#include "output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
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

namespace {

// Creates and removes a scratch file in `dir`: the kernel's answer beats guessing from
// permission bits (root, read-only mounts, ACLs, full quotas).
std::error_code try_scratch_file(const std::filesystem::path& dir) {
  const std::string scratch =
      (dir / (".relayload-write-check." + std::to_string(::getpid()))).string();
  const int fd = ::open(scratch.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return {errno, std::system_category()};
  ::close(fd);
  ::unlink(scratch.c_str());
  return {};
}

}  // namespace

std::error_code check_writable_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path target(path);
  if (fs::is_directory(target, ec)) return std::make_error_code(std::errc::is_a_directory);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  fs::create_directories(dir, ec);
  if (ec) return ec;
  return try_scratch_file(dir);
}

std::error_code check_writable_folder(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return ec;
  if (!fs::is_directory(dir, ec)) return std::make_error_code(std::errc::not_a_directory);
  return try_scratch_file(dir);
}

std::string write_fallback_file(const std::string& content, std::error_code& error) {
  namespace fs = std::filesystem;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  const std::string name =
      "relayload-results-" + std::to_string(ms) + "-" + std::to_string(::getpid()) + ".json";
  const char* tmp = std::getenv("TMPDIR");
  for (const fs::path& dir : {fs::path("."), fs::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp")}) {
    const std::string path = (dir / name).string();
    error = write_file_atomically(path, content);
    if (!error) {
      std::error_code ec;
      const fs::path absolute = fs::absolute(path, ec);
      return ec ? path : absolute.lexically_normal().string();
    }
  }
  return {};
}

}  // namespace relayload::cli
