# Helpers that give every terse target the same warnings, include root and LibTorch settings.

# terse_library(NAME SOURCES... DEPENDS targets... [PRIVATE_DEPENDS targets...]): the static
# library of one source folder; DEPENDS are the layers (and libraries) its headers expose.
function(terse_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_link_libraries(${name} PUBLIC ${ARG_DEPENDS} PRIVATE ${ARG_PRIVATE_DEPENDS})
  terse_target_settings(${name})
endfunction()

# terse_target_settings(TARGET): warnings, the repository root as include root, Torch flags.
function(terse_target_settings target)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter ${TERSE_TORCH_FLAGS})
  if(TERSE_WITH_CUDA)
    target_compile_definitions(${target} PUBLIC TERSE_WITH_CUDA=1)
  endif()
endfunction()

# terse_torch_pch(TARGET): precompile the LibTorch headers this target includes most.
function(terse_torch_pch target)
  if(TERSE_USE_PCH)
    target_precompile_headers(${target} PRIVATE <torch/torch.h>)
  endif()
endfunction()
