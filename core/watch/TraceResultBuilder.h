#pragma once

#include "core/model/EvalResult.h"
#include "core/watch/TraceLineParser.h"
#include "core/watch/TraceRecord.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace kw {

// What a trace line does not say about itself: which run, which file, where it was evaluated.
struct TraceContext
{
    std::string run;              // the run's name (its directory's name)
    std::string tracesPath;       // traces.jsonl, for loading details later
    std::string target = "local"; // "local" or "modal" (config.json dataset_builder.use_modal)
    std::string gpuType;          // dataset_builder.modal_gpu_type, when on Modal
    double timeoutS = -1;         // the run's modal_timeout (request.timeout_s), -1: unknown
    int numCorrectTrials = -1;    // the run's num_correct_trials, -1: unknown
    int measurePerformance = -1;  // the run's measure_performance (0/1), -1: unknown
};

// "run-" + 16 hex digits from the run's name and the line's content hash: the same evaluation
// seen again (a restart, a second watcher) gets the same id, so the store keeps it once.
std::string traceResultId(std::string_view run, std::uint64_t idHash);

// The EvalResult of one trace line: eval_result read leniently (resultFromJson; NaN speedups
// become empty; if the object does not parse, the record's summary fields are used), with
// source "run", run, step, turn, problem "level<L>/<problem_id>" and backend in `request`, the
// record's status, and in `metadata`: reward, reward_breakdown, mode, level, problem_id,
// max_turns, step_source and trace {path, offset, length, line} (where prompts and code live).
// No code is copied: the result points at its line instead. Pure; never throws.
EvalResult buildTraceResult(const TraceRecord& rec, const TraceLineSpans& spans, const TraceContext& ctx);

} // namespace kw
