#include "ui/models/StringPool.h"

#include "ui/base/QtStd.h"

namespace kw::ui {

StringPool::StringPool()
{
    clear();
}

void StringPool::clear()
{
    m_strings.clear();
    m_index.clear();
    m_strings.emplace_back();
    m_index.emplace(std::string(), 0);
}

std::uint32_t StringPool::intern(std::string_view utf8)
{
    if (utf8.empty())
        return 0;
    auto it = m_index.find(utf8);
    if (it != m_index.end())
        return it->second;
    const auto idx = static_cast<std::uint32_t>(m_strings.size());
    m_strings.push_back(qs(utf8));
    m_index.emplace(std::string(utf8), idx);
    return idx;
}

std::uint32_t StringPool::intern(const QString& s)
{
    return intern(toStd(s));
}

std::optional<std::uint32_t> StringPool::find(const QString& s) const
{
    auto it = m_index.find(toStd(s));
    if (it == m_index.end())
        return std::nullopt;
    return it->second;
}

std::size_t StringPool::memoryBytes() const
{
    std::size_t n = m_strings.capacity() * sizeof(QString);
    for (const QString& s : m_strings)
        n += static_cast<std::size_t>(s.capacity()) * 2 + 2 * s.size() + 64; // QString + map entry
    return n;
}

} // namespace kw::ui
