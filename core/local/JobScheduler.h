#pragma once

#include "core/base/CallbackQueue.h"
#include "core/base/ChildEnv.h"
#include "core/local/DevicePlan.h"
#include "core/local/Job.h"
#include "core/local/JobSource.h"
#include "core/local/Worker.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace kw {

struct SchedulerOptions
{
    DevicePlan plan;
    std::vector<std::string> gpuArch; // by GPU index ("sm_90"); may be shorter than the GPUs
    std::string python;
    std::string evaluatorDir;
    std::string cacheDir;
    std::string zygoteModule = "kernelwatch_eval.zygote";
    childenv::Env baseEnv;                        // secrets are removed from it per zygote
    std::optional<std::string> parentCudaVisible; // this process's CUDA_VISIBLE_DEVICES
    int compileJobs = 1;
    long long memLimitMb = -1; // --mem-limit-mb for every zygote; negative: not passed
    bool prebuild = true;
    double readyTimeoutS = 300;
    double killGraceS = 1.5; // keeps a timeout verdict within timeout + 2 s even when a zygote wedges
    bool debug = false;      // echo zygote stderr and scheduler diagnostics on stderr
};

// The job queue and the workers of a LocalBackend. Jobs submitted before open() wait (the
// backend is still finding Python); open() resolves their devices and starts one Worker per
// slot (cpu slots of an automatic plan on first use), plus compile workers on demand when
// prebuild is on. Every job ends through finish(): exactly one onDone, on the callback thread,
// after its last progress event — also on cancel, failure and shutdown.
class JobScheduler : public JobSource
{
public:
    JobScheduler() = default;
    ~JobScheduler() override; // shutdown()

    Evaluator::Ticket submit(EvalRequest request, Evaluator::ResultFn onDone,
                             Evaluator::ProgressFn onProgress);
    void open(SchedulerOptions options);
    // The backend cannot start: waiting jobs and every later submit fail with `message`.
    void fail(const std::string& message);
    bool isOpen() const;
    // After open(): waits until each eager worker's first zygote is ready or failed. Empty
    // string when at least one is ready, else the first failure.
    std::string waitReady(double timeoutS);

    void cancel(Evaluator::Ticket ticket);
    void cancelAll();
    std::size_t pending() const;
    void shutdown();

    std::vector<std::string> slotDevices() const;
    // Diagnostics for tests: zygote pids of the eval workers of a device, starts per device.
    std::vector<pid_t> zygotePids(const std::string& device) const;
    int zygoteStarts(const std::string& device) const;
    int compileWorkers() const;
    bool prebuildActive() const;

    // JobSource
    std::shared_ptr<Job> next(Worker& worker) override;
    void finished(Worker& worker, const std::shared_ptr<Job>& job, StageOutcome outcome) override;
    void progress(const Job& job, EvalStage stage, std::string detail) override;
    void log(const std::string& line) override;

private:
    void routeLocked(const std::shared_ptr<Job>& job);
    void enqueueLocked(const std::shared_ptr<Job>& job);
    void finishLocked(const std::shared_ptr<Job>& job, EvalResult result);
    EvalResult cancelledResult(const Job& job, const std::string& message) const;
    Worker& addWorkerLocked(const std::string& device, const std::string& mode, bool eager);
    void maybeAddCompileWorkerLocked();
    int compileWorkersLocked() const;
    bool matches(const Worker& w, const Job& job) const;

    CallbackQueue m_callbacks; // declared first: destroyed last, after every worker
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    SchedulerOptions m_options;
    enum class Phase
    {
        Waiting,
        Open,
        Failed
    } m_phase = Phase::Waiting;
    std::string m_failMessage;
    bool m_stopping = false;
    bool m_prebuildBroken = false;
    Evaluator::Ticket m_nextTicket = 0;
    std::uint64_t m_nextSeq = 0;
    std::map<Evaluator::Ticket, std::shared_ptr<Job>> m_jobs; // not yet done
    std::deque<std::shared_ptr<Job>> m_queue;                 // ordered by seq
    std::vector<std::shared_ptr<Job>> m_waiting;              // before open()
    std::vector<std::shared_ptr<Worker>> m_workers;           // shared: waitReady() may outlive shutdown()
    std::map<const Worker*, bool> m_eagerWorkers;
    int m_idleCompile = 0;
    bool m_cpuStarted = false;
};

} // namespace kw
