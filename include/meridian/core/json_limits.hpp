#pragma once
// Bounds on JSON that arrives from outside (HTTP bodies, WebSocket messages, venue frames).
// nlohmann's parser is iterative, but serialising and walking a value recurse, so a value
// nested 100,000 deep would overflow the stack later. Every untrusted text is checked here
// before it is parsed: one linear scan, no allocation.
#include <cstddef>
#include <string_view>

namespace meridian::core {

// Deeper than any message Meridian accepts or a venue sends (an order with a bracket is 3).
inline constexpr std::size_t kMaxJsonDepth = 32;

// The deepest nesting of objects and arrays in `text`, ignoring brackets inside strings
// (escapes honoured). Stops counting, and returns `limit + 1`, as soon as `limit` is passed.
// Malformed text is not judged here: the parser that follows reports it.
std::size_t json_nesting_depth(std::string_view text, std::size_t limit = kMaxJsonDepth) noexcept;

inline bool json_depth_ok(std::string_view text, std::size_t limit = kMaxJsonDepth) noexcept {
  return json_nesting_depth(text, limit) <= limit;
}

}  // namespace meridian::core
