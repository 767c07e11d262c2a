#include "trainer/demo_config.h"

namespace terse {

void DemoConfig::visit(ConfigVisitor& v) {
  v.field("sft_steps", sft_steps, "SFT steps on the long traces (phase 1 of terse demo).",
          Range::at_least(1));
  v.field("sft_lr", sft_lr, "SFT peak learning rate; cosine decay to a tenth of it.",
          Range::above(0));
  v.field("sft_warmup_steps", sft_warmup_steps, "SFT linear learning-rate warm-up steps.",
          Range::at_least(0));
  v.field("sft_eval_every", sft_eval_every,
          "SFT evaluation period: held-out loss and greedy accuracy for the report's curves.",
          Range::at_least(1));
  v.field("no_reasoning_steps", no_reasoning_steps,
          "Steps of the same-size baseline trained to answer without reasoning.",
          Range::at_least(1));
  v.field("no_reasoning_lr", no_reasoning_lr,
          "Peak learning rate of the no-reasoning baseline (its sequences are short: it takes "
          "a higher rate than SFT on long traces).",
          Range::above(0));
  v.field("eval_problems", eval_problems,
          "Held-out test problems of the before/after table, decoded greedily.",
          Range::at_least(1));
  v.field("curve_problems", curve_problems,
          "Held-out problems decoded at each SFT evaluation for the accuracy and length curves.",
          Range::at_least(0));
}

}  // namespace terse
