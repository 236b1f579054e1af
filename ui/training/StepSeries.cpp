#include "ui/training/StepSeries.h"

#include <cmath>
#include <limits>
#include <map>

namespace kw::ui {

namespace {
struct Acc
{
    double n = 0, valid = 0, rewardN = 0, rewardSum = 0, rewardSq = 0;
    double compiled = 0, correct = 0, cheated = 0, errors = 0;
    double spN = 0, spSum = 0, spMax = 0;
    const StepMetrics* metrics = nullptr;
};

bool isError(EvalStatus s)
{
    return s == EvalStatus::RuntimeError || s == EvalStatus::Crashed || s == EvalStatus::Timeout ||
           s == EvalStatus::InfraError;
}
} // namespace

StepSeries StepSeries::build(const std::vector<TraceRow>& rows, const std::vector<StepMetrics>& metrics)
{
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    std::map<std::int64_t, Acc> steps;
    for (const TraceRow& r : rows) {
        if (r.step < 0 || !r.valid)
            continue;
        Acc& a = steps[r.step];
        a.n += 1;
        a.valid += 1;
        if (!std::isnan(r.reward)) {
            a.rewardN += 1;
            a.rewardSum += r.reward;
            a.rewardSq += r.reward * r.reward;
        }
        a.compiled += r.compiled ? 1 : 0;
        a.correct += r.correct && !r.cheated ? 1 : 0;
        a.cheated += r.cheated ? 1 : 0;
        a.errors += isError(r.status) ? 1 : 0;
        if (!std::isnan(r.speedup) && !r.cheated) {
            a.spN += 1;
            a.spSum += r.speedup;
            a.spMax = std::max(a.spMax, r.speedup);
        }
    }
    for (const StepMetrics& m : metrics)
        if (m.valid && m.step >= 0)
            steps[m.step].metrics = &m;

    StepSeries s;
    for (const auto& [step, a] : steps) {
        s.step.push_back(double(step));
        s.count.push_back(a.n);
        double mean = a.rewardN > 0 ? a.rewardSum / a.rewardN : nan;
        double sd = a.rewardN > 0 ? std::sqrt(std::max(0.0, a.rewardSq / a.rewardN - mean * mean)) : nan;
        if (a.metrics && !std::isnan(a.metrics->rewardMean)) {
            mean = a.metrics->rewardMean;
            sd = std::isnan(a.metrics->rewardStd) ? 0 : a.metrics->rewardStd;
        }
        s.rewardMean.push_back(mean);
        s.rewardStd.push_back(sd);
        const double v = a.valid;
        s.compileRate.push_back(v > 0 ? a.compiled / v : nan);
        s.correctRate.push_back(v > 0 ? a.correct / v : nan);
        s.cheatRate.push_back(v > 0 ? a.cheated / v : nan);
        s.errorRate.push_back(v > 0 ? a.errors / v : nan);
        s.speedupMean.push_back(a.spN > 0 ? a.spSum / a.spN : nan);
        s.speedupMax.push_back(a.spN > 0 ? a.spMax : nan);
        s.evalTimeS.push_back(a.metrics ? a.metrics->modalEvalMean : nan);
    }
    return s;
}

} // namespace kw::ui
