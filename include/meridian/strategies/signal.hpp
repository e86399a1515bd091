#pragma once
// What a strategy says on a bar close. Fixed-size so emitting one never allocates.
#include <array>
#include <cstdint>
#include <string_view>

#include "meridian/core/types.hpp"

namespace meridian::strategies {

struct IndicatorValue {
  std::string_view name;  // static string, e.g. "sma_fast"
  double value = 0.0;
};

struct Signal {
  core::SymbolId symbol = 0;
  core::Side side = core::Side::buy;
  double strength = 0.0;  // 0..1
  core::Price price{};
  core::Timestamp ts{};
  std::string_view strategy;  // class name, static
  std::string_view reason;    // static text
  std::array<IndicatorValue, 4> values{};
  std::uint8_t value_count = 0;
};

}  // namespace meridian::strategies
