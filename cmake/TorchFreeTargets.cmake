# The LibTorch-free libraries of terse — terse_config, terse_tokenizers, terse_safetensors_header,
# terse_data and terse_reward — from the project's own folder CMakeLists (one source list each),
# for the projects that compile them with sanitizers (fuzz/ and tests/sanitize/): LibTorch is not
# instrumented, so those projects leave it out. Set ROOT (the repository root) and the compile
# options first. Only the targets a project links are built.
find_package(absl REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
find_package(ICU COMPONENTS uc REQUIRED)
find_path(TERSE_XXHASH_INCLUDE xxhash.h REQUIRED)
find_library(TERSE_XXHASH_LIBRARY xxhash REQUIRED)

set(PROJECT_SOURCE_DIR ${ROOT})  # terse_target_settings puts the repository root on the path
include(${ROOT}/cmake/TerseTargets.cmake)
set(TERSE_TORCH_FREE_ONLY ON)
foreach(folder core tokenizers models data reward)
  add_subdirectory(${ROOT}/${folder} ${CMAKE_BINARY_DIR}/terse/${folder} EXCLUDE_FROM_ALL)
endforeach()
