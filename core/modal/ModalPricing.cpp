#include "core/modal/ModalPricing.h"

#include <map>

#include "core/modal/ModalGpu.h"

#include <cmath>

namespace kw {

std::optional<double> modalUsdPerSecond(std::string_view gpuType)
{
    const ModalGpuSpec spec = parseModalGpu(gpuType);
    if (!spec.ok())
        return std::nullopt;
    return spec.gpu->usdPerSecond * spec.count;
}

std::optional<double> modalCostUsd(std::string_view gpuType, double gpuSeconds)
{
    if (!std::isfinite(gpuSeconds) || gpuSeconds < 0)
        return std::nullopt;
    auto rate = modalUsdPerSecond(gpuType);
    if (!rate)
        return std::nullopt;
    return *rate * gpuSeconds;
}

double modalGpuSeconds(const EvalResult& r)
{
    if (std::isfinite(r.timings.total) && r.timings.total > 0)
        return r.timings.total;
    if (r.status == EvalStatus::InfraError)
        return 0.0; // never reached a GPU, or nothing says it did
    const double wall = r.finishedAt - r.createdAt;
    return std::isfinite(wall) && wall > 0 ? wall : 0.0;
}

std::string modalGpuTypeOf(const EvalResult& r)
{
    const std::string& t = r.device.target;
    if (t.rfind("modal:", 0) == 0 && t.size() > 6)
        return t.substr(6);
    return r.request.gpuType;
}

ModalBatchCost modalBatchCost(const std::vector<EvalResult>& results)
{
    ModalBatchCost c;
    std::map<std::string, std::string> containerGpu; // container id -> GPU type
    for (const auto& r : results) {
        if (!r.worker.containerId.empty())
            containerGpu.emplace(r.worker.containerId, modalGpuTypeOf(r));
        const double secs = modalGpuSeconds(r);
        std::optional<double> usd = r.costUsd;
        if (!usd)
            usd = modalCostUsd(modalGpuTypeOf(r), secs);
        if (usd) {
            c.usd += *usd;
            c.gpuSeconds += secs;
            ++c.priced;
        } else {
            ++c.unpriced;
        }
    }
    for (const auto& [id, gpu] : containerGpu)
        if (auto usd = modalCostUsd(gpu, kModalColdStartS + kModalScaledownS)) {
            c.overheadUsd += *usd;
            ++c.containers;
        }
    return c;
}

} // namespace kw
