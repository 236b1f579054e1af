#include "core/modal/ModalErrorBox.h"

#include "core/base/Text.h"
#include "core/modal/ModalLogLine.h"

#include <vector>

namespace kw {

namespace {

std::vector<std::string_view> splitLines(std::string_view text)
{
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto nl = text.find('\n');
        lines.push_back(text.substr(0, nl));
        if (nl == std::string_view::npos)
            break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

bool startsWith(std::string_view s, std::string_view p)
{
    return s.substr(0, p.size()) == p;
}
bool endsWith(std::string_view s, std::string_view p)
{
    return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

} // namespace

std::string extractModalErrorBox(std::string_view raw)
{
    const std::string text = stripAnsi(raw);
    const auto lines = splitLines(text);
    constexpr std::string_view kTop = "\xe2\x95\xad";    // ╭
    constexpr std::string_view kBottom = "\xe2\x95\xb0"; // ╰
    constexpr std::string_view kSide = "\xe2\x94\x82";   // │
    std::string out;
    bool inBox = false;
    for (auto line : lines) {
        auto t = text::trim(line);
        if (!inBox) {
            if (startsWith(t, kTop) && t.find("Error") != std::string_view::npos) {
                inBox = true;
                out.clear();
            }
            continue;
        }
        if (startsWith(t, kBottom)) {
            inBox = false;
            continue;
        }
        if (startsWith(t, kSide))
            t.remove_prefix(kSide.size());
        if (endsWith(t, kSide))
            t.remove_suffix(kSide.size());
        t = text::trim(t);
        if (t.empty())
            continue;
        if (!out.empty())
            out += ' ';
        out.append(t);
    }
    if (!out.empty())
        return out;
    for (auto line : lines) {
        auto t = text::trim(line);
        if (startsWith(t, "Error: "))
            return std::string(text::trim(t.substr(7)));
    }
    return {};
}

namespace {

constexpr std::string_view kTracebackTitle = "Traceback (most recent call last)";

// "╭──── Traceback (most recent call last) ────╮"
bool isRichTracebackTop(std::string_view t)
{
    return startsWith(t, "\xe2\x95\xad") && t.find(kTracebackTitle) != std::string_view::npos;
}

} // namespace

std::string lastTracebackLine(std::string_view raw)
{
    const std::string text = stripAnsi(raw);
    const auto lines = splitLines(text);
    bool sawTraceback = false;
    bool inPanel = false;
    std::string last;
    for (auto line : lines) {
        auto t = text::trim(line);
        if (inPanel) {
            if (startsWith(t, "\xe2\x95\xb0")) // ╰ closes the panel
                inPanel = false;
            continue;
        }
        if (isRichTracebackTop(t)) {
            sawTraceback = true;
            inPanel = true;
            continue;
        }
        if (startsWith(t, kTracebackTitle)) {
            sawTraceback = true;
            continue;
        }
        if (sawTraceback && !t.empty() && line.front() != ' ' && t.find(':') != std::string_view::npos)
            last = std::string(t);
    }
    return last;
}

std::string richTracebackPanel(std::string_view raw)
{
    const std::string text = stripAnsi(raw);
    constexpr std::string_view kSide = "\xe2\x94\x82"; // │
    std::string out;
    bool inPanel = false;
    for (auto line : splitLines(text)) {
        auto t = text::trim(line);
        if (!inPanel) {
            if (isRichTracebackTop(t)) {
                inPanel = true;
                out.clear();
            }
            continue;
        }
        if (startsWith(t, "\xe2\x95\xb0")) {
            inPanel = false;
            continue;
        }
        if (startsWith(t, kSide))
            t.remove_prefix(kSide.size());
        if (endsWith(t, kSide))
            t.remove_suffix(kSide.size());
        while (!t.empty() && t.back() == ' ')
            t.remove_suffix(1);
        if (!t.empty() && t.front() == ' ') // rich's one column of padding
            t.remove_prefix(1);
        if (t.empty())
            continue;
        if (!out.empty())
            out += '\n';
        out.append(t);
    }
    return out;
}

} // namespace kw
