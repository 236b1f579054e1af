#include "ModalTokenInfo.h"

#include "ModalLogLine.h"
#include "Text.h"

namespace kw {

namespace {

std::string trimCell(std::string_view s)
{
    // Table borders from rich: │ ┃ ║ and plain '|'.
    for (std::string_view border : {"\xe2\x94\x82", "\xe2\x94\x83", "\xe2\x95\x91", "|"}) {
        while (s.substr(0, border.size()) == border)
            s.remove_prefix(border.size());
        while (s.size() >= border.size() && s.substr(s.size() - border.size()) == border)
            s.remove_suffix(border.size());
    }
    return std::string(text::trim(s));
}

} // namespace

ModalParsed<ModalTokenInfo> parseModalTokenInfo(std::string_view raw)
{
    ModalTokenInfo info;
    const std::string text = stripAnsi(raw);
    std::string_view rest = text;
    while (!rest.empty()) {
        const auto nl = rest.find('\n');
        std::string line(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        // "Key: value", or a table row "│ Key │ value │".
        std::string key, value;
        const auto colon = line.find(": ");
        const auto bar = line.find("\xe2\x94\x82", 3); // a middle column border
        if (colon != std::string::npos && (bar == std::string::npos || colon < bar)) {
            key = trimCell(std::string_view(line).substr(0, colon));
            value = trimCell(std::string_view(line).substr(colon + 2));
        } else if (bar != std::string::npos) {
            key = trimCell(std::string_view(line).substr(0, bar));
            value = trimCell(std::string_view(line).substr(bar + 3));
        } else {
            continue;
        }
        if (key.empty() || key.size() > 40)
            continue;
        key = text::asciiLower(key);
        info.fields[key] = value;
        if (key == "token" || key == "token id" || key == "token_id")
            info.tokenId = value;
        else if (key == "workspace" || key == "workspace name")
            info.workspace = value;
        else if (key == "user" || key == "username" || key == "created by")
            info.user = value;
        else if (key == "created at" || key == "created")
            info.createdAt = value;
        else if (key == "expires at" || key == "expires")
            info.expiresAt = value;
    }
    if (info.tokenId.rfind("ak-", 0) != 0 && info.tokenId.rfind("ak_", 0) != 0) {
        info.tokenId.clear();
        return ModalParsed<ModalTokenInfo>::failure("token info: no token id (ak-...) in the output", info);
    }
    return {std::move(info), {}};
}

} // namespace kw
