#include "core/base/StringInterner.h"

namespace kw {

StringInterner& StringInterner::instance()
{
    static StringInterner* pool = new StringInterner; // never destroyed: views outlive static dtors
    return *pool;
}

std::string_view StringInterner::intern(std::string_view s)
{
    if (s.empty())
        return {};
    if (s.size() > kMaxLength) {
        std::size_t n = kMaxLength; // do not cut a UTF-8 sequence in two
        while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
            --n;
        s = s.substr(0, n);
    }
    std::lock_guard lock(m_mutex);
    if (auto it = m_index.find(s); it != m_index.end())
        return *it;
    if (m_bytes + s.size() > kMaxTotalBytes)
        return "(too many distinct values)";
    m_storage.emplace_back(s);
    std::string_view v = m_storage.back();
    m_index.insert(v);
    m_bytes += s.size() + sizeof(std::string);
    return v;
}

std::size_t StringInterner::size() const
{
    std::lock_guard lock(m_mutex);
    return m_storage.size();
}

std::string_view intern(std::string_view s)
{
    return StringInterner::instance().intern(s);
}

} // namespace kw
