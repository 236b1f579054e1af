#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kw {

// Tokens never reach a log, the store, an export or the screen in clear.

// Replaces every occurrence of a known secret value (at least 6 characters) and every
// Modal secret-looking token ("as-…", "ws-…" followed by 8+ alphanumerics) with "***".
std::string redactModalSecrets(std::string_view text, const std::vector<std::string>& knownSecrets = {});

// For display of an id-like token: "wk-AbCd…" (prefix and 4 characters); "" stays "".
std::string maskModalToken(std::string_view token);

// The values of MODAL_TOKEN_SECRET and KERNELWATCH_PROXY_SECRET set in this process's
// environment, and with `includeIds` also MODAL_TOKEN_ID and KERNELWATCH_PROXY_KEY.
std::vector<std::string> modalSecretsFromEnvironment(bool includeIds = true);

} // namespace kw
