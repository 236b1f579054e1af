#pragma once

#include "ModalParsed.h"

#include <string>
#include <string_view>
#include <vector>

namespace kw {

// One row of `modal app history NAME --json` (newest first).
struct ModalAppVersion
{
    int version = 0;         // "v3" → 3; 0 when unreadable
    std::string versionText; // as printed, e.g. "v3 (rollback)"
    std::string timeDeployed;
    std::string client; // modal client version that deployed it
    std::string deployedBy;
    std::string commitHash;
    std::string tag;
    bool rollback = false;
};

// Both key styles: snake_case and the column titles ("App version", "Time deployed", ...).
ModalParsed<std::vector<ModalAppVersion>> parseModalAppHistory(std::string_view text);

} // namespace kw
