#include "core/base/JsonScanner.h"

#include "core/base/Text.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kw {

namespace {

bool isWs(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool isNumberChar(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

void appendUtf8(std::string& out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

constexpr std::uint32_t kReplacement = 0xFFFD;

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
std::size_t utf8SequenceLength(std::string_view s, std::size_t i)
{
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80)
        return 1;
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if ((b0 & 0xE0) == 0xC0) {
        n = 2;
        cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        n = 3;
        cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
        n = 4;
        cp = b0 & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

bool readHex4(std::string_view s, std::size_t i, std::uint32_t& out)
{
    if (i + 4 > s.size())
        return false;
    out = 0;
    for (std::size_t k = 0; k < 4; ++k) {
        int v = text::hexValue(s[i + k]);
        if (v < 0)
            return false;
        out = (out << 4) | static_cast<std::uint32_t>(v);
    }
    return true;
}

} // namespace

void JsonScanner::skipWs()
{
    while (m_pos < m_text.size() && isWs(m_text[m_pos]))
        ++m_pos;
}

JsonScanner::Kind JsonScanner::peekKind()
{
    skipWs();
    if (m_pos >= m_text.size())
        return Kind::End;
    switch (m_text[m_pos]) {
    case '{':
        return Kind::Object;
    case '[':
        return Kind::Array;
    case '"':
        return Kind::String;
    case 't':
        return Kind::True;
    case 'f':
        return Kind::False;
    case 'n':
        return Kind::Null;
    case 'N':
    case 'I':
    case '-':
        return Kind::Number;
    default:
        return (m_text[m_pos] >= '0' && m_text[m_pos] <= '9') ? Kind::Number : Kind::Invalid;
    }
}

bool JsonScanner::consume(char c)
{
    skipWs();
    if (m_pos < m_text.size() && m_text[m_pos] == c) {
        ++m_pos;
        return true;
    }
    if (m_pos >= m_text.size())
        m_truncated = true;
    return false;
}

bool JsonScanner::skipStringBody()
{
    // Finds the closing quote: the first '"' not escaped by an odd run of backslashes. Long string
    // values (prompts, code) are most of a trace line, so this is the hot loop: 32 bytes at a
    // time with SSE2 where available, memchr otherwise.
    const char* base = m_text.data();
    const std::size_t n = m_text.size();
    std::size_t p = m_pos;
    auto closesAt = [&](std::size_t at) {
        std::size_t bs = 0;
        while (at - bs > m_pos && base[at - bs - 1] == '\\')
            ++bs;
        return (bs & 1) == 0;
    };
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    while (p + 32 <= n) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + p));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + p + 16));
        std::uint32_t mask = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(a, quote))) |
                             (static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(b, quote))) << 16);
        while (mask) {
            const std::size_t at = p + static_cast<std::size_t>(__builtin_ctz(mask));
            if (closesAt(at)) {
                m_pos = at + 1;
                return true;
            }
            mask &= mask - 1;
        }
        p += 32;
    }
#endif
    while (p < n) {
        const void* q = std::memchr(base + p, '"', n - p);
        if (!q)
            break;
        const auto at = static_cast<std::size_t>(static_cast<const char*>(q) - base);
        if (closesAt(at)) {
            m_pos = at + 1;
            return true;
        }
        p = at + 1;
    }
    m_pos = n;
    m_truncated = true;
    return false;
}

bool JsonScanner::matchLiteral(std::string_view lit)
{
    std::string_view rest = m_text.substr(m_pos);
    if (rest.size() < lit.size()) {
        if (lit.substr(0, rest.size()) == rest)
            m_truncated = true;
        return false;
    }
    if (rest.substr(0, lit.size()) != lit)
        return false;
    m_pos += lit.size();
    return true;
}

bool JsonScanner::skipContainer()
{
    // m_pos at '{' or '['. Skips to the matching bracket, strings as units, iterative (no recursion
    // depth), and checks the token order on the way: after a value only ',' ':' or a closing
    // bracket may follow, and a value must follow '[', ',' or ':'. Bracket counting alone would
    // accept a record cut inside a string and followed by the next record (a crash leaves that):
    // the cut string "closes" on the next record's first quote and the brackets may still balance,
    // which used to merge two records into one. Validation rejects it, so the caller can look for
    // the later record start instead.
    const char* base = m_text.data();
    const std::size_t n = m_text.size();
    std::size_t depth = 0;
    bool afterValue = false; // the previous token ended a value
    auto isWs = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
    auto isScalar = [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
               c == '+' || c == '.';
    };
    while (m_pos < n) {
        const char c = base[m_pos];
        if (isWs(c)) {
            ++m_pos;
            continue;
        }
        if (c == '}' || c == ']') {
            ++m_pos;
            if (--depth == 0)
                return true;
            afterValue = true;
            continue;
        }
        if (afterValue) {
            if (c != ',' && c != ':')
                return false; // two values in a row: not JSON (m_truncated stays false)
            ++m_pos;
            afterValue = false;
            continue;
        }
        if (c == '"') {
            ++m_pos;
            if (!skipStringBody())
                return false;
            afterValue = true;
        } else if (c == '{' || c == '[') {
            ++m_pos;
            ++depth;
        } else if (isScalar(c)) {
            while (m_pos < n && isScalar(base[m_pos]))
                ++m_pos;
            afterValue = true;
        } else {
            return false;
        }
    }
    m_truncated = true;
    return false;
}

