#include "core/config/QtIni.h"

#include "core/base/Text.h"
#include "core/base/Utf16.h"

#include <cstdlib>

namespace kw {

namespace {

std::string toLatin1(std::u16string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (char16_t c : s)
        out += static_cast<char>(c <= 0xFF ? c : '?');
    return out;
}

bool startsWith(std::u16string_view s, std::string_view prefix)
{
    if (s.size() < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (s[i] != static_cast<char16_t>(prefix[i]))
            return false;
    return true;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    return text::asciiLower(a) == text::asciiLower(b);
}

// --- keys -------------------------------------------------------------------------------------

// '\' is '/', %XX a character up to U+00FF, %UXXXX one up to U+FFFF.
std::string unescapeKey(std::string_view key)
{
    std::u16string out;
    const std::u16string k = toUtf16(key);
    for (std::size_t i = 0; i < k.size();) {
        const char16_t ch = k[i];
        if (ch == u'\\') {
            out += u'/';
            ++i;
            continue;
        }
        if (ch != u'%' || i + 1 == k.size()) {
            out += ch;
            ++i;
            continue;
        }
        std::size_t first = i + 1;
        std::size_t digits = 2;
        if (k[first] == u'U') {
            ++first;
            digits = 4;
        }
        char16_t value = 0;
        bool ok = first + digits <= k.size();
        for (std::size_t d = 0; ok && d < digits; ++d) {
            const int h = k[first + d] < 0x80 ? text::hexValue(static_cast<char>(k[first + d])) : -1;
            ok = h >= 0;
            value = static_cast<char16_t>(value * 16 + h);
        }
        if (!ok) {
            out += u'%';
            ++i;
            continue;
        }
        out += value;
        i = first + digits;
    }
    return toUtf8(out);
}

std::string escapeKey(std::string_view key)
{
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char16_t ch : toUtf16(key)) {
        if (ch == u'/') {
            out += '\\';
        } else if ((ch >= u'a' && ch <= u'z') || (ch >= u'A' && ch <= u'Z') || (ch >= u'0' && ch <= u'9') ||
                   ch == u'_' || ch == u'-' || ch == u'.') {
            out += static_cast<char>(ch);
        } else if (ch <= 0xFF) {
            out += '%';
            out += hex[ch / 16];
            out += hex[ch % 16];
        } else {
            out += "%U";
            for (int shift = 12; shift >= 0; shift -= 4)
                out += hex[(ch >> shift) & 0xF];
        }
    }
    return out;
}

// --- values -----------------------------------------------------------------------------------

struct Unescaped
{
    std::u16string string;
    std::vector<std::u16string> list;
    bool isList = false;
};

void chopTrailingSpaces(std::u16string& s, std::size_t limit)
{
    while (s.size() > limit && (s.back() == u' ' || s.back() == u'\t'))
        s.pop_back();
}

// QSettings' value syntax: quotes group, an unquoted comma makes a list, backslash escapes (C's,
// \xHEX and octal of any length, a backslash-newline continues the line), spaces around unquoted
// items dropped, bytes between escapes UTF-8.
Unescaped unescapeValue(std::string_view v)
{
    Unescaped r;
    std::u16string& cur = r.string;
    bool inQuotes = false, quoted = false;
    std::size_t i = 0;
    auto skipSpaces = [&] {
        while (i < v.size() && (v[i] == ' ' || v[i] == '\t'))
            ++i;
    };
    skipSpaces();
    std::size_t chopLimit = cur.size();
    while (i < v.size()) {
        const char ch = v[i];
        if (ch == '\\') {
            if (++i >= v.size())
                break;
            const char e = v[i++];
            static constexpr std::string_view from = "abfnrtv\"?'\\", to = "\a\b\f\n\r\t\v\"?'\\";
            if (const auto k = from.find(e); k != std::string_view::npos) {
                cur += static_cast<char16_t>(to[k]);
            } else if (e == 'x' || (e >= '0' && e <= '7')) {
                const int base = e == 'x' ? 16 : 8;
                char16_t value = e == 'x' ? 0 : static_cast<char16_t>(e - '0');
                bool any = e != 'x';
                while (i < v.size()) {
                    const int d =
                        base == 16 ? text::hexValue(v[i]) : (v[i] >= '0' && v[i] <= '7' ? v[i] - '0' : -1);
                    if (d < 0)
                        break;
                    value = static_cast<char16_t>(value * base + d);
                    any = true;
                    ++i;
                }
                if (any)
                    cur += value;
            } else if ((e == '\n' || e == '\r') && i < v.size() && (v[i] == '\n' || v[i] == '\r') &&
                       v[i] != e) {
                ++i; // a continued line: \r\n or \n\r
            }
            chopLimit = cur.size();
            continue;
        }
        if (ch == '"') {
            ++i;
            quoted = true;
            inQuotes = !inQuotes;
            if (!inQuotes) {
                skipSpaces();
                chopLimit = cur.size();
            }
            continue;
        }
        if (ch == ',' && !inQuotes) {
            if (!quoted)
                chopTrailingSpaces(cur, chopLimit);
            r.isList = true;
            r.list.push_back(cur);
            cur.clear();
            quoted = false;
            ++i;
            skipSpaces();
            chopLimit = 0;
            continue;
        }
        std::size_t j = i + 1;
        while (j < v.size() && v[j] != '\\' && v[j] != '"' && v[j] != ',')
            ++j;
        cur += toUtf16(v.substr(i, j - i));
        i = j;
    }
    if (!quoted)
        chopTrailingSpaces(cur, chopLimit);
    if (r.isList)
        r.list.push_back(cur);
    return r;
}

// QSettings' iniEscapedString: quotes when the text holds , ; = or starts/ends with a space.
std::string escapeString(std::u16string_view s, bool utf8)
{
    std::string out;
    bool needsQuotes = false, escapeNextIfDigit = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char16_t ch = s[i];
        if (ch == u';' || ch == u',' || ch == u'=')
            needsQuotes = true;
        const bool isHex = ch < 0x80 && text::hexValue(static_cast<char>(ch)) >= 0;
        if (escapeNextIfDigit && isHex) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%x", unsigned(ch));
            out += buf;
            continue;
        }
        escapeNextIfDigit = false;
        switch (ch) {
        case u'\0':
            out += "\\0";
            escapeNextIfDigit = true;
            break;
        case u'\a':
            out += "\\a";
            break;
        case u'\b':
            out += "\\b";
            break;
        case u'\f':
            out += "\\f";
            break;
        case u'\n':
            out += "\\n";
            break;
        case u'\r':
            out += "\\r";
            break;
        case u'\t':
            out += "\\t";
            break;
        case u'\v':
            out += "\\v";
            break;
        case u'"':
        case u'\\':
            out += '\\';
            out += static_cast<char>(ch);
            break;
        default:
            if (ch <= 0x1F || (ch >= 0x7F && !utf8)) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%x", unsigned(ch));
                out += buf;
                escapeNextIfDigit = true;
            } else if (ch >= 0x80) {
                // UTF-8, a surrogate pair as one character
                const bool pair = ch >= 0xD800 && ch <= 0xDBFF && i + 1 < s.size() && s[i + 1] >= 0xDC00 &&
                                  s[i + 1] <= 0xDFFF;
                out += toUtf8(s.substr(i, pair ? 2 : 1));
                i += pair ? 1 : 0;
            } else {
                out += static_cast<char>(ch);
            }
        }
    }
    if (needsQuotes || (!out.empty() && (out.front() == ' ' || out.back() == ' ')))
        out = '"' + out + '"';
    return out;
}

