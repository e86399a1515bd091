#pragma once
// The topics of the WebSocket streams: what a message's `topic` names, how a client's name
// for one is read back (resume), and the `snapshot` of a topic's current state a client
// gets when the replay ring no longer holds what it missed. Protocol: docs/api-shapes.md.
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "meridian/api/api_context.hpp"
#include "meridian/api/ws_hub.hpp"

namespace meridian::api {

// Which topic: a kind and what it is about. The kinds before `trades` are per symbol and
// public; those from `trades` are per portfolio; `other` is a name a publish() caller chose.
enum class WsTopicKind : std::uint8_t { prices, candles, bars, trades, orders, signals, session, other };

struct WsTopicKey {
  WsTopicKind kind = WsTopicKind::other;
  std::int64_t id = 0;  // the symbol, or the portfolio
  int stream = 0;       // candles: the index in kCandleStreams
  // One integer per topic, for the hub's table (other topics are looked up by name).
  std::uint64_t packed() const noexcept {
    return (static_cast<std::uint64_t>(kind) << 56) | (static_cast<std::uint64_t>(stream) << 48) |
           (static_cast<std::uint64_t>(id) & ((std::uint64_t{1} << 48) - 1));
  }
};

// Price and candle topics coalesce: their messages may skip seq numbers, and their latest
// message is their whole state (a replay gives only that).
constexpr bool coalesces(WsTopicKind kind) noexcept {
  return kind == WsTopicKind::prices || kind == WsTopicKind::candles;
}

// "prices:BTC-USD", "candles:BTC-USD:1m", "bars:BTC-USD", "trades:1", "orders:1", "signals:1",
// "session:1" (session and risk changes).
std::string topic_name(const WsTopicKey& key, const core::InstrumentTable& instruments);
// A client's topic name read back; nullopt when it names no such topic kind or symbol.
// `portfolio`: what a bare "trades", "orders", "signals" or "session" means (the client's
// default portfolio; 0: none).
std::optional<WsTopicKey> parse_topic(std::string_view name, const core::InstrumentTable& instruments,
                                      std::int64_t portfolio);
// Who may get the topic's messages and snapshot (the session's visibility rules apply).
WsTarget topic_target(const WsTopicKey& key);
// {"type":"snapshot","topic":...,"seq":...,"data":...}: the topic's current state as the engine
// has it now (at least up to `seq`; a delta after it may repeat an item, by its id). `data` is
// null where there is no state to give (an `other` topic, a deleted portfolio).
std::string snapshot_message(const WsTopicKey& key, std::string_view name, std::uint64_t seq, ApiContext& ctx);
// `text` (a JSON object) with "topic" and "seq" added at its end: the one stamp of every topic message.
std::string stamped(std::string text, std::string_view name_json, std::uint64_t seq);

}  // namespace meridian::api
