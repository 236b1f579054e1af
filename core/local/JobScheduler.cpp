#include "core/local/JobScheduler.h"

#include <algorithm>
#include <cstdio>
#include <thread>

namespace kw {

using Clock = std::chrono::steady_clock;

JobScheduler::~JobScheduler()
{
    shutdown();
}

Evaluator::Ticket JobScheduler::submit(EvalRequest request, Evaluator::ResultFn onDone,
                                       Evaluator::ProgressFn onProgress)
{
    if (request.id.empty())
        request.id = EvalRequest::makeId();
    auto job = std::make_shared<Job>();
    job->request = std::move(request);
    job->onDone = std::move(onDone);
    job->onProgress = std::move(onProgress);
    job->createdAt = nowUnixSeconds();
    job->submittedAt = Clock::now();

    std::lock_guard lock(m_mutex);
    job->ticket = ++m_nextTicket;
    job->seq = ++m_nextSeq;
    m_jobs[job->ticket] = job;
    progress(*job, EvalStage::Queued, {});
    if (m_stopping) {
        finishLocked(job, EvalResult::infraError(job->request, "the local evaluator is shutting down"));
    } else if (std::string e = validateRequest(job->request); !e.empty()) {
        finishLocked(job, EvalResult::infraError(job->request, e));
    } else if (m_phase == Phase::Failed) {
        finishLocked(job, EvalResult::infraError(job->request, m_failMessage));
    } else if (m_phase == Phase::Waiting) {
        job->state = Job::State::Waiting;
        m_waiting.push_back(job);
    } else {
        routeLocked(job);
    }
    return job->ticket;
}

void JobScheduler::open(SchedulerOptions options)
{
    std::lock_guard lock(m_mutex);
    if (m_stopping || m_phase == Phase::Open)
        return;
    m_options = std::move(options);
    m_options.compileJobs = std::max(1, m_options.compileJobs);
    m_phase = Phase::Open;
    for (const auto& slot : m_options.plan.slotDevices)
        addWorkerLocked(slot, "eval", true);
    // One compile zygote warms up at once when CUDA builds may be prebuilt for GPUs.
    const bool anyGpu = std::any_of(m_options.plan.slotDevices.begin(), m_options.plan.slotDevices.end(),
                                    [](const std::string& s) { return gpuIndexOf(s) >= 0; });
    if (m_options.prebuild && anyGpu)
        addWorkerLocked("cpu", "compile", false);
    auto waiting = std::move(m_waiting);
    m_waiting.clear();
    for (auto& job : waiting)
        if (job->state == Job::State::Waiting)
            routeLocked(job);
}

void JobScheduler::fail(const std::string& message)
{
    std::lock_guard lock(m_mutex);
    if (m_phase == Phase::Open)
        return;
    m_phase = Phase::Failed;
    m_failMessage = message;
    auto waiting = std::move(m_waiting);
    m_waiting.clear();
    for (auto& job : waiting)
        finishLocked(job, EvalResult::infraError(job->request, message));
}

bool JobScheduler::isOpen() const
{
    std::lock_guard lock(m_mutex);
    return m_phase == Phase::Open;
}

std::string JobScheduler::waitReady(double timeoutS)
{
    std::vector<std::shared_ptr<Worker>> eager;
    {
        std::lock_guard lock(m_mutex);
        for (const auto& w : m_workers)
            if (m_eagerWorkers.count(w.get()) && !w->compile())
                eager.push_back(w);
    }
    const auto deadline = Clock::now() + std::chrono::duration<double>(timeoutS);
    std::string firstError;
    bool anyReady = eager.empty();
    for (const auto& w : eager) {
        const double left = std::max(0.0, std::chrono::duration<double>(deadline - Clock::now()).count());
        std::string e = w->waitFirstZygote(left);
        if (e.empty())
            anyReady = true;
        else if (firstError.empty())
            firstError = e;
    }
    return anyReady ? std::string() : firstError;
}

Worker& JobScheduler::addWorkerLocked(const std::string& device, const std::string& mode, bool eager)
{
    WorkerOptions wo;
    wo.device = device;
    wo.mode = mode;
    wo.eager = eager;
    wo.readyTimeoutS = m_options.readyTimeoutS;
    wo.killGraceS = m_options.killGraceS;
    const int gpu = gpuIndexOf(device);
    if (gpu >= 0 && std::size_t(gpu) < m_options.gpuArch.size())
        wo.gpuArch = m_options.gpuArch[std::size_t(gpu)];
    wo.zygote.python = m_options.python;
    wo.zygote.cacheDir = m_options.cacheDir;
    wo.zygote.module = m_options.zygoteModule;
    const std::string visible = (mode == "eval" && gpu >= 0)
                                    ? childenv::cudaVisibleFor(gpu, m_options.parentCudaVisible)
                                    : std::string();
    wo.zygote.env = childenv::forZygote(m_options.baseEnv, m_options.evaluatorDir, visible);
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    if (mode == "eval" && gpu < 0) {
        // CPU evaluations share the cores: each child gets its part (torch.set_num_threads).
        const int cpuSlots = std::max<int>(
            1, int(std::count(m_options.plan.slotDevices.begin(), m_options.plan.slotDevices.end(), "cpu")) +
                   m_options.plan.cpuOnDemand);
        wo.zygote.extraArgs = {"--threads", std::to_string(std::max(1, cores / cpuSlots))};
    }
    if (m_options.memLimitMb >= 0) {
        wo.zygote.extraArgs.push_back("--mem-limit-mb");
        wo.zygote.extraArgs.push_back(std::to_string(m_options.memLimitMb));
    }
    if (mode == "compile" && !childenv::get(wo.zygote.env, "MAX_JOBS"))
        childenv::set(wo.zygote.env, "MAX_JOBS", std::to_string(std::max(1, cores / m_options.compileJobs)));
    if (m_options.debug) {
        const std::string tag = "[zygote " + device + (mode == "eval" ? "" : " " + mode) + "] ";
        wo.zygote.onStderrLine = [tag](const std::string& line) {
            std::fprintf(stderr, "%s%s\n", tag.c_str(), line.c_str());
        };
    }
    m_workers.push_back(std::make_shared<Worker>(std::move(wo), *this));
    Worker& w = *m_workers.back();
    if (eager)
        m_eagerWorkers[&w] = true;
    w.start();
    return w;
}

void JobScheduler::routeLocked(const std::shared_ptr<Job>& job)
{
    std::string error;
    if (!resolveDevice(job->request.device, m_options.plan, job->match, error)) {
        finishLocked(job, EvalResult::infraError(job->request, error));
        return;
    }
    if (job->match.kind == DeviceMatch::Kind::Cpu && !m_cpuStarted && m_options.plan.cpuOnDemand > 0 &&
        std::find(m_options.plan.slotDevices.begin(), m_options.plan.slotDevices.end(), "cpu") ==
            m_options.plan.slotDevices.end()) {
        m_cpuStarted = true;
        for (int i = 0; i < m_options.plan.cpuOnDemand; ++i)
            addWorkerLocked("cpu", "eval", true);
    }
    if (job->match.gpu()) {
        const int idx = job->match.kind == DeviceMatch::Kind::Gpu ? job->match.index : 0;
        if (idx >= 0 && std::size_t(idx) < m_options.gpuArch.size())
            job->gpuArch = m_options.gpuArch[std::size_t(idx)];
    }
    job->stage = (m_options.prebuild && !m_prebuildBroken && job->match.gpu() && needsPrebuild(job->request))
                     ? Job::Stage::Prebuild
                     : Job::Stage::Run;
    enqueueLocked(job);
}

void JobScheduler::enqueueLocked(const std::shared_ptr<Job>& job)
{
    job->state = Job::State::Queued;
    job->worker = nullptr;
    job->enqueuedAt = Clock::now();
    // Keep submission order: a job back from its build stage goes before later submissions.
    auto pos = m_queue.end();
    while (pos != m_queue.begin() && (*std::prev(pos))->seq > job->seq)
        --pos;
    m_queue.insert(pos, job);
    if (job->stage == Job::Stage::Prebuild)
        maybeAddCompileWorkerLocked();
    m_cv.notify_all();
}

void JobScheduler::maybeAddCompileWorkerLocked()
{
    int queued = 0;
    for (const auto& j : m_queue)
        queued += j->stage == Job::Stage::Prebuild;
    if (queued > m_idleCompile && compileWorkersLocked() < m_options.compileJobs)
        addWorkerLocked("cpu", "compile", false);
}

int JobScheduler::compileWorkersLocked() const
{
    return int(std::count_if(m_workers.begin(), m_workers.end(), [](const auto& w) { return w->compile(); }));
}

int JobScheduler::compileWorkers() const
{
    std::lock_guard lock(m_mutex);
    return compileWorkersLocked();
}

bool JobScheduler::prebuildActive() const
{
    std::lock_guard lock(m_mutex);
    return m_options.prebuild && !m_prebuildBroken;
}

bool JobScheduler::matches(const Worker& w, const Job& job) const
{
    if (w.compile())
        return job.stage == Job::Stage::Prebuild;
    return job.stage == Job::Stage::Run && job.match.accepts(w.device());
}

std::shared_ptr<Job> JobScheduler::next(Worker& worker)
{
    std::unique_lock lock(m_mutex);
    const bool compile = worker.compile();
    if (compile)
        ++m_idleCompile;
    for (;;) {
        if (m_stopping)
            break;
        for (auto it = m_queue.begin(); it != m_queue.end(); ++it) {
            if (!matches(worker, **it))
                continue;
            auto job = *it;
            m_queue.erase(it);
            job->state = Job::State::Running;
            job->worker = &worker;
            job->queuedS += std::chrono::duration<double>(Clock::now() - job->enqueuedAt).count();
            if (compile)
                --m_idleCompile;
            return job;
        }
        m_cv.wait(lock);
    }
    if (compile)
        --m_idleCompile;
    return nullptr;
}

void JobScheduler::finished(Worker& worker, const std::shared_ptr<Job>& job, StageOutcome outcome)
{
    std::lock_guard lock(m_mutex);
    job->worker = nullptr;
    if (job->state == Job::State::Done)
        return;
    EvalResult& r = outcome.result;
    if (worker.compile()) {
        if (job->cancelled || m_stopping) {
            finishLocked(job, cancelledResult(*job, m_stopping ? "cancelled: the local evaluator shut down"
                                                               : "cancelled"));
            return;
        }
        if (outcome.zygoteUnavailable) {
            // Compile mode is not available (an evaluator without it, or a broken one): build on
            // the GPU workers instead, from now on.
            if (!m_prebuildBroken)
                log("building ahead on the CPU is off: " + outcome.zygoteError);
            m_prebuildBroken = true;
            for (auto& q : m_queue)
                q->stage = Job::Stage::Run;
            job->stage = Job::Stage::Run;
            enqueueLocked(job);
            return;
        }
        if (r.status == EvalStatus::CompileError || r.status == EvalStatus::Timeout) {
            r.timings.queued = job->queuedS;
            r.metadata["stage"] = "prebuild";
            finishLocked(job, std::move(r));
            return;
        }
        job->prebuild = std::move(r);
        job->prebuildWallS = outcome.wallS;
        job->stage = Job::Stage::Run;
        enqueueLocked(job);
        return;
    }
    if (m_stopping && r.status == EvalStatus::InfraError && r.errorMessage == "cancelled")
        r.errorMessage = "cancelled: the local evaluator shut down";
    if (job->prebuild && !outcome.zygoteUnavailable)
        mergePrebuild(r, *job->prebuild, job->prebuildWallS);
    r.timings.queued = job->queuedS;
    finishLocked(job, std::move(r));
}

EvalResult JobScheduler::cancelledResult(const Job& job, const std::string& message) const
{
    EvalResult r = EvalResult::infraError(job.request, message);
    r.createdAt = job.createdAt;
    r.timings.queued = job.queuedS;
    return r;
}

void JobScheduler::finishLocked(const std::shared_ptr<Job>& job, EvalResult result)
{
    if (job->state == Job::State::Done)
        return;
    job->state = Job::State::Done;
    m_jobs.erase(job->ticket);
    if (result.createdAt == 0)
        result.createdAt = job->createdAt;
    if (result.finishedAt == 0)
        result.finishedAt = nowUnixSeconds();
    const double elapsed = job->elapsedS();
    m_callbacks.post([job, result = std::move(result), elapsed] {
        job->delivered = true;
        if (job->onProgress)
            job->onProgress(
                {job->request.id, EvalStage::Done, elapsed, std::string(statusName(result.status))});
        if (job->onDone)
            job->onDone(result);
        // Drop the callbacks (and whatever they captured) now, not when the last reference goes.
        job->onDone = nullptr;
        job->onProgress = nullptr;
    });
    m_cv.notify_all();
}

void JobScheduler::progress(const Job& job, EvalStage stage, std::string detail)
{
    if (!job.onProgress)
        return;
    EvalProgress p{job.request.id, stage, job.elapsedS(), std::move(detail)};
    auto self = std::const_pointer_cast<Job>(job.shared_from_this());
    m_callbacks.post([self, p = std::move(p)] {
        if (!self->delivered && self->onProgress) // a late event after the result is dropped
            self->onProgress(p);
    });
}

void JobScheduler::log(const std::string& line)
{
    if (m_options.debug)
        std::fprintf(stderr, "kernelwatch local: %s\n", line.c_str());
}

void JobScheduler::cancel(Evaluator::Ticket ticket)
{
    std::lock_guard lock(m_mutex);
    auto it = m_jobs.find(ticket);
    if (it == m_jobs.end())
        return;
    auto job = it->second;
    job->cancelled = true;
    switch (job->state) {
    case Job::State::Waiting:
        m_waiting.erase(std::remove(m_waiting.begin(), m_waiting.end(), job), m_waiting.end());
        finishLocked(job, cancelledResult(*job, "cancelled"));
        break;
    case Job::State::Queued:
        m_queue.erase(std::remove(m_queue.begin(), m_queue.end(), job), m_queue.end());
        finishLocked(job, cancelledResult(*job, "cancelled"));
        break;
    case Job::State::Running:
        if (job->worker)
            job->worker->wake();
        break;
    case Job::State::Done:
        break;
    }
}

void JobScheduler::cancelAll()
{
    std::vector<Evaluator::Ticket> tickets;
    {
        std::lock_guard lock(m_mutex);
        for (const auto& [t, j] : m_jobs)
            tickets.push_back(t);
    }
    for (auto t : tickets)
        cancel(t);
}

std::size_t JobScheduler::pending() const
{
    std::lock_guard lock(m_mutex);
    return m_jobs.size();
}

void JobScheduler::shutdown()
{
    std::vector<std::shared_ptr<Worker>> workers;
    {
        std::lock_guard lock(m_mutex);
        if (!m_stopping) {
            m_stopping = true;
            const std::string msg = "cancelled: the local evaluator shut down";
            for (auto& job : m_waiting)
                finishLocked(job, cancelledResult(*job, msg));
            m_waiting.clear();
            for (auto& job : m_queue)
                finishLocked(job, cancelledResult(*job, msg));
            m_queue.clear();
            for (auto& [t, job] : m_jobs)
                job->cancelled = true;
            m_cv.notify_all();
        }
        workers = std::move(m_workers);
        m_workers.clear();
        m_eagerWorkers.clear();
    }
    for (auto& w : workers)
        w->stop(); // kills its running child; the job ends through finished()
    workers.clear();
    {
        // Jobs a worker never took back (it was stopped mid-stage) still get their result.
        std::lock_guard lock(m_mutex);
        std::vector<std::shared_ptr<Job>> left;
        for (auto& [t, job] : m_jobs)
            left.push_back(job);
        for (auto& job : left)
            finishLocked(job, cancelledResult(*job, "cancelled: the local evaluator shut down"));
    }
    m_callbacks.drain();
}

std::vector<std::string> JobScheduler::slotDevices() const
{
    std::lock_guard lock(m_mutex);
    return m_options.plan.slotDevices;
}

std::vector<pid_t> JobScheduler::zygotePids(const std::string& device) const
{
    std::lock_guard lock(m_mutex);
    std::vector<pid_t> out;
    for (const auto& w : m_workers)
        if (!w->compile() && w->device() == device)
            out.push_back(w->zygotePid());
    return out;
}

int JobScheduler::zygoteStarts(const std::string& device) const
{
    std::lock_guard lock(m_mutex);
    int n = 0;
    for (const auto& w : m_workers)
        if (!w->compile() && w->device() == device)
            n += w->zygoteStarts();
    return n;
}

} // namespace kw
