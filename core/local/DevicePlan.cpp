#include "core/local/DevicePlan.h"

#include <algorithm>

namespace kw {

int gpuIndexOf(const std::string& d)
{
    if (d.rfind("cuda:", 0) != 0 || d.size() <= 5 ||
        d.find_first_not_of("0123456789", 5) != std::string::npos)
        return -1;
    try {
        return std::stoi(d.substr(5));
    } catch (...) {
        return -1;
    }
}

bool DeviceMatch::accepts(const std::string& slot) const
{
    switch (kind) {
    case Kind::Cpu:
        return slot == "cpu";
    case Kind::AnyGpu:
        return gpuIndexOf(slot) >= 0;
    case Kind::Gpu:
        return gpuIndexOf(slot) == index;
    }
    return false;
}

DevicePlan planDevices(const std::vector<std::string>& configured, int gpuCount, int cpuConcurrency)
{
    DevicePlan p;
    cpuConcurrency = std::max(1, cpuConcurrency);
    auto gpuList = [gpuCount] {
        std::string s;
        for (int i = 0; i < gpuCount; ++i)
            s += (i ? ", cuda:" : "cuda:") + std::to_string(i);
        return s;
    };
    const bool automatic = configured.empty() || (configured.size() == 1 && configured[0] == "auto");
    if (automatic) {
        for (int i = 0; i < gpuCount; ++i)
            p.slotDevices.push_back("cuda:" + std::to_string(i));
        if (gpuCount == 0)
            p.slotDevices.assign(std::size_t(cpuConcurrency), "cpu");
        else
            p.cpuOnDemand = cpuConcurrency;
        return p;
    }
    int cpuListed = 0;
    for (const auto& d : configured) {
        if (d == "cpu") {
            ++cpuListed;
        } else if (d == "cuda" || d == "auto") {
            if (gpuCount == 0) {
                p.error =
                    "device '" + d + "' asks for GPUs but torch sees none (torch.cuda.device_count() is 0)";
                return p;
            }
            for (int i = 0; i < gpuCount; ++i)
                p.slotDevices.push_back("cuda:" + std::to_string(i));
        } else if (int idx = gpuIndexOf(d); idx >= 0) {
            if (idx >= gpuCount) {
                p.error = gpuCount == 0
                              ? "device " + d + " does not exist: torch sees no GPU"
                              : "device " + d + " does not exist: the visible GPUs are " + gpuList();
                return p;
            }
            p.slotDevices.push_back("cuda:" + std::to_string(idx));
        } else {
            p.error = "unknown device '" + d + "': use cpu, cuda or cuda:N";
            return p;
        }
    }
    if (cpuListed > 0)
        p.slotDevices.insert(p.slotDevices.end(), std::size_t(std::max(cpuListed, cpuConcurrency)), "cpu");
    return p;
}

std::string describeDevices(const DevicePlan& plan)
{
    std::vector<std::string> seen;
    for (const auto& s : plan.slotDevices)
        if (std::find(seen.begin(), seen.end(), s) == seen.end())
            seen.push_back(s);
    if (plan.cpuOnDemand > 0 && std::find(seen.begin(), seen.end(), "cpu") == seen.end())
        seen.push_back("cpu");
    std::string out;
    for (const auto& s : seen)
        out += (out.empty() ? "" : ", ") + s;
    return out.empty() ? "none" : out;
}

bool resolveDevice(const std::string& requested, const DevicePlan& plan, DeviceMatch& out, std::string& error)
{
    const bool hasGpu = std::any_of(plan.slotDevices.begin(), plan.slotDevices.end(),
                                    [](const std::string& s) { return gpuIndexOf(s) >= 0; });
    const bool hasCpu = plan.cpuOnDemand > 0 || std::find(plan.slotDevices.begin(), plan.slotDevices.end(),
                                                          "cpu") != plan.slotDevices.end();
    const std::string have = "this evaluator has " + describeDevices(plan);
    if (requested.empty() || requested == "auto") {
        out = hasGpu ? DeviceMatch{DeviceMatch::Kind::AnyGpu, -1} : DeviceMatch{DeviceMatch::Kind::Cpu, -1};
        if (!hasGpu && !hasCpu) {
            error = "no device to run on: " + have;
            return false;
        }
        return true;
    }
    if (requested == "cpu") {
        if (!hasCpu) {
            error = "device cpu is not available: " + have;
            return false;
        }
        out = {DeviceMatch::Kind::Cpu, -1};
        return true;
    }
    if (requested == "cuda") {
        if (!hasGpu) {
            error = "device cuda asks for a GPU but " + have;
            return false;
        }
        out = {DeviceMatch::Kind::AnyGpu, -1};
        return true;
    }
    if (int idx = gpuIndexOf(requested); idx >= 0) {
        if (std::find(plan.slotDevices.begin(), plan.slotDevices.end(), requested) ==
            plan.slotDevices.end()) {
            error = "device " + requested + " does not exist here: " + have;
            return false;
        }
        out = {DeviceMatch::Kind::Gpu, idx};
        return true;
    }
    error = "unknown device '" + requested + "': use auto, cpu, cuda or cuda:N (" + have + ")";
    return false;
}

bool needsPrebuild(const EvalRequest& r)
{
    if (r.backend != "cuda")
        return false;
    const std::string& k = r.kernelCode;
    return k.find("cpp_extension") != std::string::npos || k.find("load_inline") != std::string::npos;
}

} // namespace kw
