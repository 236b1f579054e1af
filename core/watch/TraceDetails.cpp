#include "core/watch/TraceDetails.h"

#include "core/base/JsonSanitizer.h"
#include "core/watch/TraceLineParser.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace kw {

namespace {

std::string textOf(const nlohmann::json& j)
{
    if (j.is_string())
        return j.get<std::string>();
    if (j.is_array()) { // [{"type": "text", "text": "..."}, ...]
        std::string out;
        for (const auto& part : j) {
            if (part.is_string()) {
                out += part.get<std::string>();
            } else if (part.is_object()) {
                auto t = part.find("text");
                if (t != part.end() && t->is_string())
                    out += t->get<std::string>();
            }
        }
        return out;
    }
    if (j.is_null())
        return {};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json member(const nlohmann::json& j, const char* key)
{
    auto it = j.find(key);
    return it == j.end() ? nlohmann::json() : *it;
}

} // namespace

TraceDetails parseTraceDetails(std::string_view line)
{
    TraceDetails d;
    if (jsonNestingDepth(line, 256) >= 256) {
        d.error = "the line nests too deeply to show";
        return d;
    }
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(sanitizeJson(line));
    } catch (const std::exception& e) {
        d.error = std::string("the line is not valid JSON: ") + e.what();
        return d;
    }
    if (!j.is_object()) {
        d.error = "the line is not a JSON object";
        return d;
    }
    try {
        if (auto pm = member(j, "prompt_messages"); pm.is_array()) {
            for (const auto& m : pm) {
                if (!m.is_object())
                    continue;
                d.promptMessages.push_back({textOf(member(m, "role")), textOf(member(m, "content"))});
            }
        }
        if (auto resp = member(j, "response"); resp.is_object()) {
            d.thought = textOf(member(resp, "thought"));
            d.kernel = textOf(member(resp, "kernel"));
            d.raw = textOf(member(resp, "raw"));
            if (auto f = member(resp, "format_ok"); f.is_boolean())
                d.formatOk = f.get<bool>();
        } else if (resp.is_string()) {
            d.raw = resp.get<std::string>();
        }
        d.evalResultJson = member(j, "eval_result");
        d.evalResult = resultFromJson(d.evalResultJson);
        if (auto rb = member(j, "reward_breakdown"); rb.is_object())
            d.rewardBreakdown = rb;
        if (auto m = member(j, "metrics"); m.is_object())
            d.metrics = m;
        if (auto s = member(j, "state"); s.is_object())
            d.state = s;
        d.historyEntry = member(j, "history_entry");
        d.stopCondition = member(j, "stop_condition");
        d.renderer = textOf(member(j, "renderer"));
    } catch (const std::exception& e) {
        d.error = std::string("unexpected content: ") + e.what();
        return d;
    }
    d.ok = true;
    return d;
}

TraceDetails loadTraceDetails(const std::string& tracesPath, std::uint64_t offset, std::uint64_t length,
                              std::uint64_t expectedHash, std::uint64_t maxBytes)
{
    TraceDetails d;
    if (length > maxBytes) {
        d.error = "the line is " + std::to_string(length) + " bytes, more than the " +
                  std::to_string(maxBytes) + " that can be shown";
        return d;
    }
    const int fd = ::open(tracesPath.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        d.error = tracesPath + ": " + std::strerror(errno);
        return d;
    }
    std::string buf(static_cast<std::size_t>(length), '\0');
    std::size_t got = 0;
    while (got < buf.size()) {
        const ssize_t n = ::pread(fd, buf.data() + got, buf.size() - got, static_cast<off_t>(offset + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (got != buf.size()) {
        d.error = "the file is shorter than when it was indexed (truncated or replaced)";
        return d;
    }
    if (expectedHash != 0 && traceLineHash(offset, buf) != expectedHash) {
        d.error = "the line changed since it was indexed (the file was rewritten)";
        return d;
    }
    return parseTraceDetails(buf);
}

} // namespace kw
