#include "cli/command.h"

namespace terse {

const std::vector<CommandEntry>& command_table() {
  static const std::vector<CommandEntry> table = {
      {"doctor", "Check the installation: LibTorch, BLAS, threads, GPUs, matmul speed.",
       make_doctor_command},
      {"config", "Show a resolved config, or list every config key with its default.",
       make_config_command},
      {"launch", "Start the local ranks of a distributed job (torchrun-style variables).",
       make_launch_command},
      {"verify", "Grade completions (JSON lines on stdin) with a reward verifier.",
       make_verify_command},
      {"reward",
       "Reward playground: each sample's terms, reward and advantage for groups (JSON lines).",
       make_reward_command},
      {"tokenize", "Token ids for JSON lines of text on standard input, or text for ids.",
       make_tokenize_command},
      {"tasks", "Show sample problems of a task and their completion-length statistics.",
       make_tasks_command},
      {"sft", "Supervised fine-tuning on the task's long (or core, or direct) completions.",
       make_sft_command},
      {"demo", "SFT on long reasoning, then RL that shortens it: the before/after table.",
       make_demo_command},
      {"train", "RL (GRPO family or PPO) that rewards accuracy minus a length penalty.",
       make_train_command},
      {"score", "Log-probability of each token of JSON id arrays (one per line) under a model.",
       make_score_command},
      {"generate", "Sample completions from a model directory with the rollout engine.",
       make_generate_command},
      {"bench", "Benchmarks: rollout and training throughput against the matmul peak.",
       make_bench_command},
      {"report", "A self-contained HTML page of runs' curves and final values.",
       make_report_command},
      {"eval", "Accuracy, pass@k and tokens per correct answer on held-out problems.",
       make_eval_command},
      {"export", "Write a checkpoint (or a run's latest) as a Hugging Face directory.",
       make_export_command},
      {"sweep", "Run a grid, zip or random sweep of configs as runs, resumably, with a summary.",
       make_sweep_command},
  };
  return table;
}

}  // namespace terse
