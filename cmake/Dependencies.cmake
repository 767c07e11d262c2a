# Finds terse's dependencies; each failure names the Debian package that provides it.
set(TERSE_APT_HINT "run scripts/setup.sh, or: sudo apt-get install")

macro(terse_require package debian_package)
  find_package(${package} ${ARGN} QUIET)
  if(NOT ${package}_FOUND)
    message(FATAL_ERROR
      "terse needs ${package}, which was not found.\n"
      "  Install it: ${TERSE_APT_HINT} ${debian_package}\n"
      "  (or point CMAKE_PREFIX_PATH at an installation of it).")
  endif()
endmacro()

# LibTorch: Debian's libtorch-dev by default; any LibTorch 2.x (CUDA builds included) through
# CMAKE_PREFIX_PATH, e.g. $(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)').
terse_require(Torch libtorch-dev)
terse_require(yaml-cpp libyaml-cpp-dev)
terse_require(absl libabsl-dev)
terse_require(nlohmann_json nlohmann-json3-dev)
find_path(TERSE_XXHASH_INCLUDE xxhash.h)
find_library(TERSE_XXHASH_LIBRARY xxhash)
if(NOT TERSE_XXHASH_INCLUDE OR NOT TERSE_XXHASH_LIBRARY)
  message(FATAL_ERROR "terse needs xxHash, which was not found.\n"
                      "  Install it: ${TERSE_APT_HINT} libxxhash-dev")
endif()
if(TERSE_BUILD_TESTS)
  terse_require(Catch2 catch2)
  if(Catch2_VERSION VERSION_GREATER_EQUAL 3)
    message(FATAL_ERROR "terse's tests use Catch2 v2 (Debian's catch2 package); found ${Catch2_VERSION}.")
  endif()
endif()

# Torch's own flags (the C++ ABI define) go on every target that includes its headers.
string(REPLACE " " ";" TERSE_TORCH_FLAGS "${TORCH_CXX_FLAGS}")

# A LibTorch built with CUDA compiles terse's CUDA/NCCL paths; the CPU build leaves them out.
set(TERSE_WITH_CUDA OFF)
if(TARGET torch_cuda OR CAFFE2_USE_CUDA OR "${TORCH_LIBRARIES}" MATCHES "torch_cuda")
  set(TERSE_WITH_CUDA ON)
endif()
message(STATUS "terse: LibTorch ${Torch_VERSION} (CUDA: ${TERSE_WITH_CUDA}), yaml-cpp, Abseil")

# Tokenizers: PCRE2 runs the split regexes (\p{L}, look-ahead, JIT), ICU normalizes Unicode.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PCRE2 QUIET IMPORTED_TARGET libpcre2-8)
endif()
if(NOT TARGET PkgConfig::PCRE2)
  message(FATAL_ERROR "terse needs PCRE2 (pkg-config libpcre2-8), which was not found.\n"
                      "  Install it: ${TERSE_APT_HINT} libpcre2-dev pkg-config")
endif()
find_package(ICU COMPONENTS uc QUIET)
if(NOT ICU_FOUND)
  message(FATAL_ERROR "terse needs ICU (icu-uc), which was not found.\n"
                      "  Install it: ${TERSE_APT_HINT} libicu-dev")
endif()
