#pragma once

#include <cstdint>
#include <limits>

namespace kw::ui {

// What the training charts read of one metrics.jsonl line (core MetricsRecord): the step and the
// trainer's own numbers; NaN where the line lacks them.
struct StepMetrics
{
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

    std::int64_t step = -1;
    bool valid = false;
    double rewardMean = kNone, rewardStd = kNone;
    double modalEvalMean = kNone; // time/modal_eval_mean (seconds)
};

} // namespace kw::ui
