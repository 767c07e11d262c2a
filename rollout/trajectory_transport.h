// Trajectories between processes: a rollout worker sends its samples to the trainer ranks with
// c10d send/recv (disaggregated mode). A message is three tensors under consecutive tags:
//
//   header  [6] int64    N, T, total prompt tokens, policy version, data cursor, format version
//   ints    [N + total prompt tokens + N + N + N*T] int64
//           prompt lengths, prompt ids, group ids, finish reasons, completion ids (row-major)
//   floats  [2, N, T] float32   completion mask, behaviour log-probs
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/process_group.h"
#include "rollout/trajectory.h"

namespace terse {

// Tags a message occupies: [tag, tag + kTrajectoryTags).
inline constexpr int64_t kTrajectoryTags = 3;

struct TrajectoryMessage {
  Trajectory trajectory;    // on the CPU
  int64_t data_cursor = 0;  // the sender's prompt cursor after the batch
};

// Rows [first_group * group_size, (first_group + groups) * group_size) of `batch`.
Trajectory slice_groups(const Trajectory& batch, int64_t first_group, int64_t groups,
                        int64_t group_size);

// Starts sending `message` to `to_rank`; wait on every returned send before reusing the tags.
absl::StatusOr<std::vector<PendingSend>> send_trajectory(ProcessGroup& group,
                                                         const TrajectoryMessage& message,
                                                         int64_t to_rank, int64_t tag);

// Receives the message `from_rank` sent under `tag`. An error when the transfer fails or the
// header is not one send_trajectory writes.
absl::StatusOr<TrajectoryMessage> recv_trajectory(ProcessGroup& group, int64_t from_rank,
                                                  int64_t tag);

}  // namespace terse
