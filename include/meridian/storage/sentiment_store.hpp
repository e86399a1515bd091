#pragma once
// The rows of `sentiment_data` (sql/003): scored sentiment items per symbol (#14 item 9), taken
// in by POST /api/sentiment (JSON or CSV) and summed up by GET /api/sentiment/{symbol} and by the
// decision model (one more weighted input, weight 0 unless configured). No news source is
// reachable from here: ingestion is by API and CSV only.
//
// Contract: every call blocks on the database with a connection of its own (sentiment arrives a
// few times a minute at most), so any thread but the engine strand and the I/O threads may call.
// A database that is down or refuses a statement is Errc::unavailable (logged), never an
// exception. Items are validated before they get here (api layer): score in [-1, 1], confidence
// in [0, 1] when given, mentions >= 0, a known source.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "meridian/core/error.hpp"
#include "meridian/core/time.hpp"

namespace meridian::storage {

struct SentimentItem {
  std::int64_t id = 0;  // ignored on insert
  std::string symbol;   // empty: market-wide (NULL)
  std::string source;   // news, social, insider, options_flow, market
  double score = 0;     // -1 bearish .. 1 bullish
  std::optional<double> confidence;
  std::int64_t mentions = 0;
  std::string headline;  // the item's text
  std::string url;       // empty: none
  core::Timestamp observed_at{};
  core::Timestamp created_at{};  // set by the database
};

// The aggregate of a symbol's items observed in [since, until]: what GET /api/sentiment/{symbol}
// answers and the decision model weighs.
struct SentimentSummary {
  std::string symbol;
  std::uint64_t items = 0;  // 0: no item in the window (score is then 0 and means nothing)
  // Mean of the items' scores, each weighted by its confidence (1 when absent) and by
  // 2^(-age / half_life) with age counted back from `until`: recent, confident items count most.
  double score = 0;
  double mean_score = 0;                       // the plain mean
  std::optional<core::Timestamp> first, last;  // observed_at of the oldest and newest item
  struct BySource {
    std::string source;
    std::uint64_t items = 0;
    double score = 0;  // weighted as above, within the source
  };
  std::vector<BySource> sources;  // sources with items only, by name
};

// The summary of `items` as aggregate() makes it, ages counted back from `until` (an item
// observed after `until` counts as observed at `until`): pure, so the weighting is testable
// without a database. `symbol` is left empty for the caller. A half-life of zero or less means
// no decay (every item weighs its confidence). Items of confidence 0 weigh nothing: when every
// item weighs nothing, `score` is 0 while `items` counts them.
SentimentSummary summarise(std::span<const SentimentItem> items, core::Timestamp until, core::Duration half_life);

// The same, one item at a time (aggregate() feeds it rows as they are read, no vector of them).
class SentimentSummariser {
 public:
  SentimentSummariser(core::Timestamp until, core::Duration half_life) : until_(until), half_life_(half_life) {}
  void add(const SentimentItem& item);
  SentimentSummary result() const;

 private:
  struct Sums {
    std::uint64_t items = 0;
    double weighted = 0, weight = 0;
  };
  core::Timestamp until_;
  core::Duration half_life_;
  Sums all_;
  double plain_ = 0;
  std::optional<core::Timestamp> first_, last_;
  std::vector<std::pair<std::string, Sums>> sources_;  // a handful: a vector beats a map
};

class SentimentStore {
 public:
  explicit SentimentStore(std::string database_url) : url_(std::move(database_url)) {}

  // Inserts every item in one transaction (all or nothing); their ids, in order.
  core::Result<std::vector<std::int64_t>> insert(std::span<const SentimentItem> items) const;
  // The symbol's items observed in [since, until], newest first, at most `limit`.
  core::Result<std::vector<SentimentItem>> recent(const std::string& symbol, core::Timestamp since,
                                                  core::Timestamp until, std::size_t limit) const;
  // The summary of the symbol's items observed in [since, until].
  core::Result<SentimentSummary> aggregate(const std::string& symbol, core::Timestamp since, core::Timestamp until,
                                           core::Duration half_life) const;

 private:
  std::string url_;
};

}  // namespace meridian::storage
