#include "models/activation_checkpoint.h"

#include <memory>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <utility>

namespace terse {
namespace {

// The backward node of one checkpointed call: recomputes the function with grad enabled and
// differentiates it. Holds the inputs (detached) instead of the function's activations.
class CheckpointBackward : public torch::autograd::Node {
 public:
  CheckpointBackward(CheckpointFn fn, std::vector<at::Tensor> inputs, std::vector<bool> needs_grad)
      : fn_(std::move(fn)), inputs_(std::move(inputs)), needs_grad_(std::move(needs_grad)) {}

  torch::autograd::variable_list apply(torch::autograd::variable_list&& grads) override {
    TORCH_CHECK(fn_,
                "a checkpointed function was differentiated twice; pass retain_graph "
                "only to graphs without activation checkpointing");
    torch::autograd::AutoGradMode enable_grad(true);
    std::vector<at::Tensor> leaves;
    std::vector<at::Tensor> wanted;
    for (size_t i = 0; i < inputs_.size(); ++i) {
      // Parameters (leaves) are differentiated in place, since a module reads its own; other
      // inputs become fresh leaves so the recomputation stops at them.
      const bool parameter = inputs_[i].requires_grad();
      leaves.push_back(parameter ? inputs_[i] : inputs_[i].detach().requires_grad_(needs_grad_[i]));
      if (needs_grad_[i]) wanted.push_back(leaves.back());
    }
    const at::Tensor output = fn_(leaves);
    const at::Tensor grad = grads[0].defined() ? grads[0] : at::zeros_like(output);
    const torch::autograd::variable_list input_grads =
        torch::autograd::grad({output}, wanted, {grad}, /*retain_graph=*/false,
                              /*create_graph=*/false, /*allow_unused=*/true);
    torch::autograd::variable_list result(inputs_.size());
    size_t next = 0;
    for (size_t i = 0; i < inputs_.size(); ++i) {
      if (needs_grad_[i]) result[i] = input_grads[next++];
    }
    return result;
  }

  void release_variables() override {
    fn_ = nullptr;
    inputs_.clear();
  }

 private:
  CheckpointFn fn_;
  std::vector<at::Tensor> inputs_;
  std::vector<bool> needs_grad_;
};

}  // namespace

at::Tensor checkpointed(CheckpointFn fn, const std::vector<at::Tensor>& inputs) {
  std::vector<bool> needs_grad;
  bool any = false;
  for (const at::Tensor& input : inputs) {
    needs_grad.push_back(input.requires_grad());
    any = any || input.requires_grad();
  }
  if (!torch::autograd::GradMode::is_enabled() || !any) return fn(inputs);

  // Keep parameters as they are and the rest detached, so the node holds no graph.
  std::vector<at::Tensor> kept;
  for (const at::Tensor& input : inputs) {
    kept.push_back(input.requires_grad() && input.is_leaf() ? input : input.detach());
  }
  at::Tensor output;
  {
    torch::autograd::AutoGradMode no_grad(false);
    output = fn(kept);
  }
  std::shared_ptr<CheckpointBackward> node(
      new CheckpointBackward(std::move(fn), std::move(kept), std::move(needs_grad)),
      torch::autograd::deleteNode);
  node->set_next_edges(torch::autograd::collect_next_edges(inputs));
  torch::autograd::set_history(output, node);
  return output;
}

}  // namespace terse
