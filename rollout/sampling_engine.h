// The rollout engine: batched sampling with a preallocated KV cache.
//
// Each prompt is prefilled once; its cache rows are then copied to the G samples of its group.
// Decoding feeds one token per live sequence per step; finished sequences are dropped from the
// batch (and their cache rows with them) once enough have finished to make the copy pay. No
// autograd state is kept (InferenceMode). The same seed and inputs give the same tokens.
//
// Shapes: P prompts, G samples per prompt, N = P * G samples, V vocabulary.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/transformer.h"
#include "rollout/rollout_config.h"
#include "rollout/token_sampler.h"
#include "rollout/trajectory.h"

namespace terse {

// A budget on the thinking span: the tokens generated before the first `close_ids[0]`, not
// counting `open_id`. A sample is never given more thinking tokens than its budget.
struct ThinkBudget {
  int64_t tokens = -1;  // budget of prompts that set none (PromptSpec::think_budget); -1: none
  ThinkBudgetMode mode = ThinkBudgetMode::kForce;
  int64_t open_id = -1;            // the token opening the thinking span (not counted); -1: none
  std::vector<int64_t> close_ids;  // the end-of-thinking token, then an optional answer prefix:
                                   // all forced, in order, when kForce reaches the budget
};

struct GenerationConfig {
  SamplingParams sampling;
  int64_t max_new_tokens = 256;
  int64_t group_size = 1;                 // G: samples per prompt
  std::vector<int64_t> stop_token_ids;    // ending tokens (kept in the completion)
  std::vector<std::string> stop_strings;  // ending texts, e.g. "</answer>" (kept as well)
  uint64_t seed = 0;
  int64_t pad_id = 0;  // fills completion_ids after a completion's end
  ThinkBudget think;   // off unless think.tokens or a prompt's think_budget is >= 0
};

struct PromptSpec {
  std::vector<int64_t> ids;   // prompt tokens (at least one)
  int64_t group_id = 0;       // carried into the Trajectory's group_ids
  int64_t think_budget = -1;  // this prompt's thinking budget; -1 takes config.think.tokens
};

// Turns token ids into text; needed only when stop strings are set.
using Detokenizer = std::function<std::string(const std::vector<int64_t>&)>;

// Samples `config.group_size` completions for every prompt. Samples of prompt p are rows
// [p * G, (p + 1) * G) of the result. `detokenize` may be empty when there are no stop strings.
Trajectory generate(Transformer& model, const std::vector<PromptSpec>& prompts,
                    const GenerationConfig& config, const Detokenizer& detokenize,
                    int64_t policy_version);

}  // namespace terse
