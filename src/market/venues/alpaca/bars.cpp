#include "meridian/market/venues/alpaca/bars.hpp"

#include <algorithm>
#include <limits>

#include "../../venue_json.hpp"
#include "bar_event.hpp"

namespace meridian::market::alpaca {

namespace {

using venue_json::field;
using venue_json::Json;

constexpr std::string_view kNames[] = {"1Min", "5Min", "15Min", "1Hour", "4Hour", "1Day"};

BarsPage fail(MessageError e) {
  BarsPage p;
  p.error = e;
  return p;
}

// RFC 3986 unreserved characters pass; everything else is %XX.
std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string_view timeframe_name(core::Timeframe tf) noexcept {
  const auto i = static_cast<std::size_t>(tf);
  return i < std::size(kNames) ? kNames[i] : std::string_view{};
}

std::string bars_path(std::string_view venue_symbol, core::Timeframe tf, core::Timestamp start, core::Timestamp end,
                      int limit, std::string_view page_token) {
  std::string out = "/v2/stocks/" + percent_encode(venue_symbol) + "/bars?timeframe=";
  out += timeframe_name(tf);
  out += "&start=" + core::to_iso8601(start);
  out += "&end=" + core::to_iso8601(end - std::chrono::milliseconds(1));
  out += "&limit=" + std::to_string(std::clamp(limit, 1, kMaxBarsLimit));
  if (!page_token.empty()) out += "&page_token=" + percent_encode(page_token);
  return out;
}

BarsPage parse_bars_page(std::string_view body, const VenueSymbols& symbols, core::SymbolId expected,
                         core::Timeframe tf) {
  const auto parsed = venue_json::parse(body);
  if (!parsed) return fail(MessageError::malformed_json);
  const Json& j = *parsed;
  if (!j.is_object()) return fail(MessageError::unexpected_shape);
  const Json* bars = field(j, "bars");
  if (bars == nullptr) {
    // Alpaca's REST errors: {"code":40010001,"message":"invalid symbol"}, or just a message.
    const auto msg = venue_json::string_of(field(j, "message"));
    if (!msg) return fail(MessageError::unexpected_shape);
    auto p = fail(MessageError::venue_error);
    const auto code = venue_json::integer_of(field(j, "code"));
    p.venue = {code && *code >= 0 && *code <= std::numeric_limits<int>::max() ? static_cast<int>(*code) : 0,
               std::string(*msg)};
    return p;
  }
  const auto sym = venue_json::string_of(field(j, "symbol"));
  if (!sym) return fail(MessageError::unexpected_shape);
  const auto id = symbols.find(*sym);
  if (!id || *id != expected) return fail(MessageError::unknown_symbol);
  const Json* token = field(j, "next_page_token");
  if (token != nullptr && !token->is_null() && !token->is_string()) return fail(MessageError::unexpected_shape);
  if (!bars->is_null() && !bars->is_array()) return fail(MessageError::unexpected_shape);

  BarsPage page;
  if (token != nullptr && token->is_string() && !token->get_ref<const std::string&>().empty())
    page.next_page_token = token->get<std::string>();
  if (bars->is_null()) return page;
  const auto& inst = symbols.instruments().at(*id);
  page.bars.reserve(bars->size());
  for (const auto& b : *bars) {
    const auto ev = bar_event(b, *id, inst, EventKind::bar, tf);
    if (ev.kind == EventKind::invalid) return fail(ev.error_kind);
    if (!page.bars.empty() && ev.bar.open_time <= page.bars.back().open_time) return fail(MessageError::bad_value);
    page.bars.push_back(ev.bar);
  }
  return page;
}

}  // namespace meridian::market::alpaca
