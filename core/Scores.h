#pragma once

#include "EvalResult.h"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace kw {

// KernelBench-style scores over any set of results (a filter, a run, a step): fast_p is the share
// of results that are correct and significantly more than p× faster than their baseline (fast_0:
// correct; significantlyAbove in EvalResult.h), and the geometric mean speedup of the correct results that
// have a speedup.
struct SpeedupScores
{
    static constexpr std::array<double, 3> kThresholds = {0.0, 1.0, 2.0};
    std::size_t results = 0;
    std::size_t correct = 0;
    std::array<std::size_t, 3> fast{};       // counted (significant) for p = 0, 1, 2
    std::array<std::size_t, 3> unverified{}; // correct, point speedup > p, but no interval to tell
    std::optional<double> geomeanSpeedup;    // correct results with a speedup
    std::size_t geomeanOf = 0;

    double fastShare(std::size_t i) const { return results ? double(fast[i]) / double(results) : 0.0; }
    // "fast_0 62.5 %  fast_1 12.5 %  fast_2 0.0 %  geomean 1.08x (5 correct with a speedup) ..."
    std::string describe() const;
};

SpeedupScores scoreResults(const std::vector<EvalResult>& results);

} // namespace kw
