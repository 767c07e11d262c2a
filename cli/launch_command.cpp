// `terse launch`: start the local ranks of a distributed job, torchrun style.
#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "core/launcher.h"

namespace terse {
namespace {

class LaunchCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("--nproc", spec_.nproc, "Ranks to start on this machine.")
        ->check(CLI::Range(1, 1024));
    app.add_option("--nnodes", spec_.nnodes, "Machines in the job.")->check(CLI::Range(1, 100000));
    app.add_option("--node-rank", spec_.node_rank, "This machine's index in [0, nnodes).");
    app.add_option("--master-addr", spec_.master_addr, "Host of rank 0 (the rendezvous store).");
    app.add_option("--master-port", spec_.master_port,
                   "Port of the rendezvous store; 0 picks a free one (single machine only).")
        ->check(CLI::Range(0, 65535));
    app.add_option("--grace", grace_s_, "Seconds between SIGTERM and SIGKILL when stopping ranks.")
        ->check(CLI::Range(0.0, 3600.0));
    app.add_flag("--exec", exec_,
                 "Run COMMAND as a program; by default it is a terse command (`-- train x.yaml`).");
    app.add_option("command", command_,
                   "After `--`: the terse command (or, with --exec, the "
                   "program) each rank runs, with its arguments.")
        ->required();
    app.footer(
        "Each rank gets RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and "
        "MASTER_PORT, as under torchrun.\nExample: terse launch --nproc 2 -- train "
        "configs/grpo.yaml\nSeveral machines: run the same command on each with --nnodes, "
        "--node-rank, --master-addr and --master-port.");
  }

  absl::Status run() override {
    spec_.argv = command_;
    if (!exec_) spec_.argv.insert(spec_.argv.begin(), self_executable_path());
    spec_.grace = std::chrono::milliseconds(static_cast<int64_t>(grace_s_ * 1000));
    return launch_ranks(spec_);
  }

 private:
  LaunchSpec spec_;
  std::vector<std::string> command_;
  double grace_s_ = 10;
  bool exec_ = false;
};

}  // namespace

std::unique_ptr<Command> make_launch_command() { return std::make_unique<LaunchCommand>(); }

}  // namespace terse
