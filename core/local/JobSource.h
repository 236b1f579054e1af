#pragma once

#include "core/model/EvalResult.h"
#include "core/model/Evaluator.h"

#include <memory>
#include <string>

namespace kw {

class Worker;
struct Job;

// What a worker sees of the scheduler: where jobs come from and where their stages go.
class JobSource
{
public:
    // The outcome of one stage that a worker ran.
    struct StageOutcome
    {
        EvalResult result;
        double wallS = 0;
        bool zygoteUnavailable = false; // the stage never ran: its zygote could not start
        std::string zygoteError;
    };

    virtual ~JobSource() = default;
    // Blocks until a job this worker can run is queued (marking it Running) or the scheduler
    // stops (nullptr).
    virtual std::shared_ptr<Job> next(Worker& worker) = 0;
    virtual void finished(Worker& worker, const std::shared_ptr<Job>& job, StageOutcome outcome) = 0;
    virtual void progress(const Job& job, EvalStage stage, std::string detail) = 0;
    // A zygote died or failed to start (diagnostics).
    virtual void log(const std::string& line) = 0;
};

} // namespace kw
