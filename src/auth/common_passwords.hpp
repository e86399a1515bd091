#pragma once
// data/common-passwords.txt as compiled in by cmake/EmbedText.cmake: one password a line, lower case.
#include <string_view>

namespace meridian::auth::detail {

std::string_view common_passwords_text();

}  // namespace meridian::auth::detail
