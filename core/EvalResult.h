#pragma once

#include "EvalRequest.h"
#include "EvalStatus.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace kw {

struct RuntimeStats
{
    double mean = 0, median = 0, std = 0, min = 0, max = 0;
    int n = 0;
};

struct StageTimings // seconds
{
    double queued = 0, compile = 0, correctness = 0, perf = 0, total = 0;
};

struct DeviceInfo
{
    std::string name;   // "NVIDIA H100 80GB HBM3", "cpu (x86_64, 16 threads)"
    std::string arch;   // "sm_90", "cpu"
    std::string target; // "cuda:0", "cpu", "modal:H100"
};

struct WorkerInfo
{
    long long pid = 0;
    int gpuIndex = -1;
    std::string containerId;
};

// The outcome of one evaluation. A superset of the dict that kernel_rl's training code
// consumes (format_ok ... metadata), so JSON produced here is a drop-in replacement.
struct EvalResult
{
    // kernel_rl-compatible fields
    bool formatOk = true;
    bool compiled = false;
    bool correctness = false;
    int testsPassed = 0;
    int testsTotal = 0;
    std::optional<double> speedup; // baseline_runtime_ms / runtime_ms
    std::optional<double> runtimeMs;
    std::optional<double> baselineRuntimeMs;
    bool cheated = false;
    std::string errorMessage;
    long long codeLength = 0;
    nlohmann::json metadata = nlohmann::json::object();

    // kernelwatch's own
    std::string id;
    EvalStatus status = EvalStatus::Unknown;
    std::vector<std::string> flags;
    std::optional<RuntimeStats> runtimeStats;
    std::optional<RuntimeStats> baselineStats;
    StageTimings timings;
    DeviceInfo device;
    WorkerInfo worker;
    std::string logTail;
    double createdAt = 0;  // unix seconds, when the request was submitted
    double finishedAt = 0; // unix seconds, when the result was final
    std::optional<double> costUsd;
    std::string isolation; // what isolation was in force, e.g. "setsid,rlimits,subreaper"
    EvalRequest request;   // the request, code included (seed_secret never kept)

    bool hasFlag(std::string_view f) const;
    // A result for an evaluation that never reached a kernel (bad input, no Python, ...).
    static EvalResult infraError(const EvalRequest& req, std::string message);
};

// Full JSON (code included). `withCode=false` drops ref/kernel code from `request`, as in
// KERNELWATCH_EVAL log lines and exports.
nlohmann::json toJson(const EvalResult& r, bool withCode = true);
// Lenient: missing keys keep defaults, wrong types are ignored, NaN/null speedups stay empty.
EvalResult resultFromJson(const nlohmann::json& j);

double nowUnixSeconds();

} // namespace kw
