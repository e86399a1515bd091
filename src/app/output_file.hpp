#pragma once
// Where a command's rows go: stdout, or a file written all-or-nothing. Shared by the offline
// commands (indicators, data export).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace meridian::app {

// Where rows go. A regular (or new) file is written as a temporary beside it and renamed into
// place on success, so a failed run leaves neither a partial file nor a clobbered old one; a
// special file (a FIFO, /dev/stdout) is written directly and never removed.
class Output {
 public:
  explicit Output(const std::string& path) {
    if (path.empty() || path == "-") {
      file_ = stdout;
      return;
    }
    target_ = path;
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    const bool special = !ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status);
    written_ = special ? path : path + ".tmp-" + std::to_string(::getpid());
    file_ = std::fopen(written_.c_str(), "w");
  }
  ~Output() { abandon(); }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  bool is_open() const { return file_ != nullptr; }
  void write(std::string_view s) { ok_ = ok_ && std::fwrite(s.data(), 1, s.size(), file_) == s.size(); }
  // Flushes, closes and moves the rows into place; false (and nothing left behind) on failure.
  bool commit() {
    ok_ = ok_ && std::fflush(file_) == 0;
    if (file_ == stdout) return ok_;
    ok_ = std::fclose(file_) == 0 && ok_;
    file_ = nullptr;
    if (ok_ && written_ != target_) ok_ = std::rename(written_.c_str(), target_.c_str()) == 0;
    if (!ok_) abandon();
    written_.clear();
    return ok_;
  }
  // Drops the temporary file, if any (rows already on stdout cannot be taken back).
  void abandon() {
    if (file_ != nullptr && file_ != stdout) std::fclose(file_);
    if (file_ != stdout) file_ = nullptr;
    if (!written_.empty() && written_ != target_) std::remove(written_.c_str());
    written_.clear();
  }
  std::string name() const { return target_.empty() ? "stdout" : target_; }

 private:
  std::string target_;   // empty: stdout
  std::string written_;  // the file actually being written (a temporary unless special)
  std::FILE* file_ = nullptr;
  bool ok_ = true;
};

}  // namespace meridian::app
