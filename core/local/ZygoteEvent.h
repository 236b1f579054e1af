#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kw {

// One event line from a zygote's protocol channel (resources/evaluator/PROTOCOL.md), or a
// synthetic event the core produces itself (Invalid for a line it could not read, ZygoteDied
// when the zygote's channel closed).
struct ZygoteEvent
{
    enum class Type
    {
        Invalid,
        Ready,
        Pong,
        Started,
        Progress,
        Result,
        Exited,
        Error,
        ZygoteDied
    };
    Type type = Type::Invalid;
    std::string job;

    // ready
    long long pid = 0; // ready: the zygote's pid; started/exited: the child's pid (= its pgid)
    std::string python, torch, target;
    bool cudaAvailable = false;
    bool cudaForkPoisoned = false; // forked children cannot use CUDA: the zygote is useless
    std::string mode;              // eval | compile (absent in older zygotes)
    std::vector<std::string> isolation;

    // progress
    std::string stage, detail;

    // result: the child's partial EvalResult document (always an object)
    nlohmann::json result;

    // exited
    std::optional<int> exitCode;
    std::optional<int> signal;
    std::string logTail;
    long long logBytes = 0;
    bool resultReceived = false;
    std::string channelError; // empty when none
    std::string killedReason; // the zygote killed it: "memory_limit: ...", "process_limit: ..."
    long long maxRssKb = 0;
    double wallS = 0;

    // Invalid / Error / ZygoteDied: what was wrong (for Invalid with the line, capped; for
    // Error the zygote's message, `job` set when it concerns one)
    std::string error;
};

std::string_view toString(ZygoteEvent::Type t);

// Pure parser for one line (without or with its trailing newline). Never throws: anything
// that is not a well-formed event comes back as Type::Invalid with `error` saying why.
ZygoteEvent parseZygoteEvent(std::string_view line);

// Command lines for the zygote's stdin, each ending in '\n'.
std::string zygoteEvalCommand(const std::string& job, const nlohmann::json& request);
// The size probe (op "probe", PROTOCOL.md "Size probe"): answered like an eval job.
std::string zygoteProbeCommand(const std::string& job, const nlohmann::json& request);
std::string zygotePingCommand();
std::string zygoteShutdownCommand();
std::string zygoteCancelCommand(const std::string& job);

} // namespace kw
