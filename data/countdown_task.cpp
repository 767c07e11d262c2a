#include "data/countdown_task.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace terse {
namespace {

// Node of an expression: a given number (op == 0) or a combination of two earlier nodes.
struct Node {
  int64_t value = 0;
  char op = 0;
  int left = -1;
  int right = -1;
};

int precedence(char op) { return op == '+' || op == '-' ? 1 : op == 0 ? 3 : 2; }

// A way to use every number once: the nodes, the given numbers first, then one per step.
struct Path {
  std::vector<Node> nodes;
  size_t given = 0;  // nodes[0, given) are the given numbers

  int64_t result() const { return nodes.back().value; }

  // "12-7=5" for the step that made node `i`.
  std::string step_text(size_t i) const {
    const Node& n = nodes[i];
    return absl::StrCat(nodes[n.left].value, std::string(1, n.op), nodes[n.right].value, "=",
                        n.value);
  }

  // What the path's text says, as numbers: each step's operands and operator.
  std::vector<int64_t> signature() const {
    std::vector<int64_t> out;
    for (size_t i = given; i < nodes.size(); ++i) {
      out.insert(out.end(), {nodes[nodes[i].left].value, nodes[nodes[i].right].value, nodes[i].op});
    }
    return out;
  }

  std::vector<std::string> steps() const {
    std::vector<std::string> out;
    for (size_t i = given; i < nodes.size(); ++i) out.push_back(step_text(i));
    return out;
  }

  // The expression of node `i` with the fewest parentheses that keep its meaning.
  std::string expression(size_t i) const {
    const Node& n = nodes[i];
    if (n.op == 0) return absl::StrCat(n.value);
    std::string left = expression(n.left);
    std::string right = expression(n.right);
    const int p = precedence(n.op);
    if (precedence(nodes[n.left].op) < p) left = absl::StrCat("(", left, ")");
    const int pr = precedence(nodes[n.right].op);
    if (pr < p || (pr == p && (n.op == '-' || n.op == '/'))) right = absl::StrCat("(", right, ")");
    return absl::StrCat(left, std::string(1, n.op), right);
  }

  // The given numbers in the order the answer's expression uses them.
  void leaves(size_t i, std::vector<int64_t>* out) const {
    const Node& n = nodes[i];
    if (n.op == 0) {
      out->push_back(n.value);
      return;
    }
    leaves(n.left, out);
    leaves(n.right, out);
  }
};

// One way to combine two available values.
struct Move {
  int left;
  int right;
  char op;
  int64_t value;
};

// Every valid move among `open` nodes: + and * with the larger value first, - only to a positive
// value, / only when exact, every result within 1..max_value.
std::vector<Move> moves(const Path& path, const std::vector<int>& open, int64_t max_value) {
  std::vector<Move> out;
  out.reserve(4 * open.size() * open.size());
  for (size_t i = 0; i < open.size(); ++i) {
    for (size_t j = 0; j < open.size(); ++j) {
      if (i == j) continue;
      const int x = open[i];
      const int y = open[j];
      const int64_t a = path.nodes[x].value;
      const int64_t b = path.nodes[y].value;
      // The larger value first; of two equal values, the earlier one, so each move is listed
      // once.
      if (a < b || (a == b && i > j)) continue;
      out.push_back({x, y, '+', a + b});
      out.push_back({x, y, '*', a * b});
      if (a > b) out.push_back({x, y, '-', a - b});
      if (a % b == 0) out.push_back({x, y, '/', a / b});
    }
  }
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](const Move& m) { return m.value < 1 || m.value > max_value; }),
            out.end());
  return out;
}

// A uniformly drawn move at each step until one value is left; false when a step has no move.
bool random_path(const std::vector<int64_t>& numbers, int64_t max_value, Rng& rng, Path* path) {
  path->nodes.clear();
  path->given = numbers.size();
  std::vector<int> open;
  for (const int64_t n : numbers) {
    open.push_back(static_cast<int>(path->nodes.size()));
    path->nodes.push_back({n, 0, -1, -1});
  }
  while (open.size() > 1) {
    const std::vector<Move> options = moves(*path, open, max_value);
    if (options.empty()) return false;
    const Move& m = options[rng.index(options.size())];
    open.erase(std::find(open.begin(), open.end(), m.left));
    open.erase(std::find(open.begin(), open.end(), m.right));
    open.push_back(static_cast<int>(path->nodes.size()));
    path->nodes.push_back({m.value, m.op, m.left, m.right});
  }
  return true;
}

