#pragma once

#include "core/model/EvalResult.h"
#include "core/watch/RunBatches.h"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace kw {

// What a watch saw, for the end-of-watch summary: evaluations by status, lines skipped and why,
// the best correct speedup per problem (never one whose timing was judged noisy or unreliable,
// nor one flagged faster_than_light). Pure accumulation; not thread-safe.
class WatchSummary
{
public:
    struct Best
    {
        double speedup = 0;
        std::string run, id;
        int step = -1, turn = -1;
    };

    void addResult(const EvalResult& r);
    // The latest statistics of one run (replaces earlier ones for that run).
    void setRunStats(const std::string& run, const RunWatchStats& stats);

    std::uint64_t results() const { return m_results; }
    const std::map<std::string, std::uint64_t>& statuses() const { return m_statuses; }
    const std::map<std::string, Best>& bestSpeedups() const { return m_best; }
    std::uint64_t skippedLines() const;

    nlohmann::json toJson() const;
    std::string toText() const;

private:
    std::uint64_t m_results = 0;
    std::map<std::string, std::uint64_t> m_statuses;
    std::map<std::string, Best> m_best; // by problem
    std::map<std::string, RunWatchStats> m_runs;
};

} // namespace kw
