#pragma once
// The JSON of a signal's indicator values ({"sma_fast": 101.2, ...}), shared by the API
// and the signal journal.
#include <nlohmann/json.hpp>

#include "meridian/strategies/signal.hpp"

namespace meridian::strategies {

inline nlohmann::json indicator_values_json(const Signal& s) {
  nlohmann::json values = nlohmann::json::object();
  for (std::size_t i = 0; i < s.value_count; ++i) values[std::string(s.values[i].name)] = s.values[i].value;
  return values;
}

}  // namespace meridian::strategies
