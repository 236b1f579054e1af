#include "core/model/LegacyStatus.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace kw {

namespace {

bool containsNoCase(std::string_view hay, std::string_view needle)
{
    if (needle.size() > hay.size())
        return false;
    const auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    return it != hay.end();
}

std::string_view trimmedFront(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    return s;
}

bool isModalTimeout(const LegacyStatusSignals& s)
{
    // Modal: "Task's current input in-… hit its timeout of 60s" (FunctionTimeoutError).
    return s.exceptionType == "FunctionTimeoutError" ||
           s.exceptionType == "modal.exception.FunctionTimeoutError" ||
           s.errorMessage.find("hit its timeout") != std::string_view::npos;
}

bool isInfrastructureFailure(std::string_view message)
{
    static constexpr std::array<std::string_view, 4> kPrefixes = {
        "Modal evaluation failed", "Modal execution failed", "Evaluation returned None",
        "Failed to load reference code"};
    const std::string_view m = trimmedFront(message);
    return std::any_of(kPrefixes.begin(), kPrefixes.end(),
                       [&](std::string_view p) { return m.substr(0, p.size()) == p; });
}

} // namespace

EvalStatus deriveLegacyStatus(const LegacyStatusSignals& s)
{
    if (s.cheated)
        return EvalStatus::Rejected;
    if (isModalTimeout(s))
        return EvalStatus::Timeout;
    if (isInfrastructureFailure(s.errorMessage))
        return EvalStatus::InfraError;
    if (!s.compiled)
        return EvalStatus::CompileError;
    if (s.correctness)
        return EvalStatus::Correct;
    if (s.runtimeError)
        return EvalStatus::RuntimeError;
    if (containsNoCase(s.errorMessage, "timeout") || containsNoCase(s.errorMessage, "timed out"))
        return EvalStatus::Timeout;
    if (s.errorMessage.find("Error") != std::string_view::npos ||
        s.errorMessage.find("Exception") != std::string_view::npos)
        return EvalStatus::RuntimeError;
    return EvalStatus::Incorrect;
}

EvalStatus deriveLegacyStatus(const nlohmann::json& j)
{
    auto flag = [&](const char* key) {
        const auto it = j.find(key);
        if (it == j.end())
            return false;
        if (it->is_boolean())
            return it->get<bool>();
        if (it->is_number())
            return it->get<double>() != 0;
        return false;
    };
    LegacyStatusSignals s;
    s.compiled = flag("compiled");
    s.correctness = flag("correctness");
    s.cheated = flag("cheated");
    if (const auto it = j.find("error_message"); it != j.end() && it->is_string())
        s.errorMessage = it->get_ref<const std::string&>();
    if (const auto md = j.find("metadata"); md != j.end() && md->is_object()) {
        if (const auto et = md->find("exception_type"); et != md->end() && et->is_string())
            s.exceptionType = et->get_ref<const std::string&>();
        for (const char* key : {"runtime_error", "runtime_error_name"})
            if (const auto it = md->find(key); it != md->end() && !it->is_null())
                s.runtimeError = true;
    }
    return deriveLegacyStatus(s);
}

} // namespace kw
