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

// The evaluator's judgement of its own timing (result JSON "timing_quality"). Absent in
// results stored before the evaluator reported it.
struct TimingQuality
{
    std::string verdict;              // "reliable", "noisy" or "unreliable" (other words: unknown)
    std::vector<std::string> reasons; // sentences, for people
    int trials = 0;                   // kernel timing trials that ran
    int baselineTrials = 0;
    std::vector<double> loadAvg; // host load averages (1, 5, 15 min) while timing
    int cpuCount = 0;
    std::vector<std::string> busyProcesses;

    bool untrustworthy() const { return verdict == "noisy" || verdict == "unreliable"; }
};

// 95 % confidence interval of the speedup (result JSON "speedup_ci": [low, high]).
struct SpeedupInterval
{
    double low = 0, high = 0;
};

// Whether a result is a speedup worth counting (see significantWin).
enum class WinVerdict
{
    Win,
    NotAWin,
    Unknown
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
    std::optional<SpeedupInterval> speedupCi;
    std::optional<TimingQuality> timingQuality;

    bool hasFlag(std::string_view f) const;
    // Stopped because someone asked (Cancel): still status infra_error, with metadata
    // "cancelled": true (or, in rows stored before that key, the message "cancelled…").
    bool isCancelled() const;
    // A result for an evaluation that never reached a kernel (bad input, no Python, ...). A
    // message "cancelled" or "cancelled: …" marks it as cancelled (isCancelled).
    static EvalResult infraError(const EvalRequest& req, std::string message);
};

// A significant win: correct, timing not judged noisy or unreliable, and the whole 95 %
// interval of the speedup above 1. A correct, trustworthy result without an interval (stored
// before intervals existed) is Unknown, never a Win.
WinVerdict significantWin(const EvalResult& r);
// The same against p× (fast_p): the whole 95 % interval above p.
WinVerdict significantlyAbove(const EvalResult& r, double p);

// Which of two results is significantly faster: -1 for a, 1 for b, 0 when the difference is
// not significant or unknown (either not correct, either timing noisy or unreliable, either
// without an interval, or the two 95 % intervals of the speedup overlap).
int significantlyFaster(const EvalResult& a, const EvalResult& b);

// Full JSON (code included). `withCode=false` drops ref/kernel code from `request`, as in
// KERNELWATCH_EVAL log lines and exports.
nlohmann::json toJson(const EvalResult& r, bool withCode = true);
// Lenient: missing keys keep defaults, wrong types are ignored, NaN/null speedups stay empty.
EvalResult resultFromJson(const nlohmann::json& j);

double nowUnixSeconds();

} // namespace kw
