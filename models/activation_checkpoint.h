// Activation checkpointing (Chen et al. 2016, "Training Deep Nets with Sublinear Memory Cost"):
// run a piece of the network without keeping its intermediate tensors, and run it again in the
// backward pass to get its gradients. Trades about one extra forward for the piece's memory.
#pragma once

#include <ATen/ATen.h>
#include <functional>
#include <vector>

namespace terse {

// A pure function of its inputs: the same inputs give the same output (no dropout, no RNG).
using CheckpointFn = std::function<at::Tensor(const std::vector<at::Tensor>& inputs)>;

// Returns fn(inputs). When grad mode is on and an input requires grad, only `inputs` are kept
// and the backward pass recomputes fn to propagate gradients to them. Every tensor fn reads that
// needs a gradient must be among `inputs`: parameters (leaves) are passed as themselves, so fn
// may read them from its module instead; fn may capture tensors that need no gradient.
at::Tensor checkpointed(CheckpointFn fn, const std::vector<at::Tensor>& inputs);

}  // namespace terse
