# Embeds control-api/openapi.json into the routes library as a raw string literal, so the
# binary serves GET /openapi.json without the source tree. Editing the JSON re-runs CMake
# (CMAKE_CONFIGURE_DEPENDS) and so regenerates the header.
set(_openapi_src "${PROJECT_SOURCE_DIR}/control-api/openapi.json")
set(_openapi_out "${CMAKE_CURRENT_BINARY_DIR}/generated/ocppfleet_generated/openapi_json.hpp")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_openapi_src}")
file(READ "${_openapi_src}" OCPPFLEET_OPENAPI_JSON)
# The literal ends at the first )OPENAPI_JSON" in the text (C++ caps delimiters at 16
# characters, so it cannot be made arbitrarily unlikely): refuse such a document.
string(FIND "${OCPPFLEET_OPENAPI_JSON}" ")OPENAPI_JSON\"" _openapi_clash)
if(NOT _openapi_clash EQUAL -1)
  message(FATAL_ERROR "control-api/openapi.json contains the raw-string delimiter )OPENAPI_JSON\"")
endif()
configure_file("${CMAKE_CURRENT_SOURCE_DIR}/openapi_json.hpp.in" "${_openapi_out}" @ONLY)
target_include_directories(ocppfleet_routes PRIVATE "${CMAKE_CURRENT_BINARY_DIR}/generated")
