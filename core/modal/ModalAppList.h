#pragma once

#include "core/modal/ModalParsed.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kw {

// One row of `modal app list --json`.
struct ModalApp
{
    std::string appId;       // "ap-" + 22 alphanumerics
    std::string description; // the app's name
    // As printed by modal 1.4.2 and 1.5.4: deployed, ephemeral, ephemeral (detached),
    // initializing..., stopping..., disabled, stopped.
    std::string state;
    int tasks = 0;         // running tasks ("tasks" is a string in the JSON)
    std::string createdAt; // "YYYY-MM-DD HH:MM:SS±HH:MM", in the client's time zone
    std::string stoppedAt; // same form; empty (null) unless stopped

    bool isDeployed() const { return state == "deployed"; }
    bool isRunning() const; // deployed, ephemeral, ephemeral (detached) or initializing...
};

// Parses `modal app list --json`: snake_case keys (client ≥ 1.5) or the column titles used as
// keys by older clients ("App ID", "Description", ...). Rows without an app id are skipped and
// counted in the error.
ModalParsed<std::vector<ModalApp>> parseModalAppList(std::string_view text);

// The newest row whose description is `name` and that is deployed, else the newest of any state.
std::optional<ModalApp> findModalApp(const std::vector<ModalApp>& apps, std::string_view name);

} // namespace kw
