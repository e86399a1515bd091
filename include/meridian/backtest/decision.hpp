#pragma once
// The decision model (#14 item 8, seed 002's "AI"): an explainable vote, not a language model.
// Each of the seven strategy classes says what its latest signal on the symbol was (side,
// strength decayed by age); each is weighted by how well that class traded the symbol's recent
// bars in the regime the symbol is in now (backtest::run over those bars, every closed trade
// attributed to the regime read at its entry); an optional sentiment score is one more input,
// weight 0 unless configured. The weighted mean of the votes is the score, -1 (all sell) .. 1
// (all buy); the action and confidence follow from it, and every input is listed in `reasons`
// with its weight and contribution.
//
// Everything here is pure (no database, JSON or threads): any thread. fit_weights and
// latest_votes replay bars (a few backtests over a day of minutes: tens of milliseconds), so
// callers keep them off the engine strand and the I/O threads.
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/backtest/backtest.hpp"
#include "meridian/indicators/regime.hpp"

namespace meridian::backtest {

enum class Action : std::uint8_t { hold, buy, sell };
std::string_view to_string(Action a) noexcept;

// One input's say. A strategy class without a signal within the lookback is still an input (it
// votes for neither side: weight it has, contribution 0), so silence dilutes a lone voice.
struct Vote {
  std::string_view name;           // static: the class name, or "sentiment"
  std::optional<core::Side> side;  // none: no signal within the lookback
  double strength = 0.0;           // 0..1, after the age decay
  std::size_t age_bars = 0;        // bars since the signal (0: on the newest bar)
  double weight = 0.0;             // >= 0, before normalisation (see DecisionParams)
  std::uint64_t trades = 0;        // closed trades behind the weight (strategies)
  double mean_return = 0.0;        // their mean return per trade, fraction (strategies)
};

struct DecisionParams {
  // |score| at or above it: buy (score > 0) or sell (score < 0); below: hold.
  double threshold = 0.15;
  // Added to the strategies' weights after they are normalised to sum to 1 (so 1 means "as much
  // as all seven strategies together"); 0 leaves the decision exactly as without sentiment.
  double sentiment_weight = 0.0;
};

struct Reason {
  std::string_view name;
  std::optional<core::Side> side;
  double strength = 0.0;
  std::size_t age_bars = 0;
  double weight = 0.0;        // normalised: the share of the total weight, 0..1
  double contribution = 0.0;  // weight x strength x (+1 buy, -1 sell): its part of the score
  std::uint64_t trades = 0;
  double mean_return = 0.0;
};

struct Decision {
  Action action = Action::hold;
  // buy/sell: |score| (how one-sided the weighted vote is); hold: 1 - |score| / threshold (how
  // far the vote is from tipping). 0 when no input has weight.
  double confidence = 0.0;
  double score = 0.0;           // -1 .. 1: the sum of the contributions
  std::vector<Reason> reasons;  // every input, by |contribution| then weight, largest first
};

// The strategies' votes (their weights as given, each >= 0) and the sentiment vote (its score
// -1..1 as a signed strength, weight from params; nullopt or no items: no sentiment input).
// Pure and deterministic. Inputs with a negative or non-finite weight or strength count as 0.
Decision decide(std::span<const Vote> strategies, std::optional<double> sentiment_score, const DecisionParams& params);

// --- Inputs from bars -------------------------------------------------------------------

struct ClassWeight {
  std::string_view name;     // static class name
  std::uint64_t trades = 0;  // closed trades entered in the regime (all regimes when it is unknown)
  double mean_return = 0.0;  // per closed trade: realised P&L / entry notional
  double weight = 0.0;       // max(0, mean_return) x trades / (trades + shrink)
};

// A closed trade for attribution: entered at `entry`, its return realised P&L / entry notional.
struct ClosedTrade {
  core::Timestamp entry{};
  double ret = 0.0;
};

// The round trips of a long-only trade log (buys open or add, sells close), in order; each
// sell's return over the average cost of what it closes. Pure.
std::vector<ClosedTrade> round_trips(std::span<const engine::Trade> trades);

// The regime read at each bar's close (bars of one symbol, oldest first), same length.
std::vector<indicators::MarketRegime> regimes_at(std::span<const core::Bar> bars,
                                                 const indicators::RegimeParams& params = {});

// A class's weight in `regime` from its closed trades and the regimes at `bars` (the regime at
// a trade's entry is the one read at the last bar that opened before it). `regime` unknown:
// every trade counts. Shrinkage `shrink` trades: few trades pull the weight toward 0.
ClassWeight class_weight(std::string_view name, std::span<const ClosedTrade> trades, std::span<const core::Bar> bars,
                         std::span<const indicators::MarketRegime> regimes, indicators::MarketRegime regime,
                         double shrink = 5.0);

struct FitParams {
  double shrink = 5.0;
  double position_fraction = 0.1;
};

// Each class (default parameters) backtested over `bars` (one symbol's 1m bars, oldest first):
// seven backtest::run calls, each class's round trips, in registry order.
std::vector<std::vector<ClosedTrade>> class_trades(const core::InstrumentTable& instruments,
                                                   std::span<const core::Bar> bars, const FitParams& params = {});

// class_weight of each class (registry order) from class_trades over the same bars.
std::vector<ClassWeight> weights_in(indicators::MarketRegime regime, std::span<const std::vector<ClosedTrade>> trades,
                                    std::span<const core::Bar> bars, std::span<const indicators::MarketRegime> regimes,
                                    double shrink = 5.0);

// class_trades then weights_in for `regime`.
std::vector<ClassWeight> fit_weights(const core::InstrumentTable& instruments, std::span<const core::Bar> bars,
                                     indicators::MarketRegime regime, const FitParams& params = {});

struct VoteParams {
  std::size_t lookback = 30;  // bars: a signal older than this is no vote
  double half_life = 10.0;    // bars: a signal's strength halves every half_life bars of age
};

// Each class (default parameters) run over `bars` (one symbol, oldest first), its last signal
// within the lookback of the newest bar, with `weights`' weight of the same class (0 if absent).
// In registry order.
std::vector<Vote> latest_votes(std::span<const core::Bar> bars, std::span<const ClassWeight> weights,
                               const VoteParams& params = {});

}  // namespace meridian::backtest
