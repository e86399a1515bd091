#include "meridian/api/router.hpp"

#include <algorithm>
#include <array>
#include <boost/url/decode_view.hpp>
#include <span>
#include <stdexcept>

namespace meridian::api {

namespace {
// Path segments without allocating: requests split into a fixed array on the stack.
constexpr std::size_t kMaxSegments = 16;
struct Segments {
  std::array<std::string_view, kMaxSegments> items;
  std::size_t size = 0;
  bool overflow = false;
};

Segments split(std::string_view path) {
  Segments out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (out.size == kMaxSegments) {
      out.overflow = true;
      break;
    }
    out.items[out.size++] = path.substr(i, j - i);
    i = j;
  }
  return out;
}

bool is_param(std::string_view seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}
}  // namespace

void Router::add(Route route) {
  Compiled c;
  const auto segments = split(route.pattern);
  if (segments.overflow) throw std::invalid_argument("route pattern has too many segments: " + route.pattern);
  if (route.scrape && route.role != Role::anonymous)
    throw std::invalid_argument("a scrape route is admitted by its own rule, so its role is anonymous: " +
                                route.pattern);
  for (std::size_t i = 0; i < segments.size; ++i) {
    c.segments.emplace_back(segments.items[i]);
    if (!is_param(segments.items[i])) ++c.literals;
  }
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(c));
}

RouteMatch Router::match(http::verb method, std::string_view path) const {
  const auto split_path = split(path);
  RouteMatch best;
  if (split_path.overflow) return best;
  const std::span<const std::string_view> parts(split_path.items.data(), split_path.size);
  std::size_t best_literals = 0;
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    const auto& c = compiled_[r];
    if (c.segments.size() != parts.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) ok = is_param(c.segments[i]) || c.segments[i] == parts[i];
    if (!ok) continue;
    best.allowed.add(routes_[r].method);
    if (routes_[r].method != method || (best.route && c.literals <= best_literals)) continue;
    best.route = &routes_[r];
    best_literals = c.literals;
    best.params.clear();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (!is_param(c.segments[i])) continue;
      auto encoded = boost::urls::make_pct_string_view(parts[i]);
      std::string value = encoded ? std::string(encoded->decode()) : std::string(parts[i]);
      best.params.emplace_back(c.segments[i].substr(1, c.segments[i].size() - 2), std::move(value));
    }
  }
  return best;
}

bool authorized(Role have, Role need, bool enforce) noexcept {
  if (!enforce) return true;
  return static_cast<int>(have) >= static_cast<int>(need);
}

}  // namespace meridian::api
