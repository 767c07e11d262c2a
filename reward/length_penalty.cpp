#include "reward/length_penalty.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace terse {
namespace {

constexpr double kPi = 3.14159265358979323846;
// Arora & Zanette add this to the standard deviation so equal lengths do not divide by zero.
constexpr double kStdEpsilon = 1e-7;

double accuracy(const PenaltySample& s) { return s.correct ? 1.0 : 0.0; }
double length(const PenaltySample& s) { return static_cast<double>(s.length); }

double sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

// Applies `term` to every sample of the group.
template <class F>
std::vector<double> per_sample(absl::Span<const PenaltySample> group, F term) {
  std::vector<double> out;
  out.reserve(group.size());
  for (const PenaltySample& s : group) out.push_back(term(s));
  return out;
}

// Mean and population standard deviation of the correct samples' lengths; count 0 when none.
struct CorrectStats {
  int64_t count = 0;
  double mean = 0;
  double stddev = 0;
  double min = 0;
  double max = 0;
};

CorrectStats correct_stats(absl::Span<const PenaltySample> group) {
  CorrectStats stats;
  double sum = 0;
  for (const PenaltySample& s : group) {
    if (!s.correct) continue;
    stats.min = stats.count == 0 ? length(s) : std::min(stats.min, length(s));
    stats.max = stats.count == 0 ? length(s) : std::max(stats.max, length(s));
    sum += length(s);
    ++stats.count;
  }
  if (stats.count == 0) return stats;
  stats.mean = sum / static_cast<double>(stats.count);
  double squares = 0;
  for (const PenaltySample& s : group) {
    if (s.correct) squares += (length(s) - stats.mean) * (length(s) - stats.mean);
  }
  stats.stddev = std::sqrt(squares / static_cast<double>(stats.count));
  return stats;
}

}  // namespace

std::vector<double> linear_terms(absl::Span<const PenaltySample> group, double alpha,
                                 int64_t max_length) {
  return per_sample(group, [&](const PenaltySample& s) {
    return -alpha * length(s) / static_cast<double>(max_length);
  });
}

std::vector<double> kimi_terms(absl::Span<const PenaltySample> group, double weight) {
  if (group.empty()) return {};
  const auto [shortest, longest] = std::minmax_element(
      group.begin(), group.end(),
      [](const PenaltySample& a, const PenaltySample& b) { return a.length < b.length; });
  const double min_len = length(*shortest);
  const double range = length(*longest) - min_len;
  return per_sample(group, [&](const PenaltySample& s) {
    if (range == 0) return 0.0;
    const double lambda = 0.5 - (length(s) - min_len) / range;
    return weight * (s.correct ? lambda : std::min(0.0, lambda));
  });
}

std::vector<double> efficient_terms(absl::Span<const PenaltySample> group, double alpha) {
  const CorrectStats stats = correct_stats(group);
  return per_sample(group, [&](const PenaltySample& s) {
    if (!s.correct) return 0.0;
    return -alpha * sigmoid((length(s) - stats.mean) / (stats.stddev + kStdEpsilon));
  });
}

std::vector<double> l1_exact_terms(absl::Span<const PenaltySample> group, double alpha) {
  return per_sample(group, [&](const PenaltySample& s) {
    if (s.target < 0) return 0.0;  // an effort mode without a budget
    return -alpha * std::abs(static_cast<double>(s.target) - length(s));
  });
}

std::vector<double> l1_max_terms(absl::Span<const PenaltySample> group, double alpha,
                                 double delta) {
  return per_sample(group, [&](const PenaltySample& s) {
    if (s.target < 0) return 0.0;  // an effort mode without a budget
    const double scale =
        std::clamp(alpha * (static_cast<double>(s.target) - length(s)) + delta, 0.0, 1.0);
    return accuracy(s) * scale - accuracy(s);
  });
}

std::vector<double> shorter_better_terms(absl::Span<const PenaltySample> group, double beta) {
  const CorrectStats stats = correct_stats(group);
  double sol = stats.min;
  if (stats.count == 0) {
    double sum = 0;
    for (const PenaltySample& s : group) sum += length(s);
    sol = group.empty() ? 0.0 : sum / static_cast<double>(group.size());
  }
  return per_sample(group,
                    [&](const PenaltySample& s) { return -beta * std::abs(length(s) - sol); });
}

