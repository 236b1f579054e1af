#include "core/modal/ModalLogLine.h"

#include <cctype>

namespace kw {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
bool isAlnum(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// Length of a timestamp at the start of `s` (0 when there is none):
// YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|±HH:MM|±HHMM]
std::size_t timestampLength(std::string_view s)
{
    auto digits = [&](std::size_t at, std::size_t n) {
        if (at + n > s.size())
            return false;
        for (std::size_t i = at; i < at + n; ++i)
            if (!isDigit(s[i]))
                return false;
        return true;
    };
    if (!(digits(0, 4) && s.size() > 10 && s[4] == '-' && digits(5, 2) && s[7] == '-' && digits(8, 2)))
        return 0;
    if (!(s.size() >= 19 && (s[10] == 'T' || s[10] == ' ') && digits(11, 2) && s[13] == ':' &&
          digits(14, 2) && s[16] == ':' && digits(17, 2)))
        return 0;
    std::size_t i = 19;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        std::size_t j = i + 1;
        while (j < s.size() && isDigit(s[j]))
            ++j;
        if (j > i + 1)
            i = j;
    }
    if (i < s.size() && s[i] == 'Z')
        return i + 1;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        if (digits(i + 1, 2) && i + 3 < s.size() && s[i + 3] == ':' && digits(i + 4, 2))
            return i + 6;
        if (digits(i + 1, 4))
            return i + 5;
        if (digits(i + 1, 2))
            return i + 3;
    }
    return i;
}

// Length of a container id ("ta-" + alphanumerics) at the start of `s`.
std::size_t containerIdLength(std::string_view s)
{
    if (s.size() < 4 || s.substr(0, 3) != "ta-")
        return 0;
    std::size_t i = 3;
    while (i < s.size() && isAlnum(s[i]))
        ++i;
    return i > 3 ? i : 0;
}

// Takes one prefix token (optionally in [] or ()), returns true when one was taken.
bool takePrefix(std::string_view& rest, ModalLogLine& out)
{
    std::string_view s = rest;
    char close = 0;
    if (!s.empty() && (s.front() == '[' || s.front() == '(')) {
        close = s.front() == '[' ? ']' : ')';
        s.remove_prefix(1);
    }
    std::size_t n = 0;
    bool isTs = false;
    if (out.timestamp.empty() && (n = timestampLength(s)) > 0)
        isTs = true;
    else if (out.containerId.empty() && (n = containerIdLength(s)) > 0)
        isTs = false;
    else
        return false;
    std::string_view token = s.substr(0, n);
    s.remove_prefix(n);
    if (close) {
        if (s.empty() || s.front() != close)
            return false;
        s.remove_prefix(1);
    }
    if (!s.empty() && s.front() == ':')
        s.remove_prefix(1);
    // A prefix is followed by a space or ends the line.
    if (!s.empty() && s.front() != ' ' && s.front() != '\t')
        return false;
    (isTs ? out.timestamp : out.containerId) = std::string(token);
    // The client joins prefix and message with one space; more spaces belong to the message
    // (an indented traceback line keeps its indentation).
    if (!s.empty())
        s.remove_prefix(1);
    rest = s;
    return true;
}

} // namespace

std::string stripAnsi(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c != '\x1b') {
            out += c;
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '[') { // CSI: ESC [ params final(0x40-0x7e)
            std::size_t j = i + 2;
            while (j < text.size() && !(text[j] >= 0x40 && text[j] <= 0x7e))
                ++j;
            i = j;
        } else if (i + 1 < text.size() && text[i + 1] == ']') { // OSC: ends at BEL or ESC '\'
            std::size_t j = i + 2;
            while (j < text.size() && text[j] != '\x07' &&
                   !(text[j] == '\x1b' && j + 1 < text.size() && text[j + 1] == '\\'))
                ++j;
            i = (j < text.size() && text[j] == '\x1b') ? j + 1 : j;
        } else {
            ++i; // two-character escape
        }
    }
    return out;
}

std::optional<nlohmann::json> extractModalEvalPayload(std::string_view text, std::string* error)
{
    const auto at = text.find(kModalEvalMarker);
    if (at == std::string_view::npos)
        return std::nullopt;
    std::string_view json = text.substr(at + kModalEvalMarker.size());
    while (!json.empty() &&
           (json.back() == '\r' || json.back() == '\n' || json.back() == ' ' || json.back() == '\t'))
        json.remove_suffix(1);
    auto j = nlohmann::json::parse(json, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        if (error)
            *error = j.is_discarded() ? "KERNELWATCH_EVAL payload is not valid JSON (truncated line?)"
                                      : "KERNELWATCH_EVAL payload is not a JSON object";
        return std::nullopt;
    }
    return j;
}

ModalLogLine parseModalLogLine(std::string_view line)
{
    ModalLogLine out;
    std::string clean = stripAnsi(line);
    while (!clean.empty() && (clean.back() == '\n' || clean.back() == '\r'))
        clean.pop_back();
    std::string_view rest = clean;
    for (int i = 0; i < 2 && takePrefix(rest, out); ++i) {
    }
    out.message = std::string(rest);
    out.eval = extractModalEvalPayload(out.message, &out.evalError);
    return out;
}

} // namespace kw
