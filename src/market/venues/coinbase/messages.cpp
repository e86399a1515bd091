#include "meridian/market/venues/coinbase/messages.hpp"

#include <algorithm>

#include "../../venue_json.hpp"

namespace meridian::market::venue {

namespace {

using json = venue_json::Json;

// Coinbase sends decimals as strings (exact); numbers are taken too (venue_json::decimal_raw_of).
std::optional<std::int64_t> decimal_raw(const json& v) {
  return venue_json::decimal_raw_of(&v);
}

template <class T>
bool field(const json& obj, const char* name, T& out, std::string& error) {
  const auto it = obj.find(name);
  if (it == obj.end()) {
    error = std::string("missing field '") + name + "'";
    return false;
  }
  const auto raw = decimal_raw(*it);
  if (!raw) {
    error = std::string("field '") + name + "' is not a decimal";
    return false;
  }
  out = T::from_raw(*raw);
  return true;
}

std::string excerpt(std::string_view body) {
  constexpr std::size_t kMax = 120;
  std::string s(body.substr(0, kMax));
  for (auto& c : s)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return body.size() > kMax ? s + "..." : s;
}

}  // namespace

std::string coinbase_error_message(std::string_view body) {
  if (const auto j = venue_json::parse(body))
    if (const auto msg = venue_json::string_of(venue_json::field(*j, "message"))) return std::string(*msg);
  return excerpt(body);
}

std::variant<CoinbaseTicker, ParseError> parse_coinbase_ticker(std::string_view body) {
  const auto parsed = venue_json::parse(body);
  if (!parsed) return ParseError{"truncated or malformed JSON: " + excerpt(body)};
  const auto& j = *parsed;
  if (!j.is_object()) return ParseError{"ticker is not a JSON object: " + excerpt(body)};
  if (j.size() == 1 && j.contains("message")) return ParseError{"venue error: " + coinbase_error_message(body)};
  CoinbaseTicker t;
  std::string error;
  const auto id = j.find("trade_id");
  if (id == j.end() || !id->is_number_integer()) return ParseError{"field 'trade_id' is not an integer"};
  t.trade_id = id->get<std::int64_t>();
  const auto time = j.find("time");
  if (time == j.end() || !time->is_string()) return ParseError{"field 'time' is not a string"};
  const auto ts = core::parse_time(time->get_ref<const std::string&>());
  if (!ts) return ParseError{"field 'time' is not an ISO-8601 time: " + time->get<std::string>()};
  t.time = *ts;
  if (!field(j, "price", t.price, error) || !field(j, "size", t.size, error) || !field(j, "bid", t.bid, error) ||
      !field(j, "ask", t.ask, error))
    return ParseError{error};
  if (t.price.raw() <= 0 || t.size.raw() < 0 || t.bid.raw() < 0 || t.ask.raw() < 0)
    return ParseError{"ticker has a non-positive price or a negative size/bid/ask"};
  return t;
}

std::variant<CoinbaseCandles, ParseError> parse_coinbase_candles(std::string_view body, core::SymbolId symbol) {
  const auto parsed = venue_json::parse(body);
  if (!parsed) return ParseError{"truncated or malformed JSON: " + excerpt(body)};
  const auto& j = *parsed;
  if (j.is_object() && j.contains("message")) return ParseError{"venue error: " + coinbase_error_message(body)};
  if (!j.is_array()) return ParseError{"candles are not a JSON array: " + excerpt(body)};
  CoinbaseCandles out;
  out.bars.reserve(j.size());
  for (const auto& row : j) {
    // Epoch seconds within what a Timestamp holds (int64 ns, to 2262): beyond, the conversion
    // would wrap (found by fuzz/venue_fuzz). 9e9 s, as the Binance parsers' 9e12 ms.
    if (!row.is_array() || row.size() < 6 || !row[0].is_number_integer() || row[0].get<std::int64_t>() < 0 ||
        row[0].get<std::int64_t>() > 9'000'000'000) {
      ++out.bad_rows;
      continue;
    }
    std::optional<std::int64_t> v[5];
    for (std::size_t i = 0; i < 5; ++i) v[i] = decimal_raw(row[i + 1]);
    if (!v[0] || !v[1] || !v[2] || !v[3] || !v[4] || *v[1] < *v[0] || *v[4] < 0 || *v[0] <= 0 || *v[2] < *v[0] ||
        *v[2] > *v[1] || *v[3] < *v[0] || *v[3] > *v[1]) {
      ++out.bad_rows;
      continue;
    }
    core::Bar b;
    b.symbol = symbol;
    b.timeframe = core::Timeframe::m1;
    b.open_time = core::Timestamp(std::chrono::seconds(row[0].get<std::int64_t>()));
    b.low = core::Price::from_raw(*v[0]);
    b.high = core::Price::from_raw(*v[1]);
    b.open = core::Price::from_raw(*v[2]);
    b.close = core::Price::from_raw(*v[3]);
    b.volume = core::Quantity::from_raw(*v[4]);
    out.bars.push_back(b);
  }
  std::stable_sort(out.bars.begin(), out.bars.end(),
                   [](const auto& a, const auto& b) { return a.open_time < b.open_time; });
  // A repeated open time is a duplicate row: keep the first, count the rest.
  const auto before = out.bars.size();
  out.bars.erase(std::unique(out.bars.begin(), out.bars.end(),
                             [](const auto& a, const auto& b) { return a.open_time == b.open_time; }),
                 out.bars.end());
  out.bad_rows += before - out.bars.size();
  return out;
}

}  // namespace meridian::market::venue
