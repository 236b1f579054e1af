#pragma once

// Trace lines for the traces.jsonl parser tests (tst_trace_parser, tst_trace_bad_input,
// tst_trace_results): a file's lines, one line parsed at an offset, a good multi-turn line, a
// context. Header-only.
#include "core/watch/TraceLineParser.h"
#include "core/watch/TraceResultBuilder.h"

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace kwtest {

using namespace kw;

// Lines of a file, without their newlines.
inline std::vector<std::string> readLines(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::vector<std::string> lines;
    std::string l;
    while (std::getline(in, l))
        lines.push_back(l);
    return lines;
}

inline TraceRecord parse(std::string_view line, TraceLineSpans* spans = nullptr, std::uint64_t offset = 0)
{
    TraceRecord r;
    r.offset = offset;
    parseTraceLine(line, r, spans);
    return r;
}

inline const std::string kGood =
    "{\"mode\": \"multi_turn\", \"level\": 1, \"problem_id\": 19, \"backend\": \"triton\", \"turn\": 2, "
    "\"max_turns\": 4, "
    "\"prompt_messages\": [{\"role\": \"system\", \"content\": \"be \\\"fast\\\"\"}, "
    "{\"role\": \"user\", \"content\": \"x\"}], "
    "\"response\": {\"raw\": \"r\", \"thought\": \"t\", \"kernel\": \"k\", \"format_ok\": true}, "
    "\"eval_result\": {\"format_ok\": true, \"compiled\": true, \"correctness\": true, \"tests_passed\": 5, "
    "\"tests_total\": 5, "
    "\"speedup\": 1.5, \"runtime_ms\": 2.0, \"baseline_runtime_ms\": 3.0, \"cheated\": false, "
    "\"error_message\": null, "
    "\"code_length\": 10, \"metadata\": {\"hardware\": \"H100\"}}, \"reward\": 1.3, "
    "\"reward_breakdown\": {\"reward_format\": 0.1, \"reward_compile\": 0.2, \"reward_correctness\": 1.0, "
    "\"reward_speed\": 0.0, \"reward_length\": 0.0, \"reward_thinking\": 0.0, \"reward_total\": 1.3}, "
    "\"metrics\": {\"turn\": 2}, \"state\": {\"turn_idx\": 3, \"done\": true, \"success\": true, "
    "\"step_scores\": [1.3]}, "
    "\"history_entry\": {\"turn\": 2}, \"timestamp\": 1764000001.5, \"stop_condition\": [\"<|im_end|>\"]}";

inline TraceContext ctx(const std::string& run, const std::string& path)
{
    TraceContext c;
    c.run = run;
    c.tracesPath = path;
    return c;
}

inline std::string withEval(const std::string& eval)
{
    return "{\"mode\": \"m\", \"level\": 2, \"problem_id\": \"7_x\", \"turn\": 0, \"eval_result\": " + eval +
           "}";
}

} // namespace kwtest
