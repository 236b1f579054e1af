#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kw {

// A forgiving, allocation-free cursor over one JSON text, for pulling a few fields out of very
// large lines without building a document: values nobody asked for are skipped at memchr speed.
//
// Accepts what Python's json.dumps writes and strict JSON rejects (NaN, Infinity, -Infinity).
// Never reads past the end of the view. A text that ends inside a value sets truncated().
// Containers being skipped are not validated beyond bracket counting and string boundaries.
class JsonScanner
{
public:
    enum class Kind
    {
        Object,
        Array,
        String,
        Number,
        True,
        False,
        Null,
        Invalid,
        End
    };

    explicit JsonScanner(std::string_view text, std::size_t pos = 0) : m_text(text), m_pos(pos) {}

    std::string_view text() const { return m_text; }
    std::size_t pos() const { return m_pos; }
    void setPos(std::size_t p) { m_pos = p < m_text.size() ? p : m_text.size(); }
    bool atEnd() const { return m_pos >= m_text.size(); }
    bool truncated() const { return m_truncated; }

    void skipWs();
    // Skips whitespace, then says what the next value is (without consuming it).
    Kind peekKind();
    // Skips whitespace, then consumes `c` if it comes next.
    bool consume(char c);

    // Each reader skips leading whitespace. On false the position is unspecified.
    bool skipValue();
    bool rawString(std::string_view& content); // undecoded bytes between the quotes
    bool readString(std::string& out, std::size_t maxBytes = std::string::npos);
    bool readNumber(double& out); // also NaN, Infinity, -Infinity
    bool readBool(bool& out);
    bool readNull();

    // Decodes the content of a JSON string (escapes, surrogate pairs); invalid UTF-8 and lone
    // surrogates become U+FFFD; raw control characters become spaces. Stops adding output after
    // maxBytes (at a code point boundary).
    static std::string decodeString(std::string_view raw, std::size_t maxBytes = std::string::npos);
    // Appends `s` with invalid UTF-8 replaced by U+FFFD.
    static void appendValidUtf8(std::string& out, std::string_view s);

private:
    bool skipStringBody(); // m_pos just after the opening quote; leaves m_pos after the closing one
    bool skipContainer();
    bool matchLiteral(std::string_view lit);

    std::string_view m_text;
    std::size_t m_pos = 0;
    bool m_truncated = false;
};

} // namespace kw