std::string escapeText(const std::string& utf8)
{
    return escapeString(toUtf16(utf8), true);
}

std::string variantText(const std::string& s)
{
    return !s.empty() && s[0] == '@' ? "@" + s : s;
}

std::string writeValue(const QtIniValue& v)
{
    switch (v.kind) {
    case QtIniValue::Kind::String:
        return escapeText(variantText(v.text));
    case QtIniValue::Kind::StringList: {
        if (v.list.empty())
            return "@Invalid()";
        std::string out;
        for (std::size_t i = 0; i < v.list.size(); ++i)
            out += (i ? ", " : "") + escapeText(variantText(v.list[i]));
        return out;
    }
    case QtIniValue::Kind::ByteArray: {
        std::u16string s = u"@ByteArray(";
        for (char c : v.text)
            s += static_cast<char16_t>(static_cast<unsigned char>(c));
        s += u')';
        return escapeString(s, false);
    }
    case QtIniValue::Kind::Invalid:
        return "@Invalid()";
    case QtIniValue::Kind::Other:
        return v.text;
    }
    return {};
}

QtIniValue readValue(std::string_view raw)
{
    Unescaped u = unescapeValue(raw);
    QtIniValue v;
    if (u.isList) {
        v.kind = QtIniValue::Kind::StringList;
        for (auto& item : u.list) {
            if (startsWith(item, "@@")) {
                item.erase(0, 1);
            } else if (startsWith(item, "@")) {
                // A list of other Qt types (QVariantList): kept as written.
                v = {};
                v.kind = QtIniValue::Kind::Other;
                v.text = std::string(text::trim(raw));
                return v;
            }
            v.list.push_back(toUtf8(item));
        }
        return v;
    }
    const std::u16string& s = u.string;
    if (startsWith(s, "@") && !s.empty() && s.back() == u')') {
        if (startsWith(s, "@ByteArray("))
            return QtIniValue::bytes(toLatin1(std::u16string_view(s).substr(11, s.size() - 12)));
        if (startsWith(s, "@String("))
            return QtIniValue::string(toUtf8(std::u16string_view(s).substr(8, s.size() - 9)));
        if (s == u"@Invalid()") {
            v.kind = QtIniValue::Kind::Invalid;
            return v;
        }
        for (const char* t : {"@Variant(", "@DateTime(", "@Rect(", "@Size(", "@Point("})
            if (startsWith(s, t)) {
                v.kind = QtIniValue::Kind::Other;
                v.text = std::string(text::trim(raw));
                return v;
            }
    }
    if (startsWith(s, "@@"))
        return QtIniValue::string(toUtf8(std::u16string_view(s).substr(1)));
    return QtIniValue::string(toUtf8(s));
}

