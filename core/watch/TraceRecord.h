#pragma once

#include "core/model/EvalStatus.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace kw {

// Why a traces.jsonl line could not be read as an evaluation. Lines with an issue other than
// None/Recovered are kept in the index as "unknown" rows, counted, and never stored as results.
enum class TraceIssue : std::uint8_t
{
    None,
    Recovered,     // valid record after a fragment of a truncated line (the fragment is counted)
    Truncated,     // the text ends inside the object (a crash mid-write, a cut file)
    InvalidJson,   // syntax error
    NotObject,     // valid JSON, but not an object
    Binary,        // NUL bytes: not text at all
    TooLong,       // longer than the configured limit; skipped without being read into memory
    MissingFields, // an object without eval_result
};

std::string_view traceIssueName(TraceIssue i);   // "truncated", "invalid_json", ...
std::string_view traceIssueReason(TraceIssue i); // one readable phrase for summaries

// Where a record's step number came from (kernel_rl's trace lines carry no step; see StepMapper).
enum class StepSource : std::uint8_t
{
    None,        // unknown (-1)
    Line,        // a field of the line itself (step, batch, batch_idx, metrics.step)
    Metrics,     // metrics.jsonl step boundaries, by the line's timestamp
    Arrival,     // live: after the last metrics line seen, the step in progress
    Assumed,     // nothing written yet that ends a step: the first step (0, or where a resume starts)
    Tensorboard, // TensorBoard event times: exact step ends per process, restarts included
    Checkpoint,  // live: a checkpoints.jsonl line says which step runs now (a resume re-writes its start)
    Estimated, // after the fact without TensorBoard: metrics step durations and trace pauses (±1 step near a
               // boundary)
};

// Whether a step is known exactly (a field of the line, TensorBoard event times) rather than
// estimated or taken from when files were seen changing.
bool stepIsExact(StepSource s);

std::string_view stepSourceName(StepSource s);

// kernel_rl's reward_breakdown; NaN where the key was absent.
struct RewardBreakdown
{
    float format = NAN, compile = NAN, correctness = NAN, speed = NAN, length = NAN, thinking = NAN,
          total = NAN;
};

// The compact summary of one traces.jsonl line: what a table row and a chart point need, plus
// where the line lives so that prompts, responses and code can be loaded only when a row is
// opened (loadTraceDetails). Strings are interned views (StringInterner). ~170 bytes.
struct TraceRecord
{
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

    std::uint64_t offset = 0;   // byte offset of the line in traces.jsonl
    std::uint64_t idHash = 0;   // stable content hash (offset, length, first and last bytes)
    double timestamp = kNone;   // unix seconds ("timestamp")
    double reward = kNone;      // "reward"
    double speedup = kNone;     // eval_result.speedup; NaN when null/NaN/absent
    double runtimeMs = kNone;   // eval_result.runtime_ms
    double baselineMs = kNone;  // eval_result.baseline_runtime_ms
    std::string_view problemId; // "problem_id" as text (kernel_rl writes an integer)
    std::string_view backend;   // "backend"
    std::string_view mode;      // "mode"
    RewardBreakdown breakdown;
    std::uint32_t length = 0; // bytes, newline excluded (saturates at 4 GiB)
    std::uint32_t lineNo = 0; // 0-based line number in the file
    std::int32_t step = -1;
    std::int16_t turn = -1, maxTurns = -1, level = -1;
    std::int16_t testsPassed = -1, testsTotal = -1;
    EvalStatus status = EvalStatus::Unknown;
    TraceIssue issue = TraceIssue::None;
    StepSource stepSource = StepSource::None;
    bool formatOk = false, compiled = false, correctness = false, cheated = false;
    bool hasEvalResult = false, done = false, success = false;

    bool valid() const { return issue == TraceIssue::None || issue == TraceIssue::Recovered; }
    bool hasSpeedup() const { return !std::isnan(speedup); }
    // "level<L>/<problem_id>" ("level?/…" when a part is missing).
    std::string problem() const;
};

} // namespace kw
