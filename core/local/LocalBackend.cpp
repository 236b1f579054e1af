#include "core/local/LocalBackend.h"

#include "core/base/ChildEnv.h"
#include "core/base/Paths.h"
#include "core/local/JobScheduler.h"
#include "core/local/Zygote.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace kw {

namespace {

// What the probe zygote reported for the job in flight (its reader thread writes, the caller waits).
struct ProbeState
{
    std::mutex mutex;
    std::condition_variable cv;
    std::string job;
    std::optional<nlohmann::json> result;
    bool exited = false;
    std::string failure; // the zygote died or refused the command
};

} // namespace

class LocalBackend::Impl
{
public:
    explicit Impl(LocalConfig c)
        : config(std::move(c)),
          cap(resolveMemoryCap(config.memLimitMb, childenv::get(childenv::current(), kMemLimitEnv),
                               memTotalKb(), config.memLimitSource))
    {
    }

    LocalConfig config;
    const MemoryCap cap;
    std::string evaluatorDir, cacheDir; // resolved by start()
    std::mutex probeMutex;              // one probe at a time; guards the two below
    std::unique_ptr<Zygote> probeZygote;
    std::shared_ptr<ProbeState> probeState = std::make_shared<ProbeState>();
    std::uint64_t probeSeq = 0;
    mutable std::mutex startMutex; // serialises start()
    mutable std::mutex stateMutex; // guards the fields below
    enum class State
    {
        NotStarted,
        Starting,
        Started,
        Failed
    } state = State::NotStarted;
    std::string startError;
    PythonProbe probe;
    DevicePlan plan;
    std::thread starter;
    JobScheduler scheduler; // last member: destroyed (shut down) first
};

LocalBackend::LocalBackend(LocalConfig config) : d(std::make_unique<Impl>(std::move(config))) {}

LocalBackend::~LocalBackend()
{
    {
        std::lock_guard lock(d->probeMutex);
        d->probeZygote.reset(); // stops it
    }
    d->scheduler.shutdown(); // every job gets its result; children and zygotes are killed
    if (d->starter.joinable())
        d->starter.join();
}

std::string LocalBackend::start()
{
    std::lock_guard startLock(d->startMutex);
    {
        std::lock_guard lock(d->stateMutex);
        if (d->state == Impl::State::Started)
            return {};
        d->state = Impl::State::Starting;
    }
    auto failWith = [this](std::string message) {
        {
            std::lock_guard lock(d->stateMutex);
            d->state = Impl::State::Failed;
            d->startError = message;
        }
        d->scheduler.fail(message);
        return message;
    };

    const LocalConfig& c = d->config;
    const std::string evaluatorDir = c.evaluatorDir.empty() ? paths::evaluatorDir() : c.evaluatorDir;
    if (evaluatorDir.empty())
        return failWith("the Python evaluator package (kernelwatch_eval) was not found: set "
                        "KERNELWATCH_EVALUATOR_DIR to the folder that holds it, or reinstall kernelwatch");
    PythonProbe probe = findPython(c.python, evaluatorDir);
    {
        std::lock_guard lock(d->stateMutex);
        d->probe = probe;
    }
    if (!probe.ok)
        return failWith(probe.error);

    DevicePlan plan = planDevices(c.devices, int(probe.gpus.size()), c.cpuConcurrency);
    if (!plan.error.empty())
        return failWith(plan.error);

    const std::string cacheDir = c.cacheDir.empty() ? paths::cacheDir() + "/compile" : c.cacheDir;
    if (!paths::makeDirs(cacheDir))
        return failWith("cannot create the compile cache folder " + cacheDir);

    SchedulerOptions o;
    o.plan = plan;
    for (const auto& g : probe.gpus) {
        if (g.index >= 0 && std::size_t(g.index) >= o.gpuArch.size())
            o.gpuArch.resize(std::size_t(g.index) + 1);
        if (g.index >= 0)
            o.gpuArch[std::size_t(g.index)] = g.arch;
    }
    o.python = probe.path;
    o.evaluatorDir = evaluatorDir;
    o.cacheDir = cacheDir;
    o.baseEnv = childenv::current();
    o.parentCudaVisible = childenv::get(o.baseEnv, "CUDA_VISIBLE_DEVICES");
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    o.compileJobs = c.compileJobs > 0 ? c.compileJobs : int(std::max(1u, cores / 2));
    o.memLimitMb = d->cap.mb; // the number the pre-run check compares with, for every zygote
    o.prebuild = c.prebuild;
    const char* dbg = std::getenv("KERNELWATCH_DEBUG");
    o.debug = dbg && *dbg && std::string(dbg) != "0";
    {
        std::lock_guard lock(d->stateMutex);
        d->plan = plan;
        d->evaluatorDir = evaluatorDir;
        d->cacheDir = cacheDir;
    }
    d->scheduler.open(std::move(o));
    if (std::string err = d->scheduler.waitReady(300); !err.empty())
        return failWith(err);
    std::lock_guard lock(d->stateMutex);
    d->state = Impl::State::Started;
    d->startError.clear();
    return {};
}