// --- lines ------------------------------------------------------------------------------------

struct Line
{
    std::string_view text;
    std::ptrdiff_t equals = -1; // the first '=' outside quotes, relative to text
};

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// QSettings' readIniLine: a line ends at a newline outside quotes or at a ';' outside quotes (the
// rest, a comment, is skipped as its own line); a backslash escapes the next byte (line
// continuation); a ';' at the start of a line makes it a comment.
bool nextLine(std::string_view data, std::size_t& pos, Line& line)
{
    std::size_t start = pos;
    while (start < data.size() && isSpace(data[start]))
        ++start;
    std::size_t i = start;
    bool inQuotes = false;
    line.equals = -1;
    while (i < data.size()) {
        const char ch = data[i++];
        if (ch == '=') {
            if (!inQuotes && line.equals == -1)
                line.equals = static_cast<std::ptrdiff_t>(i - 1 - start);
        } else if (ch == '\n' || ch == '\r') {
            if (i == start + 1)
                ++start;
            else if (!inQuotes) {
                --i;
                break;
            }
        } else if (ch == '\\') {
            if (i < data.size()) {
                const char e = data[i++];
                if (i < data.size() && ((e == '\n' && data[i] == '\r') || (e == '\r' && data[i] == '\n')))
                    ++i;
            }
        } else if (ch == '"') {
            inQuotes = !inQuotes;
        } else if (ch == ';') {
            if (i == start + 1) {
                while (i < data.size() && data[i] != '\n' && data[i] != '\r')
                    ++i;
                while (i < data.size() && isSpace(data[i]))
                    ++i;
                start = i;
                line.equals = -1;
            } else if (!inQuotes) {
                --i;
                break;
            }
        }
    }
    pos = i;
    line.text = data.substr(start, i - start);
    return !line.text.empty();
}

} // namespace

QtIniValue QtIniValue::string(std::string s)
{
    QtIniValue v;
    v.text = std::move(s);
    return v;
}

QtIniValue QtIniValue::stringList(std::vector<std::string> items)
{
    QtIniValue v;
    v.kind = Kind::StringList;
    v.list = std::move(items);
    return v;
}

