#include "core/modal/ModalVersion.h"

#include <cctype>

namespace kw {

namespace {

bool readNumber(std::string_view s, std::size_t& i, int& out)
{
    const std::size_t start = i;
    long v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - start < 6)
        v = v * 10 + (s[i++] - '0');
    out = static_cast<int>(v);
    return i > start;
}

} // namespace

std::optional<ModalVersion> parseModalVersion(std::string_view s)
{
    for (std::size_t at = 0; at < s.size(); ++at) {
        if (!std::isdigit(static_cast<unsigned char>(s[at])) ||
            (at > 0 && (std::isalnum(static_cast<unsigned char>(s[at - 1])) || s[at - 1] == '.')))
            continue;
        ModalVersion v;
        std::size_t i = at;
        if (!readNumber(s, i, v.major) || i >= s.size() || s[i] != '.')
            continue;
        ++i;
        if (!readNumber(s, i, v.minor))
            continue;
        if (i < s.size() && s[i] == '.') {
            ++i;
            readNumber(s, i, v.patch);
        }
        return v;
    }
    return std::nullopt;
}

std::string modalVersionProblem(std::string_view versionText)
{
    const auto have = parseModalVersion(versionText);
    const auto need = parseModalVersion(kModalMinVersion);
    const std::string pip = "pip install -U 'modal>=" + std::string(kModalMinVersion) + "'";
    if (!have)
        return "could not read the modal client's version from '" + std::string(versionText) +
               "': kernelwatch needs modal " + std::string(kModalMinVersion) + " or newer (" + pip + ")";
    if (*have >= *need)
        return {};
    return "modal " + std::to_string(have->major) + "." + std::to_string(have->minor) + "." +
           std::to_string(have->patch) + " is too old: kernelwatch needs " + std::string(kModalMinVersion) +
           " or newer (`app logs -f`, `-y` on stop). Run " + pip +
           " in the environment kernelwatch uses. If that is kernel_rl's environment (it pins modal 1.2.4, "
           "and its own Modal app does not import on modal >= 1.4), give kernelwatch a separate one and "
           "point Settings › Modal › CLI (or KERNELWATCH_MODAL_BIN) at its modal";
}

} // namespace kw
