#pragma once

#include "core/modal/ModalParsed.h"

#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace kw {

// Where the client took the token from: `modal token info` prints "(Using MODAL_TOKEN_ID and
// MODAL_TOKEN_SECRET environment variables)" first when they are set (either one: "variable"),
// and nothing when the token comes from the profile in ~/.modal.toml.
enum class ModalTokenSource
{
    Profile,
    Environment,
};

// What `modal token info` printed (it has no --json), "Key: value" lines (modal 1.4.2 and 1.5.4):
//   Token: ak-…
//   Name: …                          (only for a named token)
//   Workspace: kernel-lab (ac-…)
//   User: alice (us-…)               (or "Service User: NAME (…)" and "Created By: NAME (us-…)")
//   Created at: 2026-11-16 15:21:50 PST
//   Expires at: …                    (only for a token that expires)
// Names and their ids are kept apart: `workspace` is the name to show. The token id ("ak-...")
// identifies a token; the secret is never printed by modal nor kept here.
struct ModalTokenInfo
{
    std::string tokenId;
    std::string name;        // empty for an unnamed token
    std::string workspace;   // "kernel-lab"
    std::string workspaceId; // "ac-…" (what the client prints in parentheses)
    std::string user;        // "alice", or the service user's name
    std::string userId;      // "us-…"
    bool serviceUser = false;
    std::string createdBy; // a service user's creator (name only)
    std::string createdAt; // as printed, with a zone name: "2026-11-16 15:21:50 PST"
    std::string expiresAt; // empty when the token does not expire
    ModalTokenSource source = ModalTokenSource::Profile;
    std::map<std::string, std::string> fields; // every "Key: value" pair as printed, keys lower-cased
};

// Fails when no token id is found (the output was an error, or an unknown format).
ModalParsed<ModalTokenInfo> parseModalTokenInfo(std::string_view text);

// "kernel-lab (ac-9Xy8Wv7Ut6Sr5Qp4)" → {"kernel-lab", "ac-9Xy8Wv7Ut6Sr5Qp4"}: a trailing
// "(xx-…)" id is split off; text without one is all name.
std::pair<std::string, std::string> splitModalNameAndId(std::string_view value);

} // namespace kw
