#include "core/model/Scores.h"

#include <cmath>
#include <cstdio>

namespace kw {

const char* baselineName(Baseline b)
{
    return b == Baseline::Compile ? "compile" : "eager";
}

namespace {

// What scoring reads of one result, whether it comes whole or as a stored row.
struct Scored
{
    EvalStatus status;
    bool untrustworthy, fasterThanLight;
    std::optional<double> speedup;
    std::optional<SpeedupInterval> ci;
};

class Scorer
{
public:
    explicit Scorer(Baseline b) { m_s.baseline = b; }
    void add(const Scored& r)
    {
        ++m_s.results;
        if (r.status != EvalStatus::Correct)
            return;
        ++m_s.correct;
        m_s.fast[0] += 1; // fast_0: correct
        if (r.speedup)
            ++m_s.measured;
        for (std::size_t i = 1; i < SpeedupScores::kThresholds.size(); ++i) {
            const double p = SpeedupScores::kThresholds[i];
            switch (significance(r.status, r.untrustworthy, r.fasterThanLight, r.ci, p)) {
            case WinVerdict::Win:
                ++m_s.fast[i];
                break;
            case WinVerdict::Unknown:
                if (r.speedup && *r.speedup > p)
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
    SpeedupScores done()
    {
        if (m_s.geomeanOf > 0)
            m_s.geomeanSpeedup = std::exp(m_logSum / double(m_s.geomeanOf));
        return m_s;
    }

private:
    SpeedupScores m_s;
    double m_logSum = 0;
};

std::optional<SpeedupInterval> interval(const std::optional<double>& lo, const std::optional<double>& hi)
{
    if (lo && hi)
        return SpeedupInterval{*lo, *hi};
    return std::nullopt;
}

} // namespace

SpeedupScores scoreResults(const std::vector<EvalResult>& results, Baseline baseline)
{
    Scorer s(baseline);
    for (const auto& r : results)
        s.add({r.status, r.timingQuality && r.timingQuality->untrustworthy(), r.hasFlag(kFasterThanLightFlag),
               speedupAgainst(r, baseline), speedupInterval(r, baseline)});
    return s.done();
}

SpeedupScores scoreRows(const std::vector<HistoryRow>& rows, Baseline baseline)
{
    Scorer s(baseline);
    for (const auto& r : rows) {
        TimingQuality q;
        q.verdict = r.timingVerdict;
        const bool compile = baseline == Baseline::Compile;
        s.add({r.status, q.untrustworthy(), r.fasterThanLight, compile ? r.compileSpeedup : r.speedup,
               compile ? interval(r.compileCiLow, r.compileCiHigh)
                       : interval(r.speedupCiLow, r.speedupCiHigh)});
    }
    return s.done();
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
