#pragma once
// Exact decimals from text for tests ("0.00015"), failing the test loudly on a typo instead of
// reading a wrong value: no double on the way.

#include <stdexcept>
#include <string>

#include "meridian/core/fixed.hpp"

namespace test_decimals {

template <class F>
F decimal(const char* text) {
  const auto v = F::parse(text);
  if (!v) throw std::invalid_argument(std::string("not a decimal: ") + text);
  return *v;
}
inline meridian::core::Quantity qty(const char* text) {
  return decimal<meridian::core::Quantity>(text);
}
inline meridian::core::Price px(const char* text) {
  return decimal<meridian::core::Price>(text);
}
inline meridian::core::Money money(const char* text) {
  return decimal<meridian::core::Money>(text);
}

}  // namespace test_decimals
