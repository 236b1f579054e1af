#include "core/watch/TensorboardEvents.h"

#include <cstring>
#include <unordered_set>

namespace kw {

namespace {

bool readVarint(std::string_view s, std::size_t& i, std::uint64_t& out)
{
    out = 0;
    for (int shift = 0; shift < 64 && i < s.size(); shift += 7) {
        const auto b = static_cast<unsigned char>(s[i++]);
        out |= static_cast<std::uint64_t>(b & 0x7F) << shift;
        if (!(b & 0x80))
            return true;
    }
    return false;
}

struct Event
{
    double wallTime = 0;
    bool hasWallTime = false;
    std::int64_t step = 0;
    bool summary = false;
    bool fileVersion = false;
};

bool parseEvent(std::string_view p, Event& e)
{
    std::size_t i = 0;
    while (i < p.size()) {
        std::uint64_t key = 0;
        if (!readVarint(p, i, key))
            return false;
        const auto field = key >> 3;
        switch (key & 7) {
        case 0: { // varint
            std::uint64_t v = 0;
            if (!readVarint(p, i, v))
                return false;
            if (field == 2)
                e.step = static_cast<std::int64_t>(v);
            break;
        }
        case 1: { // fixed64
            if (i + 8 > p.size())
                return false;
            if (field == 1) {
                std::memcpy(&e.wallTime, p.data() + i, 8);
                e.hasWallTime = true;
            }
            i += 8;
            break;
        }
        case 2: { // length-delimited
            std::uint64_t len = 0;
            if (!readVarint(p, i, len) || len > p.size() - i)
                return false;
            if (field == 5)
                e.summary = true;
            if (field == 3)
                e.fileVersion = true;
            i += static_cast<std::size_t>(len);
            break;
        }
        case 5: // fixed32
            if (i + 4 > p.size())
                return false;
            i += 4;
            break;
        default:
            return false;
        }
    }
    return true;
}

} // namespace

TensorboardStepTimes parseTensorboardEvents(std::string_view bytes)
{
    TensorboardStepTimes out;
    std::unordered_set<std::int64_t> seen;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        if (bytes.size() - pos < 12) {
            out.truncated = true;
            break;
        }
        std::uint64_t len = 0;
        std::memcpy(&len, bytes.data() + pos, 8); // little-endian on every platform kernelwatch builds for
        if (len > bytes.size() - pos - 12 || bytes.size() - pos - 12 - len < 4) {
            out.truncated = true;
            break;
        }
        Event e;
        if (!parseEvent(bytes.substr(pos + 12, static_cast<std::size_t>(len)), e)) {
            out.invalid = true;
            break;
        }
        pos += 12 + static_cast<std::size_t>(len) + 4;
        if (!e.hasWallTime)
            continue;
        if (!out.hasStart) {
            out.start = e.wallTime;
            out.hasStart = true;
        }
        if (!e.summary)
            continue;
        if (seen.insert(e.step).second)
            out.steps.emplace_back(e.step, e.wallTime);
    }
    return out;
}

} // namespace kw
