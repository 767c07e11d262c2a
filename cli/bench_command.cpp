// `terse bench rollout` and `terse bench train`: rollout-engine and GRPO-update throughput on
// random weights, with the machine's matmul peak measured in the same run. `terse bench step`:
// whole RL steps of the demo's configuration from a trained (SFT) model, split into rollout and
// update.
#include <ATen/ATen.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/optim/adamw.h>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/command.h"
#include "cli/config_args.h"
#include "cli/run_setup.h"
#include "core/device.h"
#include "core/machine_info.h"
#include "core/metrics_log.h"
#include "core/run_dir.h"
#include "core/status.h"
#include "models/hf_checkpoint.h"
#include "models/hf_config.h"
#include "models/mixed_precision.h"
#include "rollout/sampling_engine.h"
#include "trainer/grad_clip.h"
#include "trainer/policy_loss.h"
#include "trainer/rl_trainer.h"
#include "trainer/training_setup.h"

namespace terse {
namespace {

using nlohmann::json;

struct RolloutBenchSpec {
  std::string model_config;  // Hugging Face config.json
  int64_t batch = 64;        // prompts (one sample each)
  int64_t prompt_len = 32;
  int64_t new_tokens = 128;
  int64_t threads = 1;
  std::string dtype = "fp32";
  std::string device = "cpu";
  uint64_t seed = 0;
};

// The device named by --device (auto | cpu | cuda), for a single process (LOCAL_RANK 0).
absl::StatusOr<c10::Device> bench_device(const std::string& name) {
  const Device setting = name == "cuda"   ? Device::kCuda
                         : name == "auto" ? Device::kAuto
                                          : Device::kCpu;
  return select_device(setting, 0, gpu_availability());
}

MatmulDType matmul_dtype(const std::string& dtype) {
  return dtype == "bf16" ? MatmulDType::kBFloat16 : MatmulDType::kFloat32;
}

int64_t count_parameters(Transformer& model) {
  int64_t total = 0;
  for (const at::Tensor& p : model->parameters()) total += p.numel();
  return total;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

// The weights a decoding step multiplies by: every 2-D parameter but the input embedding (which
// is looked up), unless the output layer shares it.
std::vector<at::Tensor> decode_weights(Transformer& model) {
  std::vector<at::Tensor> weights;
  const auto named = model->named_parameters();
  const bool tied = !named.contains("lm_head.weight");
  for (const auto& item : named) {
    if (item.value().dim() == 2 && (tied || item.key() != "embed_tokens.weight")) {
      weights.push_back(item.value());
    }
  }
  return weights;
}

// One decoding step's linear products alone: each weight of `weights` applied to `batch` random
// rows, in model order, so the weights stream through the caches as they do when decoding. The
// median of `passes` steps, in seconds; the bound the layers' products put on a decoding step.
double time_decode_linears(const std::vector<at::Tensor>& weights, int64_t batch, int passes) {
  torch::NoGradGuard no_grad;
  std::vector<at::Tensor> inputs;  // [batch, in] per weight [out, in]
  inputs.reserve(weights.size());
  for (const at::Tensor& w : weights) inputs.push_back(at::randn({batch, w.size(1)}, w.options()));
  std::vector<double> seconds;
  for (int pass = 0; pass <= passes; ++pass) {  // pass 0 warms up
    const auto start = std::chrono::steady_clock::now();
    at::Tensor out;
    for (size_t i = 0; i < weights.size(); ++i) out = at::linear(inputs[i], weights[i]);
    if (out.is_cuda()) out.sum().item<float>();  // waits for the GPU's queue
    if (pass > 0) {
      seconds.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  }
  return median(std::move(seconds));
}

absl::StatusOr<json> bench_rollout(const RolloutBenchSpec& spec) {
  ModelConfig config;
  TERSE_RETURN_IF_ERROR(apply_hf_config(spec.model_config, &config));
  config.dtype = spec.dtype == "bf16" ? DType::kBFloat16 : DType::kFloat32;
  config.max_seq_len = std::max(config.max_seq_len, spec.prompt_len + spec.new_tokens);
  set_torch_threads(spec.threads);
  TERSE_ASSIGN_OR_RETURN(const c10::Device device, bench_device(spec.device));
  TERSE_ASSIGN_OR_RETURN(Transformer model, make_model(config, spec.seed, device));

  // Random prompts; no stop tokens, so every sample gets exactly new_tokens tokens.
  at::Generator generator = at::globalContext().defaultGenerator(at::kCPU).clone();
  generator.set_current_seed(spec.seed);
  std::vector<PromptSpec> prompts;
  for (int64_t p = 0; p < spec.batch; ++p) {
    const at::Tensor ids =
        at::randint(config.vocab_size, {spec.prompt_len}, generator, at::kLong).contiguous();
    prompts.push_back(
        {std::vector<int64_t>(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + spec.prompt_len),
         p});
  }
  GenerationConfig generation;
  generation.max_new_tokens = spec.new_tokens;
  generation.seed = spec.seed;
  generate(model, {prompts.front()}, generation, {}, 0);  // warm-up: allocator, kernel choice

  const auto start = std::chrono::steady_clock::now();
  const Trajectory batch = generate(model, prompts, generation, {}, 0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double new_tokens = batch.completion_mask.sum().item<double>();
  const int64_t params = count_parameters(model);
  const double peak = measure_matmul_gflops(matmul_dtype(spec.dtype), 1024, 1.0, device);
  const double model_gflops = 2.0 * static_cast<double>(params) * new_tokens / seconds / 1e9;
  // The prompts' forward pass is model arithmetic too; the headline figure counts new tokens.
  const double prompt_tokens = static_cast<double>(spec.batch * spec.prompt_len);
  const double all_gflops = model_gflops * (new_tokens + prompt_tokens) / new_tokens;
  const std::vector<at::Tensor> weights = decode_weights(model);
  int64_t weight_numel = 0;
  for (const at::Tensor& w : weights) weight_numel += w.numel();
  const double linears_s = time_decode_linears(weights, spec.batch, 20);
  const double linears_gflops =
      2.0 * static_cast<double>(weight_numel * spec.batch) / linears_s / 1e9;
  return json{{"benchmark", "rollout"},
              {"tokens_per_s", new_tokens / seconds},
              {"params", params},
              {"model_gflops", model_gflops},
              {"matmul_peak_gflops", peak},
              {"roofline_fraction", model_gflops / peak},
              {"roofline_fraction_with_prompts", all_gflops / peak},
              {"ms_per_step", 1e3 * seconds * spec.batch / new_tokens},
              {"decode_linears_ms", 1e3 * linears_s},
              {"decode_linears_fraction", linears_gflops / peak},
              {"seconds", seconds},
              {"new_tokens", new_tokens},
              {"batch", spec.batch},
              {"prompt_len", spec.prompt_len},
              {"threads", spec.threads},
              {"dtype", spec.dtype}};
}

struct TrainBenchSpec {
  std::string model_config;  // Hugging Face config.json
  int64_t batch = 16;        // sequences per update
  int64_t seq_len = 160;     // tokens per sequence (all of them trained on)
  int64_t threads = 1;
  std::string dtype = "fp32";
  std::string device = "cpu";  // auto | cpu | cuda
  int64_t steps = 3;           // timed updates, after one warm-up update
  uint64_t seed = 0;
};

// One GRPO update on random tokens: forward, token log-probs, clipped loss (token mean),
// backward, global-norm clip, AdamW.
void grpo_update(Transformer& model, torch::optim::AdamW& optimizer, const at::Tensor& ids,
                 const at::Tensor& old_logprobs, const at::Tensor& advantages) {
  const int64_t count = ids.size(0), length = ids.size(1);
  const at::Tensor mask = at::ones({count, length}, at::kLong);
  const at::Tensor positions = at::arange(length, at::kLong).expand({count, length});
  optimizer.zero_grad();
  const at::Tensor hidden = model->forward(ids, mask, positions);  // [N, S, H]
  const at::Tensor inputs = hidden.narrow(1, 0, length - 1);
  const at::Tensor logprobs = model->token_logprobs(inputs, ids.narrow(1, 1, length - 1));
  PolicyLossInputs in;
  in.logprobs = logprobs;  // [N, S-1]
  in.old_logprobs = old_logprobs;
  in.advantages = advantages;
  in.mask = at::ones_like(logprobs);
  policy_loss(in, PolicyLossConfig{}, count_batch(in.mask, 1)).loss.backward();
  clip_grad_norm(defined_grads(model->parameters()), 1.0);
  optimizer.step();
}

absl::StatusOr<json> bench_train(const TrainBenchSpec& spec) {
  ModelConfig config;
  TERSE_RETURN_IF_ERROR(apply_hf_config(spec.model_config, &config));
  config.dtype = spec.dtype == "bf16" ? DType::kBFloat16 : DType::kFloat32;
  config.max_seq_len = std::max(config.max_seq_len, spec.seq_len);
  set_torch_threads(spec.threads);
  TERSE_ASSIGN_OR_RETURN(const c10::Device device, bench_device(spec.device));
  TERSE_ASSIGN_OR_RETURN(Transformer model, make_model(config, spec.seed, device));
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-5));
  at::Generator generator = at::globalContext().defaultGenerator(at::kCPU).clone();
  generator.set_current_seed(spec.seed);
  const at::Tensor ids =
      at::randint(config.vocab_size, {spec.batch, spec.seq_len}, generator, at::kLong).to(device);
  const at::Tensor old_logprobs =
      (-at::rand({spec.batch, spec.seq_len - 1}, generator) * 5).to(device);  // plausible
  const at::Tensor advantages = at::randn({spec.batch}, generator).to(device);
  grpo_update(model, optimizer, ids, old_logprobs, advantages);  // warm-up
  const auto start = std::chrono::steady_clock::now();
  for (int64_t step = 0; step < spec.steps; ++step) {
    grpo_update(model, optimizer, ids, old_logprobs, advantages);
  }
  model->parameters().front().sum().item<float>();  // waits for a GPU to finish
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
      static_cast<double>(spec.steps);
  const double tokens = static_cast<double>(spec.batch * spec.seq_len);
  const int64_t params = count_parameters(model);
  const double peak = measure_matmul_gflops(matmul_dtype(spec.dtype), 1024, 1.0, device);
  const double model_gflops = 6.0 * static_cast<double>(params) * tokens / seconds / 1e9;
  return json{{"benchmark", "train"},
              {"tokens_per_s", tokens / seconds},
              {"params", params},
              {"model_gflops", model_gflops},
              {"matmul_peak_gflops", peak},
              {"roofline_fraction", model_gflops / peak},
              {"seconds_per_update", seconds},
              {"batch", spec.batch},
              {"seq_len", spec.seq_len},
              {"threads", spec.threads},
              {"dtype", spec.dtype},
              {"device", device.str()}};
}

struct StepBenchSpec {
  std::string model;                    // trained model directory, e.g. runs/demo/sft
  std::string out = "runs/bench_step";  // run directory, replaced on every run
  int64_t steps = 6;                    // RL steps; medians over them are reported
  std::vector<std::string> words;       // config files and overrides on top of the demo's config
};

// Median over the logged steps of one metric (0 where a step lacks it).
double median_of(const MetricsLogLines& lines, const std::string& key) {
  std::vector<double> values;
  for (const auto& [step, metrics] : lines) {
    const auto it = metrics.find(key);
    values.push_back(it == metrics.end() ? 0.0 : it->second);
  }
  return median(values);
}

// How the model's products run on the CPU: "fp32", "bf16" (bf16 weights) or "bf16 autocast".
std::string dtype_name(const ModelConfig& model) {
  if (model.dtype == DType::kBFloat16) return "bf16";
  return uses_bf16_autocast(model, c10::Device(c10::kCPU)) ? "bf16 autocast" : "fp32";
}

// RL steps of the demo's configuration (16 prompts x 8 samples) from `spec.model`, run as `terse
// train` runs them (on every rank of a launch); rank 0 returns the medians of its logged times.
absl::StatusOr<json> bench_step(const StepBenchSpec& spec) {
  TERSE_ASSIGN_OR_RETURN(ExperimentConfig config, load_demo_config(spec.words));
  TERSE_ASSIGN_OR_RETURN(config.model.path, resolve_model_dir(spec.model));
  const std::filesystem::path out(spec.out);
  config.run.dir = out.parent_path().empty() ? "." : out.parent_path().string();
  config.run.name = out.filename().string();
  config.run.overwrite = true;
  config.run.resume = false;
  config.trainer.steps = spec.steps;
  config.trainer.eval_every = 0;
  config.trainer.save_every = 0;
  TERSE_RETURN_IF_ERROR(config.validate());
  TERSE_ASSIGN_OR_RETURN(std::unique_ptr<ProcessGroup> group, join_process_group(config));
  TERSE_ASSIGN_OR_RETURN(const std::filesystem::path dir, prepare_run(config, *group));
  TERSE_ASSIGN_OR_RETURN(std::unique_ptr<RlTrainer> trainer,
                         RlTrainer::create(config, dir, *group));
  TERSE_RETURN_IF_ERROR(trainer->run(std::cerr));
  if (!group->is_main()) return json();
  TERSE_ASSIGN_OR_RETURN(const MetricsLogLines lines, read_metrics_log(dir / kMetricsFile));
  const double user = median_of(lines, "time/cpu_user_s");
  const double sys = median_of(lines, "time/cpu_sys_s");
  const MachineInfo machine = read_machine_info();
  return json{{"benchmark", "step"},
              {"step_s", median_of(lines, "time/rollout_s") + median_of(lines, "time/train_s")},
              {"rollout_s", median_of(lines, "time/rollout_s")},
              {"update_s", median_of(lines, "time/train_s")},
              {"cpu_user_s", user},
              {"cpu_sys_s", sys},
              {"kernel_fraction", user + sys > 0 ? sys / (user + sys) : 0.0},
              {"page_faults", median_of(lines, "time/page_faults")},
              {"length_mean", median_of(lines, "length/mean")},
              {"steps", spec.steps},
              {"prompts", config.trainer.batch_prompts},
              {"group_size", config.rollout.group_size},
              {"ranks", group->world_size()},
              {"threads", config.runtime.threads},
              {"dtype", dtype_name(config.model)},
              {"cpu", machine.cpu_model}};
}

class BenchCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.require_subcommand(1);
    rollout_ = app.add_subcommand("rollout", "Rollout engine throughput on random weights.");
    rollout_->add_option("--model-config", spec_.model_config, "Hugging Face config.json.")
        ->required();
    rollout_->add_option("--batch", spec_.batch, "Prompts, one sample each.")
        ->check(CLI::Range(1, 1 << 16));
    rollout_->add_option("--prompt-len", spec_.prompt_len, "Prompt tokens.")
        ->check(CLI::Range(1, 1 << 20));
    rollout_->add_option("--new-tokens", spec_.new_tokens, "New tokens per sample (exactly).")
        ->check(CLI::Range(1, 1 << 20));
    rollout_->add_option("--threads", spec_.threads, "LibTorch intra-op threads.")
        ->check(CLI::Range(1, 1024));
    rollout_->add_option("--dtype", spec_.dtype, "fp32 or bf16.")
        ->check(CLI::IsMember({"fp32", "bf16"}));
    rollout_->add_option("--seed", spec_.seed, "Seed of the weights and prompts.");
    rollout_->add_option("--device", spec_.device, "auto, cpu or cuda (GPU of LOCAL_RANK 0).")
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    rollout_->add_flag("--json", json_, "Print one JSON object instead of a summary line.");

    train_ = app.add_subcommand("train",
                                "One GRPO update (forward, loss, backward, AdamW) on "
                                "random tokens.");
    train_->add_option("--model-config", train_spec_.model_config, "Hugging Face config.json.")
        ->required();
    train_->add_option("--batch", train_spec_.batch, "Sequences per update.")
        ->check(CLI::Range(1, 1 << 16));
    train_->add_option("--seq-len", train_spec_.seq_len, "Tokens per sequence.")
        ->check(CLI::Range(2, 1 << 20));
    train_->add_option("--threads", train_spec_.threads, "LibTorch intra-op threads.")
        ->check(CLI::Range(1, 1024));
    train_->add_option("--dtype", train_spec_.dtype, "fp32 or bf16.")
        ->check(CLI::IsMember({"fp32", "bf16"}));
    train_->add_option("--steps", train_spec_.steps, "Timed updates (after one warm-up).")
        ->check(CLI::Range(1, 1000));
    train_->add_option("--device", train_spec_.device, "auto, cpu or cuda (GPU of LOCAL_RANK 0).")
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    train_->add_flag("--json", json_, "Print one JSON object instead of a summary line.");

    step_ = app.add_subcommand(
        "step",
        "RL steps of the demo's configuration (16 prompts x 8 samples) from a trained model: "
        "median step, rollout and update seconds and CPU time, as JSON. Runs under `terse "
        "launch` too.");
    step_->add_option("--model", step_spec_.model, "Trained model directory (runs/demo/sft).")
        ->required();
    step_->add_option("--steps", step_spec_.steps, "RL steps (medians over them are reported).")
        ->check(CLI::Range(1, 1000));
    step_->add_option("--out", step_spec_.out, "Run directory of the steps (replaced).");
    add_config_args(*step_, &step_spec_.words);
  }

