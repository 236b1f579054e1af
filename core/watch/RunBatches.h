#pragma once

#include "core/model/EvalResult.h"
#include "core/watch/MetricsRecord.h"
#include "core/watch/TraceRecord.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kw {

enum class RunFile
{
    Traces,
    Metrics
};

// New rows of one run's index, in file order (rows with an issue are the "unknown" rows).
struct TraceBatch
{
    std::string run;
    std::size_t firstIndex = 0; // index of records.front() in the run's index
    std::vector<TraceRecord> records;
};

// EvalResults of valid rows, already added to the history store when there is one.
struct ResultBatch
{
    std::string run;
    std::vector<EvalResult> results;
    std::vector<std::size_t> indices; // each result's row in the run's index
    std::size_t newInStore = 0;       // how many the store did not have yet
};

struct MetricsBatch
{
    std::string run;
    std::size_t firstIndex = 0;
    std::vector<MetricsRecord> records; // valid lines only
};

struct RunWatchStats
{
    std::uint64_t traceLines = 0; // non-blank lines (and overlong ones) seen
    std::uint64_t records = 0;    // of those, read as evaluations
    std::uint64_t blankLines = 0;
    std::map<std::string, std::uint64_t> skipped; // reason -> lines (or notes) not read as evaluations
    std::uint64_t metricsLines = 0, metricsRecords = 0;
    std::map<std::string, std::uint64_t> metricsSkipped;
    std::uint64_t bytesRead = 0;
    std::uint64_t resultsBuilt = 0, resultsNew = 0, storeErrors = 0;
    std::uint64_t resets = 0;
    std::uint64_t pendingBytes = 0; // a partial last line waiting for its newline
    double lastLineAt = 0;          // unix seconds when the last new trace line was read

    std::uint64_t skippedTotal() const
    {
        std::uint64_t n = 0;
        for (const auto& [reason, count] : skipped)
            n += count;
        return n;
    }
};

} // namespace kw
