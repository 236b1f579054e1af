#include "LocalBackend.h"

#include "ChildEnv.h"
#include "JobScheduler.h"
#include "Paths.h"

#include <cstdlib>
#include <mutex>
#include <thread>

namespace kw {

class LocalBackend::Impl
{
public:
    explicit Impl(LocalConfig c) : config(std::move(c)) {}

    LocalConfig config;
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
    o.prebuild = c.prebuild;
    const char* dbg = std::getenv("KERNELWATCH_DEBUG");
    o.debug = dbg && *dbg && std::string(dbg) != "0";
    {
        std::lock_guard lock(d->stateMutex);
        d->plan = plan;
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
