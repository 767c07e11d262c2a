#include "trainer/metric_registry.h"

#include <ATen/ATen.h>
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace terse {

const std::vector<MetricInfo>& metric_registry() {
  static const std::vector<MetricInfo> registry = {
      // The update (SFT and RL).
      {"loss", "the step's training loss (RL: the clipped surrogate plus KL and value terms)",
       Reduce::kSum, true},
      {"lr", "the learning rate of the step's update", Reduce::kReplicated},
      {"grad_norm", "global gradient norm before clipping", Reduce::kReplicated},
      {"train/skipped_updates", "updates skipped so far for a non-finite loss or gradient",
       Reduce::kReplicated},
      {"train/loss_z", "z-score of the loss against the previous steps (spike detection)",
       Reduce::kRank0},
      {"train/grad_norm_z", "z-score of the gradient norm against the previous steps",
       Reduce::kRank0},
      {"tokens", "SFT: tokens trained in the step (rank 0's share)", Reduce::kRank0},
      {"tokens_per_s", "tokens per second of the step (RL: completion tokens sampled)",
       Reduce::kRank0},
      // RL rollouts, over every sample drawn in the step.
      {"reward/mean", "mean total reward", Reduce::kGathered, true},
      {"reward/accuracy", "fraction of samples whose answer is correct", Reduce::kGathered, true},
      {"reward/length_penalty", "mean length term of the reward (before its weight)",
       Reduce::kGathered},
      {"reward/length_on",
       "1 when the length term applied this step, 0 when the lazy switch "
       "held it off (reward.length_penalty.gate.lazy_window)",
       Reduce::kReplicated},
      {"reward/format", "mean format term of the reward (before its weight)", Reduce::kGathered},
      {"length/mean", "mean completion length in tokens", Reduce::kGathered, true},
      {"length/p90", "90th percentile of completion length", Reduce::kGathered, true},
      {"length/max", "longest completion", Reduce::kGathered},
      {"tokens_per_correct", "completion tokens sampled per correct answer (0: none correct)",
       Reduce::kGathered},
      {"length/correct", "mean length of the correct samples (left out when none)",
       Reduce::kGathered},
      {"length/wrong", "mean length of the wrong samples (left out when none)", Reduce::kGathered},
      {"reward/accuracy@L",
       "reward/accuracy of the samples of difficulty level L (batches spanning two or more "
       "levels)",
       Reduce::kGathered},
      {"length/mean@L", "length/mean of the samples of level L", Reduce::kGathered},
      {"tokens_per_correct@L", "tokens_per_correct of level L (left out when none correct)",
       Reduce::kGathered},
      {"samples/truncated", "fraction of samples cut at rollout.max_new_tokens", Reduce::kGathered},
      {"samples/drawn", "samples drawn in the step, refill rounds included", Reduce::kSum},
      {"samples/kept", "fraction of the samples drawn that reach the update (dynamic sampling)",
       Reduce::kSampleMean},
      {"samples/forced",
       "fraction of the samples drawn whose thinking rollout.think's budget ended (forced tokens "
       "are left out of the loss)",
       Reduce::kSampleMean},
      // RL update, token-weighted over the samples that train.
      {"policy/pg_loss", "the clipped policy-gradient part of the loss", Reduce::kSum},
      {"policy/kl", "KL estimate to the reference policy", Reduce::kTokenMean, true},
      {"policy/clip_frac", "fraction of tokens whose ratio was clipped", Reduce::kTokenMean},
      {"policy/approx_kl_old", "KL estimate between the old and the updated policy",
       Reduce::kTokenMean},
      {"policy/ratio_mean", "mean importance ratio new / old", Reduce::kTokenMean},
      {"policy/entropy", "entropy of the sampling policy (mean -log p of the drawn tokens)",
       Reduce::kTokenMean, true},
      {"policy/staleness", "updates the sampling policy lagged behind the trained one",
       Reduce::kSampleMean},
      {"value/loss", "PPO: the clipped value loss", Reduce::kSum},
      {"value/clip_frac", "PPO: fraction of tokens whose value was clipped", Reduce::kTokenMean},
      {"value/mean", "PPO: mean predicted value", Reduce::kTokenMean},
      // Evaluation on the held-out problems (rank 0).
      {"eval/accuracy", "fraction of held-out samples answered correctly", Reduce::kRank0, true},
      {"eval/pass_at_k", "fraction of held-out problems with a correct sample", Reduce::kRank0},
      {"eval/length_mean", "mean completion length on the held-out problems", Reduce::kRank0, true},
      {"eval/tokens_per_correct", "held-out completion tokens per correct answer", Reduce::kRank0,
       true},
      {"eval/think_mean", "mean thinking-span tokens of the held-out completions", Reduce::kRank0},
      {"eval/budget_error",
       "under a thinking budget B: mean |thinking tokens - B| / max(B, 1) of the held-out lines "
       "of thought",
       Reduce::kRank0},
      {"eval/over_budget",
       "under a thinking budget: fraction of held-out lines that thought longer", Reduce::kRank0},
      {"eval/length_correct", "mean length of the correct held-out answers (left out when none)",
       Reduce::kRank0},
      {"eval/length_wrong", "mean length of the wrong held-out answers (left out when none)",
       Reduce::kRank0},
      {"eval/accuracy@L",
       "eval/accuracy on the held-out problems of difficulty level L (test sets spanning two or "
       "more levels)",
       Reduce::kRank0},
      {"eval/length_mean@L", "eval/length_mean on the problems of level L", Reduce::kRank0},
      {"eval/tokens_per_correct@L",
       "eval/tokens_per_correct on level L (left out when none correct)", Reduce::kRank0},
      {"eval/loss", "SFT: loss on the held-out examples", Reduce::kRank0, true},
      // Time and the CPU (rank 0's process).
      {"time/train_s", "seconds of the update (SFT: of the whole step)", Reduce::kRank0},
      {"time/rollout_s", "RL: seconds of sampling, scoring and advantages", Reduce::kRank0},
      {"time/forward_backward_s", "SFT: seconds of forward and backward passes", Reduce::kRank0},
      {"time/update_s", "SFT: seconds of clipping and the optimiser step", Reduce::kRank0},
      {"time/weight_sync_s", "disaggregated: seconds sending weights to the workers",
       Reduce::kRank0},
      {"time/worker_wait_s", "disaggregated: seconds waiting for the workers' samples",
       Reduce::kRank0},
      {"time/cpu_user_s", "CPU seconds in user code during the step", Reduce::kRank0},
      {"time/cpu_sys_s", "CPU seconds in the kernel during the step", Reduce::kRank0},
      {"time/page_faults", "page faults (minor and major) during the step", Reduce::kRank0},
  };
  return registry;
}

const MetricInfo* find_metric(std::string_view name) {
  // A per-level name, e.g. "eval/accuracy@3", is declared once as "eval/accuracy@L".
  const size_t at = name.rfind('@');
  std::string per_level;
  if (at != std::string_view::npos && at + 1 < name.size() &&
      name.find_first_not_of("0123456789", at + 1) == std::string_view::npos) {
    per_level = std::string(name.substr(0, at)) + "@L";
    name = per_level;
  }
  const std::vector<MetricInfo>& registry = metric_registry();
  const auto found = std::find_if(registry.begin(), registry.end(),
                                  [&](const MetricInfo& m) { return m.name == name; });
  return found == registry.end() ? nullptr : &*found;
}

std::vector<std::string> chart_metrics() {
  std::vector<std::string> names;
  for (const MetricInfo& m : metric_registry()) {
    if (m.chart) names.emplace_back(m.name);
  }
  return names;
}

absl::Status check_registered(const Metrics& metrics) {
  for (const auto& [name, value] : metrics) {
    if (find_metric(name) == nullptr) {
      return absl::InternalError(
          absl::StrCat("metric `", name, "` is not declared in trainer/metric_registry.cpp"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Metrics> reduce_metrics(ProcessGroup& group, const Metrics& local,
                                       MetricWeights weights) {
  const auto n = static_cast<int64_t>(local.size());
  at::Tensor totals = at::zeros({n + 2}, at::kDouble);  // [values..., tokens, samples]
  int64_t k = 0;
  for (const auto& [name, value] : local) {
    const MetricInfo* info = find_metric(name);
    if (info == nullptr || info->reduce == Reduce::kGathered ||
        info->reduce == Reduce::kReplicated || info->reduce == Reduce::kRank0) {
      return absl::InternalError(
          absl::StrCat("reduce_metrics: `", name, "` is not a sum or a mean over ranks"));
    }
    totals[k++] = value;
  }
  totals[n] = weights.tokens;
  totals[n + 1] = weights.samples;
  TERSE_RETURN_IF_ERROR(group.all_reduce_sum({totals}));
  const double tokens = std::max(1.0, totals[n].item<double>());
  const double samples = std::max(1.0, totals[n + 1].item<double>());
  Metrics reduced;
  k = 0;
  for (const auto& [name, value] : local) {
    const double total = totals[k++].item<double>();
    switch (find_metric(name)->reduce) {
      case Reduce::kTokenMean:
        reduced[name] = total / tokens;
        break;
      case Reduce::kSampleMean:
        reduced[name] = total / samples;
        break;
      default:
        reduced[name] = total;
    }
  }
  return reduced;
}

const char* reduce_name(Reduce reduce) {
  switch (reduce) {
    case Reduce::kSum:
      return "sum over ranks";
    case Reduce::kTokenMean:
      return "mean over every rank's tokens";
    case Reduce::kSampleMean:
      return "mean over every rank's samples";
    case Reduce::kGathered:
      return "from every rank's samples";
    case Reduce::kReplicated:
      return "the same on every rank";
    case Reduce::kRank0:
      return "rank 0's";
  }
  return "";
}

std::string metrics_markdown() {
  std::string out =
      "# Metrics\n\n"
      "Every metric a training run writes to `metrics.jsonl` and TensorBoard, with how the ranks\n"
      "of a data-parallel run combine it. Declared in `trainer/metric_registry.cpp`; a test keeps\n"
      "this file equal to it. `terse report` charts the metrics marked *chart*.\n\n"
      "| metric | meaning | across ranks | chart |\n"
      "|---|---|---|---|\n";
  for (const MetricInfo& m : metric_registry()) {
    absl::StrAppend(&out, "| `", m.name, "` | ", m.meaning, " | ", reduce_name(m.reduce), " | ",
                    m.chart ? "chart" : "", " |\n");
  }
  return out;
}

}  // namespace terse
