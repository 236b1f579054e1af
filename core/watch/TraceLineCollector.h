#pragma once

#include "core/base/FileTailer.h"
#include "core/model/EvalResult.h"
#include "core/watch/StepMapper.h"
#include "core/watch/TraceRecord.h"
#include "core/watch/TraceResultBuilder.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kw {

// The traces.jsonl side of a RunDirWatcher poll: parses each line the tailer delivers into a
// TraceRecord (rows with issues included), and when live gives it a step and builds its
// EvalResult while the line's bytes are at hand. Collects one batch per poll; the watcher takes it.
class TraceLineCollector : public FileTailer::Sink
{
public:
    TraceLineCollector(const StepMapper& steps, const TraceContext& ctx) : m_steps(steps), m_ctx(ctx) {}

    void onLine(std::uint64_t offset, std::uint32_t lineNo, std::string_view line) override;
    void onOverlongLine(std::uint64_t offset, std::uint32_t lineNo, std::uint64_t length) override;
    void onReset(TailReset why) override;
    void clear(); // the batch (not the resets)

    bool live = false; // steps from StepMapper, results built
    bool buildResults = true;
    std::vector<TraceRecord> records;
    std::vector<EvalResult> results;
    std::vector<std::size_t> resultRows;        // each result's index in `records`
    std::map<std::string, std::uint64_t> notes; // reason -> count
    std::uint64_t blank = 0;
    std::vector<TailReset> resets;

private:
    const StepMapper& m_steps;
    const TraceContext& m_ctx;
};

} // namespace kw
