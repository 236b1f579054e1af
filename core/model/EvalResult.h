#pragma once

#include "core/model/EvalRequest.h"
#include "core/model/EvalStatus.h"

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

// One baseline the candidate was timed against (result JSON "baselines": {"eager": {...},
// "compile": {...}}). "eager" duplicates baseline_runtime_ms/speedup/speedup_ci; "compile" is the
// reference under torch.compile (inductor) in `mode`, compile time excluded from the timing. A
// baseline that could not be measured has only `error` (a one-line reason).
struct BaselineTiming
{
    std::string name;  // "eager" | "compile"
    std::string mode;  // compile mode: "default" | "max-autotune-no-cudagraphs" (empty for eager)
    std::string error; // why it could not be measured (then no runtime or speedup)
    std::optional<double> runtimeMs, speedup, compileS;
    std::optional<SpeedupInterval> speedupCi;
    std::optional<RuntimeStats> stats;
    bool cacheHit = false; // the compiled reference came from the cache (compileS is then the load)
};

// The least time the problem's work can take on the device (result JSON "sol"): bytes that must
// move over the memory bandwidth, FLOPs over the peak for the precision. `unavailable` says why
// there is none (CPU device, GPU not in the table, ...).
struct SpeedOfLight
{
    std::string device, precision;
    std::string bound; // "memory" | "compute"
    std::string peaks; // where the peaks came from
    std::string unavailable;
    double flops = 0, bytes = 0, peakFlopsPerS = 0, peakBytesPerS = 0;
    double timeMs = 0;  // max(bytes / peak bandwidth, flops / peak flops)
    double floorMs = 0; // the most generous floor: faster_than_light below 0.8 of it
    double percent = 0; // 100 * timeMs / runtime
    double arithmeticIntensity = 0, achievedFlopsPerS = 0, achievedBytesPerS = 0;
    bool flopsEstimated = false; // FlopCounterMode counted 0: one op per element assumed

    bool available() const { return unavailable.empty() && timeMs > 0; }
};

// Which baseline a speedup is measured against.
enum class Baseline
{
    Eager,
    Compile
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
    std::vector<BaselineTiming> baselines; // eager first; empty in results before baselines
    std::optional<SpeedOfLight> sol;

    // The named baseline ("eager", "compile"), or nullptr when not measured.
    const BaselineTiming* baseline(std::string_view name) const;
    bool hasFlag(std::string_view f) const;
    // Stopped because someone asked (Cancel): still status infra_error, with metadata
    // "cancelled": true (or, in rows stored before that key, the message "cancelled…").
    bool isCancelled() const;
    // Why the kernel never ran, for a setup refusal (an infra_error with metadata.error_kind
    // "setup"): "too large" when the pre-run size check refused it, "setup" otherwise; "" when it ran.
    std::string notRunReason() const;
    // In fast_p's count: not cancelled and not refused before running (SpeedupScores::notCounted).
    bool countsInScores() const { return !isCancelled() && notRunReason().empty(); }
    // A result for an evaluation that never reached a kernel (bad input, no Python, ...). A
    // message "cancelled" or "cancelled: …" marks it as cancelled (isCancelled).
    static EvalResult infraError(const EvalRequest& req, std::string message);
};

// A significant win: correct, timing not judged noisy or unreliable, not flagged
// faster_than_light, and the whole 95 % interval of the speedup above 1. A correct, trustworthy
// result without an interval (stored before intervals existed) is Unknown, never a Win.
WinVerdict significantWin(const EvalResult& r);
// The same against p× (fast_p): the whole 95 % interval above p.
WinVerdict significantlyAbove(const EvalResult& r, double p);
// The same against a baseline: Compile uses the compile baseline's interval (Unknown when the
// compile baseline was not measured or failed); Eager is significantlyAbove(r, p).
WinVerdict significantlyAbove(const EvalResult& r, double p, Baseline b);
// The speedup and its 95 % interval against a baseline: Eager is the top-level speedup (else the
// "eager" entry); Compile the compile baseline's, empty when it was not measured or failed.
std::optional<double> speedupAgainst(const EvalResult& r, Baseline b);
std::optional<SpeedupInterval> speedupInterval(const EvalResult& r, Baseline b);
// The rule itself, on the values it reads (HistoryRow carries them without the full result).
WinVerdict significance(EvalStatus status, bool untrustworthyTiming, bool fasterThanLight,
                        const std::optional<SpeedupInterval>& ci, double p);

constexpr std::string_view kFasterThanLightFlag = "faster_than_light";

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
