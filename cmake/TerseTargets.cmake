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

# terse_precompile(TARGET {HEADERS header... | REUSE_FROM other} [SKIP source...]): parse the
# HEADERS once for TARGET instead of once per source (or use OTHER's, built with the same flags).
# The SKIP sources include none of them and compile without: loading a precompiled ATen (~300 MB)
# costs a file that does not need it seconds. What it saves: bench/README.md ("A fresh machine").
function(terse_precompile target)
  if(NOT TERSE_USE_PCH)
    return()
  endif()
  cmake_parse_arguments(ARG "" "REUSE_FROM" "HEADERS;SKIP" ${ARGN})
  if(ARG_REUSE_FROM)
    target_precompile_headers(${target} REUSE_FROM ${ARG_REUSE_FROM})
  else()
    target_precompile_headers(${target} PRIVATE ${ARG_HEADERS})
  endif()
  set_source_files_properties(${ARG_SKIP} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
endfunction()

# terse_require_torch_free(TARGET): stops the configure step when TARGET links LibTorch, directly
# or through any library it depends on. The layers that must stay LibTorch-free (the config core,
# the tokenizers, data, reward) call it, so a dependency added by mistake fails the build.
function(terse_require_torch_free target)
  set(pending ${target})
  set(seen "")
  while(pending)
    list(POP_FRONT pending current)
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" current "${current}")
    if(current STREQUAL "" OR current IN_LIST seen)
      continue()
    endif()
    list(APPEND seen "${current}")
    if(current MATCHES "(^|/|::)(lib)?(torch|torch_cpu|torch_cuda|c10|c10_cuda|caffe2_nvrtc)([.].*)?$")
      message(FATAL_ERROR "${target} must not link LibTorch, but it reaches `${current}`: "
                          "keep LibTorch out of its DEPENDS (docs/ARCHITECTURE.md, Layers)")
    endif()
    if(TARGET ${current})
      get_target_property(type ${current} TYPE)
      get_target_property(interface ${current} INTERFACE_LINK_LIBRARIES)
      if(interface)
        list(APPEND pending ${interface})
      endif()
      if(NOT type STREQUAL "INTERFACE_LIBRARY")
        get_target_property(imported ${current} IMPORTED)
        if(NOT imported)
          get_target_property(direct ${current} LINK_LIBRARIES)
          if(direct)
            list(APPEND pending ${direct})
          endif()
        endif()
      endif()
    endif()
  endwhile()
endfunction()
