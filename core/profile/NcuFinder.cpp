#include "core/profile/NcuFinder.h"

#include "core/base/ExecutableSearch.h"

#include <algorithm>
#include <filesystem>

namespace kw::profile {
namespace {

std::vector<std::string> pathDirs(const childenv::Env& env)
{
    return searchPathDirs(childenv::get(env, "PATH").value_or(""));
}

} // namespace

std::string NcuLocation::message() const
{
    if (!path.empty())
        return {};
    std::string where;
    for (const auto& t : tried)
        where += (where.empty() ? "" : ", ") + t;
    return "Nsight Compute (ncu) was not found (looked in: " + where +
           "). Install it (it comes with the CUDA toolkit, or as the nsight-compute package), then put "
           "it on PATH, set CUDA_HOME, or give its path (kernelwatch-cli profile --ncu PATH, "
           "KERNELWATCH_NCU, or Settings).";
}

NcuLocation findNcu(const std::string& overridePath, const childenv::Env& env)
{
    NcuLocation loc;
    std::vector<std::string> seen; // CUDA_HOME is often /usr/local/cuda: name each path once
    auto tryPath = [&](const std::string& p, const std::string& label) {
        if (std::find(seen.begin(), seen.end(), p) != seen.end())
            return false;
        seen.push_back(p);
        loc.tried.push_back(label.empty() ? p : label + " " + p);
        if (isExecutableFile(p))
            loc.path = p;
        return !loc.path.empty();
    };
    if (!overridePath.empty()) {
        tryPath(overridePath, "the configured path");
        return loc;
    }
    if (auto v = childenv::get(env, "KERNELWATCH_NCU"); v && !v->empty()) {
        tryPath(*v, "KERNELWATCH_NCU=");
        return loc;
    }
    for (const auto& dir : pathDirs(env))
        if (isExecutableFile(dir + "/ncu")) {
            loc.path = dir + "/ncu";
            return loc;
        }
    loc.tried.push_back("PATH");
    for (const char* var : {"CUDA_HOME", "CUDA_PATH"})
        if (auto v = childenv::get(env, var);
            v && !v->empty() && tryPath(*v + "/bin/ncu", std::string(var) + ":"))
            return loc;
    tryPath("/usr/local/cuda/bin/ncu", "");
    return loc;
}

std::string findNcuUi(const std::string& ncuPath, const childenv::Env& env)
{
    if (!ncuPath.empty()) {
        const std::string beside = std::filesystem::path(ncuPath).parent_path().string() + "/ncu-ui";
        if (isExecutableFile(beside))
            return beside;
    }
    for (const auto& dir : pathDirs(env))
        if (isExecutableFile(dir + "/ncu-ui"))
            return dir + "/ncu-ui";
    return {};
}

} // namespace kw::profile
