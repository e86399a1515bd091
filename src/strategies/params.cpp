#include "meridian/strategies/params.hpp"

#include <cmath>

namespace meridian::strategies {

ParamValues::ParamValues(std::span<const ParamSpec> schema) noexcept : size_(std::min(schema.size(), kMaxParams)) {
  for (std::size_t i = 0; i < size_; ++i) values_[i] = schema[i].default_value;
}

bool ParamValues::operator==(const ParamValues& o) const noexcept {
  if (size_ != o.size_) return false;
  for (std::size_t i = 0; i < size_; ++i)
    if (values_[i] != o.values_[i]) return false;
  return true;
}

std::optional<std::string> check_param(const ParamSpec& spec, double value) {
  const std::string name(spec.name);
  if (!std::isfinite(value)) return name + " must be a finite number";
  if (spec.kind == ParamKind::integer && value != std::floor(value)) return name + " must be an integer";
  if (value < spec.min || value > spec.max) {
    auto fmt = [&](double v) {
      return spec.kind == ParamKind::integer ? std::to_string(static_cast<long long>(v)) : std::to_string(v);
    };
    return name + " must be between " + fmt(spec.min) + " and " + fmt(spec.max);
  }
  return std::nullopt;
}

}  // namespace meridian::strategies
