#pragma once

#include <QString>
#include <QStringList>

#include <string>
#include <string_view>
#include <vector>

// The GUI's one std <-> Qt text conversion (issue 16): core speaks UTF-8 std::string, Qt speaks
// QString. Bridges and item models convert with these; nothing keeps a private copy.
namespace kw::ui {

inline QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

inline std::string toStd(const QString& s)
{
    return s.toStdString();
}

inline QStringList qsList(const std::vector<std::string>& v)
{
    QStringList out;
    out.reserve(qsizetype(v.size()));
    for (const auto& s : v)
        out << qs(s);
    return out;
}

inline std::vector<std::string> toStdList(const QStringList& l)
{
    std::vector<std::string> out;
    out.reserve(std::size_t(l.size()));
    for (const auto& s : l)
        out.push_back(s.toStdString());
    return out;
}

} // namespace kw::ui
