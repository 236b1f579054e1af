#pragma once

#include "core/model/Scores.h"
#include "ui/charts/ChartData.h"

#include <QString>

#include <functional>
#include <vector>

namespace kw::ui {

// Scores of one group of results (a filter, a run, a time bucket, a training step) against
// eager PyTorch and against torch.compile.
struct ScoreGroup
{
    QString label;
    double key = 0;               // what the group is ordered by (bucket start, step, run index)
    SpeedupScores eager, compile; // compile.measured: correct results with a compile speedup
};

// fast_0/1/2 and the geometric-mean speedup over chart points, counted by core's ScoreCounter (as
// kw::scoreRows counts them) from the verdicts the points keep as bits (kw::significance, per
// baseline and p) instead of the intervals. Pure; safe on any thread.
class ScoreData
{
public:
    static ScoreGroup score(const std::vector<ChartPoint>& points, const QString& label = {});
    // One group per distinct key, ordered by key; `key` returns NaN to leave a point out.
    static std::vector<ScoreGroup> grouped(const std::vector<ChartPoint>& points,
                                           const std::function<double(const ChartPoint&)>& key,
                                           const std::function<QString(double)>& label);
    // "fast₁ 12.5 %" style summary: "fast_0 62.5 % · fast_1 12.5 % · fast_2 0.0 % · geomean 1.08×"
    static QString describe(const SpeedupScores& s);
};

} // namespace kw::ui
