#pragma once

#include "core/model/EvalResult.h"
#include "core/model/HistoryStore.h"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace kw {

// KernelBench-style scores over any set of results (a filter, a run, a step) against one
// baseline: fast_p is the share of results that are correct and significantly more than p× faster
// than that baseline (fast_0: correct; significantlyAbove in EvalResult.h — never noise, never a
// result flagged faster_than_light), and the geometric mean speedup of the correct results that
// have a speedup against it. Against torch.compile only results whose compile baseline was
// measured can count; `measured` says how many of the correct ones had it.
struct SpeedupScores
{
    static constexpr std::array<double, 3> kThresholds = {0.0, 1.0, 2.0};
    Baseline baseline = Baseline::Eager;
    std::size_t results = 0;
    std::size_t notCounted = 0; // cancelled or not run here (JudgedResult::counted): not in results
    std::size_t correct = 0;
    std::size_t measured = 0;                // correct, with a speedup against this baseline
    std::array<std::size_t, 3> fast{};       // counted (significant) for p = 0, 1, 2
    std::array<std::size_t, 3> unverified{}; // correct, point speedup > p, but no interval to tell
    std::optional<double> geomeanSpeedup;    // correct results with a speedup
    std::size_t geomeanOf = 0;

    static constexpr const char* kRule =
        "fast_p counts a result only when it is correct, its whole 95 % speedup interval against the "
        "baseline is above p, its timing is not noisy or unreliable and it is not flagged "
        "faster_than_light; cancelled results and those not run here (setup refusals) are left out";

    double fastShare(std::size_t i) const { return results ? double(fast[i]) / double(results) : 0.0; }
    // "against eager PyTorch: 8 results, 6 correct\nfast_0  75.0 %  (6) ..."
    std::string describe() const;
};

SpeedupScores scoreResults(const std::vector<EvalResult>& results, Baseline baseline = Baseline::Eager);
// The same from the store's light rows (their interval, verdict and faster_than_light columns),
// for charts over many results without loading each one.
SpeedupScores scoreRows(const std::vector<HistoryRow>& rows, Baseline baseline = Baseline::Eager);

// "eager" | "compile"
const char* baselineName(Baseline b);

} // namespace kw
