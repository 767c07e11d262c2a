// Status helpers shared by every layer: early-return macros and the process exit code for a
// Status. Errors that come from the outside world (configs, files, user input) are
// InvalidArgument / NotFound / FailedPrecondition / AlreadyExists / OutOfRange and exit with 2;
// everything else is a runtime failure and exits with 1.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace terse {

// Exit codes of the `terse` binary.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntimeError = 1;
inline constexpr int kExitInputError = 2;

// Returns kExitOk for OK, kExitInputError for errors in what the user gave us, and
// kExitRuntimeError otherwise.
int exit_code_for(const absl::Status& status);

}  // namespace terse

#define TERSE_STATUS_CONCAT_INNER_(a, b) a##b
#define TERSE_STATUS_CONCAT_(a, b) TERSE_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define TERSE_RETURN_IF_ERROR(expr)      \
  do {                                   \
    absl::Status terse_status_ = (expr); \
    if (!terse_status_.ok()) {           \
      return terse_status_;              \
    }                                    \
  } while (false)

// `TERSE_ASSIGN_OR_RETURN(auto x, F());` assigns the value of an absl::StatusOr or returns its
// error from the enclosing function.
#define TERSE_ASSIGN_OR_RETURN(lhs, expr) \
  TERSE_ASSIGN_OR_RETURN_IMPL_(TERSE_STATUS_CONCAT_(terse_statusor_, __LINE__), lhs, expr)
#define TERSE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                 \
  if (!statusor.ok()) {                                   \
    return std::move(statusor).status();                  \
  }                                                       \
  lhs = std::move(statusor).value()
