#pragma once

#include "core/model/EvalRequest.h"

#include <string>
#include <vector>

namespace kw {

// Which slot devices may run a request: resolved from its `device` field.
struct DeviceMatch
{
    enum class Kind
    {
        AnyGpu,
        Gpu,
        Cpu
    };
    Kind kind = Kind::Cpu;
    int index = -1; // Kind::Gpu
    bool accepts(const std::string& slotDevice) const;
    bool gpu() const { return kind != Kind::Cpu; }
};

// The slots a backend runs: one entry per concurrent evaluation ("cuda:0", "cuda:0", "cpu").
struct DevicePlan
{
    std::vector<std::string> slotDevices;
    // Backends configured with no device list also serve explicit "cpu" requests, starting
    // cpu slots on first use (cpuConcurrency of them).
    int cpuOnDemand = 0;
    std::string error; // non-empty: the configuration cannot be served (one line)
};

// Pure: from LocalConfig::devices, the number of visible GPUs and LocalConfig::cpuConcurrency.
// Empty list (or "auto") = every visible GPU once, or cpu when none. "cuda" = every GPU.
// A GPU listed k times gets k slots; cpu gets max(times listed, cpuConcurrency) slots.
DevicePlan planDevices(const std::vector<std::string>& configured, int gpuCount, int cpuConcurrency);

// Pure: maps a request's device ("auto", "cpu", "cuda", "cuda:N") onto the plan. On failure
// returns false and sets `error` to a message naming the devices that exist.
bool resolveDevice(const std::string& requested, const DevicePlan& plan, DeviceMatch& out,
                   std::string& error);

// "cuda:0, cuda:1, cpu": the distinct devices of a plan (cpu on demand included).
std::string describeDevices(const DevicePlan& plan);

// True when a request's kernel builds a C++/CUDA extension worth building on the CPU ahead
// of the GPU stage (backend cuda and the source uses torch.utils.cpp_extension).
bool needsPrebuild(const EvalRequest& request);

// -1 for "cpu", N for "cuda:N".
int gpuIndexOf(const std::string& slotDevice);

} // namespace kw
