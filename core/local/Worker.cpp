#include "core/local/Worker.h"

#include "core/local/Job.h"

#include <csignal>

namespace kw {

namespace {
using Clock = std::chrono::steady_clock;

std::string join(const std::vector<std::string>& v)
{
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : ",") + x;
    return s;
}
} // namespace

Worker::Worker(WorkerOptions options, JobSource& source) : m_options(std::move(options)), m_source(source)
{
    m_options.zygote.device = m_options.device;
    m_options.zygote.mode = m_options.mode;
}

Worker::~Worker()
{
    stop();
}

void Worker::start()
{
    if (!m_thread.joinable())
        m_thread = std::thread([this] { loop(); });
}

void Worker::stop()
{
    m_stop = true;
    wake();
    if (m_thread.joinable())
        m_thread.join();
    {
        std::lock_guard lock(m_mutex);
        if (!m_firstDone) {
            m_firstDone = true;
            m_firstError = "the evaluator was shut down";
            m_cv.notify_all();
        }
    }
    std::unique_ptr<Zygote> z;
    {
        std::lock_guard lock(m_mutex);
        z = std::move(m_zygote);
        ++m_generation;
    }
    if (z)
        z->stop(2.0);
}

void Worker::wake()
{
    std::lock_guard lock(m_mutex);
    m_cv.notify_all();
}

std::string Worker::waitFirstZygote(double timeoutS)
{
    std::unique_lock lock(m_mutex);
    if (!m_cv.wait_for(lock, std::chrono::duration<double>(timeoutS), [this] { return m_firstDone; }))
        return "the evaluator process for " + m_options.device + " was not ready within " +
               formatSeconds(timeoutS);
    return m_firstError;
}

pid_t Worker::zygotePid() const
{
    std::lock_guard lock(m_mutex);
    return m_zygote && m_zygote->alive() ? m_zygote->pid() : -1;
}

void Worker::killChild(long long pid)
{
    if (pid <= 1)
        return;
    // Stop the whole group first so a fork bomb cannot keep spawning while it is torn down,
    // then kill the child itself (which works even before its setsid()); the zygote kills the
    // rest of the group once it has reaped the child, and so do we after `exited`.
    ::killpg(static_cast<pid_t>(pid), SIGSTOP);
    ::kill(static_cast<pid_t>(pid), SIGKILL);
}

std::string Worker::spawnZygote()
{
    std::unique_ptr<Zygote> old;
    std::uint64_t gen;
    {
        std::lock_guard lock(m_mutex);
        old = std::move(m_zygote);
        gen = ++m_generation;
    }
    if (old)
        old->stop(1.0);
    auto z =
        std::make_unique<Zygote>(m_options.zygote, [this, gen](const ZygoteEvent& e) { onEvent(gen, e); });
    const std::string err = z->start();
    ++m_zygoteStarts;
    if (!err.empty())
        m_source.log(err);
    std::lock_guard lock(m_mutex);
    m_zygote = std::move(z);
    return err;
}

std::string Worker::ensureZygote(const Job* job)
{
    Zygote* z = m_zygote.get(); // only this thread replaces it
    std::string err;
    if (!z || !z->alive()) {
        err = spawnZygote();
        z = m_zygote.get();
    }
    const auto deadline = Clock::now() + std::chrono::duration<double>(m_options.readyTimeoutS);
    while (err.empty()) {
        const std::string waited = z->waitReady(0.25);
        if (waited.empty())
            break; // ready
        if (!z->alive()) {
            err = waited; // died before ready: why, with its stderr
            break;
        }
        if (m_stop || (job && job->cancelled))
            return "cancelled";
        if (Clock::now() >= deadline) {
            err = "the evaluator process for " + m_options.device + " was not ready within " +
                  formatSeconds(m_options.readyTimeoutS) + " (" + z->commandLine() + ")";
            z->kill();
        }
    }
    if (!err.empty() && err != "cancelled")
        m_source.log(err);
    std::lock_guard lock(m_mutex);
    if (!err.empty() || !m_firstDone) {
        if (!m_firstDone) {
            m_firstDone = true;
            m_firstError = err;
        }
        m_cv.notify_all();
    }
    if (err.empty())
        m_isolation = join(z->readyInfo().isolation);
    return err;
}

