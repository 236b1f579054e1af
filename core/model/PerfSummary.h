#pragma once

#include "core/model/EvalResult.h"

#include <string>

namespace kw {

// One-line, human-readable descriptions of a result's performance, shared by the CLI and the GUI.

// "1.420x (95 % CI 1.380-1.470)", "1.420x (no interval)"; empty without a speedup.
std::string speedupText(const std::optional<double>& speedup, const std::optional<SpeedupInterval>& ci);

// "eager PyTorch 0.054 ms: 1.420x (95 % CI 1.380-1.470)"
// "torch.compile (default) 0.031 ms: 0.820x (95 % CI 0.790-0.850); compiled in 41.5 s"
// "torch.compile (default): not measured: torch.compile failed: ..."
std::string baselineText(const BaselineTiming& b);

// "26 % of speed of light (memory bound): floor 0.0100 ms ..." or "speed of light unavailable: why".
// Empty when there is nothing to say (a result that was not timed and carries no estimate).
std::string speedOfLightText(const EvalResult& r);

// The rejection of a time below the physical floor, or empty when the result is not flagged.
std::string fasterThanLightText(const EvalResult& r);

} // namespace kw
