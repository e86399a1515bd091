# meridian_embed_text(OUTPUT FILE FUNCTION)
# Generates OUTPUT, a C++ source defining `std::string_view FUNCTION()` (a qualified name such
# as meridian::auth::detail::common_passwords_text) that returns FILE's bytes. The bytes are
# written as a byte array, not a string literal: no escaping, and no limit on literal length
# (ISO C++ promises 65,536 characters, and -Wpedantic says so). Re-runs when FILE changes.
function(meridian_embed_text output file function)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  file(READ ${file} _hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
  # 24 bytes a line keeps the generated file readable in a diff tool.
  string(REGEX REPLACE "((0x..,){24})" "\\1\n    " _bytes "${_bytes}")
  string(REGEX MATCH "^(.*)::([^:]+)$" _ ${function})
  set(_namespace ${CMAKE_MATCH_1})
  set(_name ${CMAKE_MATCH_2})
  get_filename_component(_source ${file} NAME)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/embedded_text.cpp.in ${output} @ONLY)
endfunction()
