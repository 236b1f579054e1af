// libFuzzer target: parseModalLogLine, KERNELWATCH_EVAL extraction, ANSI stripping and ModalLineBuffer.
#include "core/modal/ModalLineBuffer.h"
#include "core/modal/ModalLogLine.h"
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // Whole input as one line, then split into lines by the stream splitter in odd chunk sizes.
    auto one = kw::parseModalLogLine(text);
    if (one.eval && !one.eval->is_object())
        __builtin_trap();
    std::size_t lines = 0;
    kw::ModalLineBuffer buf(
        [&](std::string_view line, bool truncated) {
            if (line.size() > 64 || (line.find(0x0a) != std::string_view::npos))
                __builtin_trap();
            (void)truncated;
            (void)kw::parseModalLogLine(line);
            ++lines;
        },
        64);
    for (std::size_t i = 0; i < size; i += 7)
        buf.feed(text.substr(i, 7));
    buf.finish();
    (void)kw::stripAnsi(text);
    return 0;
}
