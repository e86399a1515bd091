#include "meridian/strategies/vwap_volume.hpp"

#include <chrono>
#include <stdexcept>

#include "meridian/strategies/signal_builder.hpp"

namespace meridian::strategies {

namespace {
constexpr core::Duration kSession = std::chrono::hours(24);
}  // namespace

VwapVolume::VwapVolume(VwapVolumeParams params, std::size_t symbol_count) : params_(params) {
  if (params.volume_period < 1 || !(params.volume_multiplier > 0.0))
    throw std::invalid_argument("vwap_volume needs volume_period >= 1 and volume_multiplier > 0");
  state_.reserve(symbol_count);
  for (std::size_t i = 0; i < symbol_count; ++i)
    state_.push_back({indicators::SessionVwap(indicators::SessionReset::manual),
                      indicators::Sma(static_cast<std::size_t>(params.volume_period)),
                      {},
                      {},
                      {}});
}

std::optional<Signal> VwapVolume::on_bar(const BarView& view) {
  const core::Bar& bar = view.bar;
  if (bar.symbol >= state_.size()) return std::nullopt;
  auto& s = state_[bar.symbol];
  // Two compares per bar against the cached day; the first bar always lands here.
  if (bar.open_time < s.session_start || bar.open_time >= s.session_end) {
    s.session_start = core::floor_to(bar.open_time, kSession);
    s.session_end = s.session_start + kSession;
    s.vwap.start_session();
    s.cross.forget();
  }
  const auto& ohlcv = view.ohlcv;
  s.vwap.update(ohlcv);
  const double average_volume = s.volume.value();  // previous bars only; NaN until there are enough
  s.volume.update(ohlcv.volume);

  const double close = ohlcv.close;
  const double vwap = s.vwap.value();
  const Cross cross = s.cross.update(close, vwap, price_tolerance(close));
  const double threshold = params_.volume_multiplier * average_volume;
  // NaN (too few bars) fails the comparison, so no signal before the average exists.
  if (cross == Cross::none || !(ohlcv.volume > threshold)) return std::nullopt;

  const bool up = cross == Cross::up;
  Signal sig = make_signal(bar, up ? core::Side::buy : core::Side::sell, kClassName,
                           up ? "close crossed above VWAP on high volume" : "close crossed below VWAP on high volume");
  // 0 just over the volume threshold, 1 at twice the threshold or more.
  sig.strength = scaled_strength(ohlcv.volume - threshold, threshold);
  add_value(sig, "close", close);
  add_value(sig, "vwap", vwap);
  add_value(sig, "volume", ohlcv.volume);
  add_value(sig, "volume_average", average_volume);
  return sig;
}

void VwapVolume::reset() noexcept {
  for (auto& s : state_) {
    s.vwap.reset();
    s.volume.reset();
    s.cross.forget();
    s.session_start = s.session_end = core::Timestamp{};
  }
}

}  // namespace meridian::strategies
