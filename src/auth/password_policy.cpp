// The password policy: length in bytes, no NUL, valid UTF-8, not a common password.
#include <algorithm>
#include <string>
#include <vector>

#include "common_passwords.hpp"
#include "meridian/auth/password.hpp"

namespace meridian::auth {

namespace {

char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
  return out;
}

// The shipped list, lower-cased, sorted and without duplicates, built on first use. The file is
// lower case already; lowering here again keeps the comparison right whatever is added to it.
const std::vector<std::string>& common_passwords() {
  static const std::vector<std::string> list = [] {
    std::vector<std::string> out;
    const std::string_view text = detail::common_passwords_text();
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      auto line = text.substr(start, end - start);
      if (line.ends_with('\r')) line.remove_suffix(1);
      if (!line.empty()) out.push_back(lower(line));
      start = end + 1;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }();
  return list;
}

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  auto continuation = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;  // a continuation byte first, C0/C1 (overlong) or F5..FF
    }
    if (static_cast<std::size_t>(end - p) <= n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (std::size_t i = 2; i <= n; ++i)
      if (!continuation(p[i])) return false;
    p += n + 1;
  }
  return true;
}

}  // namespace

std::string_view to_string(PasswordIssue issue) noexcept {
  switch (issue) {
    case PasswordIssue::too_short: return "too_short";
    case PasswordIssue::too_long: return "too_long";
    case PasswordIssue::contains_nul: return "contains_nul";
    case PasswordIssue::not_utf8: return "not_utf8";
    case PasswordIssue::too_common: return "too_common";
  }
  return "unknown";
}

std::string_view describe(PasswordIssue issue) noexcept {
  switch (issue) {
    case PasswordIssue::too_short: return "a password needs at least 10 characters";
    case PasswordIssue::too_long: return "a password may have at most 1024 bytes";
    case PasswordIssue::contains_nul: return "a password may not contain a NUL character";
    case PasswordIssue::not_utf8: return "a password must be valid UTF-8 text";
    case PasswordIssue::too_common: return "this password is too common: choose another";
  }
  return "the password is not accepted";
}

core::Result<void, PasswordIssue> check_password_policy(std::string_view password) {
  // The length first: a 1 MB body is refused without reading it further.
  if (password.size() > kMaxPasswordBytes) return PasswordIssue::too_long;
  if (password.find('\0') != std::string_view::npos) return PasswordIssue::contains_nul;
  if (!valid_utf8(password)) return PasswordIssue::not_utf8;
  if (password.size() < kMinPasswordBytes) return PasswordIssue::too_short;
  const auto& list = common_passwords();
  if (std::binary_search(list.begin(), list.end(), lower(password))) return PasswordIssue::too_common;
  return {};
}

}  // namespace meridian::auth
