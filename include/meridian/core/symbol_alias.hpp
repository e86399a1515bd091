#pragma once
// Symbols as clients write them: the one resolver every request parser and WebSocket path uses
// (api), so the seeds' clients name the configured instruments unchanged.
#include <optional>
#include <string_view>

#include "meridian/core/instrument.hpp"

namespace meridian::core {

// `name` as an instrument of `table`: InstrumentTable::find() first (the configured symbol, any
// case), then the venue conventions of the seeds' clients for a configured crypto pair
// "BASE-QUOTE": "BASE/QUOTE", "BASE_QUOTE", "BASE:QUOTE" and "BASEQUOTE" in any case, with the
// quotes USD, USDT and USDC standing for one another ("btcusdt" -> "BTC-USD"). A quote written
// exactly as configured beats an equivalent one; nullopt when the name is unknown or still
// names several instruments. Thread-safe (the table is read-only).
std::optional<SymbolId> resolve_symbol(const InstrumentTable& table, std::string_view name) noexcept;

}  // namespace meridian::core
