#include "core/modal/ModalAppList.h"

#include "core/modal/ModalJson.h"

#include <cstdlib>

namespace kw {

bool ModalApp::isRunning() const
{
    return state == "deployed" || state == "ephemeral" || state == "ephemeral (detached)" ||
           state == "initializing...";
}

ModalParsed<std::vector<ModalApp>> parseModalAppList(std::string_view text)
{
    std::string error;
    const auto doc = parseModalJsonDocument(text, error);
    if (doc.is_discarded())
        return ModalParsed<std::vector<ModalApp>>::failure("app list: " + error);
    if (!doc.is_array())
        return ModalParsed<std::vector<ModalApp>>::failure("app list: expected a JSON array");
    std::vector<ModalApp> apps;
    int skipped = 0;
    for (const auto& row : doc) {
        ModalApp a;
        a.appId = modalStringField(row, {"app_id", "App ID"});
        if (a.appId.empty()) {
            ++skipped;
            continue;
        }
        a.description = modalStringField(row, {"description", "Description"});
        a.state = modalStringField(row, {"state", "State"});
        const std::string tasks = modalStringField(row, {"tasks", "Tasks"});
        a.tasks = tasks.empty() ? 0 : static_cast<int>(std::strtol(tasks.c_str(), nullptr, 10));
        a.createdAt = modalStringField(row, {"created_at", "Created at"});
        a.stoppedAt = modalStringField(row, {"stopped_at", "Stopped at"});
        apps.push_back(std::move(a));
    }
    if (skipped)
        return ModalParsed<std::vector<ModalApp>>::failure(
            "app list: " + std::to_string(skipped) + " row(s) without an app id", std::move(apps));
    return {std::move(apps), {}};
}

std::optional<ModalApp> findModalApp(const std::vector<ModalApp>& apps, std::string_view name)
{
    std::optional<ModalApp> any;
    for (const auto& a : apps) {
        if (a.description != name)
            continue;
        if (a.isDeployed())
            return a;
        if (!any)
            any = a;
    }
    return any;
}

} // namespace kw
