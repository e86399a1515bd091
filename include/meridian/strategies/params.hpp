#pragma once
// Strategy parameters: each class declares a schema (name, kind, default, range), and an
// instance holds the values by position in a fixed array, so reading one on the hot path
// is an index, not a lookup, and never allocates.
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace meridian::strategies {

enum class ParamKind : std::uint8_t { integer, number };

struct ParamSpec {
  std::string_view name;
  ParamKind kind;
  double default_value;
  double min;
  double max;
  std::string_view description;
};

inline constexpr std::size_t kMaxParams = 12;

class ParamValues {
 public:
  ParamValues() = default;
  // The schema's defaults.
  explicit ParamValues(std::span<const ParamSpec> schema) noexcept;

  double number(std::size_t i) const noexcept { return values_[i]; }
  int integer(std::size_t i) const noexcept { return static_cast<int>(values_[i]); }
  void set(std::size_t i, double v) noexcept { values_[i] = v; }
  std::size_t size() const noexcept { return size_; }
  bool operator==(const ParamValues& o) const noexcept;

 private:
  std::array<double, kMaxParams> values_{};
  std::size_t size_ = 0;
};

// Checks one value against its spec; the error names the parameter.
std::optional<std::string> check_param(const ParamSpec& spec, double value);

}  // namespace meridian::strategies
