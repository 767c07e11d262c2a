// Reads a Hugging Face tokenizer.json into a Tokenizer. Supported: the BPE model (merges as
// "a b" strings or [a, b] pairs), normalizers NFC / NFD / NFKC / NFKD / Sequence, pre-tokenizers
// Split / Digits / ByteLevel / Sequence, decoders ByteLevel / Fuse / none, and added tokens. The
// post-processor is not applied: terse never adds special tokens while encoding. Anything else
// is rejected by name. Special-token roles (bos, eos, pad, unk) come from the
// tokenizer_config.json beside the file when there is one.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tokenizers/tokenizer.h"

namespace terse {

// Loads `path`: a tokenizer.json, or a directory holding one. NotFound when it is missing,
// InvalidArgument naming the file and JSON path when it is malformed or unsupported.
absl::StatusOr<std::unique_ptr<Tokenizer>> load_tokenizer(const std::string& path);

// Parses tokenizer.json text (and optionally tokenizer_config.json text, empty for none);
// `source` names the file in error messages.
absl::StatusOr<std::unique_ptr<Tokenizer>> parse_tokenizer_json(absl::string_view json_text,
                                                                absl::string_view config_text,
                                                                absl::string_view source);

}  // namespace terse
