#pragma once
// How many requests a fake broker's REST server logged with this method and a target containing
// `target_part`: what the fakes' tests assert on ("exactly one POST", "no second order").
#include <cstddef>
#include <string>
#include <vector>

#include "fake_venue.hpp"

namespace gateway_test {

inline std::size_t count_requests(const std::vector<venue_test::LoggedRequest>& log, const std::string& method,
                                  const std::string& target_part) {
  std::size_t n = 0;
  for (const auto& r : log) n += r.method == method && r.target.find(target_part) != std::string::npos;
  return n;
}

}  // namespace gateway_test
