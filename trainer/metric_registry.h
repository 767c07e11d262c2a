// Every metric a training run writes (metrics.jsonl, TensorBoard), declared once: its name, what
// it means, and how the ranks of a data-parallel run combine it. Reports, sweep summaries and the
// demo take their metric names from here; docs/METRICS.md is this table (a test keeps it so).
// A step whose metrics hold a name not declared here fails (trainer/train_loop.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/metrics.h"
#include "core/process_group.h"

namespace terse {

// How a metric's value comes from the ranks of a run.
enum class Reduce {
  kSum,         // reduce_metrics adds the ranks' values (loss shares, sample counts)
  kTokenMean,   // reduce_metrics: the ranks' token-weighted sums over all their tokens
  kSampleMean,  // reduce_metrics: the ranks' sums over all their samples
  kGathered,    // computed on every rank from every rank's samples (percentiles, accuracy)
  kReplicated,  // equal on every rank by construction (learning rate, clipped gradient norm)
  kRank0,       // rank 0's own figure (timing, CPU use, evaluation, which rank 0 alone runs)
};

struct MetricInfo {
  const char* name;     // e.g. "length/mean"
  const char* meaning;  // one line, for docs/METRICS.md
  Reduce reduce;
  bool chart = false;  // drawn by `terse report` when a run has it
};

// Every metric, in the order of docs/METRICS.md.
const std::vector<MetricInfo>& metric_registry();

// The entry of `name`, or null when it is not declared.
const MetricInfo* find_metric(std::string_view name);

// The names `terse report` charts (MetricInfo::chart), in registry order.
std::vector<std::string> chart_metrics();

// The evaluation figures of a sweep's summary and Pareto chart.
inline constexpr char kAccuracyMetric[] = "eval/accuracy";
inline constexpr char kLengthMetric[] = "eval/length_mean";
inline constexpr char kTokensPerCorrectMetric[] = "eval/tokens_per_correct";

// Ok when every name in `metrics` is declared; else an error naming the first that is not.
absl::Status check_registered(const Metrics& metrics);

// What each rank's sums of kTokenMean and kSampleMean metrics are divided by, summed over ranks.
struct MetricWeights {
  double tokens = 0;
  double samples = 0;
};

// Combines this rank's `local` values over the ranks of `group` (one all-reduce) by each name's
// Reduce: kSum values are added; kTokenMean and kSampleMean values are sums, divided by the
// total weight (at least 1, so an empty batch gives 0). Every rank passes the same names.
// Errors: a name not declared or not of these three kinds, or a failed collective.
absl::StatusOr<Metrics> reduce_metrics(ProcessGroup& group, const Metrics& local,
                                       MetricWeights weights);

// How `reduce` combines ranks, in words ("sum over ranks", …).
const char* reduce_name(Reduce reduce);

// docs/METRICS.md: the registry as a Markdown table.
std::string metrics_markdown();

}  // namespace terse
