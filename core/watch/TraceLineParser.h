#pragma once

#include "core/watch/TraceRecord.h"

#include <cstdint>
#include <string_view>

namespace kw {

// Byte ranges inside the line that parseTraceLine read (valid while the line's bytes are).
struct TraceLineSpans
{
    std::string_view evalResult;      // the eval_result object, raw JSON
    std::string_view rewardBreakdown; // the reward_breakdown object, raw JSON
    std::string_view errorMessage;    // eval_result.error_message, undecoded string content
    std::size_t recordStart = 0;      // > 0 when a truncated fragment before the record was skipped
    bool trailingData = false;        // bytes after the record's closing brace (ignored)
};

// Pure parser of one traces.jsonl line in kernel_rl's shape (see design.md, "The training run
// that users watch"): a top-level object with mode, level, problem_id, backend, turn, max_turns,
// timestamp, reward, reward_breakdown, eval_result, response.format_ok, state, ... Only these
// summary fields are read; prompt_messages, response text, history and every other member are
// skipped without being decoded or copied.
//
// The caller sets rec.offset (byte offset of the line) and rec.lineNo first; everything else is
// reset and filled from the line, including rec.issue (also returned), rec.length and rec.idHash.
// Status: eval_result.status when present (kernelwatch's evaluator), else deriveLegacyStatus
// (LegacyStatus.h) from the signals kernel_rl writes. Step: only a field of the line (step, batch, batch_idx,
// metrics.step) is used here; other records keep step -1 for StepMapper. Never throws; any input is safe
// (fuzzed).
TraceIssue parseTraceLine(std::string_view line, TraceRecord& rec, TraceLineSpans* spans = nullptr);

// The stable content hash of a line at an offset: a 64-bit hash of offset, length, the first and the
// last 256 bytes. The same line at the same place hashes the same in every process and session.
std::uint64_t traceLineHash(std::uint64_t offset, std::string_view line);
// For a line too long to hold: offset and length only.
std::uint64_t traceLineHash(std::uint64_t offset, std::uint64_t length);

} // namespace kw
