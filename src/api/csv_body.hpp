#pragma once
// The routes whose request body may be CSV (Content-Type text/csv) as well as JSON: the server's
// content-type guard (http_server.cpp) lets text/csv through to them and refuses it (415)
// elsewhere, and each such route is registered under the pattern named here, so the two
// cannot drift apart. text/csv is not a CORS "simple" type: a page of another origin still
// cannot send it without a preflight, so this opens no cross-site form post.
#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "meridian/api/http_types.hpp"

namespace meridian::api {

inline constexpr std::string_view kSentimentPath = "/api/sentiment";  // POST: routes_sentiment.cpp

inline constexpr std::array<std::string_view, 1> kCsvBodyRoutes{kSentimentPath};

// Whether `pattern` (a POST route's) takes text/csv.
inline bool takes_csv(http::verb method, std::string_view pattern) noexcept {
  return method == http::verb::post &&
         std::find(kCsvBodyRoutes.begin(), kCsvBodyRoutes.end(), pattern) != kCsvBodyRoutes.end();
}

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
