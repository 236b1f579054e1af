#pragma once

#include "core/local/DevicePlan.h"
#include "core/model/EvalResult.h"
#include "core/model/Evaluator.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

namespace kw {

class Worker;

// One submitted evaluation as the scheduler tracks it. Fields below `state` are guarded by the
// scheduler's mutex; `cancelled` is read by the worker running it without that lock.
struct Job : std::enable_shared_from_this<Job>
{
    using Clock = std::chrono::steady_clock;
    enum class Stage
    {
        Prebuild,
        Run
    }; // Prebuild: CPU build in a compile zygote
    enum class State
    {
        Waiting,
        Queued,
        Running,
        Done
    }; // Waiting: backend not started yet

    Evaluator::Ticket ticket = 0;
    std::uint64_t seq = 0; // submission order
    EvalRequest request;
    Evaluator::ResultFn onDone;
    Evaluator::ProgressFn onProgress;
    double createdAt = 0; // unix seconds
    Clock::time_point submittedAt;

    State state = State::Waiting;
    Stage stage = Stage::Run;
    DeviceMatch match;
    std::string gpuArch;          // target arch for a GPU job ("sm_90"), for the CPU build stage
    Worker* worker = nullptr;     // while Running
    Clock::time_point enqueuedAt; // last time it entered the queue
    double queuedS = 0;           // time spent waiting in queues
    std::optional<EvalResult> prebuild;
    double prebuildWallS = 0;
    std::atomic<bool> cancelled{false};
    bool delivered = false; // onDone ran (callback thread only)

    double elapsedS() const { return std::chrono::duration<double>(Clock::now() - submittedAt).count(); }
};

} // namespace kw
