#pragma once

#include "core/profile/ProfileReport.h"

#include <optional>
#include <string>

namespace kw::profile {

// Profiles kept beside the history store, one folder per evaluation:
// ROOT/<result id>/report.ncu-rep (Nsight Compute's raw report) and profile.json (the report
// as toJson(ProfileReport)). ROOT defaults to <data dir>/profiles (~/.local/share/kernelwatch/).
class ProfileStore
{
public:
    explicit ProfileStore(std::string root = defaultRoot());
    static std::string defaultRoot();

    const std::string& root() const { return m_root; }
    // The folder for a result id; empty when the id cannot name a folder (only letters, digits,
    // '.', '_' and '-' are allowed, and not "." or "..").
    std::string dirFor(const std::string& resultId) const;
    // Writes DIR/profile.json atomically (the report itself is already in DIR: the runner wrote
    // it there). Returns "" or why it failed.
    std::string save(const ProfileReport& report) const;
    // The same into any folder (kernelwatch-cli profile --out DIR).
    static std::string saveIn(const std::string& dir, const ProfileReport& report);
    std::optional<ProfileReport> load(const std::string& resultId) const;

private:
    std::string m_root;
};

} // namespace kw::profile
