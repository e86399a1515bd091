#pragma once
// One Alpaca bar object ({"t","o","h","l","c","v","n",..}), shared by the stream ("b"/"u"
// messages) and the REST bars answer. Internal to the market module.
#include "../../venue_json.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/market/venues/alpaca/messages.hpp"

namespace meridian::market::alpaca {

// Prices and volume rounded to the instrument's decimals; an `invalid` event when the object is
// not a valid bar (low/high must bound open and close, prices positive).
ServerEvent bar_event(const venue_json::Json& obj, core::SymbolId id, const core::Instrument& inst, EventKind kind,
                      core::Timeframe tf);

}  // namespace meridian::market::alpaca
