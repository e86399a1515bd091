// Fuzz target: the CSV bar parser (market/csv_bars.hpp), the reader of `data import` files and
// replay feeds.
//
// Input: byte 0 picks the options (bits 0-2: format, auto/generic/binance/coinbase/named;
// bit 3: a period for the alignment check; bits 4-5: the timeframe), the rest is the file.
// Checked after every parse: what the header comment promises. Every data row is a bar or a
// counted bad row; bars are oldest first with strictly increasing times, positive prices with
// low <= open, close <= high and a non-negative volume; a file refused as a whole has no bars.
// parse_decimal_raw is also checked on every field against a reference written here.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "meridian/core/decimal_text.hpp"
#include "meridian/market/csv_bars.hpp"

namespace {

using namespace meridian;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "csv_bars_fuzz: %s\n", what);
  std::abort();
}

__extension__ typedef __int128 i128;

// Reference for parse_decimal_raw: [+-]digits[.digits][(e|E)[+-]digits] whose value is a whole
// number of 1e-8 units within int64, under the parser's documented limits: an exponent within
// +-40, and at most 64 digits unless the text is plain decimal with at most 8 decimals.
std::optional<std::int64_t> reference_decimal(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  int exponent = 0;
  const bool has_exponent = text.find_first_of("eE") != std::string_view::npos;
  if (const auto e = text.find_first_of("eE"); e != std::string_view::npos) {
    auto exp_text = text.substr(e + 1);
    bool exp_negative = false;
    if (!exp_text.empty() && (exp_text[0] == '+' || exp_text[0] == '-')) {
      exp_negative = exp_text[0] == '-';
      exp_text.remove_prefix(1);
    }
    if (exp_text.empty()) return std::nullopt;
    for (char c : exp_text) {
      if (c < '0' || c > '9') return std::nullopt;
      exponent = std::min(exponent * 10 + (c - '0'), 1000);
    }
    if (exponent > 40) return std::nullopt;
    if (exp_negative) exponent = -exponent;
    text = text.substr(0, e);
  }
  std::string digits;
  long point = -1;
  for (char c : text) {
    if (c == '.' && point < 0) {
      point = static_cast<long>(digits.size());
    } else if (c >= '0' && c <= '9') {
      digits += c;
    } else {
      return std::nullopt;
    }
  }
  if (digits.empty()) return std::nullopt;
  const bool plain = !has_exponent && (point < 0 || static_cast<long>(digits.size()) - point <= 8);
  if (!plain && digits.size() > 64) return std::nullopt;
  if (point < 0) point = static_cast<long>(digits.size());
  // value = digits * 10^(k - 8) with k the power of ten on the raw (1e-8) count.
  long k = point - static_cast<long>(digits.size()) + exponent + 8;
  const auto first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;
  digits.erase(0, first);
  while (k < 0 && digits.back() == '0') {
    digits.pop_back();
    ++k;
  }
  if (k < 0 || static_cast<long>(digits.size()) + k > 19) return std::nullopt;  // inexact, or too large
  i128 value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  for (long n = 0; n < k; ++n) value *= 10;
  if (value > std::numeric_limits<std::int64_t>::max()) return std::nullopt;
  return static_cast<std::int64_t>(negative ? -value : value);
}

// parse_decimal_raw against the reference on every field (up to 64).
void check_fields(std::string_view content) {
  std::size_t start = 0, checked = 0;
  while (start <= content.size() && checked < 64) {
    auto end = content.find_first_of(",\n\r", start);
    if (end == std::string_view::npos) end = content.size();
    const auto field = content.substr(start, end - start);
    const auto got = core::parse_decimal_raw(field);
    const auto want = reference_decimal(field);
    if (got != want) {
      std::fprintf(stderr, "csv_bars_fuzz: '%.*s' -> %s, expected %s\n", static_cast<int>(field.size()), field.data(),
                   got ? std::to_string(*got).c_str() : "none", want ? std::to_string(*want).c_str() : "none");
      fail("parse_decimal_raw disagrees with the reference");
    }
    ++checked;
    start = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // bad rows are logged; the fuzzer makes millions
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  constexpr market::CsvFormat kFormats[] = {market::CsvFormat::automatic, market::CsvFormat::generic,
                                            market::CsvFormat::binance, market::CsvFormat::coinbase,
                                            market::CsvFormat::named};
  constexpr core::Timeframe kTimeframes[] = {core::Timeframe::m1, core::Timeframe::m15, core::Timeframe::h1,
                                             core::Timeframe::d1};
  market::CsvOptions options;
  options.format = kFormats[(data[0] & 7) % 5];
  options.timeframe = kTimeframes[(data[0] >> 4) & 3];
  if (data[0] & 8) options.period = core::period_of(options.timeframe);
  options.symbol = 3;
  options.log_first = 2;
  const std::string_view content(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::istringstream in{std::string(content)};
  const auto result = market::parse_csv_bars(in, "fuzz.csv", options);

  if (!result.error.empty()) {
    if (!result.bars.empty()) fail("a refused file has bars");
  } else {
    if (result.format == market::CsvFormat::automatic) fail("the format used is never automatic");
    if (result.rows != result.bars.size() + result.bad.total()) fail("a data row is neither a bar nor a bad row");
  }
  for (std::size_t i = 0; i < result.bars.size(); ++i) {
    const auto& bar = result.bars[i];
    if (bar.symbol != options.symbol || bar.timeframe != options.timeframe) fail("a bar lost its symbol or timeframe");
    if (i > 0 && bar.open_time <= result.bars[i - 1].open_time) fail("bar times are not strictly increasing");
    if (bar.low.raw() <= 0) fail("a bar with a non-positive price");
    if (bar.high < bar.low || bar.open < bar.low || bar.open > bar.high || bar.close < bar.low || bar.close > bar.high)
      fail("a bar whose low/high do not bound open and close");
    if (bar.volume.raw() < 0) fail("a bar with a negative volume");
    if (options.period && bar.open_time.time_since_epoch() % *options.period != core::Duration::zero())
      fail("a misaligned bar with a period set");
  }
  check_fields(content);
  return 0;
}
