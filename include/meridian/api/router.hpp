#pragma once
// The route table: method + path pattern ("/api/market/{symbol}") + the role it needs.
// Declared once per resource; the same table serves dispatch, 405 Allow headers, the
// OpenAPI document and the tests that every route answers 401/403 to callers below its role.
#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "meridian/api/http_types.hpp"

namespace meridian::api {

struct Route {
  http::verb method;
  std::string pattern;
  Role role;
  std::string summary;
  Handler handler;
  // A scraper's route (/metrics): admitted from loopback, or elsewhere with the metrics token,
  // by the gate's scrape rule (auth_gate.hpp), not by an account; `role` is anonymous.
  bool scrape = false;
  // A read-mostly route whose answer is a function of the portfolios' snapshots (and their
  // directory), the request target and the caller only: the server keeps its 200 answers per
  // snapshot (read_cache.hpp) and serves them again to the same caller, after the gate.
  bool snapshot_read = false;
  // The body may be CSV (Content-Type text/csv) as well as JSON: the server's content-type
  // guard lets text/csv through here and refuses it (415) on every other route. text/csv is not
  // a CORS "simple" type: a page of another origin still cannot send it without a preflight.
  bool csv_body = false;
};

// A Route marked snapshot_read: router.add(per_snapshot({...})).
inline Route per_snapshot(Route route) {
  route.snapshot_read = true;
  return route;
}

// A Route whose body may be text/csv: router.add(takes_csv({...})).
inline Route takes_csv(Route route) {
  route.csv_body = true;
  return route;
}

// The methods a path answers to, in declaration order, each once: a fixed array, so matching
// a request allocates nothing. Its capacity is every verb there is.
class MethodList {
 public:
  void add(http::verb v) noexcept {
    if (std::find(begin(), end(), v) == end() && size_ < items_.size()) items_[size_++] = v;
  }
  const http::verb* begin() const noexcept { return items_.data(); }
  const http::verb* end() const noexcept { return items_.data() + size_; }
  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }
  operator std::span<const http::verb>() const noexcept { return {items_.data(), size_}; }

 private:
  std::array<http::verb, static_cast<std::size_t>(http::verb::unlink) + 1> items_{};
  std::size_t size_ = 0;
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route for this method
  PathParams params;
  MethodList allowed;  // methods the path answers to (for 405)
};

class Router {
 public:
  void add(Route route);
  // Literal segments win over {params}, so "/api/strategies/updates" beats
  // "/api/strategies/{id}" whatever the declaration order.
  RouteMatch match(http::verb method, std::string_view path) const;
  const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  struct Compiled {
    std::vector<std::string> segments;  // "{x}" marks a parameter
    std::size_t literals = 0;
  };
  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

// Whether a caller with `have` may use a route or action needing `need` (the roles' order);
// with `enforce` false (--auth off) every caller may. The gate (auth_gate.hpp) decides every
// route through it; a handler that needs more than its route's role (lifting a risk state)
// asks it too, with ApiContext::enforce_auth.
bool authorized(Role have, Role need, bool enforce) noexcept;

}  // namespace meridian::api
