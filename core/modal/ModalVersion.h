#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kw {

// The oldest modal client kernelwatch drives: `app logs -f` and `--show-container-id` came in
// 1.4.0, `-y` on `app stop` / `container stop` in 1.4.2, `token info` in 1.3.1.
inline constexpr std::string_view kModalMinVersion = "1.4.2";

struct ModalVersion
{
    int major = 0, minor = 0, patch = 0;
    auto operator<=>(const ModalVersion&) const = default;
};

// "1.5.4", "1.4.2.dev3", "modal, version 1.5.4", "modal client version: 1.2.4": the first
// MAJOR.MINOR[.PATCH] in the text; nullopt when there is none.
std::optional<ModalVersion> parseModalVersion(std::string_view text);

// Empty when `versionText` is kModalMinVersion or newer; else what is wrong and what to do, in
// words (including why kernel_rl's own pinned client is a separate matter).
std::string modalVersionProblem(std::string_view versionText);

} // namespace kw
