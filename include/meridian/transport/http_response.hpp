#pragma once
// A server's HTTP answer as plain data, free of Beast types, so callers and tests can use it
// without the heavy headers.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meridian::transport {

struct HttpResponse {
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Case-insensitive; "" when absent.
  std::string_view header(std::string_view name) const noexcept;
};

struct HttpResult {
  std::string error;  // empty: `response` holds a complete answer (of any status)
  HttpResponse response;
  bool ok() const noexcept { return error.empty(); }
};

}  // namespace meridian::transport
