#include "core/base/JsonSanitizer.h"

#include "core/base/JsonScanner.h"

namespace kw {

std::string sanitizeJson(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 16);
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        const char c = text[i];
        if (c == '"') {
            // Copy the string, fixing its content; an unterminated string runs to the end.
            std::size_t j = i + 1;
            while (j < n && text[j] != '"') {
                if (text[j] == '\\' && j + 1 < n)
                    ++j;
                ++j;
            }
            const std::string_view body = text.substr(i + 1, (j < n ? j : n) - (i + 1));
            out.push_back('"');
            bool clean = true;
            for (char b : body)
                if (static_cast<unsigned char>(b) < 0x20 || static_cast<unsigned char>(b) >= 0x80) {
                    clean = false;
                    break;
                }
            if (clean) {
                out.append(body);
            } else {
                for (std::size_t k = 0; k < body.size();) {
                    // Split at control characters; validate the UTF-8 of the pieces between them.
                    std::size_t e = k;
                    while (e < body.size() && static_cast<unsigned char>(body[e]) >= 0x20)
                        ++e;
                    JsonScanner::appendValidUtf8(out, body.substr(k, e - k));
                    if (e < body.size()) {
                        out.push_back(' ');
                        ++e;
                    }
                    k = e;
                }
            }
            if (j < n)
                out.push_back('"');
            i = j + 1;
            continue;
        }
        if (c == 'N' && text.substr(i, 3) == "NaN") {
            out += "null";
            i += 3;
            continue;
        }
        if (c == 'I' && text.substr(i, 8) == "Infinity") {
            out += "null";
            i += 8;
            continue;
        }
        if (c == '-' && text.substr(i, 9) == "-Infinity") {
            out += "null";
            i += 9;
            continue;
        }
        out.push_back(c);
        ++i;
    }
    return out;
}

std::size_t jsonNestingDepth(std::string_view text, std::size_t limit)
{
    std::size_t depth = 0, deepest = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            if (++depth > deepest && (deepest = depth) >= limit)
                return deepest;
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

} // namespace kw
