#include "meridian/storage/sentiment_store.hpp"

#include <algorithm>
#include <cmath>
#include <pqxx/pqxx>

#include "pg_codec.hpp"
#include "pg_transaction.hpp"

namespace meridian::storage {

namespace {

template <class F>
auto in_tx(const std::string& url, const char* what, F&& body) {
  return pg::in_transaction(url, "sentiment", what, std::forward<F>(body));
}

// The window's rows of one symbol (empty: the market-wide rows, symbol NULL). Two statements
// rather than IS NOT DISTINCT FROM, which the (symbol, observed_at) index cannot serve.
std::string window_where(const std::string& symbol) {
  return symbol.empty() ? " WHERE symbol IS NULL AND observed_at BETWEEN $1::timestamptz AND $2::timestamptz"
                        : " WHERE symbol = $3 AND observed_at BETWEEN $1::timestamptz AND $2::timestamptz";
}

template <class... Extra>
pqxx::result select_window(pqxx::work& tx, const std::string& sql, const std::string& symbol, core::Timestamp since,
                           core::Timestamp until, Extra&&... extra) {
  if (symbol.empty()) return tx.exec_params(sql, pg::text(since), pg::text(until), std::forward<Extra>(extra)...);
  return tx.exec_params(sql, pg::text(since), pg::text(until), symbol, std::forward<Extra>(extra)...);
}

std::optional<std::string> text_or_null(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace

void SentimentSummariser::add(const SentimentItem& item) {
  const auto age = std::max(core::Duration::zero(), until_ - item.observed_at);
  const double decay =
      half_life_ > core::Duration::zero()
          ? std::exp2(-std::chrono::duration<double>(age).count() / std::chrono::duration<double>(half_life_).count())
          : 1.0;
  const double weight = item.confidence.value_or(1.0) * decay;
  auto add_to = [&](Sums& s) {
    ++s.items;
    s.weighted += weight * item.score;
    s.weight += weight;
  };
  add_to(all_);
  plain_ += item.score;
  if (!first_ || item.observed_at < *first_) first_ = item.observed_at;
  if (!last_ || item.observed_at > *last_) last_ = item.observed_at;
  auto it = std::find_if(sources_.begin(), sources_.end(), [&](const auto& s) { return s.first == item.source; });
  if (it == sources_.end()) it = sources_.insert(sources_.end(), {item.source, Sums{}});
  add_to(it->second);
}

SentimentSummary SentimentSummariser::result() const {
  // Rounded to 1e-9: a score lies in [-1, 1], so anything finer is float noise, and a mean of one item
  // must read as that item's score (-0.7, not -0.7000000000000001).
  auto mean = [](const Sums& s) { return s.weight > 0 ? std::round(s.weighted / s.weight * 1e9) / 1e9 : 0.0; };
  SentimentSummary out;
  out.items = all_.items;
  out.score = mean(all_);
  out.mean_score = all_.items ? plain_ / static_cast<double>(all_.items) : 0.0;
  out.first = first_;
  out.last = last_;
  for (const auto& [name, sums] : sources_) out.sources.push_back({name, sums.items, mean(sums)});
  std::sort(out.sources.begin(), out.sources.end(), [](const auto& a, const auto& b) { return a.source < b.source; });
  return out;
}

SentimentSummary summarise(std::span<const SentimentItem> items, core::Timestamp until, core::Duration half_life) {
  SentimentSummariser s(until, half_life);
  for (const auto& item : items) s.add(item);
  return s.result();
}

core::Result<std::vector<std::int64_t>> SentimentStore::insert(std::span<const SentimentItem> items) const {
  return in_tx(url_, "insert", [&](pqxx::work& tx) {
    std::vector<std::int64_t> ids;
    ids.reserve(items.size());
    for (const auto& item : items) {
      const auto r = tx.exec_params1(
          "INSERT INTO sentiment_data (symbol, source, score, confidence, mentions, headline, url, observed_at)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz) RETURNING id",
          text_or_null(item.symbol), item.source, item.score, item.confidence, static_cast<long long>(item.mentions),
          item.headline, text_or_null(item.url), pg::text(item.observed_at));
      ids.push_back(r[0].as<long long>());
    }
    return ids;
  });
}

core::Result<std::vector<SentimentItem>> SentimentStore::recent(const std::string& symbol, core::Timestamp since,
                                                                core::Timestamp until, std::size_t limit) const {
  return in_tx(url_, "read", [&](pqxx::work& tx) {
    const auto sql =
        "SELECT id, coalesce(symbol, '') AS symbol, source, score, confidence, mentions, headline,"
        " coalesce(url, '') AS url, " +
        pg::micros_of("observed_at", "observed_us") + ", " + pg::micros_of("created_at", "created_us") +
        " FROM sentiment_data" + window_where(symbol) + " ORDER BY observed_at DESC, id DESC LIMIT $" +
        (symbol.empty() ? "3" : "4");
    std::vector<SentimentItem> out;
    for (const auto& r : select_window(tx, sql, symbol, since, until, static_cast<long long>(limit))) {
      SentimentItem item;
      item.id = r["id"].as<long long>();
      item.symbol = r["symbol"].c_str();
      item.source = r["source"].c_str();
      item.score = r["score"].as<double>();
      if (!r["confidence"].is_null()) item.confidence = r["confidence"].as<double>();
      item.mentions = r["mentions"].as<long long>();
      item.headline = r["headline"].c_str();
      item.url = r["url"].c_str();
      item.observed_at = pg::micros(r["observed_us"]);
      item.created_at = pg::micros(r["created_us"]);
      out.push_back(std::move(item));
    }
    return out;
  });
}

core::Result<SentimentSummary> SentimentStore::aggregate(const std::string& symbol, core::Timestamp since,
                                                         core::Timestamp until, core::Duration half_life) const {
  return in_tx(url_, "aggregate", [&](pqxx::work& tx) {
    // Only what the weighting reads: a day's items are a few thousand short rows.
    const auto sql = "SELECT source, score, confidence, " + pg::micros_of("observed_at", "observed_us") +
                     " FROM sentiment_data" + window_where(symbol);
    SentimentSummariser summariser(until, half_life);
    SentimentItem item;
    for (const auto& r : select_window(tx, sql, symbol, since, until)) {
      item.source = r["source"].c_str();
      item.score = r["score"].as<double>();
      item.confidence = r["confidence"].is_null() ? std::nullopt : std::optional<double>(r["confidence"].as<double>());
      item.observed_at = pg::micros(r["observed_us"]);
      summariser.add(item);
    }
    auto out = summariser.result();
    out.symbol = symbol;
    return out;
  });
}

}  // namespace meridian::storage
