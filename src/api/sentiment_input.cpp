#include "sentiment_input.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <optional>

#include "meridian/core/symbol_alias.hpp"
#include "meridian/transport/url.hpp"
#include "request_util.hpp"

namespace meridian::api {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 5> kSources{"news", "social", "insider", "options_flow", "market"};
constexpr std::array<std::string_view, 10> kFields{"symbol",   "source", "score", "confidence",  "mentions",
                                                   "headline", "text",   "url",   "observed_at", "time"};
constexpr std::size_t kMaxHeadline = 2000;
constexpr std::size_t kMaxUrl = 2048;
constexpr std::uint64_t kMaxMentions = 2147483647;  // the column is INTEGER

// `e` with its field (and message) under `prefix`: "score" -> "items[3].score".
ApiError prefixed(ApiError e, std::string_view prefix) {
  if (prefix.empty()) return e;
  const auto full = std::string(prefix) + e.details.value("field", std::string());
  e.details["field"] = full;
  e.message = full + ": " + e.message;
  return e;
}

ApiError bad(std::string_view field, std::string message, json value = nullptr) {
  return field_error(field, std::move(message), http::status::unprocessable_entity, "invalid_field",
                     value.is_null() ? json(nullptr) : json{{"value", std::move(value)}});
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

Checked<std::string> symbol_of(const json& j, const SentimentInput& in) {
  const auto it = j.find("symbol");
  if (it == j.end() || it->is_null() || (it->is_string() && it->get_ref<const std::string&>().empty()))
    return std::string();  // market-wide
  if (!it->is_string()) return bad("symbol", "symbol must be a string (null or absent: market-wide)", *it);
  const auto id = core::resolve_symbol(in.instruments, it->get_ref<const std::string&>());
  if (!id) return bad("symbol", "unknown symbol '" + it->get<std::string>() + "'; see /api/symbols", *it);
  return in.instruments.at(*id).symbol;
}

Checked<std::string> source_of(const json& j) {
  MERIDIAN_TRY(source, string_field(j, {"source"}));
  if (source && std::find(kSources.begin(), kSources.end(), *source) != kSources.end()) return std::move(*source);
  return field_error("source", "source must be one of news, social, insider, options_flow, market",
                     http::status::unprocessable_entity, "invalid_field",
                     {{"allowed", kSources}, {"value", j.contains("source") ? j["source"] : json(nullptr)}});
}

Checked<std::string> headline_of(const json& j) {
  if (j.contains("headline") && j.contains("text"))
    return bad("headline", "give headline or text (its alias), not both");
  MERIDIAN_TRY(text, string_field(j, {"headline", "text"}));
  const auto name = j.contains("text") ? "text" : "headline";
  if (!text || text->empty() || text->size() > kMaxHeadline || has_control(*text))
    return bad(name, std::string(name) + " is required: 1 to 2000 bytes without control characters");
  return std::move(*text);
}

Checked<std::string> url_of(const json& j) {
  MERIDIAN_TRY(url, string_field(j, {"url"}));
  if (!url || url->empty()) return std::string();
  std::string why;
  if (url->size() > kMaxUrl || has_control(*url))
    why = "at most 2048 bytes without control characters";
  else if (!transport::parse_web_url(*url, why))
    why = "must be an http or https URL: " + why;
  if (!why.empty()) return bad("url", "url " + why, *url);
  return std::move(*url);
}

Checked<core::Timestamp> observed_at_of(const json& j, const SentimentInput& in) {
  const bool both = j.contains("observed_at") && j.contains("time");
  const auto [value, name] = find_field(j, {"observed_at", "time"});
  if (both) return bad("observed_at", "give observed_at or time (its alias), not both");
  std::optional<core::Timestamp> t;
  // Epoch ms as a number goes through the same text parser, so its range is the same.
  if (value && value->is_string())
    t = core::parse_time(value->get_ref<const std::string&>());
  else if (value && value->is_number_integer())
    t = core::parse_time(std::to_string(value->get<long long>()));
  if (!t)
    return field_error(name, std::string(name) + " is required: an ISO-8601 UTC time or epoch milliseconds",
                       http::status::unprocessable_entity, "invalid_field",
                       value ? json{{"value", *value}} : json(nullptr));
  if (*t > in.now + kMaxAhead)
    return bad(name, std::string(name) + " must not be more than 5 minutes after the server's clock", *value);
  return *t;
}

}  // namespace

ApiResult<storage::SentimentItem> decode_sentiment_item(const json& j, const SentimentInput& in,
                                                        std::string_view prefix) {
  if (!j.is_object())
    return bad(prefix.empty() ? std::string("body") : std::string(prefix.substr(0, prefix.size() - 1)),
               "an item must be a JSON object");
  auto decode = [&]() -> ApiResult<storage::SentimentItem> {
    for (const auto& [key, value] : j.items())
      if (std::find(kFields.begin(), kFields.end(), key) == kFields.end())
        return field_error(key, "unknown field '" + key + "'", http::status::unprocessable_entity, "invalid_field",
                           {{"allowed", kFields}});
    storage::SentimentItem item;
    MERIDIAN_TRY(symbol, symbol_of(j, in));
    MERIDIAN_TRY(source, source_of(j));
    MERIDIAN_TRY(score, number_field(j, {"score"}, -1, 1));
    if (!score) return bad("score", "score is required: a number between -1 and 1");
    MERIDIAN_TRY(confidence, number_field(j, {"confidence"}, 0, 1));
    MERIDIAN_TRY(mentions, count_field(j, {"mentions"}, kMaxMentions));
    MERIDIAN_TRY(headline, headline_of(j));
    MERIDIAN_TRY(url, url_of(j));
    MERIDIAN_TRY(observed_at, observed_at_of(j, in));
    item.symbol = std::move(symbol);
    item.source = std::move(source);
    item.score = *score;
    item.confidence = confidence;
    item.mentions = static_cast<std::int64_t>(mentions.value_or(0));
    item.headline = std::move(headline);
    item.url = std::move(url);
    item.observed_at = observed_at;
    return item;
  };
  auto out = decode();
  if (!out) return prefixed(std::move(out).error(), prefix);
  return out;
}

ApiResult<std::vector<storage::SentimentItem>> decode_sentiment_json(const json& body, const SentimentInput& in) {
  std::vector<storage::SentimentItem> items;
  if (!body.is_object() || !body.contains("items")) {
    MERIDIAN_TRY(item, decode_sentiment_item(body, in));
    items.push_back(std::move(item));
    return items;
  }
  if (body.size() != 1) return bad("items", "a body with items has no other member");
  const auto& list = body["items"];
  if (!list.is_array() || list.empty())
    return bad("items", "items must be a non-empty array of at most " + std::to_string(kMaxSentimentItems) + " items");
  if (list.size() > kMaxSentimentItems)
    return field_error("items", "at most " + std::to_string(kMaxSentimentItems) + " items per request",
                       http::status::payload_too_large, "too_many_items",
                       {{"max", kMaxSentimentItems}, {"count", list.size()}});
  items.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    MERIDIAN_TRY(item, decode_sentiment_item(list[i], in, "items[" + std::to_string(i) + "]."));
    items.push_back(std::move(item));
  }
  return items;
}

