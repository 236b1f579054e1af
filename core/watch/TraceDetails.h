#pragma once

#include "core/model/EvalResult.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace kw {

struct PromptMessage
{
    std::string role;
    std::string content; // list-of-parts content is joined (text parts only)
};

// Everything a details view shows for one trace line: the parts that the index deliberately does
// not keep (prompt messages, the model's thought and kernel) and the full result objects.
struct TraceDetails
{
    bool ok = false;
    std::string error; // why nothing could be shown (file changed, line unreadable, too long)

    std::vector<PromptMessage> promptMessages;
    std::string thought, kernel, raw; // response.thought / .kernel / .raw
    bool formatOk = true;             // response.format_ok
    nlohmann::json evalResultJson;    // eval_result as written (NaN -> null)
    EvalResult evalResult;            // resultFromJson(evalResultJson)
    nlohmann::json rewardBreakdown = nlohmann::json::object();
    nlohmann::json metrics = nlohmann::json::object();
    nlohmann::json state = nlohmann::json::object();
    nlohmann::json historyEntry;
    nlohmann::json stopCondition;
    std::string renderer;
};

// Pure: reads the details out of one trace line (Python's NaN/Infinity and invalid UTF-8 are
// tolerated). Never throws.
TraceDetails parseTraceDetails(std::string_view line);

// Re-reads the line at `offset` (`length` bytes, as indexed) from `tracesPath` and parses it.
// With expectedHash != 0 the line must still hash the same (traceLineHash), so a file that was
// rewritten since it was indexed gives an error instead of another line's details. Lines longer
// than maxBytes are refused. Never throws.
TraceDetails loadTraceDetails(const std::string& tracesPath, std::uint64_t offset, std::uint64_t length,
                              std::uint64_t expectedHash = 0, std::uint64_t maxBytes = 16u << 20);

} // namespace kw
