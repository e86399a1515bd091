// The instrument table: ids by position, case-insensitive lookup, duplicates refused.
#include "meridian/core/instrument.hpp"
#include "meridian/core/symbol_alias.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

using meridian::core::AssetClass;
using meridian::core::default_instruments;
using meridian::core::Instrument;
using meridian::core::InstrumentTable;
using meridian::core::resolve_symbol;

namespace {
Instrument make(std::string symbol) {
  Instrument i;
  i.symbol = std::move(symbol);
  return i;
}
}  // namespace

TEST(InstrumentTable, AssignsIdsInOrder) {
  InstrumentTable t({make("AAA"), make("BBB"), make("CCC")});
  ASSERT_EQ(t.size(), 3u);
  for (std::size_t i = 0; i < t.size(); ++i) EXPECT_EQ(t.at(static_cast<meridian::core::SymbolId>(i)).id, i);
  EXPECT_EQ(t.at(1).symbol, "BBB");
  EXPECT_THROW(static_cast<void>(t.at(3)), std::out_of_range);
}

TEST(InstrumentTable, FindIsCaseInsensitive) {
  InstrumentTable t({make("BTC-USD"), make("ETH-USD"), make("AAPL")});
  EXPECT_EQ(t.find("BTC-USD"), 0u);
  EXPECT_EQ(t.find("btc-usd"), 0u);
  EXPECT_EQ(t.find("Eth-Usd"), 1u);
  EXPECT_EQ(t.find("aapl"), 2u);
  // Prefixes, extensions and empty strings are not matches.
  EXPECT_FALSE(t.find("BTC"));
  EXPECT_FALSE(t.find("BTC-USDT"));
  EXPECT_FALSE(t.find("AAPL "));
  EXPECT_FALSE(t.find(""));
}

TEST(InstrumentTable, RejectsDuplicatesIgnoringCase) {
  EXPECT_THROW(InstrumentTable({make("AAPL"), make("MSFT"), make("AAPL")}), std::invalid_argument);
  EXPECT_THROW(InstrumentTable({make("btc-usd"), make("BTC-USD")}), std::invalid_argument);
  EXPECT_NO_THROW(InstrumentTable({make("BTC-USD"), make("BTC-USDT")}));
}

TEST(InstrumentTable, DefaultInstrumentsAreConsistent) {
  InstrumentTable t(default_instruments());
  ASSERT_EQ(t.size(), 10u);
  for (const auto& inst : t.all()) {
    std::string lower = inst.symbol;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    EXPECT_EQ(t.find(lower), inst.id) << inst.symbol;
    EXPECT_GE(inst.price_decimals, 0);
    EXPECT_LE(inst.price_decimals, 8);
    EXPECT_GE(inst.qty_decimals, 0);
    EXPECT_LE(inst.qty_decimals, 8);
    EXPECT_GT(inst.reference_price, 0.0);
    EXPECT_GT(inst.annual_volatility, 0.0);
  }
  EXPECT_EQ(t.at(*t.find("BTC-USD")).asset_class, AssetClass::crypto);
  EXPECT_EQ(t.at(*t.find("AAPL")).asset_class, AssetClass::equity);
  EXPECT_EQ(meridian::core::to_string(AssetClass::crypto), "crypto");
  EXPECT_EQ(meridian::core::to_string(AssetClass::equity), "equity");
}

namespace {
Instrument crypto(std::string symbol) {
  auto i = make(std::move(symbol));
  i.asset_class = AssetClass::crypto;
  return i;
}
Instrument equity(std::string symbol) {
  auto i = make(std::move(symbol));
  i.asset_class = AssetClass::equity;
  return i;
}
}  // namespace

TEST(InstrumentTable, ResolveTakesTheSeedClientsSpellings) {
  InstrumentTable t({crypto("BTC-USD"), crypto("ETH-USD"), equity("AAPL")});
  for (const char* name :
       {"BTC-USD", "btc-usd", "btcusdt", "BTCUSDT", "BTC/USD", "BTC-USDT", "btc_usdc", "BTC:USD", "BTCUSD", "btc/usdt"})
    EXPECT_EQ(resolve_symbol(t, name), 0u) << name;
  EXPECT_EQ(resolve_symbol(t, "ethusdt"), 1u);
  EXPECT_EQ(resolve_symbol(t, "aapl"), 2u);
  for (const char* name : {"", "BTC", "USDT", "BTC-", "-USD", "BTCEUR", "BTC-EUR", "DOGEUSDT", "AAPLUSD", "AAPL/USD",
                           "XBTUSD", "BTCUSDTT", "BTC--USD"})
    EXPECT_FALSE(resolve_symbol(t, name)) << name;
}

TEST(InstrumentTable, ResolvePrefersTheQuoteAsConfiguredAndRefusesAmbiguity) {
  InstrumentTable both({crypto("BTC-USD"), crypto("BTC-USDT")});
  EXPECT_EQ(resolve_symbol(both, "btcusdt"), 1u);
  EXPECT_EQ(resolve_symbol(both, "BTC/USD"), 0u);
  EXPECT_EQ(resolve_symbol(both, "btcusd"), 0u);
  // USDC is equivalent to both configured quotes, and neither is written as configured.
  EXPECT_FALSE(resolve_symbol(both, "BTCUSDC"));
  EXPECT_FALSE(resolve_symbol(both, "BTC-USDC"));
}
