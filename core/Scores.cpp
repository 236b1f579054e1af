#include "Scores.h"

#include <cmath>
#include <cstdio>

namespace kw {

SpeedupScores scoreResults(const std::vector<EvalResult>& results)
{
    SpeedupScores s;
    double logSum = 0;
    for (const auto& r : results) {
        ++s.results;
        if (r.status != EvalStatus::Correct)
            continue;
        ++s.correct;
        s.fast[0] += 1; // fast_0: correct
        for (std::size_t i = 1; i < SpeedupScores::kThresholds.size(); ++i) {
            const double p = SpeedupScores::kThresholds[i];
            switch (significantlyAbove(r, p)) {
            case WinVerdict::Win:
                ++s.fast[i];
                break;
            case WinVerdict::Unknown:
                if (r.speedup && *r.speedup > p)
                    ++s.unverified[i];
                break;
            case WinVerdict::NotAWin:
                break;
            }
        }
        if (r.speedup && *r.speedup > 0 && std::isfinite(*r.speedup)) {
            logSum += std::log(*r.speedup);
            ++s.geomeanOf;
        }
    }
    if (s.geomeanOf > 0)
        s.geomeanSpeedup = std::exp(logSum / double(s.geomeanOf));
    return s;
}

std::string SpeedupScores::describe() const
{
    char buf[512];
    std::string out;
    std::snprintf(buf, sizeof buf, "%zu results, %zu correct\n", results, correct);
    out += buf;
    for (std::size_t i = 0; i < kThresholds.size(); ++i) {
        std::snprintf(buf, sizeof buf, "fast_%.0f  %5.1f %%  (%zu)", kThresholds[i], 100 * fastShare(i),
                      fast[i]);
        out += buf;
        if (unverified[i] > 0) {
            std::snprintf(buf, sizeof buf,
                          "  + %zu faster by their point estimate but without an interval "
                          "(not counted)",
                          unverified[i]);
            out += buf;
        }
        out += "\n";
    }
    if (geomeanSpeedup) {
        std::snprintf(buf, sizeof buf, "geomean speedup %.3fx over %zu correct results with a speedup\n",
                      *geomeanSpeedup, geomeanOf);
        out += buf;
    }
    out += "fast_p counts a result only when it is correct and its whole 95 % speedup interval is above p "
           "with timing not noisy or unreliable\n";
    return out;
}

} // namespace kw
