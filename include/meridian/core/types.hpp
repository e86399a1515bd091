#pragma once
// Market and trading value types shared by every module. Plain data, no allocation.
#include <cstdint>
#include <optional>
#include <string_view>

#include "meridian/core/fixed.hpp"
#include "meridian/core/time.hpp"

namespace meridian::core {

// Index into the InstrumentTable; the hot path never touches symbol strings.
using SymbolId = std::uint32_t;

enum class Side : std::uint8_t { buy, sell };
std::string_view to_string(Side s) noexcept;
std::optional<Side> parse_side(std::string_view s) noexcept;

enum class Timeframe : std::uint8_t { m1, m5, m15, h1, h4, d1 };
inline constexpr Timeframe kAllTimeframes[] = {Timeframe::m1, Timeframe::m5, Timeframe::m15,
                                               Timeframe::h1, Timeframe::h4, Timeframe::d1};
std::string_view to_string(Timeframe tf) noexcept;
std::optional<Timeframe> parse_timeframe(std::string_view s) noexcept;
Duration period_of(Timeframe tf) noexcept;

struct Tick {
  SymbolId symbol = 0;
  Timestamp ts{};
  Price bid{};
  Price ask{};
  Price last{};
  Quantity volume{};  // traded since the previous tick
};

struct Bar {
  SymbolId symbol = 0;
  Timeframe timeframe = Timeframe::m1;
  Timestamp open_time{};
  Price open{};
  Price high{};
  Price low{};
  Price close{};
  Quantity volume{};
  std::uint32_t ticks = 0;
};

}  // namespace meridian::core
