# The LibTorch-free parts of terse as static libraries built from their sources, for the projects
# that compile them with sanitizers (fuzz/ and tests/sanitize/): LibTorch is not instrumented, so
# those projects leave it out. Set ROOT (the repository root) and the compile options first.
# Defines torch_free_config, torch_free_tokenizers, torch_free_safetensors, torch_free_data and
# torch_free_reward.
find_package(absl REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
find_package(ICU COMPONENTS uc REQUIRED)
find_path(XXHASH_INCLUDE xxhash.h REQUIRED)
find_library(XXHASH_LIBRARY xxhash REQUIRED)

include_directories(${ROOT})
set(TORCH_FREE_ABSL absl::status absl::statusor absl::strings absl::str_format
    absl::flat_hash_map absl::flat_hash_set absl::span)

add_library(torch_free_config STATIC
  ${ROOT}/core/config_loader.cpp ${ROOT}/core/config_visitor.cpp ${ROOT}/core/config_writer.cpp
  ${ROOT}/core/status.cpp ${ROOT}/core/utf8.cpp ${ROOT}/core/yaml_source.cpp)
target_link_libraries(torch_free_config PUBLIC ${TORCH_FREE_ABSL} yaml-cpp)

file(GLOB TORCH_FREE_TOKENIZER_SOURCES ${ROOT}/models/added_vocabulary.cpp ${ROOT}/models/bpe_*.cpp
     ${ROOT}/models/byte_level.cpp ${ROOT}/models/char_tokenizer.cpp
     ${ROOT}/models/chat_template.cpp ${ROOT}/models/normalizer.cpp
     ${ROOT}/models/pre_tokenizer.cpp ${ROOT}/models/prompt_template.cpp
     ${ROOT}/models/tokenizer_loader.cpp ${ROOT}/models/unicode_regex.cpp)
add_library(torch_free_tokenizers STATIC ${TORCH_FREE_TOKENIZER_SOURCES})
target_link_libraries(torch_free_tokenizers PUBLIC torch_free_config PkgConfig::PCRE2 ICU::uc
                      nlohmann_json::nlohmann_json)

add_library(torch_free_safetensors STATIC ${ROOT}/models/safetensors_header.cpp)
target_link_libraries(torch_free_safetensors PUBLIC ${TORCH_FREE_ABSL}
                      nlohmann_json::nlohmann_json)

file(GLOB TORCH_FREE_DATA_SOURCES ${ROOT}/data/*.cpp)
add_library(torch_free_data STATIC ${TORCH_FREE_DATA_SOURCES})
target_include_directories(torch_free_data PRIVATE ${XXHASH_INCLUDE})
target_link_libraries(torch_free_data PUBLIC torch_free_tokenizers ${XXHASH_LIBRARY})

file(GLOB TORCH_FREE_REWARD_SOURCES ${ROOT}/reward/*.cpp)
add_library(torch_free_reward STATIC ${TORCH_FREE_REWARD_SOURCES})
target_link_libraries(torch_free_reward PUBLIC torch_free_data)
