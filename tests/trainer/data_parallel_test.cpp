// Two and three ranks, each with a share of the batch, give the gradients and the updated
// weights of one rank with the whole batch (tests/trainer/dp_worker.cpp does the work).
#include "tests/catch.h"
#include "tests/test_util.h"

namespace terse {
namespace {

using testing::run_command;
using testing::terse_command;

TEST_CASE("data-parallel gradients equal the whole batch's in every aggregation", "[dp]") {
  for (const int ranks : {2, 3}) {
    const auto result = run_command(terse_command("launch --nproc " + std::to_string(ranks) +
                                                  " --exec -- '" + TERSE_DP_WORKER + "'"));
    INFO(result.out << result.err);
    CHECK(result.exit_code == 0);
    for (int r = 0; r < ranks; ++r) {
      CHECK_THAT(result.out, Catch::Contains("[rank " + std::to_string(r) + "] data-parallel ok"));
    }
  }
}

}  // namespace
}  // namespace terse
