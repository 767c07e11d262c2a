#include "data/problem.h"

namespace terse {

const char* answer_kind_name(AnswerKind kind) {
  switch (kind) {
    case AnswerKind::kNumber:
      return "number";
    case AnswerKind::kExpression:
      return "expression";
    case AnswerKind::kText:
      return "text";
  }
  return "?";
}

}  // namespace terse
