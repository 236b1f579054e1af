#include "core/modal/ModalAppHistory.h"

#include "core/modal/ModalJson.h"

#include <cstdlib>

namespace kw {

ModalParsed<std::vector<ModalAppVersion>> parseModalAppHistory(std::string_view text)
{
    std::string error;
    const auto doc = parseModalJsonDocument(text, error);
    if (doc.is_discarded())
        return ModalParsed<std::vector<ModalAppVersion>>::failure("app history: " + error);
    if (!doc.is_array())
        return ModalParsed<std::vector<ModalAppVersion>>::failure("app history: expected a JSON array");
    std::vector<ModalAppVersion> out;
    for (const auto& row : doc) {
        if (!row.is_object())
            continue;
        ModalAppVersion v;
        v.versionText = modalStringField(row, {"version", "Version"});
        std::string_view num = v.versionText;
        if (!num.empty() && (num.front() == 'v' || num.front() == 'V'))
            num.remove_prefix(1);
        v.version = static_cast<int>(std::strtol(std::string(num).c_str(), nullptr, 10));
        v.timeDeployed = modalStringField(row, {"time_deployed", "Time deployed"});
        v.client = modalStringField(row, {"client", "Client"});
        v.deployedBy = modalStringField(row, {"deployed_by", "Deployed by"});
        v.commit = modalStringField(row, {"commit", "Commit"});
        v.tag = modalStringField(row, {"tag", "Tag"});
        out.push_back(std::move(v));
    }
    return {std::move(out), {}};
}

} // namespace kw