QtIniValue QtIniValue::bytes(std::string b)
{
    QtIniValue v;
    v.kind = Kind::ByteArray;
    v.text = std::move(b);
    return v;
}

std::string QtIniValue::toString() const
{
    switch (kind) {
    case Kind::String:
    case Kind::ByteArray:
        return text;
    case Kind::StringList:
        return list.size() == 1 ? list.front() : std::string();
    default:
        return {};
    }
}

std::vector<std::string> QtIniValue::toStringList() const
{
    switch (kind) {
    case Kind::String:
        return {text};
    case Kind::StringList:
        return list;
    default:
        return {};
    }
}

std::optional<long long> QtIniValue::toInt() const
{
    const std::string s(text::trim(toString()));
    if (s.empty())
        return std::nullopt;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (end != s.c_str() + s.size())
        return std::nullopt;
    return v;
}

std::optional<double> QtIniValue::toDouble() const
{
    const std::string s(text::trim(toString()));
    if (s.empty() || s.find_first_of("xX") != std::string::npos)
        return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size())
        return std::nullopt;
    return v;
}

const QtIniValue* QtIniFile::find(std::string_view key) const
{
    for (const auto& e : entries)
        if (e.key == key)
            return &e.value;
    return nullptr;
}

void QtIniFile::set(const std::string& key, QtIniValue value)
{
    for (auto& e : entries)
        if (e.key == key) {
            e.value = std::move(value);
            return;
        }
    entries.push_back({key, std::move(value)});
}

QtIniFile parseQtIni(std::string_view data)
{
    QtIniFile file;
    if (data.substr(0, 3) == "\xEF\xBB\xBF")
        data.remove_prefix(3);
    std::string section;
    std::size_t pos = 0;
    Line line;
    auto lineNo = [&](std::string_view t) {
        std::size_t n = 1;
        for (const char* p = data.data(); p < t.data(); ++p)
            n += *p == '\n';
        return std::to_string(n);
    };
    while (nextLine(data, pos, line)) {
        const std::string_view t = line.text;
        if (t.front() == '[') {
            std::size_t close = t.find(']');
            if (close == std::string_view::npos) {
                file.problems.push_back("line " + lineNo(t) + ": the section '" + std::string(t) +
                                        "' has no closing ']'");
                close = t.size();
            }
            const std::string_view name = text::trim(t.substr(1, close - 1));
            if (equalsIgnoreCase(name, "general"))
                section.clear();
            else if (equalsIgnoreCase(name, "%general"))
                section = std::string(name.substr(1)) + "/";
            else
                section = unescapeKey(name) + "/";
            continue;
        }
        if (line.equals < 0) {
            if (t.front() != ';')
                file.problems.push_back("line " + lineNo(t) + ": '" + std::string(t) +
                                        "' is not key=value (QSettings skips it)");
            continue;
        }
        const auto eq = static_cast<std::size_t>(line.equals);
        file.set(section + unescapeKey(text::trim(t.substr(0, eq))), readValue(t.substr(eq + 1)));
    }
    return file;
}

std::string writeQtIni(const QtIniFile& file)
{
    std::vector<std::string> sections; // in order of first appearance
    auto sectionOf = [](const std::string& key) {
        const auto slash = key.find('/');
        return slash == std::string::npos ? std::string() : key.substr(0, slash);
    };
    for (const auto& e : file.entries) {
        const std::string s = sectionOf(e.key);
        bool seen = false;
        for (const auto& known : sections)
            seen = seen || known == s;
        if (!seen)
            sections.push_back(s);
    }
    std::string out;
    for (std::size_t n = 0; n < sections.size(); ++n) {
        const std::string& s = sections[n];
        std::string header = escapeKey(s);
        if (header.empty())
            header = "General";
        else if (equalsIgnoreCase(header, "general"))
            header = "%General";
        out += (n ? "\n[" : "[") + header + "]\n";
        for (const auto& e : file.entries) {
            if (sectionOf(e.key) != s)
                continue;
            out +=
                escapeKey(s.empty() ? e.key : e.key.substr(s.size() + 1)) + "=" + writeValue(e.value) + "\n";
        }
    }
    return out;
}

} // namespace kw
