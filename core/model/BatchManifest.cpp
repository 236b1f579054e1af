#include "core/model/BatchManifest.h"

#include <nlohmann/json.hpp>

namespace kw {

std::optional<ManifestItem> parseManifestLine(std::string_view text, std::size_t lineNo)
{
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || text[first] == '#')
        return std::nullopt;
    ManifestItem item;
    item.line = lineNo;
    item.id = "line-" + std::to_string(lineNo);
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) {
        item.error = "line " + std::to_string(lineNo) + ": not valid JSON";
        return item;
    }
    if (!j.is_object()) {
        item.error = "line " + std::to_string(lineNo) + ": expected a JSON object";
        return item;
    }
    auto str = [&](const char* key, std::string& out) -> bool {
        auto it = j.find(key);
        if (it == j.end() || it->is_null())
            return true;
        if (it->is_string()) {
            out = it->get<std::string>();
            return true;
        }
        if (it->is_number_integer() && std::string_view(key) == "id") {
            out = std::to_string(it->get<long long>());
            return true;
        }
        item.error = "line " + std::to_string(lineNo) + ": \"" + key + "\" must be a string";
        return false;
    };
    if (!str("id", item.id) || !str("ref", item.refPath) || !str("ref_code", item.refCode) ||
        !str("kernel", item.kernelPath) || !str("kernel_code", item.kernelCode) ||
        !str("backend", item.backend) || !str("precision", item.precision) || !str("problem", item.problem))
        return item;
    if (item.refPath.empty() == item.refCode.empty())
        item.error =
            "line " + std::to_string(lineNo) + ": give exactly one of \"ref\" (a file) or \"ref_code\"";
    else if (item.kernelPath.empty() == item.kernelCode.empty())
        item.error =
            "line " + std::to_string(lineNo) + ": give exactly one of \"kernel\" (a file) or \"kernel_code\"";
    return item;
}

std::vector<ManifestItem> parseManifest(std::string_view text)
{
    std::vector<ManifestItem> items;
    std::size_t lineNo = 0;
    while (!text.empty()) {
        ++lineNo;
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        if (auto it = parseManifestLine(line, lineNo))
            items.push_back(std::move(*it));
        if (nl == std::string_view::npos)
            break;
        text.remove_prefix(nl + 1);
    }
    return items;
}

} // namespace kw
