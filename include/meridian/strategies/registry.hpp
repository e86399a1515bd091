#pragma once
// Strategy class names. Names are static strings so signals and trades can carry them
// without allocating.
#include <string_view>

namespace meridian::strategies {

// The static spelling of a known class name, or "manual" for anything else (trades
// recorded by hand, or by a class this build no longer has).
std::string_view canonical_class_name(std::string_view name) noexcept;

}  // namespace meridian::strategies
