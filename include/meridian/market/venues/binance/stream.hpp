#pragma once
// Binance spot combined-stream messages (`<symbol>@kline_<interval>`): parsing each text frame,
// and a decoder that turns the venue's repeated kline updates into ticks and closed bars.
// Pure: the transport hands in text frames and sends what it is told; nothing here does I/O.
#include <cstdint>
#include <optional>
#include <string_view>

#include "meridian/core/types.hpp"
#include "meridian/market/venue_message.hpp"
#include "meridian/market/venue_sequencer.hpp"
#include "meridian/market/venues/binance/symbols.hpp"

namespace meridian::market::binance {

// One kline update as Binance sends it: the bar so far, volume cumulative since its open.
struct Kline {
  core::SymbolId symbol = 0;
  core::Timeframe timeframe = core::Timeframe::m1;
  core::Timestamp event_time{};  // `E`
  core::Timestamp open_time{};   // `k.t`
  core::Timestamp close_time{};  // `k.T`, the last millisecond of the bar
  core::Price open{}, high{}, low{}, close{};
  core::Quantity volume{};  // `k.v`, base asset, cumulative
  std::uint32_t trades = 0;
  bool closed = false;  // `k.x`

  core::Bar bar() const noexcept;
};

enum class StreamKind : std::uint8_t {
  kline,
  ack,          // `{"result":null,"id":1}`: answer to a SUBSCRIBE/UNSUBSCRIBE request
  venue_error,  // `{"code":-1121,"msg":"Invalid symbol."}` (also `{"error":{"code","msg"},"id"}`)
  invalid,      // see `error`
};

struct StreamMessage {
  StreamKind kind = StreamKind::invalid;
  MessageError error = MessageError::none;  // set for venue_error and invalid
  Kline kline{};                            // kind == kline
  std::int64_t ack_id = 0;                  // kind == ack
  VenueError venue{};                       // kind == venue_error
};

// Never throws. Prices and volumes are taken exactly from their decimal strings; a kline whose
// prices are not positive, whose low/high do not bound open and close, or whose interval or
// stream name disagree with its payload is `bad_value`/`unexpected_shape`.
StreamMessage parse_stream_message(std::string_view text, const SymbolMap& symbols);

// What one frame produced once sequenced.
struct KlineEvent {
  StreamMessage message{};
  Sequence sequence = Sequence::accepted;  // for klines
  std::optional<core::Tick> tick{};        // an accepted kline: last = bid = ask = close
  std::optional<core::Bar> closed_bar{};   // an accepted closing update (`x` true)
  std::optional<BackfillRange> gap{};      // bars to fetch with klines_path before this one
};

// One combined stream of one interval. Call from one strand.
class KlineStream {
 public:
  KlineStream(const SymbolMap& symbols, core::Timeframe timeframe);

  // Parses and sequences a text frame. Invalid frames and venue errors are counted in
  // errors(); acks are not errors. A kline of another interval is `unexpected_shape`.
  KlineEvent on_text(std::string_view text);

  const MessageErrorCounts& errors() const noexcept { return errors_; }
  BarSequencer& sequencer() noexcept { return sequencer_; }
  const BarSequencer& sequencer() const noexcept { return sequencer_; }

 private:
  const SymbolMap* symbols_;
  core::Timeframe timeframe_;
  BarSequencer sequencer_;
  MessageErrorCounts errors_;
};

}  // namespace meridian::market::binance
