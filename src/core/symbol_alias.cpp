#include "meridian/core/symbol_alias.hpp"

#include <strings.h>

namespace meridian::core {

namespace {
bool iequal(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Dollar stablecoins quote the same markets as the dollar on the venues the seeds name
// (Binance's BTCUSDT is Coinbase's BTC-USD).
bool dollar_like(std::string_view quote) noexcept {
  return iequal(quote, "USD") || iequal(quote, "USDT") || iequal(quote, "USDC");
}

// How well `quote` (as the client wrote it) names the configured `wanted`: 2 exactly, 1 an
// equivalent dollar quote, 0 not at all.
int quote_match(std::string_view quote, std::string_view wanted) noexcept {
  if (iequal(quote, wanted)) return 2;
  return dollar_like(quote) && dollar_like(wanted) ? 1 : 0;
}
}  // namespace

std::optional<SymbolId> resolve_symbol(const InstrumentTable& table, std::string_view name) noexcept {
  if (auto exact = table.find(name)) return exact;
  if (name.empty() || name.size() > 32) return std::nullopt;
  const auto sep = name.find_first_of("/-_:");
  int best = 0;
  std::optional<SymbolId> found;
  bool ambiguous = false;
  for (const auto& inst : table.all()) {
    if (inst.asset_class != AssetClass::crypto) continue;
    const std::string_view symbol = inst.symbol;
    const auto dash = symbol.find('-');
    if (dash == std::string_view::npos) continue;
    const auto base = symbol.substr(0, dash), quote = symbol.substr(dash + 1);
    int score = 0;
    if (sep != std::string_view::npos) {
      if (iequal(name.substr(0, sep), base)) score = quote_match(name.substr(sep + 1), quote);
    } else if (name.size() > base.size() && iequal(name.substr(0, base.size()), base)) {
      score = quote_match(name.substr(base.size()), quote);
    }
    if (score == 0 || score < best) continue;
    ambiguous = score == best;
    best = score;
    found = inst.id;
  }
  if (ambiguous) return std::nullopt;
  return found;
}

}  // namespace meridian::core
