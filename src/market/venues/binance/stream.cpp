#include "meridian/market/venues/binance/stream.hpp"

#include <algorithm>
#include <limits>

#include "../../venue_json.hpp"

namespace meridian::market::binance {

namespace {

using venue_json::field;
using venue_json::Json;

// Epoch milliseconds a Timestamp (int64 ns) can hold, with margin: years 1970..2255.
constexpr std::int64_t kMaxEpochMs = 9'000'000'000'000;

StreamMessage fail(MessageError e) {
  StreamMessage m;
  m.error = e;
  return m;
}

// A required field: absent or of the wrong JSON type is the message's shape; present but not
// a valid value is `bad_value`.
template <class F>
std::optional<F> decimal(const Json& obj, const char* key, MessageError& err) {
  const Json* j = field(obj, key);
  if (j == nullptr || !j->is_string()) {
    err = MessageError::unexpected_shape;
    return std::nullopt;
  }
  auto v = venue_json::decimal_of<F>(j);
  if (!v) err = MessageError::bad_value;
  return v;
}

std::optional<core::Timestamp> epoch_ms(const Json& obj, const char* key, MessageError& err) {
  const auto v = venue_json::integer_of(field(obj, key));
  if (!v) {
    err = MessageError::unexpected_shape;
    return std::nullopt;
  }
  if (*v < 0 || *v > kMaxEpochMs) {
    err = MessageError::bad_value;
    return std::nullopt;
  }
  return core::from_epoch_ms(*v);
}

std::optional<VenueError> venue_error_of(const Json& obj) {
  const auto code = venue_json::integer_of(field(obj, "code"));
  const auto msg = venue_json::string_of(field(obj, "msg"));
  if (!code || !msg || *code < std::numeric_limits<int>::min() || *code > std::numeric_limits<int>::max())
    return std::nullopt;
  return VenueError{static_cast<int>(*code), std::string(*msg)};
}

}  // namespace

core::Bar Kline::bar() const noexcept {
  core::Bar b;
  b.symbol = symbol;
  b.timeframe = timeframe;
  b.open_time = open_time;
  b.open = open;
  b.high = high;
  b.low = low;
  b.close = close;
  b.volume = volume;
  b.ticks = trades;
  return b;
}

StreamMessage parse_stream_message(std::string_view text, const SymbolMap& symbols) {
  const auto parsed = venue_json::parse(text);
  if (!parsed) return fail(MessageError::malformed_json);
  const Json& j = *parsed;
  if (!j.is_object()) return fail(MessageError::unexpected_shape);

  if (j.contains("result") && j.contains("id")) {
    const auto id = venue_json::integer_of(field(j, "id"));
    if (!id) return fail(MessageError::unexpected_shape);
    StreamMessage m;
    m.kind = StreamKind::ack;
    m.ack_id = *id;
    return m;
  }
  // Errors come bare from REST-style answers and wrapped under "error" on the stream.
  const Json* err_obj = field(j, "error");
  if (j.contains("code") || (err_obj != nullptr && err_obj->is_object())) {
    const auto venue = venue_error_of(err_obj != nullptr && err_obj->is_object() ? *err_obj : j);
    if (!venue) return fail(MessageError::unexpected_shape);
    StreamMessage m = fail(MessageError::venue_error);
    m.kind = StreamKind::venue_error;
    m.venue = *venue;
    return m;
  }

  // Combined streams wrap the payload: {"stream":..,"data":{..}}; a raw stream sends it bare.
  const Json* data = &j;
  const auto stream = venue_json::string_of(field(j, "stream"));
  if (j.contains("stream") || j.contains("data")) {
    data = field(j, "data");
    if (!stream || data == nullptr || !data->is_object()) return fail(MessageError::unexpected_shape);
  }
  const auto event = venue_json::string_of(field(*data, "e"));
  if (!event) return fail(MessageError::unexpected_shape);
  if (*event != "kline") return fail(MessageError::unknown_message);
  const Json* k = field(*data, "k");
  if (k == nullptr || !k->is_object()) return fail(MessageError::unexpected_shape);

  const auto sym = venue_json::string_of(field(*k, "s"));
  const auto interval = venue_json::string_of(field(*k, "i"));
  if (!sym || !interval) return fail(MessageError::unexpected_shape);
  const auto id = symbols.find(*sym);
  if (!id) return fail(MessageError::unknown_symbol);
  const auto tf = parse_interval(*interval);
  if (!tf) return fail(MessageError::unknown_message);
  if (stream) {
    std::string expected(symbols.venue_symbol_of(*id));
    expected += "@kline_";
    expected += *interval;
    if (*stream != expected) return fail(MessageError::unexpected_shape);
  }

  MessageError err = MessageError::none;
  Kline kl;
  kl.symbol = *id;
  kl.timeframe = *tf;
  const auto event_time = epoch_ms(*data, "E", err);
  const auto open_time = epoch_ms(*k, "t", err);
  const auto close_time = epoch_ms(*k, "T", err);
  const auto open = decimal<core::Price>(*k, "o", err);
  const auto high = decimal<core::Price>(*k, "h", err);
  const auto low = decimal<core::Price>(*k, "l", err);
  const auto close = decimal<core::Price>(*k, "c", err);
  const auto volume = decimal<core::Quantity>(*k, "v", err);
  const auto trades = venue_json::integer_of(field(*k, "n"));
  const auto closed = venue_json::bool_of(field(*k, "x"));
  if (!trades || !closed) err = MessageError::unexpected_shape;
  if (err != MessageError::none) return fail(err);

  kl.event_time = *event_time;
  kl.open_time = *open_time;
  kl.close_time = *close_time;
  kl.open = *open;
  kl.high = *high;
  kl.low = *low;
  kl.close = *close;
  kl.volume = *volume;
  kl.closed = *closed;
  const bool ordered = kl.low > core::Price{} && kl.low <= std::min(kl.open, kl.close) &&
                       kl.high >= std::max(kl.open, kl.close) && kl.close_time > kl.open_time;
  if (!ordered || kl.volume < core::Quantity{} || *trades < 0 || *trades > std::numeric_limits<std::uint32_t>::max())
    return fail(MessageError::bad_value);
  kl.trades = static_cast<std::uint32_t>(*trades);

  StreamMessage m;
  m.kind = StreamKind::kline;
  m.kline = kl;
  return m;
}

KlineStream::KlineStream(const SymbolMap& symbols, core::Timeframe timeframe)
    : symbols_(&symbols), timeframe_(timeframe), sequencer_(core::period_of(timeframe), symbols.instruments().size()) {}

KlineEvent KlineStream::on_text(std::string_view text) {
  KlineEvent out;
  out.message = parse_stream_message(text, *symbols_);
  auto& m = out.message;
  if (m.kind == StreamKind::kline && m.kline.timeframe != timeframe_) {
    m = fail(MessageError::unexpected_shape);
  }
  errors_.add(m.error);
  if (m.kind != StreamKind::kline) return out;

  const auto& k = m.kline;
  const auto seq = sequencer_.on_update({k.symbol, k.open_time, k.volume, k.closed});
  out.sequence = seq.verdict;
  out.gap = seq.gap;
  if (seq.verdict != Sequence::accepted) return out;
  core::Tick t;
  t.symbol = k.symbol;
  t.ts = k.event_time;
  // A kline carries no book: the touch is the last price, as the replay feed does for bars.
  t.last = t.bid = t.ask = k.close;
  t.volume = seq.volume_delta;
  out.tick = t;
  if (k.closed) out.closed_bar = k.bar();
  return out;
}

}  // namespace meridian::market::binance
