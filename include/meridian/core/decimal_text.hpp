#pragma once
// Decimal text as files and venues write it, to the fixed-point raw value (fixed.hpp), exact:
// no double on the way. Beside parse_fixed_raw (plain text, at most 8 decimals, what clients
// and the ledger write), in a header of its own so that the few readers of outside text include
// it without every user of fixed.hpp being rebuilt with it. Defined in src/core/fixed.cpp.
#include <cstdint>
#include <optional>
#include <string_view>

namespace meridian::core {

// [+-][digits][.digits][(e|E)[+-]digits] -> 1e-8 units. Takes exponents ("1.5e-05", "3E2") and
// digits past the 8th decimal when they are zeros ("42.000000000000"). nullopt when the value is
// not a whole number of 1e-8 units (a nonzero 9th decimal), leaves the range of fixed.hpp, has
// an exponent beyond +-40 or more than 64 digits (unless plain text that parse_fixed_raw takes),
// or is not a number. The CSV reader and every venue's JSON reader go through it.
std::optional<std::int64_t> parse_decimal_raw(std::string_view text) noexcept;

}  // namespace meridian::core
