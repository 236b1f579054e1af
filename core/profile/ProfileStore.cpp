#include "core/profile/ProfileStore.h"

#include "core/base/AtomicFile.h"
#include "core/base/Paths.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace kw::profile {

ProfileStore::ProfileStore(std::string root) : m_root(std::move(root)) {}

std::string ProfileStore::defaultRoot()
{
    return paths::dataDir() + "/profiles";
}

std::string ProfileStore::dirFor(const std::string& resultId) const
{
    if (resultId.empty() || resultId == "." || resultId == ".." || resultId.size() > 200)
        return {};
    for (char c : resultId) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '_' || c == '-';
        if (!ok)
            return {};
    }
    return m_root + "/" + resultId;
}

std::string ProfileStore::save(const ProfileReport& report) const
{
    const std::string dir = dirFor(report.resultId);
    if (dir.empty())
        return "the result id '" + report.resultId + "' cannot name a profile folder";
    return saveIn(dir, report);
}

std::string ProfileStore::saveIn(const std::string& dir, const ProfileReport& report)
{
    if (!paths::makeDirs(dir))
        return "cannot create " + dir + ": check that the folder is writable";
    return writeFileAtomically(dir + "/profile.json", toJson(report).dump(2) + "\n");
}

std::optional<ProfileReport> ProfileStore::load(const std::string& resultId) const
{
    const std::string dir = dirFor(resultId);
    if (dir.empty())
        return std::nullopt;
    std::string text;
    if (!readWholeFile(dir + "/profile.json", text).empty())
        return std::nullopt;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded())
        return std::nullopt;
    ProfileReport r = profileReportFromJson(j);
    // A profile folder copied from another machine (taken on a GPU server, read on a laptop) keeps
    // that machine's report path: the report beside profile.json is the one to open.
    std::error_code ec;
    const std::string here = dir + "/report.ncu-rep";
    if (!r.reportPath.empty() && !std::filesystem::exists(r.reportPath, ec) &&
        std::filesystem::exists(here, ec))
        r.reportPath = here;
    return r;
}

} // namespace kw::profile
