#pragma once

#include "core/local/JobSource.h"
#include "core/local/ResultAssembly.h"
#include "core/local/Zygote.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace kw {

struct WorkerOptions
{
    std::string device;         // slot device: "cpu" | "cuda:N" (compile workers: "cpu")
    std::string mode = "eval";  // eval | compile
    std::string gpuArch;        // this slot's GPU arch (eval workers on a GPU)
    ZygoteOptions zygote;       // device/mode/env filled in by the scheduler
    double readyTimeoutS = 300; // import torch may be slow on a cold disk
    double killGraceS = 1.5;    // after a kill, how long to wait for `exited` before the zygote
                                // is considered wedged and replaced
    bool eager = true;          // start the zygote before the first job
};

// One device slot: a thread that takes jobs from a JobSource one at a time and runs each in a
// child of its zygote. It owns the deadline (killpg(child, SIGKILL) at request.timeoutS),
// cancellation, and the zygote's life: a zygote that died, or whose child died of a signal the
// core did not send or of a CUDA fault, is replaced before the next job.
class Worker
{
public:
    Worker(WorkerOptions options, JobSource& source);
    ~Worker(); // stop()
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void start();
    // Stops taking jobs; a running job is killed (its result is reported as cancelled by the
    // scheduler, which set Job::cancelled). Joins the thread and ends the zygote.
    void stop();
    // Re-check the running job's cancel flag now.
    void wake();

    const std::string& device() const { return m_options.device; }
    bool compile() const { return m_options.mode == "compile"; }

    // Until the first zygote is ready or failed: empty string when ready, else why.
    std::string waitFirstZygote(double timeoutS);
    int zygoteStarts() const { return m_zygoteStarts.load(); }
    pid_t zygotePid() const;

private:
    struct Current
    {
        std::string jobId;
        std::shared_ptr<Job> job;
        long long childPid = 0;
        bool killRequested = false;
        std::optional<nlohmann::json> result;
        std::optional<ZygoteEvent> exited;
        bool zygoteDied = false;
        std::string zygoteMessage;
        std::string lastStage;
        std::string rejected; // the zygote answered the command with an error event
    };

    void loop();
    JobSource::StageOutcome runJob(const std::shared_ptr<Job>& job);
    std::string ensureZygote(const Job* job); // empty when ready
    std::string spawnZygote();                // replaces the zygote; empty string or why it could not start
    void onEvent(std::uint64_t generation, const ZygoteEvent& ev);
    void killChild(long long pid);

    WorkerOptions m_options;
    JobSource& m_source;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_zygoteStarts{0};

    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::unique_ptr<Zygote> m_zygote; // replaced only by the worker thread, outside m_mutex
    std::uint64_t m_generation = 0;
    std::string m_isolation;
    std::optional<Current> m_current;
    bool m_needFresh = false; // worker thread only
    bool m_firstDone = false;
    std::string m_firstError;
};

} // namespace kw
