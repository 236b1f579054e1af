#pragma once

#include "core/modal/ModalParsed.h"

#include <string>
#include <string_view>
#include <vector>

namespace kw {

// One row of `modal app history NAME --json`. The client prints the rows newest first.
// Keys: 1.5.4 `version, time_deployed, client, deployed_by, commit, tag`; 1.4.2 the column
// titles `Version, Time deployed, Client, Deployed by, Commit, Tag`. The tag key is left out
// when no deployment of the app has a tag; the client marks no rollbacks.
struct ModalAppVersion
{
    int version = 0;          // "v3" → 3; 0 when unreadable
    std::string versionText;  // as printed, e.g. "v3"
    std::string timeDeployed; // "2026-12-06 22:00:00-08:00"
    std::string client;       // modal client version that deployed it
    std::string deployedBy;
    std::string commit; // the git commit the client recorded; empty when null
    std::string tag;    // empty when null or absent
};

ModalParsed<std::vector<ModalAppVersion>> parseModalAppHistory(std::string_view text);

} // namespace kw
