#pragma once

#include <QString>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kw::ui {

// Interns the strings that repeat across millions of rows (source, backend, target, GPU,
// problem, run): a row keeps a small index, the pool keeps one QString per distinct value.
// Index 0 is always the empty string. Not thread-safe: owned and used by the UI thread.
class StringPool
{
public:
    StringPool();

    std::uint32_t intern(std::string_view utf8);
    std::uint32_t intern(const QString& s);
    std::optional<std::uint32_t> find(const QString& s) const;
    const QString& at(std::uint32_t index) const { return m_strings[index]; }
    std::uint32_t size() const { return static_cast<std::uint32_t>(m_strings.size()); }
    const std::vector<QString>& strings() const { return m_strings; }
    void clear();
    std::size_t memoryBytes() const;

private:
    struct Hash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::vector<QString> m_strings;
    std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> m_index;
};

} // namespace kw::ui
