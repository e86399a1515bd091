#pragma once
// What POST /api/sentiment takes in (routes_sentiment.cpp), decoded and checked before anything
// reaches storage::SentimentStore: one item or {"items": [...]} as JSON (all or nothing: the
// first bad item is the error, naming `items[3].score`), or a CSV body (a header row naming its
// columns; good rows kept, bad rows listed with their line numbers). Pure: no I/O, testable.
//
// An item: symbol (a configured symbol or alias, canonicalised; null, "" or absent: market-wide),
// source (news, social, insider, options_flow, market), score in [-1, 1], confidence in [0, 1]
// (optional), mentions 0..2^31-1 (optional), headline (alias text; 1..2000 bytes, no control
// characters but tab), url (optional; http or https, at most 2048 bytes), observed_at
// (ISO-8601 UTC or epoch ms, not more than kMaxAhead after `now`). Any other member is refused.
#include <chrono>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/api/api_error.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/storage/sentiment_store.hpp"

namespace meridian::api {

inline constexpr std::size_t kMaxSentimentItems = 1000;  // per request, JSON items or CSV rows
inline constexpr std::size_t kMaxListedBadRows = 100;    // bad CSV rows listed (all are counted)
inline constexpr std::chrono::minutes kMaxAhead{5};      // observed_at's tolerance for clock skew

struct SentimentInput {
  const core::InstrumentTable& instruments;
  core::Timestamp now;
};

// One item; an error names the field as `prefix` + its name ("items[3].score").
ApiResult<storage::SentimentItem> decode_sentiment_item(const nlohmann::json& j, const SentimentInput& in,
                                                        std::string_view prefix = {});

// A JSON body: one item, or {"items": [1..kMaxSentimentItems items]} (more: 413 too_many_items).
ApiResult<std::vector<storage::SentimentItem>> decode_sentiment_json(const nlohmann::json& body,
                                                                     const SentimentInput& in);

struct BadCsvRow {
  std::size_t line = 0;  // 1-based, in the body (the header is line 1 when nothing precedes it)
  std::string field;     // the column at fault; "row" when the row does not split into the header's columns
  std::string message;
};

struct SentimentCsv {
  std::vector<storage::SentimentItem> items;  // the good rows, in order
  std::size_t rows = 0;                       // data rows read (blank lines are not rows)
  std::size_t bad = 0;                        // rows skipped
  std::vector<BadCsvRow> listed;              // the first kMaxListedBadRows of them
};

// A CSV body: a header row of known column names in any order (symbol, confidence, mentions and
// url optional; source, score, headline and observed_at required), then at most
// kMaxSentimentItems data rows. Fields are separated by commas; a field in double quotes may hold
// commas and "" for a quote, not a line break. An unknown, repeated or missing column is the
// error (422 naming it); so are too many rows (413). A row that is not UTF-8 is a bad row.
ApiResult<SentimentCsv> decode_sentiment_csv(std::string_view body, const SentimentInput& in);

}  // namespace meridian::api
