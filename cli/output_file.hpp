// Writing results so that nothing is ever half-written: a temporary file next to the
// target, flushed, then renamed over it (rename is atomic within a file system).
#pragma once

#include <string>
#include <system_error>

namespace relayload::cli {

/// Creates missing parent directories, writes `content` to `path` atomically.
std::error_code write_file_atomically(const std::string& path, const std::string& content);

}  // namespace relayload::cli
