#include "meridian/market/venues/binance/klines.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

#include "../../venue_json.hpp"
#include "meridian/market/venues/binance/symbols.hpp"

namespace meridian::market::binance {

namespace {

using venue_json::Json;

constexpr std::int64_t kMaxEpochMs = 9'000'000'000'000;  // what a Timestamp holds, with margin

KlinesPage fail(MessageError e) {
  KlinesPage p;
  p.error = e;
  return p;
}

std::optional<std::int64_t> ms_at(const Json& row, std::size_t i) {
  auto v = venue_json::integer_of(&row[i]);
  if (!v || *v < 0 || *v > kMaxEpochMs) return std::nullopt;
  return v;
}

// Binance sends decimals as strings; a number in their place is not its answer.
template <class F>
std::optional<F> decimal_at(const Json& row, std::size_t i) {
  if (!row[i].is_string()) return std::nullopt;
  return venue_json::decimal_of<F>(&row[i]);
}

}  // namespace

std::string klines_path(std::string_view venue_symbol, core::Timeframe tf, core::Timestamp start, core::Timestamp end,
                        int limit) {
  std::string sym(venue_symbol);
  for (auto& c : sym) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string out = "/api/v3/klines?symbol=" + sym;
  out += "&interval=";
  out += interval_name(tf);
  out += "&startTime=" + std::to_string(core::epoch_ms(start));
  out += "&endTime=" + std::to_string(core::epoch_ms(end) - 1);
  out += "&limit=" + std::to_string(std::clamp(limit, 1, kMaxKlinesLimit));
  return out;
}

KlinesPage parse_klines(std::string_view body, core::SymbolId symbol, core::Timeframe tf, core::Timestamp now,
                        int limit) {
  const auto parsed = venue_json::parse(body);
  if (!parsed) return fail(MessageError::malformed_json);
  const Json& j = *parsed;
  if (j.is_object() && j.contains("code")) {
    const auto code = venue_json::integer_of(venue_json::field(j, "code"));
    const auto msg = venue_json::string_of(venue_json::field(j, "msg"));
    if (!code || !msg || *code < std::numeric_limits<int>::min() || *code > std::numeric_limits<int>::max())
      return fail(MessageError::unexpected_shape);
    auto p = fail(MessageError::venue_error);
    p.venue = {static_cast<int>(*code), std::string(*msg)};
    return p;
  }
  if (!j.is_array()) return fail(MessageError::unexpected_shape);

  KlinesPage page;
  page.rows = j.size();
  page.bars.reserve(j.size());
  std::optional<core::Timestamp> last_open;
  for (const auto& row : j) {
    if (!row.is_array() || row.size() < 9) return fail(MessageError::unexpected_shape);
    const auto open_time = ms_at(row, 0);
    const auto close_time = ms_at(row, 6);
    const auto o = decimal_at<core::Price>(row, 1);
    const auto h = decimal_at<core::Price>(row, 2);
    const auto l = decimal_at<core::Price>(row, 3);
    const auto c = decimal_at<core::Price>(row, 4);
    const auto v = decimal_at<core::Quantity>(row, 5);
    const auto n = venue_json::integer_of(&row[8]);
    if (!open_time || !close_time || !o || !h || !l || !c || !v || !n) return fail(MessageError::bad_value);
    const bool ordered = *l > core::Price{} && *l <= std::min(*o, *c) && *h >= std::max(*o, *c) &&
                         *close_time > *open_time && *v >= core::Quantity{} && *n >= 0 &&
                         *n <= std::numeric_limits<std::uint32_t>::max();
    const auto open_ts = core::from_epoch_ms(*open_time);
    if (!ordered || (last_open && open_ts <= *last_open)) return fail(MessageError::bad_value);
    last_open = open_ts;
    // Binance's close time is the bar's last millisecond: the bar is final once it is past.
    if (core::from_epoch_ms(*close_time) >= now) continue;
    page.bars.push_back({symbol, tf, open_ts, *o, *h, *l, *c, *v, static_cast<std::uint32_t>(*n)});
  }
  if (last_open && page.rows >= static_cast<std::size_t>(std::clamp(limit, 1, kMaxKlinesLimit)))
    page.next_start = *last_open + core::period_of(tf);
  return page;
}

}  // namespace meridian::market::binance
