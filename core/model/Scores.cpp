#include "core/model/Scores.h"

#include "core/model/ScoreCounter.h"

#include <cmath>
#include <cstdio>

namespace kw {

const char* baselineName(Baseline b)
{
    return b == Baseline::Compile ? "compile" : "eager";
}

namespace {

// One result judged at each p (kw::significance) for ScoreCounter.
JudgedResult judged(EvalStatus status, bool untrustworthy, bool fasterThanLight,
                    std::optional<double> speedup, const std::optional<SpeedupInterval>& ci, bool counted)
{
    JudgedResult j;
    j.counted = counted;
    j.status = status;
    j.speedup = speedup;
    j.fasterThanLight = fasterThanLight;
    for (std::size_t i = 1; i < SpeedupScores::kThresholds.size(); ++i)
        j.verdicts[i - 1] =
            significance(status, untrustworthy, fasterThanLight, ci, SpeedupScores::kThresholds[i]);
    return j;
}

std::optional<SpeedupInterval> interval(const std::optional<double>& lo, const std::optional<double>& hi)
{
    if (lo && hi)
        return SpeedupInterval{*lo, *hi};
    return std::nullopt;
}

} // namespace

SpeedupScores scoreResults(const std::vector<EvalResult>& results, Baseline baseline)
{
    ScoreCounter c(baseline);
    for (const auto& r : results)
        c.add(judged(r.status, r.timingQuality && r.timingQuality->untrustworthy(),
                     r.hasFlag(kFasterThanLightFlag), speedupAgainst(r, baseline),
                     speedupInterval(r, baseline), r.countsInScores()));
    return c.done();
}

SpeedupScores scoreRows(const std::vector<HistoryRow>& rows, Baseline baseline)
{
    ScoreCounter c(baseline);
    for (const auto& r : rows) {
        TimingQuality q;
        q.verdict = r.timingVerdict;
        const bool compile = baseline == Baseline::Compile;
        c.add(judged(r.status, q.untrustworthy(), r.fasterThanLight, compile ? r.compileSpeedup : r.speedup,
                     compile ? interval(r.compileCiLow, r.compileCiHigh)
                             : interval(r.speedupCiLow, r.speedupCiHigh),
                     r.countsInScores()));
    }
    return c.done();
}

std::string SpeedupScores::describe() const
{
    char buf[512];
    std::string out;
    if (baseline == Baseline::Compile)
        std::snprintf(buf, sizeof buf,
                      "against torch.compile: %zu results, %zu correct, %zu of them with a compile "
                      "baseline\n",
                      results, correct, measured);
    else
        std::snprintf(buf, sizeof buf, "against eager PyTorch: %zu results, %zu correct\n", results, correct);
    out += buf;
    if (notCounted > 0) {
        std::snprintf(buf, sizeof buf, "  (%zu cancelled or not run here: left out)\n", notCounted);
        out += buf;
    }
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
    return out;
}

} // namespace kw