// "15/3=5": undoes the step that made node `i`, giving back its left operand.
std::string undo_text(const Path& path, size_t i) {
  const Node& n = path.nodes[i];
  const int64_t a = path.nodes[n.left].value;
  const int64_t b = path.nodes[n.right].value;
  const char inverse = n.op == '+' ? '-' : n.op == '-' ? '+' : n.op == '*' ? '/' : '*';
  return absl::StrCat(n.value, std::string(1, inverse), b, "=", a);
}

constexpr int kMaxPathDraws = 64;     // per set of numbers before drawing new numbers
constexpr int kDeadEndDrawsEach = 8;  // path draws per wanted dead end

class CountdownTask : public Task {
 public:
  explicit CountdownTask(const CountdownConfig& config) : config_(config) {}

  absl::string_view name() const override { return "countdown"; }

  Problem sample(Rng& rng, const TraceOptions& options) const override {
    std::vector<int64_t> numbers;
    Path solution;
    draw_solution(rng, &numbers, &solution);
    const int64_t target = solution.result();

    Problem problem;
    problem.task = "countdown";
    problem.level = static_cast<int64_t>(numbers.size());
    std::vector<int64_t> sorted = numbers;
    std::sort(sorted.begin(), sorted.end());
    problem.key = absl::StrCat("countdown ", absl::StrJoin(sorted, " "), " -> ", target);
    problem.prompt = absl::StrCat("countdown ", absl::StrJoin(numbers, " "), " -> ", target);
    problem.answer = solution.expression(solution.nodes.size() - 1);
    problem.answer_kind = AnswerKind::kExpression;
    problem.numbers = numbers;
    problem.target = target;

    TraceBuilder trace;
    trace.optional(absl::StrCat("goal ", absl::StrJoin(numbers, " "), " -> ", target));
    for (const Path& dead_end : draw_dead_ends(numbers, target, rng)) {
      trace.optional(absl::StrCat("try ", absl::StrJoin(dead_end.steps(), " "), " no"));
    }
    for (size_t i = solution.given; i < solution.nodes.size(); ++i) {
      trace.core(solution.step_text(i));
      trace.optional(absl::StrCat("check ", undo_text(solution, i)));
    }
    trace.optional(absl::StrCat("verify ", problem.answer, "=", target));
    std::vector<int64_t> used;
    solution.leaves(solution.nodes.size() - 1, &used);
    trace.optional(absl::StrCat("used ", absl::StrJoin(used, " ")));
    Traces traces = trace.build(rng, options, problem.answer);
    problem.long_trace = std::move(traces.long_trace);
    problem.core_trace = std::move(traces.core_trace);
    return problem;
  }

 private:
  // Draws numbers and a path through them; the path's result is the target.
  void draw_solution(Rng& rng, std::vector<int64_t>* numbers, Path* solution) const {
    while (true) {
      numbers->clear();
      for (int64_t i = 0; i < config_.numbers; ++i) {
        numbers->push_back(rng.uniform(1, config_.max_number));
      }
      for (int attempt = 0; attempt < kMaxPathDraws; ++attempt) {
        if (random_path(*numbers, config_.max_value, rng, solution)) return;
      }
    }
  }

  // Up to max_dead_ends different paths that end anywhere but the target, in the order drawn.
  std::vector<Path> draw_dead_ends(const std::vector<int64_t>& numbers, int64_t target,
                                   Rng& rng) const {
    std::vector<Path> dead_ends;
    absl::flat_hash_set<std::vector<int64_t>> seen;
    Path path;
    for (int64_t draw = 0; draw < kDeadEndDrawsEach * config_.max_dead_ends &&
                           static_cast<int64_t>(dead_ends.size()) < config_.max_dead_ends;
         ++draw) {
      if (!random_path(numbers, config_.max_value, rng, &path) || path.result() == target) continue;
      if (seen.insert(path.signature()).second) dead_ends.push_back(path);
    }
    return dead_ends;
  }

  CountdownConfig config_;
};

}  // namespace

void CountdownConfig::visit(ConfigVisitor& v) {
  v.field("numbers", numbers, "How many numbers a problem gives; each is used exactly once.",
          Range::between(2, 6));
  v.field("max_number", max_number, "Given numbers are drawn from 1..max_number.",
          Range::between(1, 1000));
  v.field("max_value", max_value,
          "Every intermediate value and the target stay within 1..max_value.",
          Range::between(2, 1000000));
  v.field("max_dead_ends", max_dead_ends,
          "Failed tries drawn before the solution, each kept with data.optional_probability.",
          Range::between(0, 1000));
}

std::unique_ptr<Task> make_countdown_task(const CountdownConfig& config) {
  return std::make_unique<CountdownTask>(config);
}

}  // namespace terse
