#pragma once

#include "ModalParsed.h"

#include <map>
#include <string>
#include <string_view>

namespace kw {

// What `modal token info` printed (it has no --json): "Key: value" lines or a two-column table.
// The token id ("ak-...") identifies a token; the secret is never printed by modal nor kept here.
struct ModalTokenInfo
{
    std::string tokenId;
    std::string workspace;
    std::string user;
    std::string createdAt;
    std::string expiresAt;
    std::map<std::string, std::string> fields; // every "Key: value" pair, keys lower-cased
};

// Fails when no token id is found (the output was an error, or an unknown format).
ModalParsed<ModalTokenInfo> parseModalTokenInfo(std::string_view text);

} // namespace kw
