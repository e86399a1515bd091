#include "golden.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace meridian::indicators::testing {

namespace {

std::string data_path(std::string_view file) {
  return std::string(MERIDIAN_TEST_DATA_DIR) + "/" + std::string(file);
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

double to_double(const std::string& text) {
  if (text.empty()) return std::numeric_limits<double>::quiet_NaN();
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) throw std::runtime_error("bad number: " + text);
  return v;
}

std::vector<std::vector<std::string>> read_rows(std::string_view file) {
  std::ifstream in(data_path(file));
  if (!in) throw std::runtime_error("cannot open " + data_path(file));
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(split(line));
  return rows;
}

}  // namespace

Series load_series(std::string_view name) {
  const auto rows = read_rows("bars_" + std::string(name) + ".csv");
  Series s;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const auto ts = static_cast<std::int64_t>(to_double(r.at(0)));
    const auto time = ts < 100'000'000'000 ? core::Timestamp(std::chrono::seconds(ts)) : core::from_epoch_ms(ts);
    s.bars.push_back(
        {time, to_double(r.at(1)), to_double(r.at(2)), to_double(r.at(3)), to_double(r.at(4)), to_double(r.at(5))});
    core::Bar bar;
    bar.open_time = time;
    bar.open = core::Price::from_double(s.bars.back().open);
    bar.high = core::Price::from_double(s.bars.back().high);
    bar.low = core::Price::from_double(s.bars.back().low);
    bar.close = core::Price::from_double(s.bars.back().close);
    bar.volume = core::Quantity::from_double(s.bars.back().volume);
    s.fixed_bars.push_back(bar);
    s.closes.push_back(s.bars.back().close);
  }
  return s;
}

Golden load_golden(std::string_view indicator, std::string_view series) {
  const auto rows = read_rows("golden_" + std::string(indicator) + ".csv");
  Golden golden;
  const auto& header = rows.at(0);
  for (std::size_t c = 2; c < header.size(); ++c) golden[header[c]];
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (r.at(0) != series) continue;
    if (std::stoul(r.at(1)) != golden.begin()->second.size()) throw std::runtime_error("bars out of order");
    for (std::size_t c = 2; c < header.size(); ++c) golden[header[c]].push_back(to_double(c < r.size() ? r[c] : ""));
  }
  return golden;
}

::testing::AssertionResult matches(const std::vector<double>& actual, const std::vector<double>& expected, double rel,
                                   double floor) {
  if (actual.size() != expected.size())
    return ::testing::AssertionFailure() << "length " << actual.size() << " vs golden " << expected.size();
  int failures = 0;
  std::ostringstream report;
  report.precision(17);
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const bool has = !std::isnan(actual[i]);
    const bool want = !std::isnan(expected[i]);
    bool ok = has == want;
    if (ok && want) ok = std::abs(actual[i] - expected[i]) <= rel * std::max(std::abs(expected[i]), floor);
    if (!ok && failures++ < 5) report << "\n  bar " << i << ": got " << actual[i] << ", golden " << expected[i];
  }
  if (failures == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << failures << " bars differ" << report.str();
}

int first_value(const std::vector<double>& values) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isnan(values[i])) return static_cast<int>(i);
  return -1;
}

}  // namespace meridian::indicators::testing
