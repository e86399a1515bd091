// Walk-forward evaluation of the decision model (#14 item 8): does "follow the decisions" beat
// each single strategy and buy-and-hold on bars it was not fitted on?
//
// Each symbol's 1m bars are cut into days (1440 bars). For each day k >= 1: the weights are
// fitted on day k-1 only (backtest::class_trades, then backtest::weights_in for each regime, as
// the daemon does over its last day), and day k is held out: at every bar close of day k the
// regime classifier and the seven strategies (run continuously from day k-1, so they are warm)
// give the votes, backtest::decide the action. Each contender is then simulated the same simple
// way over day k: long (all equity) or flat, decided at a bar's close and applied from that
// close to the next (no look-ahead beyond trading at the deciding close), 10 bps per change of
// position. Contenders: the model (buy: long, sell: flat, hold: keep), each class alone on its
// own signals (buy: long, sell: flat), and buy-and-hold over the day.
//
// Data: the seeded simulator (--seed, --days, --symbols), and, when DATABASE_URL is set, each
// configured symbol's stored 1m rows in market_data (symbols with fewer than two days are
// skipped). Run: build/bench/bench/bench_decision_eval [--seed 7] [--days 10] [--symbols 4]
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "meridian/backtest/decision.hpp"
#include "meridian/market/simulated_prices.hpp"
#include "meridian/storage/bar_store.hpp"
#include "meridian/strategies/registry.hpp"

using namespace meridian;

