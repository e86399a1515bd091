#include "meridian/app/indicators_cmd.hpp"

#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>
#include <system_error>

#include <unistd.h>

#include "meridian/indicators/conventions.hpp"
#include "meridian/indicators/indicator_set.hpp"
#include "output_file.hpp"

namespace meridian::app {

namespace {

// Epoch values at or above this are milliseconds: 1e11 s is the year 5138, 1e11 ms is 1973.
constexpr std::int64_t kFirstMillisecondTs = 100'000'000'000;
constexpr std::size_t kFields = 6;
// Spreadsheet exports often start with one.
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits on commas into `out`; returns the number of fields, up to kFields + 1 (too many).
std::size_t split(std::string_view line, std::array<std::string_view, kFields + 1>& out) {
  std::size_t n = 0;
  while (n <= kFields) {
    const auto comma = line.find(',');
    out[n++] = trim(line.substr(0, comma));
    if (comma == std::string_view::npos) break;
    line.remove_prefix(comma + 1);
  }
  return n;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_number(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Parses one data line into `bar`; returns an empty string or what is wrong with it.
std::string parse_bar(std::string_view line, indicators::Ohlcv& bar, std::string_view& ts_text) {
  std::array<std::string_view, kFields + 1> f;
  const std::size_t n = split(line, f);
  if (n != kFields) {
    return "expected 6 fields ts,open,high,low,close,volume, found " +
           (n > kFields ? std::string("more") : std::to_string(n));
  }
  const auto ts = parse_int(f[0]);
  if (!ts) return "ts '" + std::string(f[0]) + "' is not an integer epoch time (seconds or milliseconds)";
  static constexpr const char* kNames[] = {"ts", "open", "high", "low", "close", "volume"};
  std::array<double, kFields> v{};
  for (std::size_t i = 1; i < kFields; ++i) {
    const auto x = parse_number(f[i]);
    if (!x) return std::string(kNames[i]) + " '" + std::string(f[i]) + "' is not a finite number";
    v[i] = *x;
  }
  if (v[3] > v[2]) return "low is above high";
  if (v[5] < 0) return "volume is negative";
  bar.time = *ts >= kFirstMillisecondTs ? core::from_epoch_ms(*ts) : core::Timestamp(std::chrono::seconds(*ts));
  bar.open = v[1];
  bar.high = v[2];
  bar.low = v[3];
  bar.close = v[4];
  bar.volume = v[5];
  ts_text = f[0];
  return {};
}

// A first line whose first field starts with a letter ("ts", "time", "timestamp") is a header.
bool is_header(std::string_view line) {
  const auto first = trim(line.substr(0, line.find(',')));
  return !first.empty() && std::isalpha(static_cast<unsigned char>(first.front()));
}

}  // namespace

int run_indicators_command(const std::string& input_csv, const std::string& output_csv) {
  std::error_code ec;
  if (std::filesystem::is_directory(input_csv, ec)) {
    std::fprintf(stderr, "indicators: input '%s' is a directory\n", input_csv.c_str());
    return 2;
  }
  std::ifstream in(input_csv);
  if (!in) {
    std::fprintf(stderr, "indicators: cannot open input '%s': %s\n", input_csv.c_str(), std::strerror(errno));
    return 2;
  }
  Output out(output_csv);
  if (!out.is_open()) {
    std::fprintf(stderr, "indicators: cannot open output '%s': %s\n", output_csv.c_str(), std::strerror(errno));
    return 2;
  }

  std::string header = "ts";
  for (auto name : indicators::IndicatorSet::kColumns) header.append(",").append(name);
  header.push_back('\n');
  out.write(header);

  indicators::IndicatorSet set;
  indicators::Ohlcv bar;
  std::string line;
  std::string row;
  char number[32];
  std::size_t line_number = 0;
  bool seen_data_or_header = false;
  while (std::getline(in, line)) {
    ++line_number;
    std::string_view text = line;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (line_number == 1 && text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
    if (trim(text).empty()) continue;
    if (!seen_data_or_header) {
      seen_data_or_header = true;
      if (is_header(text)) continue;
    }
    std::string_view ts_text;
    if (const auto error = parse_bar(text, bar, ts_text); !error.empty()) {
      std::fprintf(stderr, "indicators: %s:%zu: %s\n", input_csv.c_str(), line_number, error.c_str());
      out.abandon();
      return 2;
    }
    set.update(bar);
    row.assign(ts_text);
    for (double v : set.row()) {
      row.push_back(',');
      if (indicators::has_value(v))
        row.append(number, static_cast<std::size_t>(std::snprintf(number, sizeof number, "%.17g", v)));
    }
    row.push_back('\n');
    out.write(row);
  }
  if (in.bad()) {
    std::fprintf(stderr, "indicators: error reading '%s' after line %zu\n", input_csv.c_str(), line_number);
    out.abandon();
    return 2;
  }
  if (!out.commit()) {
    std::fprintf(stderr, "indicators: error writing '%s'\n", out.name().c_str());
    return 2;
  }
  return 0;
}

}  // namespace meridian::app
