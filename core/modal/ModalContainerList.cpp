#include "core/modal/ModalContainerList.h"

#include "core/modal/ModalJson.h"

namespace kw {

ModalParsed<std::vector<ModalContainer>> parseModalContainerList(std::string_view text)
{
    std::string error;
    const auto doc = parseModalJsonDocument(text, error);
    if (doc.is_discarded())
        return ModalParsed<std::vector<ModalContainer>>::failure("container list: " + error);
    if (!doc.is_array())
        return ModalParsed<std::vector<ModalContainer>>::failure("container list: expected a JSON array");
    std::vector<ModalContainer> out;
    int skipped = 0;
    for (const auto& row : doc) {
        ModalContainer c;
        c.containerId = modalStringField(row, {"container_id", "Container ID"});
        if (c.containerId.empty()) {
            ++skipped;
            continue;
        }
        c.appId = modalStringField(row, {"app_id", "App ID"});
        c.appName = modalStringField(row, {"app_name", "App Name"});
        c.startTime = modalStringField(row, {"start_time", "Start Time", "Start time"});
        if (c.startTime == "Pending" || c.startTime == "pending") {
            c.pending = true;
            c.startTime.clear();
        }
        out.push_back(std::move(c));
    }
    if (skipped)
        return ModalParsed<std::vector<ModalContainer>>::failure(
            "container list: " + std::to_string(skipped) + " row(s) without a container id", std::move(out));
    return {std::move(out), {}};
}

} // namespace kw