bool LocalBackend::started() const
{
    std::lock_guard lock(d->stateMutex);
    return d->state == Impl::State::Started;
}

const PythonProbe& LocalBackend::probe() const
{
    std::lock_guard lock(d->stateMutex);
    return d->probe;
}

std::vector<std::string> LocalBackend::deviceSlots() const
{
    std::lock_guard lock(d->stateMutex);
    return d->plan.slotDevices;
}

std::string LocalBackend::describe() const
{
    std::lock_guard lock(d->stateMutex);
    if (d->state == Impl::State::Failed)
        return "Local: not available (" + d->startError + ")";
    if (d->state != Impl::State::Started)
        return "Local: starting";
    std::string s = "Local: ";
    const std::string devices = describeDevices(d->plan);
    std::size_t distinctGpus = 0;
    for (const auto& g : d->probe.gpus)
        if (devices.find("cuda:" + std::to_string(g.index)) != std::string::npos)
            ++distinctGpus;
    if (distinctGpus > 0)
        s += std::to_string(distinctGpus) + (distinctGpus == 1 ? " GPU (" : " GPUs (") + devices + ")";
    else
        s += "cpu";
    s += ", torch " + d->probe.torchVersion;
    return s;
}

const MemoryCap& LocalBackend::memoryCap() const
{
    return d->cap;
}

InputSizes LocalBackend::probeSizes(const EvalRequest& request)
{
    InputSizes failed;
    if (std::string err = start(); !err.empty()) {
        failed.error = err;
        return failed;
    }
    std::lock_guard probeLock(d->probeMutex);
    auto state = d->probeState;
    if (!d->probeZygote || !d->probeZygote->alive()) {
        ZygoteOptions zo;
        {
            std::lock_guard lock(d->stateMutex);
            zo.python = d->probe.path;
            zo.cacheDir = d->cacheDir;
            zo.env = childenv::forZygote(childenv::current(), d->evaluatorDir, "");
        }
        zo.device = "cpu";
        zo.extraArgs = {"--threads", "1", "--mem-limit-mb", std::to_string(d->cap.mb)};
        d->probeZygote.reset(); // a dead one is reaped first
        d->probeZygote = std::make_unique<Zygote>(std::move(zo), [state](const ZygoteEvent& ev) {
            std::lock_guard lock(state->mutex);
            if (ev.type == ZygoteEvent::Type::ZygoteDied)
                state->failure = ev.error;
            else if (ev.job != state->job)
                return;
            else if (ev.type == ZygoteEvent::Type::Result)
                state->result = ev.result;
            else if (ev.type == ZygoteEvent::Type::Exited)
                state->exited = true;
            else if (ev.type == ZygoteEvent::Type::Error)
                state->failure = "the evaluator refused the size probe: " + ev.error;
            state->cv.notify_all();
        });
        std::string err = d->probeZygote->start();
        if (err.empty())
            err = d->probeZygote->waitReady(120);
        if (!err.empty()) {
            d->probeZygote.reset();
            failed.error = err;
            return failed;
        }
    }
    nlohmann::json req = request;
    req["device"] = "cpu";
    {
        std::lock_guard lock(state->mutex);
        state->job = "probe-" + std::to_string(++d->probeSeq);
        state->result.reset();
        state->exited = false;
        state->failure.clear();
    }
    if (!d->probeZygote->send(zygoteProbeCommand(state->job, req))) {
        failed.error = "the size probe could not be sent to the evaluator";
        return failed;
    }
    std::unique_lock lock(state->mutex);
    const bool done = state->cv.wait_for(lock, std::chrono::seconds(60),
                                         [&] { return state->exited || !state->failure.empty(); });
    if (!done) {
        const std::string job = state->job;
        lock.unlock();
        d->probeZygote->send(zygoteCancelCommand(job));
        failed.error = "the size probe took over 60 s (the problem's get_inputs() may do real work): skipped";
        return failed;
    }
    if (state->result)
        return parseInputSizes(*state->result);
    failed.error = !state->failure.empty() ? state->failure : "the size probe ended without a result";
    return failed;
}

