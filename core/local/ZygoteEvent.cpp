#include "core/local/ZygoteEvent.h"

namespace kw {

using nlohmann::json;

std::string_view toString(ZygoteEvent::Type t)
{
    switch (t) {
    case ZygoteEvent::Type::Invalid:
        return "invalid";
    case ZygoteEvent::Type::Ready:
        return "ready";
    case ZygoteEvent::Type::Pong:
        return "pong";
    case ZygoteEvent::Type::Started:
        return "started";
    case ZygoteEvent::Type::Progress:
        return "progress";
    case ZygoteEvent::Type::Result:
        return "result";
    case ZygoteEvent::Type::Exited:
        return "exited";
    case ZygoteEvent::Type::Error:
        return "error";
    case ZygoteEvent::Type::ZygoteDied:
        return "zygote_died";
    }
    return "unknown";
}

namespace {

ZygoteEvent invalid(std::string why, std::string_view line)
{
    ZygoteEvent e;
    e.type = ZygoteEvent::Type::Invalid;
    constexpr std::size_t cap = 200;
    e.error = std::move(why) + ": " + std::string(line.substr(0, cap)) + (line.size() > cap ? "..." : "");
    return e;
}

std::string str(const json& j, const char* key)
{
    auto it = j.find(key);
    if (it == j.end() || !it->is_string())
        return {};
    return it->get<std::string>();
}

long long integer(const json& j, const char* key)
{
    auto it = j.find(key);
    if (it == j.end() || !it->is_number())
        return 0;
    return it->is_number_integer() ? it->get<long long>() : static_cast<long long>(it->get<double>());
}

std::optional<int> optInt(const json& j, const char* key)
{
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer())
        return std::nullopt;
    return it->get<int>();
}

bool boolean(const json& j, const char* key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

} // namespace

ZygoteEvent parseZygoteEvent(std::string_view line)
{
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
        return invalid("not JSON", line);
    if (!j.is_object())
        return invalid("not a JSON object", line);
    const std::string name = str(j, "event");
    if (name.empty())
        return invalid("no \"event\" key", line);

    ZygoteEvent e;
    e.job = str(j, "job");
    e.pid = integer(j, "pid");
    if (name == "ready") {
        e.type = ZygoteEvent::Type::Ready;
        e.python = str(j, "python");
        e.torch = str(j, "torch");
        e.target = str(j, "target");
        e.cudaAvailable = boolean(j, "cuda_available");
        e.cudaForkPoisoned = boolean(j, "cuda_fork_poisoned");
        e.mode = str(j, "mode");
        if (auto it = j.find("isolation"); it != j.end() && it->is_array())
            for (const auto& i : *it)
                if (i.is_string())
                    e.isolation.push_back(i.get<std::string>());
        return e;
    }
    if (name == "pong") {
        e.type = ZygoteEvent::Type::Pong;
        return e;
    }
    if (name == "error") {
        e.type = ZygoteEvent::Type::Error;
        e.error = str(j, "message");
        if (e.error.empty())
            e.error = "the evaluator reported an error without a message";
        return e;
    }
    // Every other event belongs to a job.
    if (e.job.empty())
        return invalid("event \"" + name + "\" without a job", line);
    if (name == "started") {
        e.type = ZygoteEvent::Type::Started;
        if (e.pid <= 1)
            return invalid("started event without a valid pid", line);
        return e;
    }
    if (name == "progress") {
        e.type = ZygoteEvent::Type::Progress;
        e.stage = str(j, "stage");
        e.detail = str(j, "detail");
        return e;
    }
    if (name == "result") {
        e.type = ZygoteEvent::Type::Result;
        auto it = j.find("result");
        if (it == j.end() || !it->is_object())
            return invalid("result event without a result object", line);
        e.result = std::move(*it);
        return e;
    }
    if (name == "exited") {
        e.type = ZygoteEvent::Type::Exited;
        e.exitCode = optInt(j, "exit_code");
        e.signal = optInt(j, "signal");
        e.logTail = str(j, "log_tail");
        e.logBytes = integer(j, "log_bytes");
        e.resultReceived = boolean(j, "result_received");
        e.channelError = str(j, "channel_error");
        e.killedReason = str(j, "killed_reason");
        e.maxRssKb = integer(j, "max_rss_kb");
        if (auto it = j.find("wall_s"); it != j.end() && it->is_number())
            e.wallS = it->get<double>();
        return e;
    }
    return invalid("unknown event \"" + name + "\"", line);
}

std::string zygoteProbeCommand(const std::string& job, const json& request)
{
    return json{{"op", "probe"}, {"job", job}, {"request", request}}.dump(-1, ' ', false,
                                                                          json::error_handler_t::replace) +
           "\n";
}

std::string zygoteEvalCommand(const std::string& job, const json& request)
{
    // dump() escapes control characters, so the command stays one line; invalid UTF-8 in
    // sources is replaced rather than aborting.
    return json{{"op", "eval"}, {"job", job}, {"request", request}}.dump(-1, ' ', false,
                                                                         json::error_handler_t::replace) +
           "\n";
}

std::string zygotePingCommand()
{
    return "{\"op\":\"ping\"}\n";
}
std::string zygoteShutdownCommand()
{
    return "{\"op\":\"shutdown\"}\n";
}

std::string zygoteCancelCommand(const std::string& job)
{
    return json{{"op", "cancel"}, {"job", job}}.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

} // namespace kw