  absl::Status run() override {
    if (step_->parsed()) {
      TERSE_ASSIGN_OR_RETURN(const json result, bench_step(step_spec_));
      if (!result.is_null()) std::cout << result.dump() << std::endl;
      return absl::OkStatus();
    }
    const bool rollout = rollout_->parsed();
    TERSE_ASSIGN_OR_RETURN(const json result,
                           rollout ? bench_rollout(spec_) : bench_train(train_spec_));
    if (json_) {
      std::cout << result.dump() << std::endl;
    } else {
      std::cout << absl::StrFormat(
          "%s: %.0f %s/s, %.1fM params, %.1f model GFLOP/s = %.0f%% of the %.1f GFLOP/s matmul "
          "peak (%s, %d thread(s))\n",
          rollout ? "rollout" : "train", result["tokens_per_s"].get<double>(),
          rollout ? "new tokens" : "tokens", result["params"].get<double>() / 1e6,
          result["model_gflops"].get<double>(), 100 * result["roofline_fraction"].get<double>(),
          result["matmul_peak_gflops"].get<double>(), result["dtype"].get<std::string>(),
          result["threads"].get<int64_t>());
    }
    return absl::OkStatus();
  }

 private:
  CLI::App* rollout_ = nullptr;
  CLI::App* train_ = nullptr;
  CLI::App* step_ = nullptr;
  RolloutBenchSpec spec_;
  TrainBenchSpec train_spec_;
  StepBenchSpec step_spec_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_bench_command() { return std::make_unique<BenchCommand>(); }

}  // namespace terse
