#pragma once

#include "core/local/CudaDeviceQuery.h"
#include "core/local/PythonFinder.h"

#include <optional>
#include <string>
#include <vector>

namespace kw {

// Whether evaluations can run on a GPU. Evaluations run in the evaluator's torch, so torch has
// the last word; until its probe has answered, a GPU the driver lists is Pending.
enum class GpuUse
{
    Pending,
    Usable,
    NotUsable,
};

struct GpuEntry
{
    int index = 0;
    std::string name;
    double memoryBytes = 0; // the driver's figure when it listed the GPU, else torch's
    int ccMajor = 0, ccMinor = 0;
    std::string arch; // sm_90: torch's, else from the driver's compute capability
    GpuUse use = GpuUse::Pending;
    std::string note; // Pending and NotUsable: why, and what to do
};

// The local GPUs as every front end shows them (kernelwatch-cli doctor, the GUI's Settings,
// Submit and status bar): the CUDA driver's list (CudaDeviceQuery, fast) checked against the
// evaluator's torch probe (PythonFinder, seconds), combined by one rule.
struct GpuInventory
{
    std::vector<GpuEntry> devices;
    std::optional<CudaInventory> driver; // nullopt: not asked yet
    std::optional<PythonProbe> torch;    // nullopt: not asked yet

    // Pure. Torch answered: the GPUs torch sees are Usable, the driver's others NotUsable (a CPU
    // build of torch, CUDA_VISIBLE_DEVICES, a driver torch cannot use), none usable when the probe
    // failed. Not yet: the driver's GPUs are Pending. Matched by index (both see the same order).
    static GpuInventory combine(std::optional<CudaInventory> driver, std::optional<PythonProbe> torch);
    // Blocking: the driver query, then the probe of `python` (empty: discover) with the evaluator.
    static GpuInventory query(const std::string& python, const std::string& evaluatorDir);

    // GPUs an evaluation may use now: Usable ones, and Pending ones until torch answers.
    int usableCount() const;
    bool pending() const { return !torch.has_value(); }
    // "Local: 2 GPUs", "Local: CPU", "Local: 2 GPUs (checking torch)", "Local: looking for GPUs".
    std::string summary() const;
    // One line on what was found and through what: "2 GPUs found through libcudart.so.12 (CUDA
    // runtime 12.4, driver 12.8); torch 2.5.1 (CUDA 12.4) uses both", or why none can be used.
    std::string message() const;
};

const char* gpuUseName(GpuUse use); // "checking", "usable", "not usable"

} // namespace kw
