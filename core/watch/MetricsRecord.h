#pragma once

#include "core/watch/TraceRecord.h"

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace kw {

struct MetricValue
{
    std::string_view key; // interned
    double value;
};

// One metrics.jsonl line (tinker_cookbook's JSON logger: {"step": N, "reward/mean": ...}).
// The keys that charts and step boundaries use have fields (NaN when absent); every numeric key,
// those included, is kept in `values` in line order.
struct MetricsRecord
{
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

    std::uint64_t offset = 0;
    std::uint32_t lineNo = 0;
    std::int64_t step = -1;
    TraceIssue issue = TraceIssue::None;

    double rewardMean = kNone, rewardStd = kNone, rewardMin = kNone, rewardMax = kNone;
    double formatRate = kNone, compileRate = kNone, correctRate = kNone, cheatRate = kNone;
    double modalEvalMean = kNone, modalEvalMax = kNone;     // time/modal_eval_mean|max
    double bestSpeedupMean = kNone, bestSpeedupMax = kNone; // multiturn/best_speedup_mean|max
    double timeTotal = kNone, timeRollout = kNone;          // time/total, time/rollout (seconds)
    double wallTime = kNone; // timestamp | time | _timestamp | wall_time, when the writer adds one

    std::vector<MetricValue> values;

    bool valid() const { return issue == TraceIssue::None; }
    // NaN when the key is absent.
    double value(std::string_view key) const;
};

} // namespace kw
