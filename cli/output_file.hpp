// Writing results so that nothing is ever half-written: a temporary file next to the
// target, flushed, then renamed over it (rename is atomic within a file system).
#pragma once

#include <string>
#include <system_error>

namespace relayload::cli {

/// Creates missing parent directories, writes `content` to `path` atomically.
std::error_code write_file_atomically(const std::string& path, const std::string& content);

/// Checks, before a run, that write_file_atomically(path, ...) will be able to write: creates
/// the missing parent folders (as the write would), refuses a folder in the file's place,
/// and creates and removes a scratch file next to it. Success or the reason it cannot.
std::error_code check_writable_file(const std::string& path);
/// The same for a folder that files will be written into (created when missing).
std::error_code check_writable_folder(const std::string& dir);

/// Writes results whose own destination failed to a new file named
/// relayload-results-<unix ms>-<pid>.json in the working folder, else in the temporary folder
/// ($TMPDIR or /tmp). Returns its path; empty when neither could be written (`error` set).
std::string write_fallback_file(const std::string& content, std::error_code& error);

}  // namespace relayload::cli
