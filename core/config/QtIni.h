#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kw {

// One value as Qt's QSettings stores it in its INI format (QSettings::IniFormat, and the native
// format on Linux): a string, a string list (an unquoted comma), a byte array (@ByteArray(...)),
// an invalid value (@Invalid(), what an empty list is written as), or another Qt type
// (@Variant(...), @Rect(...), ...: kept as written, not decoded).
struct QtIniValue
{
    enum class Kind
    {
        String,
        StringList,
        ByteArray,
        Invalid,
        Other
    };
    Kind kind = Kind::String;
    std::string text;              // String: UTF-8; ByteArray: the bytes; Other: "@Variant(...)" as read
    std::vector<std::string> list; // StringList: UTF-8 items

    static QtIniValue string(std::string s);
    static QtIniValue stringList(std::vector<std::string> items); // an empty list is @Invalid()
    static QtIniValue bytes(std::string b);

    // As QVariant converts them: a list of one item reads as that item; anything else as "".
    std::string toString() const;
    // An invalid value is an empty list; a string is a list of one.
    std::vector<std::string> toStringList() const;
    // QString::toLongLong / toDouble of toString(): nullopt where that is not a number.
    std::optional<long long> toInt() const;
    std::optional<double> toDouble() const;
    bool operator==(const QtIniValue&) const = default;
};

struct QtIniEntry
{
    std::string key; // QSettings' key: "local/python" ([local] python=...), "theme" ([General])
    QtIniValue value;
};

// A QSettings INI file: the entries in file order, and what could not be read.
struct QtIniFile
{
    std::vector<QtIniEntry> entries;
    std::vector<std::string> problems; // "line 4: 'garbage' is not key=value": QSettings skips them too

    const QtIniValue* find(std::string_view key) const;
    void set(const std::string& key, QtIniValue value); // replaces, or appends in its section
};

// Pure: reads what QSettings wrote (sections, %-escaped keys, quoted and escaped values, comma
// lists, @ markers, ';' comments, a UTF-8 BOM). A key given twice keeps the later value.
QtIniFile parseQtIni(std::string_view text);
// Pure: writes the entries as QSettings would: [General] for keys without a section, sections in
// the order their first entry appears, values escaped and quoted the same way.
std::string writeQtIni(const QtIniFile& file);

} // namespace kw
