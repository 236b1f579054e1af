#pragma once

#include "ui/training/StepMetrics.h"
#include "ui/training/TraceRow.h"

#include <QVector>

#include <vector>

namespace kw::ui {

// Per-step aggregates of one run for the training charts. Pure: rates, speedups and the reward
// come from the trace rows (those with a step); metrics.jsonl, where it has a step, gives the
// reward mean/std (the trainer's own numbers) and the evaluation time.
struct StepSeries
{
    QVector<double> step;
    QVector<double> rewardMean, rewardStd;
    QVector<double> compileRate, correctRate, cheatRate, errorRate; // 0..1 of valid rows
    QVector<double> speedupMean, speedupMax;                        // NaN when no row has one
    QVector<double> evalTimeS;                                      // NaN without metrics
    QVector<double> count;

    static StepSeries build(const std::vector<TraceRow>& rows, const std::vector<StepMetrics>& metrics);
};

} // namespace kw::ui
