#include "trainer/rl_batch.h"

#include <algorithm>

#include "core/status.h"
#include "trainer/micro_batches.h"

namespace terse {
namespace {

// [n, T] float32 from per-sample vectors (zeros past each end).
at::Tensor pad_floats(const std::vector<const RlSample*>& samples, int64_t t,
                      const std::vector<float> RlSample::*field) {
  at::Tensor out = at::zeros({static_cast<int64_t>(samples.size()), t}, at::kFloat);
  auto rows = out.accessor<float, 2>();
  for (size_t i = 0; i < samples.size(); ++i) {
    const std::vector<float>& values = samples[i]->*field;
    for (size_t j = 0; j < values.size(); ++j) rows[static_cast<int64_t>(i)][j] = values[j];
  }
  return out;
}

}  // namespace

std::vector<RlSample> samples_of(const Trajectory& batch) {
  std::vector<RlSample> samples(static_cast<size_t>(batch.size()));
  const at::Tensor logprobs = batch.behavior_logprobs.to(at::kCPU).contiguous();  // [N, T]
  const at::Tensor forced =
      batch.forced_mask.defined() ? batch.forced_mask.to(at::kCPU).contiguous() : at::Tensor();
  for (int64_t i = 0; i < batch.size(); ++i) {
    RlSample& s = samples[static_cast<size_t>(i)];
    s.prompt_ids = batch.prompt_ids[static_cast<size_t>(i)];
    s.completion_ids = batch.completion(i);
    const float* row = logprobs[i].data_ptr<float>();
    s.old_logprobs.assign(row, row + s.completion_ids.size());
    if (forced.defined()) {
      const float* marks = forced[i].data_ptr<float>();
      const float* end = marks + s.completion_ids.size();
      if (std::any_of(marks, end, [](float m) { return m > 0; })) {
        for (const float* m = marks; m != end; ++m) s.forced.push_back(*m > 0);
      }
    }
    s.group_id = batch.group_ids[static_cast<size_t>(i)];
    s.policy_version = batch.policy_version;
    s.finish = batch.finish_reasons[static_cast<size_t>(i)];
  }
  return samples;
}

std::vector<int64_t> input_lengths(const std::vector<const RlSample*>& samples) {
  std::vector<int64_t> lengths;
  lengths.reserve(samples.size());
  for (const RlSample* s : samples) {
    lengths.push_back(static_cast<int64_t>(s->prompt_ids.size() + s->completion_ids.size()) - 1);
  }
  return lengths;
}

RlMicroBatch make_rl_micro_batch(const std::vector<const RlSample*>& samples, int64_t pad_id,
                                 at::Device device) {
  TORCH_CHECK(!samples.empty(), "make_rl_micro_batch: no samples");
  const auto n = static_cast<int64_t>(samples.size());
  const std::vector<int64_t> lengths = input_lengths(samples);
  const int64_t l = *std::max_element(lengths.begin(), lengths.end());
  int64_t t = 1;
  for (const RlSample* s : samples) t = std::max<int64_t>(t, s->completion_ids.size());
  at::Tensor inputs = at::full({n, l}, pad_id, at::kLong);      // [n, L]
  at::Tensor attention = at::zeros({n, l}, at::kLong);          // [n, L]
  at::Tensor index = at::zeros({n, t}, at::kLong);              // [n, T]
  at::Tensor completion = at::full({n, t}, pad_id, at::kLong);  // [n, T]
  at::Tensor mask = at::zeros({n, t}, at::kFloat);              // [n, T]
  at::Tensor advantages = at::zeros({n}, at::kFloat);           // [n]
  auto in = inputs.accessor<int64_t, 2>();
  auto att = attention.accessor<int64_t, 2>();
  auto idx = index.accessor<int64_t, 2>();
  auto out = completion.accessor<int64_t, 2>();
  auto m = mask.accessor<float, 2>();
  auto adv = advantages.accessor<float, 1>();
  for (int64_t i = 0; i < n; ++i) {
    const RlSample& s = *samples[static_cast<size_t>(i)];
    TORCH_CHECK(!s.prompt_ids.empty() && !s.completion_ids.empty(),
                "make_rl_micro_batch: a sample needs a prompt and a completion");
    const auto p = static_cast<int64_t>(s.prompt_ids.size());
    const auto c = static_cast<int64_t>(s.completion_ids.size());
    for (int64_t j = 0; j < p + c - 1; ++j) {
      in[i][j] = j < p ? s.prompt_ids[j] : s.completion_ids[j - p];
      att[i][j] = 1;
    }
    for (int64_t j = 0; j < t; ++j) {
      idx[i][j] = std::min(p - 1 + j, l - 1);
      if (j < c) {
        out[i][j] = s.completion_ids[j];
        const bool was_forced = j < static_cast<int64_t>(s.forced.size()) && s.forced[j];
        m[i][j] = s.trains && !was_forced ? 1.0F : 0.0F;
      }
    }
    adv[i] = static_cast<float>(s.advantage);
  }
  RlMicroBatch batch;
  batch.inputs = inputs.to(device);
  batch.attention_mask = attention.to(device);
  batch.position_ids = at::arange(l, at::kLong).unsqueeze(0).expand({n, l}).contiguous().to(device);
  batch.completion_index = index.to(device);
  batch.completion_ids = completion.to(device);
  batch.mask = mask.to(device);
  batch.old_logprobs = pad_floats(samples, t, &RlSample::old_logprobs).to(device);
  const RlSample& first = *samples.front();
  batch.advantages = first.token_advantages.empty()
                         ? advantages.to(device)
                         : pad_floats(samples, t, &RlSample::token_advantages).to(device);
  if (!first.ref_logprobs.empty()) {
    batch.ref_logprobs = pad_floats(samples, t, &RlSample::ref_logprobs).to(device);
  }
  if (!first.old_values.empty()) {
    batch.old_values = pad_floats(samples, t, &RlSample::old_values).to(device);
    batch.returns = pad_floats(samples, t, &RlSample::returns).to(device);
  }
  return batch;
}

PolicyOutputs policy_forward(Transformer& model, const RlMicroBatch& batch, double temperature,
                             bool values) {
  const at::Tensor hidden =
      model->forward(batch.inputs, batch.attention_mask, batch.position_ids);  // [n, L, H]
  const at::Tensor index =
      batch.completion_index.unsqueeze(-1).expand({-1, -1, hidden.size(2)});  // [n, T, H]
  const at::Tensor at_completion = hidden.gather(1, index);                   // [n, T, H]
  PolicyOutputs out;
  out.logprobs = model->token_logprobs(at_completion / temperature, batch.completion_ids);
  if (values) out.values = model->values(at_completion);
  return out;
}

std::vector<std::vector<float>> unpad_rows(const at::Tensor& values,
                                           const std::vector<const RlSample*>& samples) {
  const at::Tensor cpu = values.detach().to(at::kCPU, at::kFloat).contiguous();  // [n, T]
  std::vector<std::vector<float>> rows;
  for (size_t i = 0; i < samples.size(); ++i) {
    const float* row = cpu[static_cast<int64_t>(i)].data_ptr<float>();
    rows.emplace_back(row, row + samples[i]->completion_ids.size());
  }
  return rows;
}

absl::Status for_each_micro_batch(const std::vector<const RlSample*>& samples, int64_t token_budget,
                                  int64_t pad_id, at::Device device, const MicroBatchFn& fn) {
  for (const std::vector<size_t>& part :
       split_by_token_budget(input_lengths(samples), token_budget)) {
    std::vector<const RlSample*> rows;
    rows.reserve(part.size());
    for (const size_t i : part) rows.push_back(samples[i]);
    TERSE_RETURN_IF_ERROR(fn(make_rl_micro_batch(rows, pad_id, device), part, rows));
  }
  return absl::OkStatus();
}

std::vector<const RlSample*> sample_pointers(const std::vector<RlSample>& samples) {
  std::vector<const RlSample*> out;
  out.reserve(samples.size());
  for (const RlSample& s : samples) out.push_back(&s);
  return out;
}

}  // namespace terse
