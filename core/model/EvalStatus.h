#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kw {

// The verdict of one evaluation. `Rejected` means an integrity check caught the kernel.
enum class EvalStatus
{
    Correct,
    Incorrect,
    CompileError,
    RuntimeError,
    Timeout,
    Crashed,
    Rejected,
    InfraError,
    Unknown, // observed records whose status could not be read
};

std::string_view statusName(EvalStatus s);
std::optional<EvalStatus> parseEvalStatus(std::string_view s);

} // namespace kw
