#include "meridian/backtest/sweep_request.hpp"

#include <limits>
#include <nlohmann/json.hpp>

namespace meridian::backtest {

namespace {

using engine::ParamError;

constexpr const char* kSweepFields[] = {"sweep", "random", "seed", "rank", "threads", "walk_forward"};

// `v` as a whole number in [min, max]; the error names `field`. A number past int64 (nlohmann
// keeps it unsigned) is out of range, not "not a number".
core::Result<std::uint64_t, ParamError> whole_number(const nlohmann::json& v, const std::string& field,
                                                     std::uint64_t min, std::uint64_t max) {
  const bool fits = v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
  if (!fits || v.get<std::uint64_t>() < min || v.get<std::uint64_t>() > max)
    return ParamError{field,
                      field + " must be a whole number in [" + std::to_string(min) + ", " + std::to_string(max) + "]"};
  return v.get<std::uint64_t>();
}

// Field `name` of `j` as a whole number in [min, max] when present.
core::Result<std::optional<std::uint64_t>, ParamError> count_field(const nlohmann::json& j, const std::string& name,
                                                                   std::uint64_t min, std::uint64_t max) {
  auto it = j.find(name);
  if (it == j.end()) return std::optional<std::uint64_t>{};
  auto n = whole_number(*it, name, min, max);
  if (!n) return n.error();
  return std::optional<std::uint64_t>{*n};
}

core::Result<Axis, ParamError> decode_axis(const std::string& name, const nlohmann::json& v) {
  Axis a;
  a.name = name;
  const auto field = "sweep." + name;
  if (v.is_array()) {
    if (v.empty()) return ParamError{field, field + " must list at least one value"};
    for (const auto& x : v) {
      if (!x.is_number()) return ParamError{field, field + " must list numbers"};
      a.values.push_back(x.get<double>());
    }
    return a;
  }
  if (v.is_number()) {
    a.values.push_back(v.get<double>());
    return a;
  }
  if (!v.is_object()) return ParamError{field, field + " must be a list of values or {\"from\", \"to\", \"step\"}"};
  for (const auto& [key, x] : v.items()) {
    std::optional<double>* target = key == "from" ? &a.lo : key == "to" ? &a.hi : key == "step" ? &a.step : nullptr;
    if (!target) return ParamError{field, "unknown field " + key + " in " + field + " (from, to, step)"};
    if (!x.is_number()) return ParamError{field, field + "." + key + " must be a number"};
    *target = x.get<double>();
  }
  return a;
}

}  // namespace

core::Result<DecodedSweep, ParamError> decode_sweep_request(const nlohmann::json& j,
                                                            const core::InstrumentTable& instruments) {
  if (!j.is_object()) return ParamError{"body", "the request must be a JSON object"};
  nlohmann::json base = j;
  for (const auto* f : kSweepFields) base.erase(f);
  auto request = decode_request(base, instruments);
  if (!request) return request.error();

  DecodedSweep out;
  auto& r = out.request;
  r.request = std::move(*request);
  r.sweep.base = r.request.spec;

  auto sweep_it = j.find("sweep");
  if (sweep_it == j.end() || !sweep_it->is_object() || sweep_it->empty())
    return ParamError{"sweep", "sweep must name at least one parameter: {\"fast_period\": [5, 10], ...}"};
  for (const auto& [name, v] : sweep_it->items()) {
    auto axis = decode_axis(name, v);
    if (!axis) return axis.error();
    r.sweep.axes.push_back(std::move(*axis));
  }
  auto random = count_field(j, "random", 1, r.sweep.max_combinations);
  if (!random) return random.error();
  r.sweep.random = random->value_or(0);
  auto seed = count_field(j, "seed", 0, std::numeric_limits<std::int64_t>::max());
  if (!seed) return seed.error();
  r.sweep.seed = seed->value_or(r.sweep.seed);
  auto threads = count_field(j, "threads", 0, kMaxSweepThreads);
  if (!threads) return threads.error();
  r.sweep.threads = static_cast<unsigned>(threads->value_or(0));
  if (auto it = j.find("rank"); it != j.end()) {
    const auto rank = it->is_string() ? parse_rank(it->get<std::string>()) : std::nullopt;
    if (!rank) return ParamError{"rank", "rank must be one of " + rank_names()};
    r.sweep.rank = *rank;
  }
  if (auto it = j.find("walk_forward"); it != j.end()) {
    if (!it->is_object()) return ParamError{"walk_forward", "walk_forward must be {\"windows\": K, \"in_sample\": f}"};
    WalkForwardSpec wf;
    for (const auto& [key, v] : it->items()) {
      if (key == "windows") {
        auto windows = whole_number(v, "walk_forward.windows", 1, kMaxWindows);
        if (!windows) return windows.error();
        wf.windows = static_cast<std::size_t>(*windows);
      } else if (key == "in_sample" && v.is_number()) {
        wf.in_sample = v.get<double>();
      } else {
        return ParamError{"walk_forward." + key, key == "in_sample" ? "walk_forward.in_sample must be a number"
                                                                    : "unknown field " + key + " in walk_forward"};
      }
    }
    auto windows = walk_forward_windows(r.request.spec.from, r.request.spec.to, wf);
    if (!windows) return windows.error();
    out.windows = std::move(*windows);
    r.walk_forward = wf;
  }
  auto combinations = expand(r.sweep);
  if (!combinations) return combinations.error();
  out.combinations = std::move(*combinations);
  return out;
}

}  // namespace meridian::backtest