namespace {

constexpr std::size_t kDay = 1440;
constexpr double kFee = 0.001;  // per change of position
constexpr std::size_t kLookback = 30;
constexpr double kHalfLife = 10.0;

const indicators::MarketRegime kRegimes[] = {indicators::MarketRegime::unknown, indicators::MarketRegime::trending_up,
                                             indicators::MarketRegime::trending_down, indicators::MarketRegime::ranging,
                                             indicators::MarketRegime::volatile_};

// A long-or-flat position over one held-out day.
struct Book {
  bool long_ = false;
  double equity = 1.0;
  std::uint64_t changes = 0;
  void set(bool want) {
    if (want == long_) return;
    long_ = want;
    equity *= 1.0 - kFee;
    ++changes;
  }
  void step(double ret) {
    if (long_) equity *= 1.0 + ret;
  }
};

struct Tally {
  std::string name;
  double log_growth = 0.0;  // summed log(1 + day's return): compounded over every held-out day
  double sum_return = 0.0;
  std::uint64_t days = 0;
  std::uint64_t beat_hold = 0;
  std::uint64_t changes = 0;
};

// One symbol's held-out days, added to `tallies` (model, the seven classes, buy-and-hold).
void evaluate(const core::InstrumentTable& table, const std::vector<core::Bar>& bars, std::vector<Tally>& tallies) {
  const auto classes = strategies::strategy_classes();
  const std::size_t days = bars.size() / kDay;
  for (std::size_t k = 1; k < days; ++k) {
    const std::span<const core::Bar> train(bars.data() + (k - 1) * kDay, kDay);
    const std::span<const core::Bar> test(bars.data() + k * kDay, kDay);
    const auto trades = backtest::class_trades(table, train);
    const auto train_regimes = backtest::regimes_at(train);
    std::vector<std::vector<backtest::ClassWeight>> weights;
    for (auto r : kRegimes) weights.push_back(backtest::weights_in(r, trades, train, train_regimes));

    std::vector<std::unique_ptr<strategies::Strategy>> running;
    for (const auto& cls : classes)
      running.push_back(cls.create(strategies::ParamValues(cls.params), static_cast<std::size_t>(train[0].symbol) + 1));
    std::vector<std::optional<core::Side>> last_side(classes.size());
    std::vector<double> last_strength(classes.size(), 0.0);
    std::vector<std::size_t> last_at(classes.size(), 0);
    indicators::RegimeClassifier classifier;
    for (std::size_t j = 0; j < train.size(); ++j) {
      classifier.warm(train[j]);
      for (std::size_t c = 0; c < classes.size(); ++c)
        if (auto s = running[c]->on_bar(train[j])) {
          last_side[c] = s->side;
          last_strength[c] = s->strength;
          last_at[c] = j;  // bar index from the start of the training day
        }
    }
    std::vector<Book> books(classes.size() + 2);  // model, classes..., buy-and-hold
    books.back().set(true);
    // A class whose last signal was a buy holds from the start of the day, as it would live.
    for (std::size_t c = 0; c < classes.size(); ++c) books[1 + c].set(last_side[c] == core::Side::buy);
    for (std::size_t i = 0; i < test.size(); ++i) {
      const auto& b = test[i];
      if (i > 0) {
        const double ret = b.close.to_double() / test[i - 1].close.to_double() - 1.0;
        for (auto& book : books) book.step(ret);
      }
      classifier.update(b);
      for (std::size_t c = 0; c < classes.size(); ++c)
        if (auto s = running[c]->on_bar(b)) {
          last_side[c] = s->side;
          last_strength[c] = s->strength;
          last_at[c] = kDay + i;
          books[1 + c].set(s->side == core::Side::buy);
        }
      const auto regime = classifier.reading().regime;
      const auto& w = weights[static_cast<std::size_t>(regime)];
      std::vector<backtest::Vote> votes;
      for (std::size_t c = 0; c < classes.size(); ++c) {
        backtest::Vote v;
        v.name = classes[c].name;
        v.weight = w[c].weight;
        const std::size_t now = kDay + i;
        if (last_side[c] && now - last_at[c] <= kLookback) {
          v.side = last_side[c];
          v.age_bars = now - last_at[c];
          v.strength = std::clamp(last_strength[c], 0.0, 1.0) * std::exp2(-static_cast<double>(v.age_bars) / kHalfLife);
        }
        votes.push_back(v);
      }
      const auto d = backtest::decide(votes, std::nullopt, {});
      if (d.action == backtest::Action::buy) books[0].set(true);
      if (d.action == backtest::Action::sell) books[0].set(false);
    }
    const double hold = books.back().equity - 1.0;
    for (std::size_t t = 0; t < books.size(); ++t) {
      const double r = books[t].equity - 1.0;
      tallies[t].log_growth += std::log1p(r);
      tallies[t].sum_return += r;
      ++tallies[t].days;
      tallies[t].changes += books[t].changes;
      if (t + 1 < books.size() && r > hold) ++tallies[t].beat_hold;
    }
  }
}

std::vector<Tally> fresh_tallies() {
  std::vector<Tally> t;
  t.push_back({"decision model"});
  for (const auto& cls : strategies::strategy_classes()) t.push_back({std::string(cls.name)});
  t.push_back({"buy and hold"});
  return t;
}

void print(const char* title, const std::vector<Tally>& tallies) {
  std::printf("\n%s\n", title);
  std::printf(
      "| contender | held-out days | mean day return | compounded | days beating buy-and-hold | position changes |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  for (const auto& t : tallies) {
    if (t.days == 0) continue;
    std::printf("| %s | %llu | %+.3f%% | %+.2f%% | %s | %llu |\n", t.name.c_str(),
                static_cast<unsigned long long>(t.days), 100.0 * t.sum_return / static_cast<double>(t.days),
                100.0 * std::expm1(t.log_growth), t.name == "buy and hold" ? "-" : std::to_string(t.beat_hold).c_str(),
                static_cast<unsigned long long>(t.changes));
  }
}

long arg(int argc, char** argv, const char* name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::strtol(argv[i + 1], nullptr, 10);
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const core::InstrumentTable table{core::default_instruments()};
  const auto seed = static_cast<std::uint64_t>(arg(argc, argv, "--seed", 7));
  const auto days = static_cast<std::size_t>(std::max(2L, arg(argc, argv, "--days", 10)));
  const auto symbols = std::min(table.size(), static_cast<std::size_t>(std::max(1L, arg(argc, argv, "--symbols", 4))));

  market::SimConfig sim;
  sim.seed = seed;
  const auto end = core::from_epoch_ms(1'767'225'600'000);  // 2026-01-01
  const auto minutes = days * kDay;
  market::SimulatedPrices prices(table, sim, end - std::chrono::minutes(minutes));
  std::vector<std::vector<core::Bar>> series(table.size());
  for (const auto& bar : prices.generate_history(minutes, end)) series[bar.symbol].push_back(bar);
  auto tallies = fresh_tallies();
  for (std::size_t s = 0; s < symbols; ++s) evaluate(table, series[s], tallies);
  char title[160];
  std::snprintf(title, sizeof title, "Simulated: seed %llu, %zu symbols x %zu days (held out: %zu days each)",
                static_cast<unsigned long long>(seed), symbols, days, days - 1);
  print(title, tallies);

  if (const char* url = std::getenv("DATABASE_URL"); url && *url) {
    auto stored = fresh_tallies();
    std::size_t used = 0;
    try {
      for (const auto& inst : table.all()) {
        auto loaded = storage::load_bars(url, inst.symbol, inst.id, core::Timeframe::m1, {});
        if (loaded.bars.size() < 2 * kDay) continue;
        evaluate(table, loaded.bars, stored);
        ++used;
      }
    } catch (const std::exception& e) {
      std::printf("\nStored market_data: cannot read it: %s\n", e.what());
      return 1;
    }
    if (used)
      print("Stored market_data (1m rows)", stored);
    else
      std::printf("\nStored market_data: no symbol with two days of 1m rows\n");
  }
  return 0;
}
