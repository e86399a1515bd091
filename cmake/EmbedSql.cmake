# Generates a C++ source holding every sql/NNN_*.sql file, so meridiand carries its
# migrations and needs no path to find them. Re-runs when a migration changes.
file(GLOB MERIDIAN_SQL_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/sql/*.sql)
list(SORT MERIDIAN_SQL_FILES)
# The glob notices added and removed files; this makes an edited one re-run the embedding too.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${MERIDIAN_SQL_FILES})
set(_entries "")
set(_versions "")
foreach(_file IN LISTS MERIDIAN_SQL_FILES)
  get_filename_component(_name ${_file} NAME_WE)
  string(REGEX MATCH "^[0-9]+" _version ${_name})
  math(EXPR _version "${_version}")  # "008" would be octal (and invalid) in C++
  # schema_migrations is keyed by the number: a second file with it would never be applied.
  if(_version IN_LIST _versions)
    message(FATAL_ERROR "sql/${_name}.sql: migration number ${_version} is taken by another file; renumber one")
  endif()
  list(APPEND _versions ${_version})
  file(READ ${_file} _sql)
  string(APPEND _entries "    {${_version}, \"${_name}\", R\"MERIDIAN_SQL(${_sql})MERIDIAN_SQL\"},\n")
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/cmake/migrations.cpp.in ${CMAKE_CURRENT_BINARY_DIR}/migrations_data.cpp @ONLY)
