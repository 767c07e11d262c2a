#include "trainer/train_loop.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/checkpoint.h"
#include "core/cpu_usage.h"
#include "core/metrics_log.h"
#include "core/progress.h"
#include "core/status.h"
#include "core/tensorboard_writer.h"
#include "trainer/metric_registry.h"
#include "trainer/spike_detector.h"
#include "trainer/update_guard.h"

namespace terse {
namespace {

namespace fs = std::filesystem;

// The metrics whose spikes are reported.
constexpr const char* kWatched[] = {"loss", "grad_norm"};

// Rank 0's outputs of a run: the metrics log, TensorBoard events and the spike windows.
class RunLog {
 public:
  static absl::StatusOr<RunLog> open(const fs::path& run_dir, std::optional<int64_t> resume_step) {
    RunLog run_log;
    TERSE_ASSIGN_OR_RETURN(MetricsLog log, MetricsLog::open(run_dir / kMetricsFile, resume_step));
    run_log.log_.emplace(std::move(log));
    if (resume_step) {
      // The spike windows continue from the steps logged up to the checkpoint (opening the log
      // has cut it there, a line half-written by a kill included).
      TERSE_ASSIGN_OR_RETURN(const MetricsLogLines logged,
                             read_metrics_log(run_dir / kMetricsFile));
      for (const auto& [step, metrics] : logged) {
        for (size_t i = 0; i < std::size(kWatched); ++i) {
          const auto found = metrics.find(kWatched[i]);
          if (found != metrics.end()) run_log.spikes_[i].add(found->second);
        }
      }
    }
    TERSE_ASSIGN_OR_RETURN(TensorBoardWriter events, TensorBoardWriter::open(run_dir));
    run_log.events_.emplace(std::move(events));
    return run_log;
  }

  // Adds the z-scores of the watched metrics (a line on `console` for each spike), then writes
  // the step.
  absl::Status write(int64_t step, Metrics& metrics, std::ostream& console) {
    for (size_t i = 0; i < std::size(kWatched); ++i) {
      const std::string key = kWatched[i];
      const auto found = metrics.find(key);
      if (found == metrics.end()) continue;
      const std::optional<double> z = spikes_[i].add(found->second);
      if (!z) continue;
      metrics[absl::StrCat("train/", key, "_z")] = *z;
      if (spikes_[i].is_spike(*z)) {
        console << absl::StrFormat(
            "warning: step %d: %s %.4g is a spike (z = %.1f against the last steps)\n", step, key,
            metrics[key], *z);
      }
    }
    TERSE_RETURN_IF_ERROR(check_registered(metrics));
    TERSE_RETURN_IF_ERROR(log_->write(step, metrics));
    return events_->write(step, metrics);
  }

 private:
  std::optional<MetricsLog> log_;
  std::optional<TensorBoardWriter> events_;
  SpikeDetector spikes_[std::size(kWatched)];
};

bool every(int64_t period, int64_t step) { return period > 0 && step % period == 0; }

}  // namespace

LoopConfig LoopConfig::of(std::string label, const TrainerConfig& trainer, bool resume) {
  LoopConfig config;
  config.label = std::move(label);
  config.steps = trainer.steps;
  config.eval_every = trainer.eval_every;
  config.save_every = trainer.save_every;
  config.keep_checkpoints = trainer.keep_checkpoints;
  config.resume = resume;
  return config;
}

absl::Status save_trainer_checkpoint(Trainer& trainer, const fs::path& run_dir, ProcessGroup& group,
                                     int64_t keep) {
  const int64_t step = trainer.state().step;
  TERSE_RETURN_IF_ERROR(check_replicas_agree(group, trainer.trained_parameters(), step));
  if (group.is_main()) {
    const CheckpointFiles files = [&trainer](const fs::path& dir) {
      return trainer.write_checkpoint_files(dir);
    };
    TERSE_RETURN_IF_ERROR(save_checkpoint(run_dir / kCheckpointsDir, step, files, keep).status());
  }
  return group.barrier();
}

absl::Status run_train_loop(Trainer& trainer, const LoopConfig& config, const fs::path& run_dir,
                            ProcessGroup& group, std::ostream& console) {
  const bool main = group.is_main();
  std::optional<RunLog> run_log;
  if (main) {
    const std::optional<int64_t> resume_step =
        config.resume ? std::optional<int64_t>(trainer.state().step) : std::nullopt;
    TERSE_ASSIGN_OR_RETURN(RunLog opened, RunLog::open(run_dir, resume_step));
    run_log.emplace(std::move(opened));
    TERSE_ASSIGN_OR_RETURN(const std::string first_line, trainer.start(resume_step));
    console << first_line << "\n";
  }
  Progress progress = Progress::on_stderr(config.label, config.steps);
  CpuMeter cpu;
  while (trainer.state().step < config.steps) {
    TERSE_ASSIGN_OR_RETURN(Metrics metrics, trainer.train_step());
    const int64_t step = trainer.state().step;
    const bool last = step == config.steps;
    const bool evaluated = config.eval_every > 0 && (every(config.eval_every, step) || last);
    if (evaluated) {
      TERSE_ASSIGN_OR_RETURN(const Metrics eval, trainer.evaluate());
      metrics.insert(eval.begin(), eval.end());
    }
    if (main) {
      const Metrics used = cpu.lap();  // this step's CPU time, from the last step's log line on
      metrics.insert(used.begin(), used.end());
      TERSE_RETURN_IF_ERROR(run_log->write(step, metrics, console));
      console << absl::StrFormat("step %d/%d  ", step, config.steps)
              << trainer.step_summary(metrics, evaluated) << std::endl;
      progress.update(step, trainer.progress_detail(metrics));
    }
    if (every(config.save_every, step) || last) {
      TERSE_RETURN_IF_ERROR(
          save_trainer_checkpoint(trainer, run_dir, group, config.keep_checkpoints));
    }
  }
  if (main) progress.finish();
  return absl::OkStatus();
}

}  // namespace terse
