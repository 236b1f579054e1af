#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace kw {

// Process-wide pool of short, often repeated strings (backends, modes, problem ids, metric keys)
// so that millions of trace records can refer to them with a 16-byte string_view instead of an
// owning std::string. Views stay valid for the life of the process. Thread-safe.
//
// Bounded: strings are cut at kMaxLength bytes, and once kMaxTotalBytes are held every new
// string maps to "(too many distinct values)" (a hostile file cannot make it grow forever).
class StringInterner
{
public:
    static constexpr std::size_t kMaxLength = 256;
    static constexpr std::size_t kMaxTotalBytes = 32u << 20;

    static StringInterner& instance();

    std::string_view intern(std::string_view s);
    std::size_t size() const;

private:
    StringInterner() = default;

    mutable std::mutex m_mutex;
    std::deque<std::string> m_storage; // deque: element addresses never move
    std::unordered_set<std::string_view> m_index;
    std::size_t m_bytes = 0;
};

// Shorthand for StringInterner::instance().intern(s).
std::string_view intern(std::string_view s);

} // namespace kw
