#pragma once

#include "core/model/EvalResult.h"
#include "core/model/HistoryStore.h"

#include <cstdint>
#include <random>
#include <vector>

namespace kw::ui {

// Generated, plausible evaluations for --demo screenshots, tests and benchmarks: a training
// run whose kernels get better over three days, batches, submissions and Modal results, with
// every status, realistic errors, runtimes, flags and costs, baselines and speed of light
// (DemoPerformance). Deterministic for a seed.
class DemoData
{
public:
    // `count` results spread over the `spanS` seconds before `endTime`, oldest first.
    static std::vector<EvalResult> results(int count, std::uint32_t seed = 7, double endTime = 0,
                                           double spanS = 3 * 86400.0);
    // Fills a store (chunked transactions) with results(), the CPU sample and the H100 swish
    // sample (DemoPerformance::swishSample); returns how many were added.
    static std::size_t fill(HistoryStore& store, int count, std::uint32_t seed = 7);
    // Light rows straight away (benchmarks): rowIds first..first+count-1.
    static std::vector<HistoryRow> rows(std::int64_t firstRowId, int count, std::mt19937& rng,
                                        double startTime, double secondsPerRow);
    // The sample from resources/samples evaluated on the CPU (what one click on Submit gives).
    static EvalResult sampleResult(double when);
};

} // namespace kw::ui
