// `terse sweep SWEEP.yaml`: every run of a sweep file (app/sweep_spec.h) as a child
// `terse <command>` in the sweep directory, a few at once, resumable; then the summary.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "app/process_pool.h"
#include "app/sweep_spec.h"
#include "app/sweep_state.h"
#include "app/sweep_summary.h"
#include "cli/command.h"
#include "cli/config_args.h"
#include "core/config_loader.h"
#include "core/dir_lock.h"
#include "core/elapsed.h"
#include "core/launcher.h"
#include "core/status.h"
#include "trainer/metric_registry.h"

namespace terse {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Commands a sweep can run: those that take a config and write a run directory.
constexpr const char* kRunCommands[] = {"train", "sft"};

absl::Status check_command(const SweepSpec& spec) {
  const std::string where = spec.command_where.empty() ? spec.file.string() : spec.command_where;
  const bool runs_config = std::find(std::begin(kRunCommands), std::end(kRunCommands),
                                     spec.command) != std::end(kRunCommands);
  const auto& table = command_table();
  const bool exists = std::any_of(table.begin(), table.end(), [&](const CommandEntry& entry) {
    return entry.name == spec.command;
  });
  if (!runs_config) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": `command: ", spec.command,
                     "` is not a command that runs a config; use `sft` or `train`"));
  }
  if (!exists) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": this terse has no `", spec.command, "` command; use `sft`"));
  }
  return absl::OkStatus();
}

