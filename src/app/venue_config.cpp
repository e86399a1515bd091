#include "meridian/app/venue_config.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "meridian/app/trading_config.hpp"

namespace meridian::app {

namespace {
[[noreturn]] void refuse(std::string_view option, std::string_view entry, const std::string& why) {
  throw std::invalid_argument(std::string(option) + " " + std::string(entry) + ": " + why);
}
}  // namespace

market::Calendars make_calendars(const Config& c) {
  market::Calendars calendars;
  std::string error;
  for (const auto& text : c.venues) {
    const auto spec = market::parse_venue_spec(text, error);
    if (!spec || !calendars.add_venue(*spec, error)) refuse("--venue", text, error);
  }
  for (const auto& text : c.holidays) {
    const auto holiday = market::parse_holiday(text, error);
    if (!holiday || !calendars.add(*holiday, error)) refuse("--holiday", text, error);
  }
  for (const auto& text : c.early_closes) {
    const auto early = market::parse_early_close(text, error);
    if (!early || !calendars.add(*early, error)) refuse("--early-close", text, error);
  }
  return calendars;
}

std::optional<core::Instrument> parse_instrument(std::string_view text, std::string& error) {
  const auto eq = text.find('=');
  const auto c1 = text.find(',', eq == std::string_view::npos ? 0 : eq);
  const auto c2 = c1 == std::string_view::npos ? c1 : text.find(',', c1 + 1);
  if (eq == std::string_view::npos || eq == 0 || c1 == std::string_view::npos || c2 == std::string_view::npos) {
    error = "expected SYMBOL=VENUE,CURRENCY,PRICE, e.g. VOD=lse,GBP,72.5";
    return std::nullopt;
  }
  core::Instrument inst;
  inst.symbol = std::string(text.substr(0, eq));
  inst.venue = std::string(text.substr(eq + 1, c1 - eq - 1));
  inst.currency = std::string(text.substr(c1 + 1, c2 - c1 - 1));
  inst.asset_class = core::AssetClass::equity;
  inst.annual_volatility = 0.3;
  for (auto& ch : inst.venue) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  const auto price_text = text.substr(c2 + 1);
  double price = 0;
  const auto [end, ec] = std::from_chars(price_text.data(), price_text.data() + price_text.size(), price);
  if (ec != std::errc{} || end != price_text.data() + price_text.size() || !std::isfinite(price) || price <= 0 ||
      price > 1e9) {
    error = "the price must be a positive number, got '" + std::string(price_text) + "'";
    return std::nullopt;
  }
  if (inst.venue.empty() || inst.currency.empty() || inst.symbol.find(',') != std::string::npos) {
    error = "expected SYMBOL=VENUE,CURRENCY,PRICE, e.g. VOD=lse,GBP,72.5";
    return std::nullopt;
  }
  inst.reference_price = price;
  return inst;
}

std::vector<core::Instrument> configured_instruments(const Config& c) {
  auto all = core::default_instruments();
  std::string error;
  for (const auto& text : c.instruments) {
    auto inst = parse_instrument(text, error);
    if (!inst) refuse("--instrument", text, error);
    all.push_back(std::move(*inst));
  }
  return all;
}

void check_venue_config(const Config& c) {
  const auto calendars = make_calendars(c);
  auto instruments = configured_instruments(c);
  for (const auto& inst : instruments)
    if (!calendars.find(inst.venue)) refuse("--instrument", inst.symbol, "unknown venue '" + inst.venue + "'");
  const core::InstrumentTable table(std::move(instruments));  // throws on a duplicate symbol
  std::string error;
  for (const auto& text : c.venue_fees) {
    const auto fee = parse_venue_fee(text, error);
    if (fee && !calendars.find(fee->first)) refuse("--venue-fee", text, "unknown venue '" + fee->first + "'");
  }
}

}  // namespace meridian::app
