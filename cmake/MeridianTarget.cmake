# Compile options for Meridian's own targets: strict warnings as errors, sanitizers when asked.
add_library(meridian_options INTERFACE)
target_compile_options(meridian_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Werror
  # GCC 12 reports false maybe-uninitialized positives on std::variant/optional moves at -O1
  # with sanitizers; keep the warning visible but not fatal.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-error=maybe-uninitialized>
  # ... and, optimising (-O2/-O3), false restrict overlaps inside libstdc++'s string operator+
  # (GCC PR 105651), which broke the release build of ./scripts/run: visible, not fatal.
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<CONFIG:Release,RelWithDebInfo>>:-Wno-error=restrict>)
# Asio and Beast are compiled once, in src/api/boost_impl.cpp; every TU must agree on this.
target_compile_definitions(meridian_options INTERFACE
  BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION BOOST_ASIO_NO_DEPRECATED)

add_library(meridian_sanitize INTERFACE)
if(MERIDIAN_SANITIZE)
  string(REPLACE ";" "," _san "${MERIDIAN_SANITIZE}")
  target_compile_options(meridian_sanitize INTERFACE -fsanitize=${_san} -fno-omit-frame-pointer
                         -fno-sanitize-recover=undefined)
  target_link_options(meridian_sanitize INTERFACE -fsanitize=${_san})
endif()
target_link_libraries(meridian_options INTERFACE meridian_sanitize)

# meridian_module(NAME SOURCES... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# One static library per module; PUBLIC deps are the modules below it, so the build
# enforces the dependency direction of ARCHITECTURE.md.
function(meridian_module name)
  cmake_parse_arguments(M "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(meridian_${name} STATIC ${M_SOURCES})
  add_library(meridian::${name} ALIAS meridian_${name})
  target_include_directories(meridian_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(meridian_${name} PUBLIC meridian_options ${M_PUBLIC_DEPS} PRIVATE ${M_PRIVATE_DEPS})
endfunction()
