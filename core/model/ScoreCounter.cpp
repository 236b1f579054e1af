#include "core/model/ScoreCounter.h"

#include <cmath>

namespace kw {

void ScoreCounter::add(const JudgedResult& r)
{
    if (!r.counted) {
        ++m_s.notCounted;
        return;
    }
    ++m_s.results;
    if (r.status != EvalStatus::Correct)
        return;
    ++m_s.correct;
    m_s.fast[0] += 1; // fast_0: correct
    if (r.speedup)
        ++m_s.measured;
    for (std::size_t i = 1; i < SpeedupScores::kThresholds.size(); ++i) {
        switch (r.verdicts[i - 1]) {
        case WinVerdict::Win:
            ++m_s.fast[i];
            break;
        case WinVerdict::Unknown:
            if (r.speedup && *r.speedup > SpeedupScores::kThresholds[i])
                ++m_s.unverified[i];
            break;
        case WinVerdict::NotAWin:
            break;
        }
    }
    if (r.speedup && *r.speedup > 0 && std::isfinite(*r.speedup) && !r.fasterThanLight) {
        m_logSum += std::log(*r.speedup);
        ++m_s.geomeanOf;
    }
}

SpeedupScores ScoreCounter::done() const
{
    SpeedupScores s = m_s;
    if (s.geomeanOf > 0)
        s.geomeanSpeedup = std::exp(m_logSum / double(s.geomeanOf));
    return s;
}

SpeedupScores scoreJudged(const std::vector<JudgedResult>& results, Baseline baseline)
{
    ScoreCounter c(baseline);
    for (const auto& r : results)
        c.add(r);
    return c.done();
}

} // namespace kw
