#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace kw {

// Splits a byte stream (a pipe, a socket) into lines as data arrives: feed() whatever was read,
// each complete line goes to the callback without its '\n' (and '\r'). Lines longer than
// `maxLine` are cut: the first `maxLine` bytes are delivered with `truncated` set and the rest
// of that line is dropped, so a flood without newlines cannot grow memory.
class ModalLineBuffer
{
public:
    using LineFn = std::function<void(std::string_view line, bool truncated)>;

    explicit ModalLineBuffer(LineFn onLine, std::size_t maxLine = 1 << 20);

    void feed(std::string_view data);
    // Delivers a last line that had no '\n' (at end of stream).
    void finish();

private:
    LineFn m_onLine;
    std::size_t m_maxLine;
    std::string m_pending;
    bool m_dropping = false;
};

} // namespace kw
