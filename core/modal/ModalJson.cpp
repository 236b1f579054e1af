#include "core/modal/ModalJson.h"

namespace kw {

nlohmann::json parseModalJsonDocument(std::string_view text, std::string& error)
{
    const auto start = text.find_first_of("[{");
    if (start == std::string_view::npos) {
        error = text.find_first_not_of(" \t\r\n") == std::string_view::npos
                    ? "empty output"
                    : "no JSON document in the output";
        return nlohmann::json::value_t::discarded;
    }
    auto j = nlohmann::json::parse(text.substr(start), nullptr, false);
    if (j.is_discarded())
        error = "the JSON output is invalid or truncated";
    return j;
}

std::string modalStringField(const nlohmann::json& obj, std::initializer_list<const char*> keys)
{
    if (!obj.is_object())
        return {};
    for (const char* k : keys) {
        auto it = obj.find(k);
        if (it == obj.end())
            continue;
        if (it->is_string())
            return it->get<std::string>();
        if (it->is_number_integer())
            return std::to_string(it->get<long long>());
        if (it->is_number())
            return it->dump();
        if (it->is_boolean())
            return it->get<bool>() ? "true" : "false";
        return {};
    }
    return {};
}

bool modalIsNullField(const nlohmann::json& obj, std::initializer_list<const char*> keys)
{
    if (!obj.is_object())
        return false;
    for (const char* k : keys) {
        auto it = obj.find(k);
        if (it != obj.end())
            return it->is_null();
    }
    return false;
}

} // namespace kw
