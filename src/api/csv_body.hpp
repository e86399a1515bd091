#pragma once
// Whether a request's body is CSV. Which routes take one is their Route::csv_body flag
// (router.hpp); the server's content-type guard (http_server.cpp) asks both.
#include <algorithm>
#include <cctype>
#include <string_view>

#include "meridian/api/http_types.hpp"

namespace meridian::api {

// Whether the request declares Content-Type text/csv (parameters such as charset aside).
inline bool csv_body(const HttpRequest& req) noexcept {
  std::string_view type = req[http::field::content_type];
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  constexpr std::string_view kCsv = "text/csv";
  return type.size() == kCsv.size() && std::equal(type.begin(), type.end(), kCsv.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

}  // namespace meridian::api
