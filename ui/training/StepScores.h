#pragma once

#include <QString>
#include <QVector>

namespace kw::ui {

class HistoryModel;

// fast_1, fast_2 (percent of the step's results) and the geometric-mean speedup per training
// step, against eager PyTorch, from the run's results in the history (where the speedup
// intervals are; the trace rows carry only the point speedup). Empty when the run's results
// were not recorded there.
struct StepScores
{
    QVector<double> step, fast0, fast1, fast2, geomean; // geomean NaN when no correct result has a speedup
    // Whether any correct result of the run has a speedup interval: without one fast_1/2 are
    // unknown (kernel_rl's own evaluator reports none), not 0 %, and are not drawn.
    bool intervals = false;

    static StepScores build(const HistoryModel& history, const QString& run);
};

} // namespace kw::ui
