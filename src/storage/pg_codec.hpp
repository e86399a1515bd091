#pragma once
// Text codecs between the ledger's fixed-point/time types and PostgreSQL columns.
// NUMERIC travels as decimal text, so values round-trip exactly.
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <string_view>

#include "meridian/core/fixed.hpp"
#include "meridian/core/time.hpp"
#include "meridian/core/types.hpp"

namespace meridian::storage::pg {

template <class F>
F fixed(const pqxx::field& f) {
  auto v = F::parse(f.c_str());
  if (!v) throw std::runtime_error(std::string("bad numeric in column ") + f.name() + ": " + f.c_str());
  return *v;
}

inline std::string text(core::Timestamp t) {
  return core::to_iso8601(t, 6);
}

// Columns selected as `(extract(epoch from col) * 1000000)::bigint`.
// The select-list item that reads TIMESTAMPTZ `column` as epoch microseconds named `as`, the form
// micros() decodes.
inline std::string micros_of(std::string_view column, std::string_view as) {
  return "(extract(epoch from " + std::string(column) + ") * 1000000)::bigint AS " + std::string(as);
}
inline core::Timestamp micros(const pqxx::field& f) {
  return core::Timestamp(std::chrono::microseconds(f.as<long long>()));
}

// A market_data row selected with open, high, low, close, volume and the open time as ts_us.
inline core::Bar bar(const pqxx::row& r, core::SymbolId symbol, core::Timeframe timeframe) {
  core::Bar b;
  b.symbol = symbol;
  b.timeframe = timeframe;
  b.open_time = micros(r["ts_us"]);
  b.open = fixed<core::Price>(r["open"]);
  b.high = fixed<core::Price>(r["high"]);
  b.low = fixed<core::Price>(r["low"]);
  b.close = fixed<core::Price>(r["close"]);
  b.volume = fixed<core::Quantity>(r["volume"]);
  return b;
}

}  // namespace meridian::storage::pg
