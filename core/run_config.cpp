#include "core/run_config.h"

#include "absl/strings/str_cat.h"

namespace terse {

void RunConfig::visit(ConfigVisitor& v) {
  v.field("name", name, "Run directory name, created under run.dir.");
  v.field("dir", dir, "Folder that holds run directories.");
  v.field("seed", seed, "Seed of every random stream of the run.", Range::at_least(0));
  v.field("resume", resume, "Continue the run found in the run directory.");
  v.field("overwrite", overwrite, "Delete an existing run directory and start afresh.");
}

absl::Status RunConfig::validate() const {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
    return absl::InvalidArgumentError(absl::StrCat(
        "`run.name` = \"", name, "\" must be a plain directory name (no `/`, not empty)"));
  }
  if (resume && overwrite) {
    return absl::InvalidArgumentError(
        "`run.resume` and `run.overwrite` are both true: choose one (resume keeps the run "
        "directory, overwrite deletes it)");
  }
  return absl::OkStatus();
}

void RuntimeConfig::visit(ConfigVisitor& v) {
  v.field("threads", threads,
          "Intra-op threads per process; measure before assuming more is faster.",
          Range::between(1, 1024));
  v.enum_field("device", device,
               {{"auto", Device::kAuto}, {"cpu", Device::kCpu}, {"cuda", Device::kCuda}},
               "Where tensors live: auto picks CUDA when LibTorch has it and a GPU is present.");
  v.field("collective_timeout_s", collective_timeout_s,
          "Seconds a collective (all-reduce, broadcast, barrier) may take before every rank stops "
          "with an error naming the missing ranks.",
          Range::above(0));
  v.field("rendezvous_timeout_s", rendezvous_timeout_s,
          "Seconds the ranks have to meet at MASTER_ADDR:MASTER_PORT before each stops with an "
          "error.",
          Range::above(0));
}

}  // namespace terse
