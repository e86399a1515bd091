#pragma once
// The route table: method + path pattern ("/api/market/{symbol}") + the role it needs.
// Declared once per resource; the same table serves dispatch, 405 Allow headers, the
// OpenAPI document and the tests that every route answers 401/403 to callers below its role.
#include <optional>
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
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route for this method
  PathParams params;
  std::vector<http::verb> allowed;  // methods the path answers to (for 405)
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