// "m:ss" or "h:mm:ss".
std::string clock_text(double seconds) {
  const int64_t s = static_cast<int64_t>(seconds);
  if (s >= 3600) return absl::StrFormat("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  return absl::StrFormat("%d:%02d", s / 60, s % 60);
}

class SweepCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("sweep", file_, "The sweep file (YAML).")->required();
    app.add_option("overrides", extra_overrides_,
                   "key.path=value overrides for every run, after the file's base (e.g. a "
                   "shorter trainer.steps); the axes still win.");
    app.add_option("--out", out_,
                   "The sweep directory (default: the file's `out`, else "
                   "runs/sweeps/<file stem>).");
    app.add_option("--parallel", parallel_,
                   "Runs at once (default: the file's `parallel`, else 1).")
        ->check(CLI::Range(1, 1024));
    app.add_flag("--dry-run", dry_run_,
                 "Check every run's config and print the runs' commands; run nothing.");
    app.footer(
        "A sweep file has `base` (config files and key=value overrides), `command` (default "
        "train), axes (`grid`, `zip`, `random`), `name`, `parallel` and `out`; see "
        "configs/sweeps/.\nRerunning the same command skips finished runs, resumes interrupted "
        "ones and retries failed ones. `terse report SWEEP_DIR` rewrites the summary.");
  }

  absl::Status run() override {
    TERSE_ASSIGN_OR_RETURN(spec_, load_sweep_spec(file_));
    for (const std::string& word : extra_overrides_) {
      if (word.find('=') == std::string::npos) {
        return absl::InvalidArgumentError(absl::StrCat(
            "`", word, "` is not a key.path=value override (terse sweep takes one sweep file)"));
      }
      spec_.base_overrides.push_back(word);
    }
    if (!out_.empty()) spec_.out = out_;
    if (parallel_ > 0) spec_.parallel = parallel_;
    ExperimentConfig defaults;
    TERSE_RETURN_IF_ERROR(
        check_sweep_keys(spec_, config_key_paths([&](ConfigVisitor& v) { defaults.visit(v); })));
    threads_ = std::max<int64_t>(1, std::thread::hardware_concurrency() / spec_.parallel);
    for (const SweepRun& run : spec_.runs) {
      const absl::Status valid = load_experiment_config(config_words(run)).status();
      if (!valid.ok()) {
        return absl::Status(valid.code(),
                            absl::StrCat(file_, ": run `", run.name, "`: ", valid.message()));
      }
    }
    // Last, so a dry run has checked the configs even where the command is missing.
    TERSE_RETURN_IF_ERROR(check_command(spec_));
    if (dry_run_) return print_plan();
    return run_sweep();
  }

 private:
  // The run's config as `terse <command>` receives it: base files, threads, base overrides,
  // the axis values, then its place in the sweep directory.
  std::vector<std::string> config_words(const SweepRun& run) const {
    std::vector<std::string> words = spec_.base_files;
    words.push_back(absl::StrCat("runtime.threads=", threads_));
    words.insert(words.end(), spec_.base_overrides.begin(), spec_.base_overrides.end());
    const std::vector<std::string> axis = run.overrides();
    words.insert(words.end(), axis.begin(), axis.end());
    words.push_back(absl::StrCat("run.dir=", spec_.out.string()));
    words.push_back(absl::StrCat("run.name=", run.name));
    return words;
  }

  absl::Status print_plan() const {
    std::cout << spec_.runs.size() << " runs in " << spec_.out.string() << ", " << spec_.parallel
              << " at once, " << threads_ << " thread(s) each:\n";
    for (const SweepRun& run : spec_.runs) {
      std::cout << run.name << ": terse " << spec_.command << " "
                << absl::StrJoin(config_words(run), " ") << "\n";
    }
    return absl::OkStatus();
  }

  // Runs whose recorded attempt had other axis values belong to another sweep.
  absl::Status check_same_sweep(const std::map<std::string, SweepRunState>& states) const {
    for (const SweepRun& run : spec_.runs) {
      const auto state = states.find(run.name);
      if (state == states.end() || state->second.overrides == run.overrides()) continue;
      return absl::FailedPreconditionError(
          absl::StrCat((spec_.out / kSweepStateFile).string(), ": run `", run.name,
                       "` was recorded with ", absl::StrJoin(state->second.overrides, " "),
                       ", not ", absl::StrJoin(run.overrides(), " "),
                       ": this directory holds another sweep; choose another --out or delete it"));
    }
    return absl::OkStatus();
  }

  absl::Status run_sweep() {
    std::error_code ec;
    fs::create_directories(spec_.out, ec);
    if (ec) {
      return absl::FailedPreconditionError(absl::StrCat("cannot create the sweep directory `",
                                                        spec_.out.string(), "`: ", ec.message()));
    }
    TERSE_RETURN_IF_ERROR(lock_directory(spec_.out));  // one sweep at a time in a directory
    TERSE_ASSIGN_OR_RETURN(const auto states, read_sweep_state(spec_.out));
    TERSE_RETURN_IF_ERROR(check_same_sweep(states));
    TERSE_RETURN_IF_ERROR(write_sweep_plan(spec_.out, spec_));
    std::vector<PoolJob> jobs;
    for (const SweepRun& run : spec_.runs) {
      const auto state = states.find(run.name);
      if (state != states.end() && state->second.status == SweepRunStatus::kDone) {
        ++done_;
        continue;
      }
      PoolJob job{{self_executable_path(), spec_.command},
                  spec_.out / "logs" / (run.name + ".txt")};
      const std::vector<std::string> words = config_words(run);
      job.argv.insert(job.argv.end(), words.begin(), words.end());
      const bool resume = fs::exists(spec_.out / run.name, ec);
      if (resume) job.argv.push_back("run.resume=true");
      jobs.push_back(std::move(job));
      pending_.push_back({&run, resume});
    }
    std::cout << "sweep: " << spec_.runs.size() << " runs in " << spec_.out.string() << " ("
              << done_ << " done before), " << spec_.parallel << " at once, " << threads_
              << " thread(s) each" << std::endl;
    start_ = Clock::now();
    PoolCallbacks callbacks;
    callbacks.on_start = [&](size_t job) { on_start(job); };
    callbacks.on_finish = [&](size_t job, const PoolResult& result) { on_finish(job, result); };
    TERSE_ASSIGN_OR_RETURN(const bool complete, run_process_pool(jobs, spec_.parallel, callbacks));
    TERSE_RETURN_IF_ERROR(state_error_);
    TERSE_RETURN_IF_ERROR(write_sweep_summary(spec_.out, summary_metrics()));
    std::cout << "summary: " << (spec_.out / kSweepSummaryMd).string() << ", "
              << (spec_.out / kSweepSummaryCsv).string() << ", "
              << (spec_.out / kSweepParetoSvg).string() << std::endl;
    if (!complete) {
      return absl::CancelledError(absl::StrCat("interrupted; run `terse sweep ", file_,
                                               "` again to finish (done runs are skipped)"));
    }
    if (!failed_.empty()) {
      return absl::AbortedError(absl::StrCat(
          failed_.size(), " of ", spec_.runs.size(), " runs failed: ", absl::StrJoin(failed_, ", "),
          "; their logs are in ", (spec_.out / "logs").string()));
    }
    return absl::OkStatus();
  }

  std::string elapsed() const { return clock_text(seconds_since(start_)); }

  void on_start(size_t job) {
    ++started_;
    std::cout << "[" << elapsed() << "] start " << pending_[job].run->name
              << (pending_[job].resume ? " (resuming)" : "") << "  (" << started_ << "/"
              << pending_.size() << " started)" << std::endl;
  }

  void on_finish(size_t job, const PoolResult& result) {
    const SweepRun& run = *pending_[job].run;
    if (result.interrupted) {
      std::cout << "[" << elapsed() << "] stopped " << run.name << std::endl;
      return;
    }
    SweepRunState state;
    state.status = result.exit_code == 0 ? SweepRunStatus::kDone : SweepRunStatus::kFailed;
    state.exit_code = result.exit_code;
    state.seconds = result.seconds;
    state.overrides = run.overrides();
    const absl::Status recorded = append_sweep_state(spec_.out, run.name, state);
    if (!recorded.ok() && state_error_.ok()) state_error_ = recorded;
    if (result.exit_code == 0) {
      ++done_;
    } else {
      failed_.push_back(absl::StrCat(run.name, " (exit ", result.exit_code, ")"));
    }
    std::cout << "[" << elapsed() << "] " << (result.exit_code == 0 ? "done " : "FAILED ")
              << run.name << " in " << absl::StrFormat("%.1f", result.seconds) << " s"
              << (result.exit_code == 0 ? "" : absl::StrCat(", exit code ", result.exit_code))
              << "  (" << done_ << "/" << spec_.runs.size() << " done, " << failed_.size()
              << " failed)" << std::endl;
  }

  struct Pending {
    const SweepRun* run;
    bool resume;  // its run directory existed: continue it
  };

  std::string file_;
  std::vector<std::string> extra_overrides_;
  std::string out_;
  int64_t parallel_ = 0;
  bool dry_run_ = false;
  SweepSpec spec_;
  int64_t threads_ = 1;
  std::vector<Pending> pending_;
  Clock::time_point start_;
  size_t started_ = 0;
  size_t done_ = 0;
  std::vector<std::string> failed_;
  absl::Status state_error_;
};

}  // namespace

std::unique_ptr<Command> make_sweep_command() { return std::make_unique<SweepCommand>(); }

}  // namespace terse
