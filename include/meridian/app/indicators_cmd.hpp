#pragma once
// `meridiand indicators`: the standard indicator panel (indicators::IndicatorSet) over a CSV of
// bars, one output row per bar. Offline and single-threaded; touches no engine state.
#include <string>

namespace meridian::app {

// Reads bars `ts,open,high,low,close,volume` from input_csv (a header line is optional; ts is
// epoch seconds, or milliseconds when >= 1e11; sessions for VWAP are UTC days) and writes
//   ts,sma20,sma50,ema20,rsi14,macd,macd_signal,macd_hist,bb_upper,bb_middle,bb_lower,atr14,
//   stochrsi_k,stochrsi_d,adx14,vwap,supertrend,supertrend_dir
// to output_csv ("-" or empty: stdout): ts as given, numbers as %.17g, an empty field where an
// indicator has no value yet. Returns 0; or 2 after a message on stderr when the input cannot
// be opened, a line is malformed (the message names the line number) or the output cannot be
// written. A file output is written beside its path and renamed into place on success, so a
// failed run leaves no partial file and an existing one untouched.
int run_indicators_command(const std::string& input_csv, const std::string& output_csv);

}  // namespace meridian::app
