#pragma once

#include "core/model/EvalResult.h"

#include <cstdint>
#include <string>

namespace kw::ui {

// The performance side of the --demo results (issue 17): speedup intervals, the torch.compile
// baseline and speed-of-light estimates with the datasheet peaks of the demo's GPUs (H100 SXM,
// A100 80GB, L40S), consistent with the runtimes: a problem's bytes and FLOPs are fixed, its
// eager time on an H100 sits at a fixed share of the speed of light, and a candidate can get
// close to the roof but not through it (the cheats that do are flagged faster_than_light).
// Draws from its own generator, so the rest of the demo is the same as without it.
class DemoPerformance
{
public:
    // r: a demo result with its status, speedup and runtimes set (eager = `eagerMs`).
    static void add(EvalResult& r, std::size_t problemIndex, const std::string& problem, double eagerMs,
                    std::uint32_t seed);
    // Eager time on an H100 of the demo's problem (0: the 2048³ fp32 matmul, 0.351 ms).
    static double eagerMs(std::size_t problemIndex, double generated);
    // The swish sample (fp32 4096×8192) on an H100: eager 0.232 ms, compile 0.126 ms, speed of
    // light 0.080 ms (268 MB at 3.35 TB/s).
    static EvalResult swishSample(double when);
};

} // namespace kw::ui
