#include "meridian/app/secrets.hpp"

#include <fcntl.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "meridian/core/log.hpp"

namespace meridian::app {

namespace {

constexpr std::string_view kMask = "***";

// Flags whose whole value is a secret, and flags whose value holds a database password.
constexpr std::string_view kSecretFlags[] = {"--alpaca-secret-key", "--alpaca-trading-secret-key",
                                             "--binance-secret-key", "--metrics-token"};
constexpr std::string_view kDatabaseUrlFlags[] = {"--database-url"};

template <std::size_t N>
bool is_one_of(std::string_view name, const std::string_view (&names)[N]) {
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

// `text` with each range replaced by kMask.
std::string masked(std::string_view text, const std::vector<std::pair<std::size_t, std::size_t>>& ranges) {
  std::string out;
  std::size_t at = 0;
  for (const auto& [offset, length] : ranges) {
    out.append(text.substr(at, offset - at));
    out.append(kMask);
    at = offset + length;
  }
  out.append(text.substr(at));
  return out;
}

// Overwrites argv's string `arg` from byte `from` on with `text`, then NULs to the string's old
// end, so its length and the layout of the following arguments (/proc/PID/cmdline reads the
// original block) stay put. `text` longer than the space: the secret's bytes become '*'.
void overwrite(char* arg, std::size_t from, const std::string& text,
               const std::vector<std::pair<std::size_t, std::size_t>>& ranges) {
  const std::size_t size = std::strlen(arg);
  if (from + text.size() <= size) {
    std::memcpy(arg + from, text.data(), text.size());
    std::memset(arg + from + text.size(), 0, size - from - text.size());
    return;
  }
  for (const auto& [offset, length] : ranges) std::memset(arg + from + offset, '*', length);
}

// Wipes the secret in `arg`'s bytes from `from` on, which hold the value of flag `name`.
// True when something was wiped.
bool wipe_value(std::string_view name, char* arg, std::size_t from) {
  const std::string_view value(arg + from);
  if (is_one_of(name, kSecretFlags)) {
    if (value.empty()) return false;
    const std::vector<std::pair<std::size_t, std::size_t>> all{{0, value.size()}};
    overwrite(arg, from, std::string(kMask), all);
    return true;
  }
  if (is_one_of(name, kDatabaseUrlFlags)) {
    const auto ranges = database_password_ranges(value);
    if (ranges.empty()) return false;
    overwrite(arg, from, masked(value, ranges), ranges);
    return true;
  }
  return false;
}

std::size_t skip_spaces(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  return i;
}

// libpq's key=value syntax: key = value, value bare (up to whitespace) or single-quoted with
// backslash escapes.
void key_value_password_ranges(std::string_view s, std::vector<std::pair<std::size_t, std::size_t>>& out) {
  std::size_t i = 0;
  while (true) {
    i = skip_spaces(s, i);
    if (i >= s.size()) return;
    const auto key_start = i;
    while (i < s.size() && s[i] != '=' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') ++i;
    const auto key = s.substr(key_start, i - key_start);
    i = skip_spaces(s, i);
    if (i >= s.size() || s[i] != '=') return;  // not key=value: nothing more we can read
    i = skip_spaces(s, i + 1);
    const auto value_start = i;
    if (i < s.size() && s[i] == '\'') {
      ++i;
      while (i < s.size() && s[i] != '\'') i += (s[i] == '\\' && i + 1 < s.size()) ? 2 : 1;
      if (i < s.size()) ++i;  // the closing quote
    } else {
      while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
        i += (s[i] == '\\' && i + 1 < s.size()) ? 2 : 1;
    }
    if (key == "password" && i > value_start) out.emplace_back(value_start, i - value_start);
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoded `s`, or `s` itself where an escape is malformed (libpq echoes such a token).
std::string percent_decoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_digit(s[i + 1]), lo = hex_digit(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// A sink that forwards every message to `inner` with the registered secrets masked.
class RedactingSink final : public spdlog::sinks::sink {
 public:
  RedactingSink(std::shared_ptr<spdlog::sinks::sink> inner, std::vector<std::string> secrets)
      : inner_(std::move(inner)), secrets_(std::move(secrets)) {}

  void log(const spdlog::details::log_msg& msg) override {
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    bool found = false;
    for (const auto& s : secrets_) found = found || payload.find(s) != std::string_view::npos;
    if (!found) return inner_->log(msg);
    std::string text(payload);
    for (const auto& s : secrets_)
      for (auto at = text.find(s); at != std::string::npos; at = text.find(s, at + kMask.size()))
        text.replace(at, s.size(), kMask);
    auto copy = msg;
    copy.payload = spdlog::string_view_t(text.data(), text.size());
    inner_->log(copy);
  }
  void flush() override { inner_->flush(); }
  void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    inner_->set_formatter(std::move(formatter));
  }

 private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
  std::vector<std::string> secrets_;  // fixed before the first message: read without a lock
};

}  // namespace

TakenArgs take_args(int argc, char** argv) {
  TakenArgs taken;
  for (int i = 1; i < argc; ++i) taken.args.emplace_back(argv[i]);
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (!arg.starts_with("--")) continue;
    const auto eq = arg.find('=');
    const std::string name(arg.substr(0, eq));
    bool wiped = false;
    if (eq != std::string_view::npos)
      wiped = wipe_value(name, argv[i], eq + 1);
    else if ((is_one_of(name, kSecretFlags) || is_one_of(name, kDatabaseUrlFlags)) && i + 1 < argc)
      wiped = wipe_value(name, argv[++i], 0);
    if (wiped && std::find(taken.hidden.begin(), taken.hidden.end(), name) == taken.hidden.end())
      taken.hidden.push_back(name);
  }
  return taken;
}

std::vector<std::pair<std::size_t, std::size_t>> database_password_ranges(std::string_view url) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  const auto scheme = url.find("://");
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    const auto authority = scheme + 3;
    const auto authority_end = std::min(url.find_first_of("/?#", authority), url.size());
    const auto at = url.rfind('@', authority_end == 0 ? 0 : authority_end - 1);
    if (at != std::string_view::npos && at >= authority) {
      const auto colon = url.find(':', authority);
      if (colon != std::string_view::npos && colon < at && at > colon + 1) out.emplace_back(colon + 1, at - colon - 1);
    }
    const auto query = url.find('?', authority);
    if (query != std::string_view::npos) {
      const auto query_end = std::min(url.find('#', query), url.size());
      std::size_t p = query + 1;
      while (p < query_end) {
        auto amp = std::min(url.find('&', p), query_end);
        const auto param = url.substr(p, amp - p);
        if (param.starts_with("password=") && param.size() > 9) out.emplace_back(p + 9, param.size() - 9);
        p = amp + 1;
      }
    }
    return out;
  }
  key_value_password_ranges(url, out);
  return out;
}

std::string redact_database_url(std::string_view url) {
  return masked(url, database_password_ranges(url));
}

std::vector<std::string> database_url_secrets(std::string_view url) {
  std::vector<std::string> out;
  for (const auto& [offset, length] : database_password_ranges(url)) {
    auto raw = std::string(url.substr(offset, length));
    if (raw.size() >= 2 && raw.front() == '\'' && raw.back() == '\'') raw = raw.substr(1, raw.size() - 2);
    auto decoded = percent_decoded(raw);
    if (decoded != raw) out.push_back(std::move(decoded));
    out.push_back(std::move(raw));
  }
  return out;
}

std::string secret_file_mode_problem(mode_t mode) {
  if (!S_ISREG(mode)) return "is not a regular file";
  if (mode & (S_IRWXG | S_IRWXO)) return "can be read or written by its group or others (chmod 600 it)";
  return {};
}

std::string trim_secret(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
    text.pop_back();
  return text;
}

std::string read_secret_file(const std::string& path) {
  // Checked on the open file (fstat), so what was checked is what is read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) throw std::runtime_error("secret file " + path + ": " + std::strerror(errno));
  struct stat st {};
  std::string problem;
  if (::fstat(fd, &st) != 0) problem = std::strerror(errno);
  if (problem.empty()) problem = secret_file_mode_problem(st.st_mode);
  if (problem.empty() && st.st_size > (1 << 16)) problem = "is larger than 64 KiB";
  std::string text;
  if (problem.empty()) {
    char buffer[4096];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) != 0;) {
      if (n < 0) {
        if (errno == EINTR) continue;
        problem = std::strerror(errno);
        break;
      }
      text.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  if (!problem.empty()) throw std::runtime_error("secret file " + path + " " + problem);
  text = trim_secret(std::move(text));
  if (text.empty()) throw std::runtime_error("secret file " + path + " is empty");
  return text;
}

void redact_secrets_in_logs(const std::vector<std::string>& secrets) {
  std::vector<std::string> kept;
  for (const auto& s : secrets)
    if (s.size() >= 4 && std::find(kept.begin(), kept.end(), s) == kept.end()) kept.push_back(s);
  if (kept.empty()) return;
  // Longest first, so a secret containing another is masked whole.
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  auto& sinks = spdlog::default_logger()->sinks();
  for (auto& sink : sinks) sink = std::make_shared<RedactingSink>(sink, kept);
  core::share_default_sinks();  // module loggers made before now write through the wrappers too
}

}  // namespace meridian::app
