#include "core/modal/ModalSecrets.h"

#include <cctype>
#include <cstdlib>

namespace kw {

std::string redactModalSecrets(std::string_view text, const std::vector<std::string>& knownSecrets)
{
    std::string out(text);
    for (const auto& s : knownSecrets) {
        if (s.size() < 6)
            continue;
        for (auto at = out.find(s); at != std::string::npos; at = out.find(s, at + 3))
            out.replace(at, s.size(), "***");
    }
    for (std::string_view prefix : {"as-", "ws-"}) {
        for (auto at = out.find(prefix); at != std::string::npos; at = out.find(prefix, at + 1)) {
            if (at > 0 && std::isalnum(static_cast<unsigned char>(out[at - 1])))
                continue;
            std::size_t end = at + 3;
            while (end < out.size() && std::isalnum(static_cast<unsigned char>(out[end])))
                ++end;
            if (end - at - 3 >= 8)
                out.replace(at + 3, end - at - 3, "***");
        }
    }
    return out;
}

std::string maskModalToken(std::string_view token)
{
    if (token.empty())
        return {};
    const auto dash = token.find('-');
    const std::size_t keep = (dash != std::string_view::npos && dash < 4 ? dash + 1 : 0) + 4;
    if (token.size() <= keep + 2)
        return "***";
    return std::string(token.substr(0, keep)) + "\xe2\x80\xa6"; // …
}

std::vector<std::string> modalSecretsFromEnvironment(bool includeIds)
{
    std::vector<std::string> out;
    for (const char* name : {"MODAL_TOKEN_SECRET", "KERNELWATCH_PROXY_SECRET"})
        if (const char* v = std::getenv(name); v && *v)
            out.emplace_back(v);
    if (includeIds)
        for (const char* name : {"MODAL_TOKEN_ID", "KERNELWATCH_PROXY_KEY"})
            if (const char* v = std::getenv(name); v && *v)
                out.emplace_back(v);
    return out;
}

} // namespace kw
