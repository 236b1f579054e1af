#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace kw {

// Helpers shared by the `--json` parsers: tolerant field access across key styles.

// Parses the JSON document that a `modal ... --json` command printed. Anything before the first
// '[' or '{' (a warning line, a deprecation notice) is skipped. Returns a discarded value and
// sets `error` when nothing parses.
nlohmann::json parseModalJsonDocument(std::string_view text, std::string& error);

// The first key of `keys` present in `obj`, as a string: strings as they are, numbers and
// booleans printed, null and absent as "". Never throws.
std::string modalStringField(const nlohmann::json& obj, std::initializer_list<const char*> keys);

// True when one of `keys` is present and null.
bool modalIsNullField(const nlohmann::json& obj, std::initializer_list<const char*> keys);

} // namespace kw
