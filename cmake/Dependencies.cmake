# Every dependency comes from a Debian 12 package (scripts/install-deps installs them).
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)                 # Beast and Asio, header-only
find_package(OpenSSL REQUIRED)
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(SQLiteCpp CONFIG REQUIRED)

# CAF 0.17.6 ships no CMake config and no pkg-config file: wrap it in imported targets.
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIB caf_core REQUIRED)
find_library(CAF_IO_LIB caf_io REQUIRED)
add_library(caf::core UNKNOWN IMPORTED)
set_target_properties(caf::core PROPERTIES
  IMPORTED_LOCATION ${CAF_CORE_LIB}
  INTERFACE_INCLUDE_DIRECTORIES ${CAF_INCLUDE_DIR}
  INTERFACE_LINK_LIBRARIES Threads::Threads)
add_library(caf::io UNKNOWN IMPORTED)
set_target_properties(caf::io PROPERTIES IMPORTED_LOCATION ${CAF_IO_LIB}
  INTERFACE_LINK_LIBRARIES caf::core)

if(AUTOTRADER_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(AUTOTRADER_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
