#pragma once

#include <string>
#include <string_view>

namespace kw {

// Makes text written by Python's json.dumps acceptable to a strict parser (nlohmann::json):
// bare NaN / Infinity / -Infinity become null; inside strings, invalid UTF-8 becomes U+FFFD and
// raw control characters become spaces. Everything else is copied unchanged, so valid strict
// JSON comes out byte for byte the same. Pure; never throws.
std::string sanitizeJson(std::string_view text);

// The deepest nesting of objects and arrays in `text` (strings skipped), counting no further
// than `limit`. Used to refuse pathological input before handing it to a recursive parser.
std::size_t jsonNestingDepth(std::string_view text, std::size_t limit = 1024);

} // namespace kw
