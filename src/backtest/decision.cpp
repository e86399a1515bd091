#include "meridian/backtest/decision.hpp"

#include <algorithm>
#include <cmath>

#include "meridian/strategies/registry.hpp"

namespace meridian::backtest {

namespace {

// A weight or strength that means nothing (negative, NaN, infinite) counts as none.
double usable(double x) noexcept {
  return std::isfinite(x) && x > 0.0 ? x : 0.0;
}

double direction(std::optional<core::Side> side) noexcept {
  if (!side) return 0.0;
  return *side == core::Side::buy ? 1.0 : -1.0;
}

}  // namespace

std::string_view to_string(Action a) noexcept {
  switch (a) {
    case Action::buy: return "buy";
    case Action::sell: return "sell";
    case Action::hold: break;
  }
  return "hold";
}

Decision decide(std::span<const Vote> strategies, std::optional<double> sentiment_score, const DecisionParams& params) {
  Decision d;
  double strategy_total = 0.0;
  for (const auto& v : strategies) strategy_total += usable(v.weight);
  // The strategies' weights share 1 between them (none when every class lost); sentiment's is
  // added on that scale, so the model reads the same whatever the strategies' return units.
  const double sentiment_weight = sentiment_score ? usable(params.sentiment_weight) : 0.0;
  const double total = (strategy_total > 0.0 ? 1.0 : 0.0) + sentiment_weight;

  auto add = [&](const Vote& v, double weight) {
    Reason r;
    r.name = v.name;
    r.side = v.side;
    r.strength = std::min(usable(v.strength), 1.0);
    r.age_bars = v.age_bars;
    r.weight = total > 0.0 ? weight / total : 0.0;
    r.contribution = r.weight * r.strength * direction(v.side);
    r.trades = v.trades;
    r.mean_return = v.mean_return;
    d.score += r.contribution;
    d.reasons.push_back(r);
  };
  for (const auto& v : strategies) add(v, strategy_total > 0.0 ? usable(v.weight) / strategy_total : 0.0);
  if (sentiment_score) {
    const double s = std::isfinite(*sentiment_score) ? std::clamp(*sentiment_score, -1.0, 1.0) : 0.0;
    Vote v;
    v.name = "sentiment";
    if (s != 0.0) v.side = s > 0.0 ? core::Side::buy : core::Side::sell;
    v.strength = std::abs(s);
    add(v, sentiment_weight);
  }
  d.score = std::clamp(d.score, -1.0, 1.0);
  const double threshold = std::isfinite(params.threshold) ? std::clamp(params.threshold, 0.0, 1.0) : 0.15;
  if (total <= 0.0) {
    d.action = Action::hold;
    d.confidence = 0.0;
  } else if (std::abs(d.score) >= threshold && d.score != 0.0) {
    d.action = d.score > 0.0 ? Action::buy : Action::sell;
    d.confidence = std::abs(d.score);
  } else {
    d.action = Action::hold;
    d.confidence = threshold > 0.0 ? 1.0 - std::abs(d.score) / threshold : 1.0;
  }
  std::stable_sort(d.reasons.begin(), d.reasons.end(), [](const Reason& a, const Reason& b) {
    if (std::abs(a.contribution) != std::abs(b.contribution))
      return std::abs(a.contribution) > std::abs(b.contribution);
    return a.weight > b.weight;
  });
  return d;
}

std::vector<ClosedTrade> round_trips(std::span<const engine::Trade> trades) {
  struct Open {
    double quantity = 0.0;
    double cost = 0.0;  // what the held quantity cost, fees out
    core::Timestamp entry{};
  };
  std::vector<std::pair<core::SymbolId, Open>> open;
  auto find = [&](core::SymbolId s) -> Open& {
    for (auto& [sym, o] : open)
      if (sym == s) return o;
    return open.emplace_back(s, Open{}).second;
  };
  std::vector<ClosedTrade> out;
  for (const auto& t : trades) {
    auto& o = find(t.symbol);
    const double q = t.quantity.to_double();
    if (q <= 0.0) continue;
    if (t.side == core::Side::buy) {
      if (o.quantity <= 0.0) o.entry = t.ts;
      o.quantity += q;
      o.cost += q * t.price.to_double();
      continue;
    }
    if (o.quantity <= 0.0) continue;  // nothing held: not a round trip of this log
    const double closed = std::min(q, o.quantity);
    const double basis = o.cost * closed / o.quantity;
    if (basis > 0.0) out.push_back({o.entry, t.realized_pnl.to_double() / basis});
    o.cost -= basis;
    o.quantity -= closed;
    if (o.quantity <= 1e-12) o = Open{};
  }
  return out;
}

std::vector<indicators::MarketRegime> regimes_at(std::span<const core::Bar> bars,
                                                 const indicators::RegimeParams& params) {
  std::vector<indicators::MarketRegime> out;
  out.reserve(bars.size());
  indicators::RegimeClassifier classifier(params);
  for (const auto& b : bars) {
    classifier.update(b);
    out.push_back(classifier.reading().regime);
  }
  return out;
}

ClassWeight class_weight(std::string_view name, std::span<const ClosedTrade> trades, std::span<const core::Bar> bars,
                         std::span<const indicators::MarketRegime> regimes, indicators::MarketRegime regime,
                         double shrink) {
  ClassWeight w;
  w.name = name;
  double sum = 0.0;
  for (const auto& t : trades) {
    if (regime != indicators::MarketRegime::unknown) {
      // The last bar that opened before the entry: the close the entry's signal came from.
      const auto it = std::lower_bound(bars.begin(), bars.end(), t.entry,
                                       [](const core::Bar& b, core::Timestamp ts) { return b.open_time < ts; });
      if (it == bars.begin()) continue;
      const auto k = static_cast<std::size_t>(it - bars.begin()) - 1;
      if (k >= regimes.size() || regimes[k] != regime) continue;
    }
    if (!std::isfinite(t.ret)) continue;
    ++w.trades;
    sum += t.ret;
  }
  if (w.trades == 0) return w;
  w.mean_return = sum / static_cast<double>(w.trades);
  const double n = static_cast<double>(w.trades);
  const double k = std::isfinite(shrink) && shrink > 0.0 ? shrink : 0.0;
  w.weight = std::max(0.0, w.mean_return) * n / (n + k);
  return w;
}

std::vector<std::vector<ClosedTrade>> class_trades(const core::InstrumentTable& instruments,
                                                   std::span<const core::Bar> bars, const FitParams& params) {
  std::vector<std::vector<ClosedTrade>> out;
  market::ReplayData data;
  if (!bars.empty()) {
    data.series.resize(static_cast<std::size_t>(bars.front().symbol) + 1);
    data.series[bars.front().symbol].assign(bars.begin(), bars.end());
  }
  for (const auto& cls : strategies::strategy_classes()) {
    if (bars.empty()) {
      out.emplace_back();
      continue;
    }
    BacktestSpec spec;
    spec.strategy.class_name = cls.name;
    spec.strategy.params = strategies::ParamValues(cls.params);
    spec.strategy.timeframe = cls.default_timeframe;
    spec.strategy.position_fraction = params.position_fraction;
    spec.symbols = {bars.front().symbol};
    spec.from = bars.front().open_time;
    spec.to = bars.back().open_time + std::chrono::minutes(1);
    out.push_back(round_trips(run(instruments, spec, data).trades));
  }
  return out;
}

std::vector<ClassWeight> weights_in(indicators::MarketRegime regime, std::span<const std::vector<ClosedTrade>> trades,
                                    std::span<const core::Bar> bars, std::span<const indicators::MarketRegime> regimes,
                                    double shrink) {
  std::vector<ClassWeight> out;
  const auto classes = strategies::strategy_classes();
  for (std::size_t i = 0; i < classes.size(); ++i)
    out.push_back(i < trades.size() ? class_weight(classes[i].name, trades[i], bars, regimes, regime, shrink)
                                    : ClassWeight{classes[i].name});
  return out;
}

std::vector<ClassWeight> fit_weights(const core::InstrumentTable& instruments, std::span<const core::Bar> bars,
                                     indicators::MarketRegime regime, const FitParams& params) {
  const auto trades = class_trades(instruments, bars, params);
  const auto regimes = regimes_at(bars);
  return weights_in(regime, trades, bars, regimes, params.shrink);
}

std::vector<Vote> latest_votes(std::span<const core::Bar> bars, std::span<const ClassWeight> weights,
                               const VoteParams& params) {
  std::vector<Vote> out;
  for (const auto& cls : strategies::strategy_classes()) {
    Vote v;
    v.name = cls.name;
    for (const auto& w : weights)
      if (w.name == cls.name) {
        v.weight = w.weight;
        v.trades = w.trades;
        v.mean_return = w.mean_return;
      }
    if (!bars.empty()) {
      auto strategy =
          cls.create(strategies::ParamValues(cls.params), static_cast<std::size_t>(bars.front().symbol) + 1);
      std::optional<std::size_t> last_at;
      std::optional<strategies::Signal> last;
      for (std::size_t i = 0; i < bars.size(); ++i)
        if (auto s = strategy->on_bar(bars[i])) {
          last = *s;
          last_at = i;
        }
      if (last) {
        const auto age = bars.size() - 1 - *last_at;
        if (age <= params.lookback) {
          v.side = last->side;
          v.age_bars = age;
          const double decay = params.half_life > 0.0 ? std::exp2(-static_cast<double>(age) / params.half_life) : 1.0;
          v.strength = std::clamp(last->strength, 0.0, 1.0) * decay;
        }
      }
    }
    out.push_back(v);
  }
  return out;
}

}  // namespace meridian::backtest
