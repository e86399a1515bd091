#pragma once
// Seed 002's request field names (camelCase, and `action` for the side) as aliases of
// Meridian's snake_case ones: the one table (field_aliases.cpp, listed in docs/api-shapes.md)
// applied to every JSON request body's top-level members by parse_json_body, so a seed 002
// client's body reads as if written in Meridian's names. Renaming only: each route still
// validates the canonical field as before, and its error names the canonical field.
#include <nlohmann/json_fwd.hpp>
#include <optional>

#include "meridian/api/api_error.hpp"

namespace meridian::api {

// Renames `body`'s aliased members (when `body` is an object) to their canonical names. A body
// that gives a field under both names is 422 invalid_field naming both (never one silently
// dropped).
std::optional<ApiError> apply_field_aliases(nlohmann::json& body);

}  // namespace meridian::api
