#include "meridian/market/csv_bars.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <variant>

#include "market_log.hpp"
#include "meridian/core/decimal_text.hpp"

namespace meridian::market {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";  // spreadsheet exports often start with one
constexpr std::size_t kMaxFields = 16;
// Rows looked at to tell the formats apart.
constexpr std::size_t kDetectRows = 200;

constexpr std::string_view kFormatNames[] = {"auto", "generic", "binance", "coinbase", "named"};
constexpr std::string_view kReasonNames[kBadRowKinds] = {"malformed",     "non_numeric",    "high_below_low",
                                                         "outside_range", "non_positive",   "negative_volume",
                                                         "misaligned",    "time_backwards", "duplicate_time"};

// Where each value sits in a row, and how many fields a row has.
struct Layout {
  std::size_t time, open, high, low, close, volume;
  std::size_t fields;
  bool operator==(const Layout&) const = default;
};
constexpr Layout kGeneric{0, 1, 2, 3, 4, 5, 6};
constexpr Layout kBinance{0, 1, 2, 3, 4, 5, 12};
constexpr Layout kCoinbase{0, 3, 2, 1, 4, 5, 6};

Layout layout_of(CsvFormat f) {
  return f == CsvFormat::binance ? kBinance : f == CsvFormat::coinbase ? kCoinbase : kGeneric;
}

struct Fields {
  std::array<std::string_view, kMaxFields> at{};
  std::size_t count = 0;  // kMaxFields + 1 means "more than we keep"
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = trim(s.substr(1, s.size() - 2));
  return s;
}

Fields split(std::string_view line) {
  Fields out;
  while (true) {
    const auto comma = line.find(',');
    if (out.count == kMaxFields) {
      out.count = kMaxFields + 1;
      return out;
    }
    out.at[out.count++] = trim(line.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    line.remove_prefix(comma + 1);
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

enum class Column { none, time, open, high, low, close, volume };

Column column_named(std::string_view name) {
  const auto n = lower(name);
  for (std::string_view t : {"ts", "time", "timestamp", "date", "datetime", "open_time", "opentime", "open time"})
    if (n == t) return Column::time;
  if (n == "open") return Column::open;
  if (n == "high") return Column::high;
  if (n == "low") return Column::low;
  if (n == "close") return Column::close;
  if (n == "volume" || n == "vol") return Column::volume;
  return Column::none;
}

bool is_header(const Fields& f) {
  for (std::size_t i = 0; i < std::min(f.count, kMaxFields); ++i)
    if (column_named(f.at[i]) != Column::none) return true;
  return false;
}

// The header's layout, or the name of the first column it lacks.
std::variant<Layout, std::string_view> layout_from_header(const Fields& f) {
  constexpr std::size_t kMissing = kMaxFields;
  std::size_t pos[7];
  std::fill(std::begin(pos), std::end(pos), kMissing);
  for (std::size_t i = 0; i < std::min(f.count, kMaxFields); ++i) {
    const auto c = static_cast<std::size_t>(column_named(f.at[i]));
    if (c != 0 && pos[c] == kMissing) pos[c] = i;
  }
  constexpr std::string_view kNames[] = {"", "time", "open", "high", "low", "close", "volume"};
  for (std::size_t c = 1; c < 7; ++c)
    if (pos[c] == kMissing) return kNames[c];
  return Layout{pos[1], pos[2], pos[3], pos[4], pos[5], pos[6], std::min(f.count, kMaxFields)};
}

// A Timestamp counts int64 nanoseconds (to the year 2262): a later time is not a time, never a
// wrapped one (found by fuzz/csv_bars_fuzz). 9e9 s, as the venue parsers' 9e12 ms.
constexpr std::int64_t kMaxBarSeconds = 9'000'000'000;

// Epoch seconds, milliseconds, microseconds or nanoseconds told apart by magnitude (1e11 s is
// the year 5138, 1e11 ms is 1973), decimal seconds ("1700000000.5"), or ISO-8601 UTC.
std::optional<core::Timestamp> parse_bar_time(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || v <= 0) return std::nullopt;
    const std::int64_t ns_per_unit = v < 100'000'000'000LL           ? 1'000'000'000
                                     : v < 100'000'000'000'000LL     ? 1'000'000
                                     : v < 100'000'000'000'000'000LL ? 1'000
                                                                     : 1;
    if (v > kMaxBarSeconds * 1'000'000'000 / ns_per_unit) return std::nullopt;
    return core::Timestamp(core::Duration(v * ns_per_unit));
  }
  if (s.find('.') != std::string_view::npos && s.find('-') == std::string_view::npos) {
    const auto raw = core::parse_decimal_raw(s);  // 1e-8 s units
    if (!raw || *raw <= 0 || *raw > kMaxBarSeconds * 100'000'000) return std::nullopt;
    return core::Timestamp(core::Duration(*raw * 10));
  }
  auto t = core::parse_time(s);
  if (!t || t->time_since_epoch().count() <= 0) return std::nullopt;
  return t;
}

struct Candidate {
  std::size_t line;
  std::string_view text;
  core::Bar bar;
};

class BadRowLog {
 public:
  BadRowLog(std::string_view source, std::size_t log_first, BadRowCounts& counts)
      : source_(source), log_first_(log_first), counts_(counts) {}

  void add(std::size_t line, BadRow reason, std::string_view text) {
    ++counts_.by_reason[static_cast<std::size_t>(reason)];
    if (logged_ < log_first_) {
      ++logged_;
      constexpr std::size_t kExcerpt = 80;
      market_log()->warn("{}:{}: skipped row ({}): {}{}", source_, line, to_string(reason), text.substr(0, kExcerpt),
                         text.size() > kExcerpt ? "..." : "");
    }
  }

  // One line for everything not logged row by row.
  void summary(std::uint64_t bars) const {
    const auto total = counts_.total();
    if (total == 0) return;
    std::string reasons;
    for (std::size_t i = 0; i < kBadRowKinds; ++i) {
      if (counts_.by_reason[i] == 0) continue;
      if (!reasons.empty()) reasons += ", ";
      reasons += std::string(kReasonNames[i]) + "=" + std::to_string(counts_.by_reason[i]);
    }
    market_log()->warn("{}: {} bars read, {} rows skipped ({}){}", source_, bars, total, reasons,
                       total > logged_ ? fmt::format("; {} of them not logged one by one", total - logged_) : "");
  }

 private:
  std::string_view source_;
  std::size_t log_first_;
  std::size_t logged_ = 0;
  BadRowCounts& counts_;
};

// The row's bar, or why it is bad (values only; time order is checked afterwards).
std::variant<core::Bar, BadRow> parse_row(const Fields& f, const Layout& l, const CsvOptions& o) {
  if (f.count != l.fields) return BadRow::malformed;
  const auto ts = parse_bar_time(f.at[l.time]);
  const auto open = core::parse_decimal_raw(f.at[l.open]);
  const auto high = core::parse_decimal_raw(f.at[l.high]);
  const auto low = core::parse_decimal_raw(f.at[l.low]);
  const auto close = core::parse_decimal_raw(f.at[l.close]);
  const auto volume = core::parse_decimal_raw(f.at[l.volume]);
  if (!ts || !open || !high || !low || !close || !volume) return BadRow::non_numeric;
  if (*open <= 0 || *high <= 0 || *low <= 0 || *close <= 0) return BadRow::non_positive;
  if (*high < *low) return BadRow::high_below_low;
  if (*open < *low || *open > *high || *close < *low || *close > *high) return BadRow::outside_range;
  if (*volume < 0) return BadRow::negative_volume;
  if (o.period && core::floor_to(*ts, *o.period) != *ts) return BadRow::misaligned;
  core::Bar b;
  b.symbol = o.symbol;
  b.timeframe = o.timeframe;
  b.open_time = *ts;
  b.open = core::Price::from_raw(*open);
  b.high = core::Price::from_raw(*high);
  b.low = core::Price::from_raw(*low);
  b.close = core::Price::from_raw(*close);
  b.volume = core::Quantity::from_raw(*volume);
  return b;
}

// Six columns without a header: generic (ts,o,h,l,c,v) or Coinbase (time,l,h,o,c,v). Each row
// whose prices fit only one of the two orders is a vote; a tie means generic.
CsvFormat detect_six_columns(const std::vector<Fields>& rows) {
  std::size_t generic = 0, coinbase = 0;
  for (const auto& f : rows) {
    if (f.count != 6) continue;
    std::optional<std::int64_t> v[4];
    for (std::size_t i = 0; i < 4; ++i) v[i] = core::parse_decimal_raw(f.at[i + 1]);
    if (!v[0] || !v[1] || !v[2] || !v[3]) continue;
    const auto a = *v[0], b = *v[1], c = *v[2], d = *v[3];
    const bool b_is_high = b >= a && b >= c && b >= d;
    const bool fits_generic = b_is_high && c <= a && c <= d;
    const bool fits_coinbase = b_is_high && a <= c && a <= d;
    generic += fits_generic && !fits_coinbase;
    coinbase += fits_coinbase && !fits_generic;
  }
  return coinbase > generic ? CsvFormat::coinbase : CsvFormat::generic;
}

struct Line {
  std::size_t number;
  std::string_view text;
};

std::vector<Line> split_lines(std::string_view content) {
  if (content.starts_with(kUtf8Bom)) content.remove_prefix(kUtf8Bom.size());
  std::vector<Line> lines;
  std::size_t number = 0;
  while (!content.empty()) {
    const auto nl = content.find('\n');
    auto text = content.substr(0, nl);
    ++number;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (!trim(text).empty()) lines.push_back({number, text});
    if (nl == std::string_view::npos) break;
    content.remove_prefix(nl + 1);
  }
  return lines;
}

}  // namespace

std::string_view to_string(CsvFormat f) noexcept {
  return kFormatNames[static_cast<std::size_t>(f)];
}

std::optional<CsvFormat> parse_csv_format(std::string_view s) noexcept {
  for (std::size_t i = 0; i < 4; ++i)
    if (s == kFormatNames[i]) return static_cast<CsvFormat>(i);
  return std::nullopt;
}

std::string_view to_string(BadRow r) noexcept {
  return kReasonNames[static_cast<std::size_t>(r)];
}

std::uint64_t BadRowCounts::total() const noexcept {
  std::uint64_t n = 0;
  for (auto c : by_reason) n += c;
  return n;
}

CsvBars parse_csv_bars(std::istream& in, std::string_view source, const CsvOptions& options) {
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string content = std::move(buffer).str();
  const auto lines = split_lines(content);

  CsvBars result;
  std::size_t first = 0;
  Layout layout = layout_of(options.format);
  result.format = options.format;
  if (!lines.empty()) {
    const auto head = split(lines.front().text);
    if (is_header(head)) {
      first = 1;
      if (options.format == CsvFormat::automatic) {
        const auto mapped = layout_from_header(head);
        if (const auto* missing = std::get_if<std::string_view>(&mapped)) {
          result.error = fmt::format("{}:{}: the header has no {} column", source, lines.front().number, *missing);
          return result;
        }
        layout = std::get<Layout>(mapped);
        result.format = layout == kGeneric    ? CsvFormat::generic
                        : layout == kCoinbase ? CsvFormat::coinbase
                        : layout == kBinance  ? CsvFormat::binance
                                              : CsvFormat::named;
      }
    }
  }
  if (result.format == CsvFormat::automatic) {
    std::vector<Fields> sample;
    for (std::size_t i = first; i < lines.size() && sample.size() < kDetectRows; ++i)
      sample.push_back(split(lines[i].text));
    const auto twelve = std::count_if(sample.begin(), sample.end(), [](const Fields& f) { return f.count == 12; });
    const auto six = std::count_if(sample.begin(), sample.end(), [](const Fields& f) { return f.count == 6; });
    if (sample.empty() || six > twelve) {
      result.format = detect_six_columns(sample);
    } else if (twelve > 0) {
      result.format = CsvFormat::binance;
    } else {
      result.error = fmt::format(
          "{}: rows have {} columns; expected 6 (generic, Coinbase) or 12 (Binance)", source,
          sample.front().count > kMaxFields ? std::string("too many") : std::to_string(sample.front().count));
      return result;
    }
    layout = layout_of(result.format);
  }

  BadRowLog log(source, options.log_first, result.bad);
  std::vector<Candidate> rows;
  rows.reserve(lines.size() - first);
  for (std::size_t i = first; i < lines.size(); ++i) {
    ++result.rows;
    auto parsed = parse_row(split(lines[i].text), layout, options);
    if (auto* bad = std::get_if<BadRow>(&parsed))
      log.add(lines[i].number, *bad, lines[i].text);
    else
      rows.push_back({lines[i].number, lines[i].text, std::get<core::Bar>(parsed)});
  }

  // Coinbase's REST answers newest first, and files saved from it often keep that order.
  std::size_t ascending = 0, descending = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ascending += rows[i].bar.open_time > rows[i - 1].bar.open_time;
    descending += rows[i].bar.open_time < rows[i - 1].bar.open_time;
  }
  if (descending > ascending) {
    std::reverse(rows.begin(), rows.end());
    result.newest_first = true;
  }

  result.bars.reserve(rows.size());
  for (const auto& row : rows) {
    if (!result.bars.empty()) {
      const auto prev = result.bars.back().open_time;
      if (row.bar.open_time <= prev) {
        const auto reason = row.bar.open_time == prev ? BadRow::duplicate_time : BadRow::time_backwards;
        log.add(row.line, reason, row.text);
        continue;
      }
    }
    result.bars.push_back(row.bar);
  }
  log.summary(result.bars.size());
  return result;
}

CsvBars read_csv_bars(const std::string& path, const CsvOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    CsvBars result;
    result.format = options.format;
    result.error = "cannot open " + path;
    return result;
  }
  return parse_csv_bars(in, path, options);
}

}  // namespace meridian::market