namespace {

// RFC 4180 within one line: fields split at commas, a quoted field may hold commas and "".
// nullopt: a quote left open, or text after a closing quote.
std::optional<std::vector<std::string>> split_csv_line(std::string_view line) {
  std::vector<std::string> fields(1);
  enum { start, plain, quoted, closed } state = start;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (state == quoted) {
      if (c != '"')
        fields.back() += c;
      else if (i + 1 < line.size() && line[i + 1] == '"')
        fields.back() += line[++i];
      else
        state = closed;
    } else if (c == ',') {
      fields.emplace_back();
      state = start;
    } else if (state == start && c == '"') {
      state = quoted;
    } else if (state == closed) {
      if (c != ' ' && c != '\t') return std::nullopt;
    } else {
      fields.back() += c;
      state = plain;
    }
  }
  if (state == quoted) return std::nullopt;
  return fields;
}

std::string trimmed(std::string s) {
  const auto space = [](unsigned char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && space(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && space(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// Text is kept as it came; nlohmann refuses to write a string that is not UTF-8.
bool valid_utf8(std::string_view s) {
  try {
    (void)json(std::string(s)).dump();
    return true;
  } catch (const json::type_error&) {
    return false;
  }
}

// A CSV cell as the JSON member decode_sentiment_item reads: a number where the column is one
// and the text reads as one (else the text, which the item's check then refuses by name).
json cell(std::string_view column, const std::string& text) {
  if (column == "score" || column == "confidence" || column == "mentions") {
    double v = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc{} && p == text.data() + text.size() && std::isfinite(v)) {
      if (column == "mentions" && v == std::floor(v) && std::abs(v) < 1e18) return static_cast<long long>(v);
      return v;
    }
  }
  return text;
}

}  // namespace

ApiResult<SentimentCsv> decode_sentiment_csv(std::string_view body, const SentimentInput& in) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  constexpr std::array<std::string_view, 8> kColumns{"symbol",   "source",   "score", "confidence",
                                                     "mentions", "headline", "url",   "observed_at"};
  if (body.starts_with(kBom)) body.remove_prefix(kBom.size());
  SentimentCsv out;
  std::vector<std::string> header;
  std::size_t number = 0;
  while (!body.empty()) {
    const auto nl = body.find('\n');
    auto line = body.substr(0, nl);
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trimmed(std::string(line)).empty()) continue;
    auto fields = split_csv_line(line);
    if (header.empty()) {
      if (!fields) return bad("header", "the header row does not split into columns");
      for (auto& f : *fields) {
        auto name = trimmed(std::move(f));
        if (std::find(kColumns.begin(), kColumns.end(), name) == kColumns.end())
          return field_error("header", "unknown column '" + name + "'", http::status::unprocessable_entity,
                             "invalid_field", {{"allowed", kColumns}, {"value", name}});
        if (std::find(header.begin(), header.end(), name) != header.end())
          return bad("header", "column '" + name + "' appears twice", name);
        header.push_back(std::move(name));
      }
      for (std::string_view required : {"source", "score", "headline", "observed_at"})
        if (std::find(header.begin(), header.end(), required) == header.end())
          return bad("header", "the header has no " + std::string(required) +
                                   " column (required: source, score, "
                                   "headline, observed_at; optional: symbol, confidence, mentions, url)");
      continue;
    }
    if (++out.rows > kMaxSentimentItems)
      return field_error("body", "at most " + std::to_string(kMaxSentimentItems) + " rows per request",
                         http::status::payload_too_large, "too_many_items", {{"max", kMaxSentimentItems}});
    auto skip = [&](std::string field, std::string message) {
      if (out.listed.size() < kMaxListedBadRows) out.listed.push_back({number, std::move(field), std::move(message)});
      ++out.bad;
    };
    if (!valid_utf8(line)) {
      skip("row", "the row is not UTF-8");
      continue;
    }
    if (!fields || fields->size() != header.size()) {
      skip("row", "the row does not split into the header's " + std::to_string(header.size()) + " columns");
      continue;
    }
    json item = json::object();
    for (std::size_t i = 0; i < header.size(); ++i) {
      auto text = trimmed(std::move((*fields)[i]));
      if (!text.empty()) item[header[i]] = cell(header[i], text);
    }
    auto decoded = decode_sentiment_item(item, in);
    if (!decoded) {
      const auto& e = decoded.error();
      skip(e.details.value("field", std::string()), e.message);
      continue;
    }
    out.items.push_back(std::move(*decoded));
  }
  if (header.empty()) return bad("body", "the CSV body is empty: a header row is required");
  return out;
}

}  // namespace meridian::api
