#pragma once

#include "core/local/ZygoteEvent.h"
#include "core/model/EvalResult.h"

#include <optional>
#include <string>

namespace kw {

// Everything the core saw of one child run (one stage of one evaluation).
struct ChildOutcome
{
    std::string slotDevice;               // "cpu", "cuda:1"
    std::string mode = "eval";            // eval | compile
    long long childPid = 0;               // from the started event; 0 when never started
    std::optional<nlohmann::json> result; // the child's result document, when one arrived
    std::optional<ZygoteEvent> exited;    // the exited event, when one arrived
    std::string lastStage;                // furthest progress stage seen (compiling/checking/timing)
    bool timedOut = false;                // the core killed it at the deadline
    bool cancelled = false;               // the core killed it on cancel()
    bool zygoteDied = false;              // the zygote vanished before reporting `exited`
    std::string zygoteMessage;            // why, when it did
    std::string isolation;                // from the zygote's ready event, comma-separated
    double timeoutS = 0;
    double wallS = 0; // eval command sent → exited
};

// "30 s", "2.5 s", "1 min 30 s"
std::string formatSeconds(double s);

// Order of a child's progress stages: compiling 1, checking 2, timing 3, anything else 0.
int childStageRank(const std::string& stage);

// Pure: turns what was seen into the stage's EvalResult. The child's partial result is kept
// (status derived from legacy fields when absent); the core's own verdicts win: cancelled →
// infra_error "cancelled", timeout → timeout "exceeded the N s timeout", no result →
// crashed with the signal name / exit code / result-channel error. Fills id, request (without
// seed_secret), log_tail, worker.pid, worker.gpu_index, device.target when empty,
// code_length when 0, created_at / finished_at and timings.queued from the arguments.
EvalResult assembleResult(const EvalRequest& request, const ChildOutcome& o, double createdAt,
                          double queuedS);

// The zygote of a device should be replaced before its next job: the child died of a signal the
// core did not send, the zygote died, or the result reports a CUDA fault.
bool needsFreshZygote(const ChildOutcome& o, const EvalResult& r);

// Merges the CPU build stage into the GPU stage's result (timings.compile, metadata.prebuild).
void mergePrebuild(EvalResult& gpuResult, const EvalResult& prebuild, double prebuildWallS);

} // namespace kw
