# Helpers that make every folder of supervision/, actors/ and src/ one library target.

# Warnings and sanitizers live on one INTERFACE target that all of our code links.
# -Werror applies to our sources only: CAF, Boost and the other dependencies are
# included as system headers (imported targets), so their warnings never fail the build.
add_library(autotrader_build_flags INTERFACE)
target_compile_options(autotrader_build_flags INTERFACE -Wall -Wextra -Wpedantic)
if(AUTOTRADER_WERROR)
  target_compile_options(autotrader_build_flags INTERFACE -Werror)
endif()
if(AUTOTRADER_SANITIZE)
  target_compile_options(autotrader_build_flags INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(autotrader_build_flags INTERFACE -fsanitize=address,undefined)
endif()
target_include_directories(autotrader_build_flags INTERFACE
  ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/src)

# One precompiled header for the heavy headers (CAF, nlohmann::json, spdlog), built once
# and reused by every target that asks for it.
add_library(autotrader_pch OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch_anchor.cpp)
target_link_libraries(autotrader_pch PUBLIC autotrader_build_flags caf::core
  nlohmann_json::nlohmann_json spdlog::spdlog)
target_precompile_headers(autotrader_pch PUBLIC
  <caf/all.hpp> <nlohmann/json.hpp> <spdlog/spdlog.h>)

function(autotrader_use_pch target)
  if(AUTOTRADER_PCH)
    target_precompile_headers(${target} REUSE_FROM autotrader_pch)
  endif()
endfunction()

# autotrader_library(<name> SOURCES ... [DEPS ...] [PCH])
# defines the static library autotrader_<name> and its alias autotrader::<name>.
function(autotrader_library name)
  cmake_parse_arguments(ARG "PCH" "" "SOURCES;DEPS" ${ARGN})
  add_library(autotrader_${name} STATIC ${ARG_SOURCES})
  add_library(autotrader::${name} ALIAS autotrader_${name})
  target_link_libraries(autotrader_${name} PUBLIC autotrader_build_flags ${ARG_DEPS})
  if(ARG_PCH)
    autotrader_use_pch(autotrader_${name})
  endif()
endfunction()

# autotrader_test(<name> SOURCES ... [DEPS ...] [LABEL unit|integration|e2e] [TIMEOUT s] [PCH])
# one GoogleTest executable; every test case becomes a CTest test with a label and a timeout.
function(autotrader_test name)
  cmake_parse_arguments(ARG "PCH" "LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 60)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE autotrader_build_flags ${ARG_DEPS} GTest::gtest
    GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    AUTOTRADER_BINARY_DIR="${PROJECT_BINARY_DIR}"
    AUTOTRADER_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  if(ARG_PCH)
    autotrader_use_pch(${name})
  endif()
  gtest_discover_tests(${name}
    PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT}
    DISCOVERY_TIMEOUT 60)
endfunction()