std::vector<double> lc_r1_terms(absl::Span<const PenaltySample> group, double weight) {
  const CorrectStats stats = correct_stats(group);
  return per_sample(group, [&](const PenaltySample& s) {
    // With max_c = 0 every correct sample is empty, as long as the longest: no bonus.
    if (!s.correct || stats.max == 0) return 0.0;
    return weight * (1.0 - length(s) / stats.max);
  });
}

std::vector<double> cosine_terms(absl::Span<const PenaltySample> group, const CosineConfig& cosine,
                                 int64_t max_length) {
  return per_sample(group, [&](const PenaltySample& s) {
    if (!s.finished || s.length >= max_length) return cosine.exceed - accuracy(s);
    const double r0 = s.correct ? cosine.correct_short : cosine.wrong_short;
    const double rl = s.correct ? cosine.correct_long : cosine.wrong_long;
    const double t = length(s) / static_cast<double>(max_length);
    return rl + 0.5 * (r0 - rl) * (1.0 + std::cos(kPi * t)) - accuracy(s);
  });
}

std::vector<double> dapo_overlong_terms(absl::Span<const PenaltySample> group, double factor,
                                        int64_t max_length, int64_t cache) {
  const double expected = static_cast<double>(max_length - cache);
  return per_sample(group, [&](const PenaltySample& s) {
    if (s.length <= max_length - cache) return 0.0;
    if (s.length <= max_length) return factor * (expected - length(s)) / static_cast<double>(cache);
    return -factor;
  });
}

std::vector<double> truncate_terms(absl::Span<const PenaltySample> group, int64_t budget) {
  return per_sample(group, [&](const PenaltySample& s) {
    return !s.finished || s.length > budget ? -accuracy(s) : 0.0;
  });
}

std::vector<double> alp_terms(absl::Span<const PenaltySample> group, double beta,
                              int64_t max_length) {
  const double k = static_cast<double>(group.size());
  const double solved = static_cast<double>(correct_stats(group).count);
  const double rate = std::max(solved / k, 1.0 / k);
  return per_sample(group, [&](const PenaltySample& s) {
    return -beta / static_cast<double>(max_length) * rate * length(s);
  });
}

int64_t overlong_cache(const LengthPenaltyConfig& config, int64_t max_length) {
  return config.overlong.cache > 0 ? config.overlong.cache : max_length / 5;
}

namespace {

// The ungated term of `config.kind`.
std::vector<double> kind_terms(const LengthPenaltyConfig& config, int64_t max_length,
                               int64_t budget, absl::Span<const PenaltySample> group) {
  const double a = config.alpha;
  switch (config.kind) {
    case PenaltyKind::kNone:
      break;
    case PenaltyKind::kLinear:
      return linear_terms(group, a, max_length);
    case PenaltyKind::kKimi:
      return kimi_terms(group, a);
    case PenaltyKind::kEfficient:
      return efficient_terms(group, a);
    case PenaltyKind::kL1Exact:
      return l1_exact_terms(group, a);
    case PenaltyKind::kL1Max:
      return l1_max_terms(group, a, config.l1.delta);
    case PenaltyKind::kShorterBetter:
      return shorter_better_terms(group, a);
    case PenaltyKind::kLcR1:
      return lc_r1_terms(group, a);
    case PenaltyKind::kCosine:
      return cosine_terms(group, config.cosine, max_length);
    case PenaltyKind::kDapoOverlong:
      return dapo_overlong_terms(group, a, max_length, overlong_cache(config, max_length));
    case PenaltyKind::kTruncate:
      return truncate_terms(group, budget);
    case PenaltyKind::kAlp:
      return alp_terms(group, a, max_length);
  }
  return std::vector<double>(group.size(), 0.0);
}

// Zeroes the terms `gate` shuts out: every term of a group below its accuracy floor, and the
// terms of wrong answers under correct_only.
void apply_gate(const PenaltyGateConfig& gate, absl::Span<const PenaltySample> group,
                std::vector<double>& terms) {
  const double solved = static_cast<double>(correct_stats(group).count);
  const bool group_open =
      solved + 1e-9 >= gate.min_group_accuracy * static_cast<double>(group.size());
  for (size_t i = 0; i < group.size(); ++i) {
    if (!group_open || (gate.correct_only && !group[i].correct)) terms[i] = 0.0;
  }
}

}  // namespace

std::vector<double> length_terms(const LengthPenaltyConfig& config, int64_t max_length,
                                 int64_t budget, absl::Span<const PenaltySample> group) {
  std::vector<double> terms = kind_terms(config, max_length, budget, group);
  apply_gate(config.gate, group, terms);
  return terms;
}

}  // namespace terse
