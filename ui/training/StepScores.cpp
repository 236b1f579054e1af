#include "ui/training/StepScores.h"

#include "ui/charts/ScoreData.h"
#include "ui/models/HistoryModel.h"

#include <cmath>
#include <limits>

namespace kw::ui {

StepScores StepScores::build(const HistoryModel& history, const QString& run)
{
    StepScores out;
    const auto runIndex = history.pool(HistoryModel::FRun).find(run);
    if (!runIndex || *runIndex == 0)
        return out;
    std::vector<ChartPoint> points;
    for (const CompactRow& r : history.rows())
        if (r.run == *runIndex && r.step >= 0)
            points.push_back(ChartData::point(r, r.speedup, static_cast<WinVerdict>(r.win)));
    for (const ChartPoint& p : points) {
        CompactRow r;
        r.wins = p.wins;
        if (static_cast<EvalStatus>(p.status) == EvalStatus::Correct &&
            r.verdict(Baseline::Eager, 0) != WinVerdict::Unknown)
            out.intervals = true;
    }
    const auto groups = ScoreData::grouped(
        points, [](const ChartPoint& p) { return double(p.step); }, [](double) { return QString(); });
    for (const ScoreGroup& g : groups) {
        out.step.push_back(g.key);
        out.fast0.push_back(100 * g.eager.fastShare(0));
        out.fast1.push_back(100 * g.eager.fastShare(1));
        out.fast2.push_back(100 * g.eager.fastShare(2));
        out.geomean.push_back(g.eager.geomeanSpeedup ? *g.eager.geomeanSpeedup
                                                     : std::numeric_limits<double>::quiet_NaN());
    }
    return out;
}

} // namespace kw::ui
