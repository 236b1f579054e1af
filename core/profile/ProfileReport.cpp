#include "core/profile/ProfileReport.h"

#include <nlohmann/json.hpp>

#include <array>
#include <utility>

namespace kw::profile {
namespace {

constexpr std::array<std::pair<ProfileError, std::string_view>, 9> kNames{{
    {ProfileError::None, "none"},
    {ProfileError::BadInput, "bad_input"},
    {ProfileError::NcuMissing, "ncu_missing"},
    {ProfileError::CountersNotPermitted, "counters_not_permitted"},
    {ProfileError::NoGpu, "no_gpu"},
    {ProfileError::ProgramFailed, "program_failed"},
    {ProfileError::NoKernels, "no_kernels"},
    {ProfileError::Timeout, "timeout"},
    {ProfileError::Unreadable, "unreadable"},
}};

std::string str(const nlohmann::json& j, const char* key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double num(const nlohmann::json& j, const char* key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

} // namespace

std::string_view errorName(ProfileError e)
{
    for (const auto& [k, v] : kNames)
        if (k == e)
            return v;
    return "unknown";
}

ProfileError errorFromName(std::string_view name)
{
    for (const auto& [k, v] : kNames)
        if (v == name)
            return k;
    return ProfileError::Unreadable;
}

nlohmann::json toJson(const ProfileReport& r)
{
    nlohmann::json launches = nlohmann::json::array(), kernels = nlohmann::json::array();
    for (const auto& l : r.launches)
        launches.push_back(toJson(l));
    for (const auto& k : r.kernels())
        kernels.push_back(toJson(k));
    return {{"result_id", r.resultId},
            {"problem", r.problem},
            {"device", r.device},
            {"backend", r.backend},
            {"ncu", r.ncuPath},
            {"ncu_version", r.ncuVersion},
            {"report_path", r.reportPath},
            {"command", r.command},
            {"created_at", r.createdAt},
            {"wall_s", r.wallS},
            {"ok", r.ok()},
            {"error", r.ok() ? "" : std::string(errorName(r.error))},
            {"error_message", r.errorMessage},
            {"kernels", std::move(kernels)},
            {"launches", std::move(launches)},
            {"log_tail", r.log}};
}

ProfileReport profileReportFromJson(const nlohmann::json& j)
{
    ProfileReport r;
    if (!j.is_object())
        return r;
    r.resultId = str(j, "result_id");
    r.problem = str(j, "problem");
    r.device = str(j, "device");
    r.backend = str(j, "backend");
    r.ncuPath = str(j, "ncu");
    r.ncuVersion = str(j, "ncu_version");
    r.reportPath = str(j, "report_path");
    if (auto it = j.find("command"); it != j.end() && it->is_array())
        for (const auto& a : *it)
            if (a.is_string())
                r.command.push_back(a.get<std::string>());
    r.createdAt = num(j, "created_at");
    r.wallS = num(j, "wall_s");
    const std::string err = str(j, "error");
    r.error = err.empty() ? ProfileError::None : errorFromName(err);
    r.errorMessage = str(j, "error_message");
    r.log = str(j, "log_tail");
    if (auto it = j.find("launches"); it != j.end() && it->is_array())
        for (const auto& l : *it)
            r.launches.push_back(kernelProfileFromJson(l));
    return r;
}

} // namespace kw::profile
