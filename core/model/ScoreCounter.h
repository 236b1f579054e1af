#pragma once

#include "core/model/Scores.h"

#include <array>
#include <optional>

namespace kw {

// One result as the scores read it once its fast_p verdicts are decided (kw::significance against
// one baseline at p = 1 and 2). Results whose intervals are kept are judged by scoreResults and
// scoreRows; stores that keep only the verdicts (the charts' 2-bit rows) hand them over as they are.
struct JudgedResult
{
    EvalStatus status = EvalStatus::Correct;
    std::optional<double> speedup; // against the baseline; empty when not measured
    bool fasterThanLight = false;  // never in the geometric mean
    std::array<WinVerdict, 2> verdicts{WinVerdict::Unknown, WinVerdict::Unknown}; // p = 1, 2
    // False for a result that never ran the kernel through no fault of its own (cancelled, or not
    // run here: a setup refusal such as too large for this machine): not among the results.
    bool counted = true;
};

// The one place fast_p and the geometric mean are counted (SpeedupScores' rule): add results one
// at a time, then done(). Pure; one counter per group and baseline.
class ScoreCounter
{
public:
    explicit ScoreCounter(Baseline b) { m_s.baseline = b; }
    void add(const JudgedResult& r);
    SpeedupScores done() const;

private:
    SpeedupScores m_s;
    double m_logSum = 0;
};

// Scores of results whose verdicts are already decided.
SpeedupScores scoreJudged(const std::vector<JudgedResult>& results, Baseline baseline = Baseline::Eager);

} // namespace kw
