#include "meridian/app/feed_choice.hpp"

#include <memory>
#include <stdexcept>

#include "meridian/market/replay_feed.hpp"

namespace meridian::app {

engine::EngineRunner::FeedFactory choose_feed(const Config& config, const core::InstrumentTable& instruments) {
  if (config.feed == "simulated") {
    if (!config.replay_files.empty()) throw std::invalid_argument("--replay-file needs --feed csv");
    return {};
  }
  if (config.feed != "csv") throw std::invalid_argument("unknown --feed " + config.feed + " (simulated, csv)");
  if (config.replay_files.empty())
    throw std::invalid_argument("--feed csv needs at least one --replay-file SYMBOL=PATH");
  const auto format = market::parse_csv_format(config.replay_format);
  if (!format) throw std::invalid_argument("unknown --replay-format " + config.replay_format);

  std::vector<market::ReplayFile> files;
  for (const auto& spec : config.replay_files) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      throw std::invalid_argument("--replay-file " + spec + ": expected SYMBOL=PATH");
    const auto symbol = spec.substr(0, eq);
    const auto id = instruments.find(symbol);
    if (!id) throw std::invalid_argument("--replay-file " + spec + ": " + symbol + " is not a configured symbol");
    for (const auto& f : files)
      // Two files of one symbol would interleave into ticks out of time order.
      if (f.symbol == *id) throw std::invalid_argument("--replay-file: " + symbol + " is given twice");
    files.push_back({*id, spec.substr(eq + 1)});
  }
  // Shared so the factory stays copyable (std::function); the runner calls it once.
  auto data = std::make_shared<market::ReplayData>(market::load_replay(files, *format));
  const double speed = config.replay_speed;
  return [data, speed](boost::asio::any_io_executor strand) -> std::unique_ptr<market::Feed> {
    return std::make_unique<market::ReplayFeed>(std::move(strand), std::move(*data), speed);
  };
}

}  // namespace meridian::app
