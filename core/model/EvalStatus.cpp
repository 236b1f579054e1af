#include "core/model/EvalStatus.h"

#include <array>
#include <utility>

namespace kw {

namespace {
constexpr std::array<std::pair<EvalStatus, std::string_view>, 9> kNames{{
    {EvalStatus::Correct, "correct"},
    {EvalStatus::Incorrect, "incorrect"},
    {EvalStatus::CompileError, "compile_error"},
    {EvalStatus::RuntimeError, "runtime_error"},
    {EvalStatus::Timeout, "timeout"},
    {EvalStatus::Crashed, "crashed"},
    {EvalStatus::Rejected, "rejected"},
    {EvalStatus::InfraError, "infra_error"},
    {EvalStatus::Unknown, "unknown"},
}};
}

std::string_view statusName(EvalStatus s)
{
    for (const auto& [v, n] : kNames)
        if (v == s)
            return n;
    return "unknown";
}

std::optional<EvalStatus> parseEvalStatus(std::string_view s)
{
    for (const auto& [v, n] : kNames)
        if (n == s)
            return v;
    return std::nullopt;
}

} // namespace kw