bool JsonScanner::skipValue()
{
    switch (peekKind()) {
    case Kind::Object:
    case Kind::Array:
        return skipContainer();
    case Kind::String:
        ++m_pos;
        return skipStringBody();
    case Kind::Number: {
        double d;
        return readNumber(d);
    }
    case Kind::True:
        return matchLiteral("true");
    case Kind::False:
        return matchLiteral("false");
    case Kind::Null:
        return matchLiteral("null");
    case Kind::End:
        m_truncated = true;
        return false;
    case Kind::Invalid:
        return false;
    }
    return false;
}

bool JsonScanner::rawString(std::string_view& content)
{
    const Kind k = peekKind();
    if (k != Kind::String) {
        m_truncated = m_truncated || k == Kind::End;
        return false;
    }
    const std::size_t start = ++m_pos;
    if (!skipStringBody())
        return false;
    content = m_text.substr(start, m_pos - 1 - start);
    return true;
}

bool JsonScanner::readString(std::string& out, std::size_t maxBytes)
{
    std::string_view raw;
    if (!rawString(raw))
        return false;
    out = decodeString(raw, maxBytes);
    return true;
}

bool JsonScanner::readNumber(double& out)
{
    skipWs();
    if (m_pos >= m_text.size()) {
        m_truncated = true;
        return false;
    }
    if (m_text[m_pos] == 'N') {
        out = std::numeric_limits<double>::quiet_NaN();
        return matchLiteral("NaN");
    }
    if (m_text[m_pos] == 'I') {
        out = std::numeric_limits<double>::infinity();
        return matchLiteral("Infinity");
    }
    if (m_text[m_pos] == '-' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == 'I') {
        ++m_pos;
        out = -std::numeric_limits<double>::infinity();
        return matchLiteral("Infinity");
    }
    const std::size_t start = m_pos;
    while (m_pos < m_text.size() && isNumberChar(m_text[m_pos]))
        ++m_pos;
    if (m_pos == start)
        return false;
    const char* first = m_text.data() + start;
    const char* last = m_text.data() + m_pos;
    auto [ptr, ec] = std::from_chars(first, last, out, std::chars_format::general);
    if (ec == std::errc::result_out_of_range) {
        out = (*first == '-') ? -std::numeric_limits<double>::infinity()
                              : std::numeric_limits<double>::infinity();
        return true;
    }
    if (ec != std::errc() || ptr != last) {
        if (m_pos >= m_text.size())
            m_truncated = true; // e.g. "1e" cut off
        return false;
    }
    return true;
}

bool JsonScanner::readBool(bool& out)
{
    Kind k = peekKind();
    if (k == Kind::End)
        m_truncated = true;
    if (k == Kind::True && matchLiteral("true")) {
        out = true;
        return true;
    }
    if (k == Kind::False && matchLiteral("false")) {
        out = false;
        return true;
    }
    return false;
}

bool JsonScanner::readNull()
{
    const Kind k = peekKind();
    if (k == Kind::End)
        m_truncated = true;
    return k == Kind::Null && matchLiteral("null");
}

void JsonScanner::appendValidUtf8(std::string& out, std::string_view s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t len = utf8SequenceLength(s, i);
        if (len == 0) {
            appendUtf8(out, kReplacement);
            ++i;
        } else {
            out.append(s.data() + i, len);
            i += len;
        }
    }
}

std::string JsonScanner::decodeString(std::string_view raw, std::size_t maxBytes)
{
    std::string out;
    out.reserve(raw.size() < maxBytes ? raw.size() : maxBytes);
    std::size_t i = 0;
    while (i < raw.size() && out.size() < maxBytes) {
        const auto c = static_cast<unsigned char>(raw[i]);
        const std::size_t before = out.size();
        if (c == '\\') {
            if (i + 1 >= raw.size()) {
                ++i;
                continue;
            }
            const char e = raw[i + 1];
            i += 2;
            switch (e) {
            case '"':
                out.push_back('"');
                break;
            case '\\':
                out.push_back('\\');
                break;
            case '/':
                out.push_back('/');
                break;
            case 'b':
                out.push_back('\b');
                break;
            case 'f':
                out.push_back('\f');
                break;
            case 'n':
                out.push_back('\n');
                break;
            case 'r':
                out.push_back('\r');
                break;
            case 't':
                out.push_back('\t');
                break;
            case 'u': {
                std::uint32_t cp = 0;
                if (!readHex4(raw, i, cp)) {
                    appendUtf8(out, kReplacement);
                    break;
                }
                i += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    std::uint32_t lo = 0;
                    if (i + 6 <= raw.size() && raw[i] == '\\' && raw[i + 1] == 'u' &&
                        readHex4(raw, i + 2, lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                        i += 6;
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    } else {
                        cp = kReplacement;
                    }
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    cp = kReplacement;
                }
                appendUtf8(out, cp);
                break;
            }
            default:
                appendUtf8(out, kReplacement);
                break;
            }
        } else if (c < 0x20) {
            out.push_back(' ');
            ++i;
        } else if (c < 0x80) {
            // Copy a run of plain ASCII at once.
            const std::size_t room = maxBytes - out.size();
            std::size_t j = i + 1;
            while (j < raw.size() && j - i < room && static_cast<unsigned char>(raw[j]) >= 0x20 &&
                   static_cast<unsigned char>(raw[j]) < 0x80 && raw[j] != '\\')
                ++j;
            out.append(raw.data() + i, j - i);
            i = j;
        } else {
            const std::size_t len = utf8SequenceLength(raw, i);
            if (len == 0) {
                appendUtf8(out, kReplacement);
                ++i;
            } else {
                out.append(raw.data() + i, len);
                i += len;
            }
        }
        if (out.size() > maxBytes) { // cut back to the boundary before the last addition
            out.resize(before);
            break;
        }
    }
    return out;
}

} // namespace kw
