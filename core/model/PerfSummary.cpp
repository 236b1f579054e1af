#include "core/model/PerfSummary.h"

#include <cstdio>

namespace kw {

namespace {

std::string fmt(const char* f, double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

// 33554432 -> "33.6 MB"; 1.1e11 -> "110 G"
std::string si(double v, const char* unit)
{
    static const char* const prefixes[] = {"", "k", "M", "G", "T", "P"};
    int i = 0;
    while (v >= 1000 && i < 5) {
        v /= 1000;
        ++i;
    }
    return fmt("%.3g ", v) + prefixes[i] + unit;
}

} // namespace

std::string speedupText(const std::optional<double>& speedup, const std::optional<SpeedupInterval>& ci)
{
    if (!speedup)
        return {};
    std::string out = fmt("%.3fx", *speedup);
    if (ci)
        out += " (95 % CI " + fmt("%.3f", ci->low) + "-" + fmt("%.3f", ci->high) + ")";
    else
        out += " (no interval)";
    return out;
}

std::string baselineText(const BaselineTiming& b)
{
    std::string out = b.name == "compile" ? "torch.compile" : b.name == "eager" ? "eager PyTorch" : b.name;
    if (!b.mode.empty())
        out += " (" + b.mode + ")";
    if (!b.error.empty())
        return out + ": not measured: " + b.error;
    if (b.runtimeMs)
        out += " " + fmt("%.4g ms", *b.runtimeMs);
    out += ": ";
    out += b.speedup ? speedupText(b.speedup, b.speedupCi) : std::string("no speedup");
    if (b.cacheHit)
        out +=
            "; compiled reference from the cache" + (b.compileS ? fmt(" (%.1f s to load)", *b.compileS) : "");
    else if (b.compileS)
        out += "; compiled in " + fmt("%.1f s", *b.compileS) + " (not timed)";
    return out;
}

std::string speedOfLightText(const EvalResult& r)
{
    if (!r.sol) {
        if (!r.runtimeMs)
            return {};
        return "speed of light unavailable: the evaluator that timed this result did not estimate it";
    }
    const SpeedOfLight& s = *r.sol;
    if (!s.available())
        return "speed of light unavailable: " +
               (s.unavailable.empty() ? std::string("the estimate has no time") : s.unavailable);
    std::string out = fmt("%.0f %% of speed of light", s.percent) + " (" + s.bound + " bound): floor " +
                      fmt("%.4g ms", s.timeMs) + " for " + si(s.bytes, "B") + " and " + si(s.flops, "FLOP") +
                      (s.flopsEstimated ? " (estimated: 1 op per element)" : "");
    if (!s.device.empty())
        out += " on " + s.device;
    if (!s.precision.empty())
        out += " at " + s.precision;
    if (!s.peaks.empty())
        out += "; peaks: " + s.peaks;
    return out;
}

std::string fasterThanLightText(const EvalResult& r)
{
    if (!r.hasFlag(kFasterThanLightFlag))
        return {};
    std::string out = "rejected as faster than light: the measured time is below the least time the work can "
                      "take on this device, so the timing cannot be right; not counted as a speedup";
    if (r.sol && r.sol->floorMs > 0 && r.runtimeMs)
        out +=
            " (" + fmt("%.4g ms", *r.runtimeMs) + " measured, floor " + fmt("%.4g ms", r.sol->floorMs) + ")";
    return out;
}

} // namespace kw