void Worker::loop()
{
    if (m_options.eager)
        ensureZygote(nullptr);
    while (!m_stop) {
        auto job = m_source.next(*this);
        if (!job)
            break;
        m_needFresh = false;
        auto outcome = runJob(job);
        m_source.finished(*this, job, std::move(outcome));
        if (m_needFresh && !m_stop)
            spawnZygote(); // ready by the next job, or waited for then
    }
}

void Worker::onEvent(std::uint64_t generation, const ZygoteEvent& ev)
{
    std::shared_ptr<Job> progressJob;
    std::string stage, detail;
    {
        std::lock_guard lock(m_mutex);
        if (generation != m_generation)
            return; // an old zygote's last words
        const bool mine = m_current && !ev.job.empty() && ev.job == m_current->jobId;
        switch (ev.type) {
        case ZygoteEvent::Type::ZygoteDied:
            if (m_current) {
                m_current->zygoteDied = true;
                m_current->zygoteMessage = ev.error;
            }
            m_cv.notify_all();
            break;
        case ZygoteEvent::Type::Started:
            if (mine) {
                m_current->childPid = ev.pid;
                if (m_current->killRequested)
                    killChild(ev.pid);
                m_cv.notify_all();
            }
            break;
        case ZygoteEvent::Type::Progress:
            if (mine) {
                if (childStageRank(ev.stage) > childStageRank(m_current->lastStage))
                    m_current->lastStage = ev.stage;
                progressJob = m_current->job;
                stage = ev.stage;
                detail = ev.detail;
            }
            break;
        case ZygoteEvent::Type::Result:
            if (mine)
                m_current->result = ev.result;
            break;
        case ZygoteEvent::Type::Exited:
            if (mine) {
                m_current->exited = ev;
                m_cv.notify_all();
            }
            break;
        case ZygoteEvent::Type::Error:
            if (mine) {
                m_current->rejected = ev.error;
                m_cv.notify_all();
            }
            detail = ev.error;
            break;
        case ZygoteEvent::Type::Ready:
            if (ev.cudaForkPoisoned)
                detail = "reports cuda_fork_poisoned: its children cannot use CUDA";
            break;
        case ZygoteEvent::Type::Pong:
            break;
        case ZygoteEvent::Type::Invalid:
            detail = ev.error;
            break;
        }
    }
    if (ev.type == ZygoteEvent::Type::Invalid || ev.type == ZygoteEvent::Type::Error ||
        (ev.type == ZygoteEvent::Type::Ready && !detail.empty()))
        m_source.log("zygote " + m_options.device + " (" + m_options.mode + "): " + detail);
    if (ev.type == ZygoteEvent::Type::ZygoteDied)
        m_source.log(ev.error);
    if (progressJob) {
        EvalStage s = EvalStage::Compiling;
        if (!compile()) {
            if (stage == "checking")
                s = EvalStage::Checking;
            else if (stage == "timing")
                s = EvalStage::Timing;
            else if (stage != "compiling")
                return;
        }
        m_source.progress(*progressJob, s, detail.empty() ? m_options.device : detail);
    }
}

