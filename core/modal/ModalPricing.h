#pragma once

#include "core/model/EvalResult.h"

#include <optional>
#include <string_view>
#include <vector>

namespace kw {

// Cost of evaluations on Modal: GPU-seconds × the list price of the GPU type (design.md table).
// An estimate: Modal also bills container start-up and idle time, which no single request sees.

// $/s for a GPU request string (count included: "H100:2" costs twice "H100"); nullopt when the
// type is unknown.
std::optional<double> modalUsdPerSecond(std::string_view gpuType);

// Cost of `gpuSeconds` on `gpuType`; nullopt for an unknown type or a negative time.
std::optional<double> modalCostUsd(std::string_view gpuType, double gpuSeconds);

// The GPU-seconds that one result accounts for: the evaluator's own `timings.total`, or the
// wall time from `created_at` to `finished_at` when the evaluator did not report one.
double modalGpuSeconds(const EvalResult& r);

// The GPU type a Modal result ran on: `device.target` "modal:TYPE", else `request.gpu_type`.
std::string modalGpuTypeOf(const EvalResult& r);

struct ModalBatchCost
{
    double usd = 0;
    double gpuSeconds = 0;
    int priced = 0;   // results with a cost
    int unpriced = 0; // results without one (unknown GPU type, not a Modal result)
    // What Modal bills besides the evaluations: each container that ran one starts cold (image
    // start, @modal.enter) and idles until scale-down after its last one. Estimated per distinct
    // container id at its GPU's rate: kModalColdStartS + kModalScaledownS.
    int containers = 0;
    double overheadUsd = 0;
};

inline constexpr double kModalColdStartS = 20;  // container start + @modal.enter (torch import), typical
inline constexpr double kModalScaledownS = 300; // the app's scaledown_window

// Sums `cost_usd` where a result has one, else prices it from its GPU type and seconds; adds the
// containers' start and idle tail as overheadUsd.
ModalBatchCost modalBatchCost(const std::vector<EvalResult>& results);

} // namespace kw
