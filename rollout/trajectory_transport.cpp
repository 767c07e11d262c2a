#include "rollout/trajectory_transport.h"

#include <ATen/ATen.h>

#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace terse {
namespace {

constexpr int64_t kHeaderFields = 6;
constexpr int64_t kFormatVersion = 2;
constexpr int64_t kFloatPlanes = 3;  // completion mask, behaviour log-probs, forced mask

}  // namespace

Trajectory slice_groups(const Trajectory& batch, int64_t first_group, int64_t groups,
                        int64_t group_size) {
  const int64_t begin = first_group * group_size;
  const int64_t rows = groups * group_size;
  Trajectory out;
  out.prompt_ids.assign(batch.prompt_ids.begin() + begin, batch.prompt_ids.begin() + begin + rows);
  out.completion_ids = batch.completion_ids.narrow(0, begin, rows);
  out.completion_mask = batch.completion_mask.narrow(0, begin, rows);
  out.behavior_logprobs = batch.behavior_logprobs.narrow(0, begin, rows);
  if (batch.forced_mask.defined()) out.forced_mask = batch.forced_mask.narrow(0, begin, rows);
  out.finish_reasons.assign(batch.finish_reasons.begin() + begin,
                            batch.finish_reasons.begin() + begin + rows);
  out.group_ids.assign(batch.group_ids.begin() + begin, batch.group_ids.begin() + begin + rows);
  out.policy_version = batch.policy_version;
  return out;
}

absl::StatusOr<std::vector<PendingSend>> send_trajectory(ProcessGroup& group,
                                                         const TrajectoryMessage& message,
                                                         int64_t to_rank, int64_t tag) {
  const Trajectory& t = message.trajectory;
  const int64_t n = t.size();
  const int64_t width = t.completion_ids.size(1);
  std::vector<int64_t> ints;
  int64_t prompt_tokens = 0;
  for (const auto& prompt : t.prompt_ids) {
    ints.push_back(static_cast<int64_t>(prompt.size()));
    prompt_tokens += static_cast<int64_t>(prompt.size());
  }
  for (const auto& prompt : t.prompt_ids) ints.insert(ints.end(), prompt.begin(), prompt.end());
  ints.insert(ints.end(), t.group_ids.begin(), t.group_ids.end());
  for (const FinishReason reason : t.finish_reasons) ints.push_back(static_cast<int64_t>(reason));
  const at::Tensor completion = t.completion_ids.to(at::kCPU).contiguous();  // [N, T]
  const int64_t* ids = completion.data_ptr<int64_t>();
  ints.insert(ints.end(), ids, ids + n * width);

  const at::Tensor header = at::tensor(
      {n, width, prompt_tokens, t.policy_version, message.data_cursor, kFormatVersion}, at::kLong);
  const at::Tensor mask = t.completion_mask.to(at::kCPU, at::kFloat);  // [N, T]
  const at::Tensor forced =
      t.forced_mask.defined() ? t.forced_mask.to(at::kCPU, at::kFloat) : at::zeros_like(mask);
  const at::Tensor floats =
      at::stack({mask, t.behavior_logprobs.to(at::kCPU, at::kFloat), forced});  // [3, N, T]
  std::vector<PendingSend> sends;
  int64_t k = 0;
  for (const at::Tensor& part : {header, at::tensor(ints, at::kLong), floats}) {
    TERSE_ASSIGN_OR_RETURN(PendingSend send, group.send_async(part, to_rank, tag + k++));
    sends.push_back(std::move(send));
  }
  return sends;
}

absl::StatusOr<TrajectoryMessage> recv_trajectory(ProcessGroup& group, int64_t from_rank,
                                                  int64_t tag) {
  const at::Tensor header = at::zeros({kHeaderFields}, at::kLong);
  TERSE_RETURN_IF_ERROR(group.recv(header, from_rank, tag));
  const auto h = header.accessor<int64_t, 1>();
  const int64_t n = h[0], width = h[1], prompt_tokens = h[2];
  if (h[5] != kFormatVersion || n < 0 || width < 0 || prompt_tokens < 0) {
    return absl::DataLossError(
        absl::StrCat("rank ", from_rank, " sent a malformed trajectory header"));
  }
  const at::Tensor ints = at::zeros({n + prompt_tokens + 2 * n + n * width}, at::kLong);
  const at::Tensor floats = at::zeros({kFloatPlanes, n, width}, at::kFloat);
  TERSE_RETURN_IF_ERROR(group.recv(ints, from_rank, tag + 1));
  TERSE_RETURN_IF_ERROR(group.recv(floats, from_rank, tag + 2));

  TrajectoryMessage message;
  Trajectory& t = message.trajectory;
  const int64_t* p = ints.data_ptr<int64_t>();
  const int64_t* lengths = p;
  int64_t total = 0;
  bool lengths_valid = true;
  for (int64_t i = 0; i < n; ++i) {
    lengths_valid = lengths_valid && lengths[i] >= 0;
    total += lengths[i];
  }
  if (!lengths_valid || total != prompt_tokens) {
    return absl::DataLossError(
        absl::StrCat("rank ", from_rank, " sent prompt lengths that disagree with its header"));
  }
  p += n;
  for (int64_t i = 0; i < n; ++i) {
    t.prompt_ids.emplace_back(p, p + lengths[i]);
    p += lengths[i];
  }
  t.group_ids.assign(p, p + n);
  p += n;
  for (int64_t i = 0; i < n; ++i) {
    if (p[i] != static_cast<int64_t>(FinishReason::kStop) &&
        p[i] != static_cast<int64_t>(FinishReason::kLength)) {
      return absl::DataLossError(
          absl::StrCat("rank ", from_rank, " sent an unknown finish reason"));
    }
    t.finish_reasons.push_back(static_cast<FinishReason>(p[i]));
  }
  p += n;
  t.completion_ids = ints.narrow(0, p - ints.data_ptr<int64_t>(), n * width).view({n, width});
  t.completion_mask = floats[0];
  t.behavior_logprobs = floats[1];
  if (floats[2].sum().item<float>() > 0) t.forced_mask = floats[2];
  t.policy_version = h[3];
  message.data_cursor = h[4];
  return message;
}

}  // namespace terse