MemoryBudget LocalBackend::memoryBudget(const EvalRequest& request) const
{
    MemoryBudget b;
    const MemoryCap& cap = d->cap;
    const std::string raise =
        "raise it in Settings (Memory cap), with " + std::string(kMemLimitEnv) +
        " or kernelwatch-cli --mem-limit-mb (MiB; 0 = no cap) if this machine has the memory";
    std::lock_guard lock(d->stateMutex);
    // Which device would take it: an explicit cuda:N, else the biggest GPU of the plan for
    // auto/cuda, else the CPU.
    const GpuDescription* gpu = nullptr;
    const std::string& dev = request.device;
    for (const auto& g : d->probe.gpus) {
        const std::string name = "cuda:" + std::to_string(g.index);
        const bool planned = std::find(d->plan.slotDevices.begin(), d->plan.slotDevices.end(), name) !=
                             d->plan.slotDevices.end();
        if (dev == name ||
            ((dev == "auto" || dev == "cuda") && planned && (!gpu || g.memoryGiB > gpu->memoryGiB)))
            gpu = &g;
    }
    if (gpu && dev != "cpu" && gpu->memoryGiB > 0) {
        b.gpu = true;
        b.bytes = static_cast<long long>(gpu->memoryGiB * 1024 * 1024 * 1024);
        b.what = "the memory of cuda:" + std::to_string(gpu->index) + " (" + gpu->name + ", " +
                 formatBytes(b.bytes) + ")";
        b.name = "the memory of cuda:" + std::to_string(gpu->index);
        b.raise = "pick a GPU with more memory (Modal: H200 141 GB, B200 192 GB)";
        b.hostCapBytes = cap.mb * 1024 * 1024;
        b.hostWhat = cap.describe();
        return b;
    }
    if (cap.mb > 0) {
        b.bytes = cap.mb * 1024 * 1024;
        b.what = cap.describe();
        b.name = "the memory cap";
        b.raise = raise;
    } else {
        b.bytes = memTotalKb() * 1024;
        b.what = "this machine's memory of " + formatBytes(b.bytes) + " (" + cap.describe() + ")";
        b.name = "this machine's memory";
        b.raise = "run it on a machine or GPU with more memory";
    }
    return b;
}

Evaluator::Ticket LocalBackend::submit(EvalRequest request, ResultFn onDone, ProgressFn onProgress)
{
    {
        std::lock_guard lock(d->stateMutex);
        if (d->state == Impl::State::NotStarted && !d->starter.joinable()) {
            // Finding Python imports torch (seconds): never on the caller's thread.
            d->state = Impl::State::Starting;
            d->starter = std::thread([this] { start(); });
        }
    }
    return d->scheduler.submit(std::move(request), std::move(onDone), std::move(onProgress));
}

void LocalBackend::cancel(Ticket ticket)
{
    d->scheduler.cancel(ticket);
}
void LocalBackend::cancelAll()
{
    d->scheduler.cancelAll();
}
std::size_t LocalBackend::pending() const
{
    return d->scheduler.pending();
}

} // namespace kw
