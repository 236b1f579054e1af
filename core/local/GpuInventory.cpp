#include "core/local/GpuInventory.h"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace kw {

namespace {

std::string cudaVersionText(int v)
{
    return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

std::string gpus(std::size_t n)
{
    return std::to_string(n) + (n == 1 ? " GPU" : " GPUs");
}

std::string notUsableNote(const PythonProbe& torch)
{
    if (!torch.ok)
        return "the evaluator's Python cannot run: " + torch.error;
    if (torch.torchCuda.empty())
        return "torch " + torch.torchVersion +
               " is a CPU build: install a CUDA build of torch (or choose another Python in Settings / "
               "--python) to evaluate on this GPU";
    return "torch " + torch.torchVersion + " (CUDA " + torch.torchCuda +
           ") does not see this GPU: check CUDA_VISIBLE_DEVICES, and that the driver supports CUDA " +
           torch.torchCuda;
}

} // namespace

const char* gpuUseName(GpuUse use)
{
    switch (use) {
    case GpuUse::Pending:
        return "checking";
    case GpuUse::Usable:
        return "usable";
    case GpuUse::NotUsable:
        return "not usable";
    }
    return "checking";
}

GpuInventory GpuInventory::combine(std::optional<CudaInventory> driver, std::optional<PythonProbe> torch)
{
    GpuInventory inv;
    inv.driver = std::move(driver);
    inv.torch = std::move(torch);
    const bool torchOk = inv.torch && inv.torch->ok;
    if (inv.driver)
        for (const CudaDevice& d : inv.driver->devices) {
            GpuEntry e;
            e.index = d.index;
            e.name = d.name;
            e.memoryBytes = d.memoryBytes;
            e.ccMajor = d.ccMajor;
            e.ccMinor = d.ccMinor;
            if (d.ccMajor > 0)
                e.arch = "sm_" + std::to_string(d.ccMajor) + std::to_string(d.ccMinor);
            if (!inv.torch) {
                e.use = GpuUse::Pending;
                e.note =
                    "listed by the CUDA driver; whether the evaluator's torch can use it is being checked";
            } else {
                e.use = GpuUse::NotUsable;
                e.note = notUsableNote(*inv.torch);
            }
            inv.devices.push_back(std::move(e));
        }
    if (torchOk)
        for (const GpuDescription& g : inv.torch->gpus) {
            GpuEntry* match = nullptr;
            for (auto& e : inv.devices)
                if (e.index == g.index)
                    match = &e;
            if (!match) {
                // The driver query did not list it (no libcudart here): torch's word is enough.
                inv.devices.push_back({});
                match = &inv.devices.back();
                match->index = g.index;
                match->name = g.name;
                match->memoryBytes = std::ldexp(g.memoryGiB, 30);
            }
            if (match->name.empty())
                match->name = g.name;
            if (!g.arch.empty())
                match->arch = g.arch;
            match->use = GpuUse::Usable;
            match->note.clear();
        }
    return inv;
}

GpuInventory GpuInventory::query(const std::string& python, const std::string& evaluatorDir)
{
    CudaInventory driver = CudaDeviceQuery::query();
    return combine(std::move(driver), findPython(python, evaluatorDir));
}

int GpuInventory::usableCount() const
{
    int n = 0;
    for (const auto& e : devices)
        n += e.use != GpuUse::NotUsable;
    return n;
}

std::string GpuInventory::summary() const
{
    if (!driver && !torch)
        return "Local: looking for GPUs";
    const int n = usableCount();
    if (n == 0)
        return pending() ? "Local: CPU (checking torch)" : "Local: CPU";
    return "Local: " + gpus(std::size_t(n)) + (pending() ? " (checking torch)" : "");
}

std::string GpuInventory::message() const
{
    if (!driver && !torch)
        return "Looking for GPUs…";
    std::string out;
    std::size_t driverCount = driver ? driver->devices.size() : 0;
    if (driver && driverCount > 0) {
        out = gpus(driverCount) + " found through " + driver->library;
        std::string versions;
        if (driver->runtimeVersion > 0)
            versions = "CUDA runtime " + cudaVersionText(driver->runtimeVersion);
        if (driver->driverVersion > 0)
            versions += (versions.empty() ? "" : ", ") + std::string("driver supports CUDA ") +
                        cudaVersionText(driver->driverVersion);
        if (!versions.empty())
            out += " (" + versions + ")";
    } else if (driver) {
        out = driver->message;
    }
    if (!torch)
        return out + (out.empty() ? "" : "; ") + "checking what the evaluator's torch can use…";
    const int usable = usableCount();
    std::string t;
    if (!torch->ok)
        t = "the evaluator's Python cannot run (" + torch->error + "): nothing can be evaluated here";
    else if (usable == 0)
        t = "torch " + torch->torchVersion + (torch->torchCuda.empty() ? " (CPU build)" : "") +
            " uses no GPU: evaluations run on the CPU";
    else
        t = "torch " + torch->torchVersion + " (CUDA " + torch->torchCuda + ") uses " +
            (std::size_t(usable) == devices.size() && usable > 1 ? "all " : "") + gpus(std::size_t(usable)) +
            (std::size_t(usable) < devices.size() ? " of " + std::to_string(devices.size()) : "");
    if (out.empty())
        return t;
    if (out.back() == '.') {
        t[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(t[0])));
        return out + " " + t + ".";
    }
    return out + "; " + t;
}

} // namespace kw
