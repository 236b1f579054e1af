#include "core/profile/ProfileFormat.h"

#include <cstdio>

namespace kw::profile {
namespace {

constexpr const char* kAbsent = "—";

std::string fmt(const char* f, double v, const char* unit)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v, unit);
    return buf;
}

} // namespace

std::string formatDuration(std::optional<double> ns)
{
    if (!ns)
        return kAbsent;
    const double v = *ns;
    if (v < 1e3)
        return fmt("%.0f %s", v, "ns");
    if (v < 1e6)
        return fmt("%.1f %s", v / 1e3, "us");
    if (v < 1e9)
        return fmt("%.2f %s", v / 1e6, "ms");
    return fmt("%.2f %s", v / 1e9, "s");
}

std::string formatBytes(std::optional<double> bytes)
{
    if (!bytes)
        return kAbsent;
    const double v = *bytes;
    if (v < 1e3)
        return fmt("%.0f %s", v, "B");
    if (v < 1e6)
        return fmt("%.1f %s", v / 1e3, "kB");
    return fmt("%.1f %s", v / 1e6, "MB");
}

std::string formatPercent(std::optional<double> pct)
{
    return pct ? fmt("%.1f %s", *pct, "%") : std::string(kAbsent);
}

std::string formatCount(std::optional<double> n)
{
    return n ? fmt("%.0f%s", *n, "") : std::string(kAbsent);
}

std::string formatLimiter(const KernelProfile& k)
{
    if (k.limiter.empty())
        return kAbsent;
    return k.limiterDetail.empty() ? k.limiter : k.limiter + " (" + k.limiterDetail + ")";
}

std::string limiterExplanation(const std::string& limiter)
{
    if (limiter == "memory")
        return "memory-bound: the memory system is the more utilized unit (at least 60 % of its peak, or "
               "Nsight Compute's SpeedOfLight rule says so); move fewer bytes or access them better.";
    if (limiter == "compute")
        return "compute-bound: the SMs are the more utilized unit; do less work per element or use faster "
               "instructions (tensor cores, lower precision).";
    if (limiter == "latency")
        return "latency-bound: both memory and compute throughput are below 60 % of peak; the kernel waits "
               "(too few threads in flight, dependencies, launch overhead, a grid too small for the GPU).";
    return "not measured";
}

} // namespace kw::profile