JobSource::StageOutcome Worker::runJob(const std::shared_ptr<Job>& job)
{
    JobSource::StageOutcome out;
    const auto t0 = Clock::now();
    const EvalRequest& req = job->request;
    ChildOutcome o;
    o.slotDevice = m_options.device;
    o.mode = m_options.mode;
    o.timeoutS = req.timeoutS;

    for (int attempt = 0; attempt < 2; ++attempt) {
        const std::string err = ensureZygote(job.get());
        if (job->cancelled || m_stop) {
            o.cancelled = true;
            break;
        }
        if (!err.empty()) {
            out.zygoteUnavailable = true;
            out.zygoteError = err;
            out.result = EvalResult::infraError(req, "could not start the evaluator on " + m_options.device +
                                                         ": " + err);
            out.result.device.target = m_options.device;
            out.result.createdAt = job->createdAt;
            out.wallS = std::chrono::duration<double>(Clock::now() - t0).count();
            return out;
        }
        Zygote* z = m_zygote.get();
        o.isolation = m_isolation;

        const std::string jobId =
            "t" + std::to_string(job->ticket) + (compile() ? "-build-" : "-run-") + std::to_string(attempt);
        nlohmann::json wire = req;
        wire["device"] = m_options.device;
        const std::string& arch = compile() ? job->gpuArch : m_options.gpuArch;
        if (!arch.empty())
            wire["gpu_arch"] = arch;
        if (compile() && job->match.gpu())
            wire["target_device"] = job->match.kind == DeviceMatch::Kind::Gpu
                                        ? "cuda:" + std::to_string(job->match.index)
                                        : std::string("cuda:0");
        {
            std::lock_guard lock(m_mutex);
            m_current = Current{};
            m_current->jobId = jobId;
            m_current->job = job;
        }
        if (compile())
            m_source.progress(*job, EvalStage::Compiling, "building on the CPU");

        const auto sent = Clock::now();
        const Clock::time_point deadline =
            sent + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(req.timeoutS));
        const auto grace =
            std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m_options.killGraceS));
        bool sendFailed = !z->send(zygoteEvalCommand(jobId, wire));
        bool wedged = false;
        Current c;
        {
            std::unique_lock lock(m_mutex);
            Clock::time_point killAt{};
            for (;;) {
                Current& cur = *m_current;
                if (cur.exited || cur.zygoteDied || (!cur.rejected.empty() && cur.childPid == 0))
                    break;
                if (sendFailed) {
                    wedged = true;
                    break;
                }
                const auto now = Clock::now();
                const bool cancel = job->cancelled || m_stop;
                if (!cur.killRequested && (cancel || now >= deadline)) {
                    cur.killRequested = true;
                    killAt = now;
                    (cancel ? o.cancelled : o.timedOut) = true;
                    if (cur.childPid > 0)
                        killChild(cur.childPid);
                }
                if (cur.killRequested && now >= killAt + grace) {
                    wedged = true; // the zygote did not report the child's end after the kill
                    break;
                }
                const Clock::time_point until = cur.killRequested ? killAt + grace : deadline;
                m_cv.wait_until(lock, std::min<Clock::time_point>(until, now + std::chrono::seconds(1)));
            }
            c = std::move(*m_current);
            m_current.reset();
        }
        if (c.childPid > 0) {
            // Stragglers left in the child's process group (stopped ones too).
            ::killpg(static_cast<pid_t>(c.childPid), SIGKILL);
        }
        if (!c.rejected.empty() && c.childPid == 0 && !c.exited && !wedged && !c.zygoteDied) {
            out.wallS = std::chrono::duration<double>(Clock::now() - t0).count();
            out.result = EvalResult::infraError(req, "the evaluator rejected the job: " + c.rejected);
            out.result.device.target = m_options.device;
            out.result.createdAt = job->createdAt;
            return out;
        }
        if (wedged) {
            z->kill();
            m_needFresh = true;
            c.zygoteDied = true;
            c.zygoteMessage = sendFailed ? "it stopped reading commands"
                                         : "it did not report the kernel's end within " +
                                               formatSeconds(m_options.killGraceS) + " of the kill";
        }
        if (c.zygoteDied && c.childPid == 0 && !o.cancelled && !o.timedOut && attempt == 0) {
            // The zygote went away before forking this job: not the kernel's doing. Retry once.
            m_source.log("evaluator process for " + m_options.device + " lost before job start (" +
                         c.zygoteMessage + "); retrying with a fresh one");
            spawnZygote();
            continue;
        }
        o.childPid = c.childPid;
        o.result = std::move(c.result);
        o.exited = std::move(c.exited);
        o.lastStage = c.lastStage;
        o.zygoteDied = c.zygoteDied && !o.exited;
        o.zygoteMessage = c.zygoteMessage;
        if (c.zygoteDied)
            m_needFresh = true;
        break;
    }
    out.wallS = std::chrono::duration<double>(Clock::now() - t0).count();
    o.wallS = out.wallS;
    out.result = assembleResult(req, o, job->createdAt, 0);
    if (needsFreshZygote(o, out.result))
        m_needFresh = true;
    return out;
}

} // namespace kw
