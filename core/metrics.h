// Named scalar metrics with stable keys ("policy/kl", "length/mean", ...), in key order so logs
// and tables list them the same way every step.
#pragma once

#include <map>
#include <string>

namespace terse {

using Metrics = std::map<std::string, double>;

}  // namespace terse
