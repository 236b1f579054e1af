#pragma once

#include "core/model/EvalStatus.h"

#include <nlohmann/json_fwd.hpp>

#include <string_view>

namespace kw {

// What a result dict without a "status" (kernel_rl's own evaluator, KernelBench, kernel_rl's
// Modal client) says about its verdict. Only the exact signals those programs write are read:
// the booleans, error_message, metadata.exception_type (Modal's error class, e.g.
// "FunctionTimeoutError") and whether metadata has runtime_error / runtime_error_name (KernelBench
// records a fault during the run there; its message has no class name).
struct LegacyStatusSignals
{
    bool compiled = false;
    bool correctness = false;
    bool cheated = false;
    std::string_view errorMessage;  // decoded or raw JSON string content: only ASCII is looked for
    std::string_view exceptionType; // metadata.exception_type
    bool runtimeError = false;      // metadata.runtime_error or runtime_error_name present
};

// The one place the verdict of a status-less result is decided (trace lines, stored or imported
// JSON, the local evaluator's status-less documents). Order matters: a Modal function timeout is
// reported with compiled:false, so it is decided before compilation; kernel_rl's wrappers of
// failures outside the kernel ("Modal evaluation failed: …", "Modal execution failed: …",
// "Evaluation returned None (lock file error)", "Failed to load reference code: …") are the
// infrastructure's, not the kernel's.
EvalStatus deriveLegacyStatus(const LegacyStatusSignals& s);

// The same, read from a result dict's members (error_message, metadata, the booleans).
EvalStatus deriveLegacyStatus(const nlohmann::json& result);

} // namespace kw
