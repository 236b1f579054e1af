#include "core/modal/ModalTokenInfo.h"

#include "core/base/Text.h"
#include "core/modal/ModalLogLine.h"

#include <cctype>
#include <tuple>

namespace kw {

std::pair<std::string, std::string> splitModalNameAndId(std::string_view value)
{
    value = text::trim(value);
    const auto open = value.rfind(" (");
    if (open == std::string_view::npos || value.empty() || value.back() != ')')
        return {std::string(value), {}};
    const std::string_view id = value.substr(open + 2, value.size() - open - 3);
    // Modal ids: a short lower-case type, '-', then letters and digits ("ac-…", "us-…", "ws-…").
    const auto dash = id.find('-');
    if (dash == std::string_view::npos || dash == 0 || dash > 4 || dash + 1 >= id.size())
        return {std::string(value), {}};
    for (std::size_t i = 0; i < id.size(); ++i) {
        const auto c = static_cast<unsigned char>(id[i]);
        if (i < dash ? !std::islower(c) : (i > dash && !std::isalnum(c) && c != '_'))
            return {std::string(value), {}};
    }
    return {std::string(text::trim(value.substr(0, open))), std::string(id)};
}

ModalParsed<ModalTokenInfo> parseModalTokenInfo(std::string_view raw)
{
    ModalTokenInfo info;
    const std::string text = stripAnsi(raw);
    std::string_view rest = text;
    while (!rest.empty()) {
        const auto nl = rest.find('\n');
        const std::string_view line = text::trim(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        if (line.rfind("(Using MODAL_TOKEN_", 0) == 0) {
            info.source = ModalTokenSource::Environment;
            continue;
        }
        const auto colon = line.find(": ");
        if (colon == std::string_view::npos)
            continue;
        std::string key = text::asciiLower(text::trim(line.substr(0, colon)));
        const std::string_view value = text::trim(line.substr(colon + 2));
        if (key.empty() || key.size() > 40)
            continue;
        info.fields[key] = std::string(value);
        if (key == "token") {
            info.tokenId = std::string(value);
        } else if (key == "name") {
            info.name = std::string(value);
        } else if (key == "workspace") {
            std::tie(info.workspace, info.workspaceId) = splitModalNameAndId(value);
        } else if (key == "user" || key == "service user") {
            std::tie(info.user, info.userId) = splitModalNameAndId(value);
            info.serviceUser = key == "service user";
        } else if (key == "created by") {
            info.createdBy = splitModalNameAndId(value).first;
        } else if (key == "created at") {
            info.createdAt = std::string(value);
        } else if (key == "expires at") {
            info.expiresAt = std::string(value);
        }
    }
    if (info.tokenId.rfind("ak-", 0) != 0) {
        info.tokenId.clear();
        return ModalParsed<ModalTokenInfo>::failure("token info: no token id (ak-...) in the output", info);
    }
    return {std::move(info), {}};
}

} // namespace kw
