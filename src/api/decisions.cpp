#include "meridian/api/decisions.hpp"

#include <algorithm>

#include "meridian/api/json_types.hpp"
#include "meridian/risk/sizing.hpp"

namespace meridian::api {

namespace {

using nlohmann::json;

ApiError unavailable() {
  return api_error(http::status::service_unavailable, "unavailable", "the decision store is unavailable");
}

json side_json(std::optional<core::Side> side) {
  return side ? json(core::to_string(*side)) : json(nullptr);
}

json reasons_json(const backtest::Decision& d) {
  json out = json::array();
  for (const auto& r : d.reasons)
    out.push_back({{"input", r.name},
                   {"signal", side_json(r.side)},
                   {"strength", r.strength},
                   {"age_bars", r.age_bars},
                   {"weight", r.weight},
                   {"contribution", r.contribution},
                   {"trades", r.trades},
                   {"mean_return", r.mean_return}});
  return out;
}

// The suggested size (see decisions.hpp); nullopt when there is nothing to size.
std::optional<core::Quantity> suggested_size(backtest::Action action, const engine::Snapshot& pf,
                                             const core::Instrument& inst, core::SymbolId symbol, core::Price price) {
  core::Quantity q{};
  if (action == backtest::Action::buy) {
    q = risk::fixed_fraction(pf.equity(), pf.session.strategy.position_fraction, price, inst.qty_decimals);
  } else if (action == backtest::Action::sell) {
    for (const auto& p : pf.positions)
      if (p.symbol == symbol) q = p.state.quantity;
  }
  if (q.raw() <= 0) return std::nullopt;
  return q;
}

}  // namespace

json decision_json(const storage::DecisionRow& row) {
  auto votes = json::parse(row.votes, nullptr, false);
  if (votes.is_discarded() || !votes.is_object()) votes = json::object();
  auto reasons = json::parse(row.reasons, nullptr, false);
  if (reasons.is_discarded()) reasons = json::array();
  json regime = votes.value("regime", json::object());
  regime["regime"] = row.regime;
  return {{"id", row.id},
          {"symbol", row.symbol},
          {"portfolio_id", row.portfolio_id},
          {"user_id", row.owner_id ? json(row.owner_id) : json(nullptr)},
          {"action", row.action},
          {"confidence", row.confidence},
          {"score", votes.value("score", 0.0)},
          {"price", row.price.to_double()},
          {"quantity", row.quantity ? json(row.quantity->to_double()) : json(nullptr)},
          {"regime", std::move(regime)},
          {"reasons", std::move(reasons)},
          {"model", votes.value("model", json::object())},
          {"as_of", votes.value("as_of", json(nullptr))},
          {"order_id", row.order_id ? json(*row.order_id) : json(nullptr)},
          {"executed_at", row.executed_at ? json(core::to_iso8601(*row.executed_at)) : json(nullptr)},
          {"created_at", core::to_iso8601(row.created_at)}};
}

Decisions::Decisions(const storage::DecisionStore& store, const core::InstrumentTable& instruments,
                     SentimentSource sentiment, DecisionConfig config)
    : store_(store), instruments_(instruments), sentiment_(std::move(sentiment)), config_(config) {}

Decisions::~Decisions() {
  pool_.stop();
}

template <class T>
void Decisions::post(Done<T> done, std::function<ApiResult<T>()> job) {
  auto shared = std::make_shared<Done<T>>(std::move(done));
  const bool queued = pool_.try_post([shared, job = std::move(job)] {
    try {
      (*shared)(job());
    } catch (const std::exception& e) {
      (*shared)(api_error(http::status::service_unavailable, "unavailable", e.what()));
    }
  });
  if (!queued)
    (*shared)(api_error(http::status::service_unavailable, "busy", "too many decisions in progress; retry shortly"));
}

ApiResult<json> Decisions::compute(const Ask& ask) {
  const auto& series = ask.market->series(core::Timeframe::m1, ask.symbol);
  const auto& inst = instruments_.at(ask.symbol);
  if (series.size() < config_.min_bars)
    return field_error("symbol",
                       "not enough history for " + inst.symbol + ": " + std::to_string(series.size()) +
                           " closed 1m bars, the model needs " + std::to_string(config_.min_bars),
                       http::status::unprocessable_entity, "not_enough_history",
                       {{"bars", series.size()}, {"needed", config_.min_bars}});
  std::vector<core::Bar> bars;
  const std::size_t n = std::min(series.size(), config_.bars);
  bars.reserve(n);
  for (std::size_t i = series.size() - n; i < series.size(); ++i) bars.push_back(series[i]);

  Fitted fitted;
  {
    std::lock_guard lock(mutex_);
    if (auto it = fitted_.find(ask.symbol); it != fitted_.end() && it->second.as_of == bars.back().open_time)
      fitted = it->second;
  }
  if (fitted.weights.empty()) {
    indicators::RegimeClassifier classifier;
    for (std::size_t i = 0; i + 1 < bars.size(); ++i) classifier.warm(bars[i]);
    classifier.update(bars.back());
    fitted.as_of = bars.back().open_time;
    fitted.regime = classifier.reading();
    fitted.weights = backtest::fit_weights(instruments_, bars, fitted.regime.regime);
    std::lock_guard lock(mutex_);
    fitted_[ask.symbol] = fitted;
  }
  const auto votes = backtest::latest_votes(bars, fitted.weights);
  std::optional<double> sentiment;
  if (sentiment_ && config_.sentiment_weight > 0.0) sentiment = sentiment_(inst.symbol, core::now());
  backtest::DecisionParams params;
  params.sentiment_weight = config_.sentiment_weight;
  const auto decision = backtest::decide(votes, sentiment, params);

  storage::DecisionRow row;
  row.owner_id = ask.owner;
  row.portfolio_id = ask.portfolio;
  row.symbol = inst.symbol;
  row.action = std::string(backtest::to_string(decision.action));
  row.confidence = decision.confidence;
  row.price = bars.back().close;
  row.quantity = suggested_size(decision.action, *ask.portfolio_snap, inst, ask.symbol, row.price);
  row.regime = std::string(indicators::to_string(fitted.regime.regime));
  row.reasons = reasons_json(decision).dump();
  row.votes = json{{"score", decision.score},
                   {"as_of", core::to_iso8601(fitted.as_of)},
                   {"regime", {{"confidence", fitted.regime.confidence}}},
                   {"model",
                    {{"threshold", params.threshold},
                     {"sentiment_weight", params.sentiment_weight},
                     {"sentiment", sentiment ? json(*sentiment) : json(nullptr)},
                     {"bars", bars.size()},
                     {"sizing", "fraction"},
                     {"position_fraction", ask.portfolio_snap->session.strategy.position_fraction}}}}
                  .dump();
  auto stored = store_.insert(row);
  if (!stored) return unavailable();
  return {boost::system::in_place_value, decision_json(*stored)};
}

void Decisions::decide(Ask ask, Done<json> done) {
  post<json>(std::move(done), [this, ask = std::move(ask)] { return compute(ask); });
}

void Decisions::list(storage::DecisionPage page, Done<json> done) {
  post<json>(std::move(done), [this, page]() -> ApiResult<json> {
    auto rows = store_.page(page);
    if (!rows) return unavailable();
    json items = json::array();
    for (const auto& r : *rows) items.push_back(decision_json(r));
    const bool more = rows->size() == page.limit && !rows->empty();
    return {boost::system::in_place_value,
            json{{"items", std::move(items)}, {"next", more ? json(rows->back().id) : json(nullptr)}}};
  });
}

void Decisions::get(std::int64_t id, Done<std::optional<storage::DecisionRow>> done) {
  post<std::optional<storage::DecisionRow>>(std::move(done),
                                            [this, id]() -> ApiResult<std::optional<storage::DecisionRow>> {
                                              auto row = store_.get(id);
                                              if (!row) return unavailable();
                                              return std::move(*row);
                                            });
}

void Decisions::mark_executed(std::int64_t id, std::int64_t order_id, Done<std::optional<storage::DecisionRow>> done) {
  post<std::optional<storage::DecisionRow>>(std::move(done),
                                            [this, id, order_id]() -> ApiResult<std::optional<storage::DecisionRow>> {
                                              auto marked = store_.mark_executed(id, order_id);
                                              if (!marked) return unavailable();
                                              if (!*marked) return std::optional<storage::DecisionRow>{};
                                              auto row = store_.get(id);
                                              if (!row) return unavailable();
                                              return std::move(*row);
                                            });
}

}  // namespace meridian::api
