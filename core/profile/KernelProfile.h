#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace kw::profile {

// One rule result Nsight Compute printed for a kernel (its "Rule Name" / "Rule Description").
struct NcuRule
{
    std::string section; // "SpeedOfLight"
    std::string name;    // "SOLBottleneck"
    std::string type;    // "OPT", "INF", "WRN"
    std::string description;
};

// What Nsight Compute measured for one kernel launch (or, after summarizeByKernel, the mean over
// every launch of one kernel). Values are in base units: nanoseconds, bytes, bytes per second, %.
struct KernelProfile
{
    int id = -1;                     // ncu's launch ID (the first launch's after summarizing)
    int launches = 1;                // how many launches this row stands for
    std::string name;                // "void swish_kernel<float>(const T1 *, T1 *, long)"
    std::string blockSize, gridSize; // "(256, 1, 1)"
    std::string computeCapability;   // "9.0"
    int device = -1;
    std::optional<double> durationNs;
    std::optional<double> memoryPct;  // GPU Speed Of Light: Memory Throughput, % of peak
    std::optional<double> computePct; // GPU Speed Of Light: Compute (SM) Throughput, % of peak
    std::optional<double> dramPct;
    std::optional<double> memoryBytesPerS; // Memory Workload Analysis: Memory Throughput
    std::optional<double> achievedOccupancyPct, theoreticalOccupancyPct;
    std::optional<double> registersPerThread;
    std::optional<double> staticSharedBytesPerBlock, dynamicSharedBytesPerBlock;
    std::vector<NcuRule> rules;
    std::string limiter;       // "memory" | "compute" | "latency" | "" (not measured)
    std::string limiterDetail; // ncu's unit, e.g. "DRAM", "L1" (from its SOLBottleneck text)

    // Static + dynamic shared memory per block, when either was reported.
    std::optional<double> sharedBytesPerBlock() const;
    const NcuRule* rule(const std::string& name) const;
};

// Percent of peak at or above which a unit counts as the limiter; below it on both units the
// kernel is latency-bound. Nsight Compute's own SOLBottleneck rule uses the same 60 %.
constexpr double kLimiterThresholdPct = 60.0;

// Sets limiter / limiterDetail (see README "Profile a kernel"):
// - ncu's SOLBottleneck rule text decides when present: "Compute is more heavily utilized" ->
//   compute, "Memory is more heavily utilized" -> memory (detail: the unit it names, "the DRAM
//   bottleneck"), "low compute throughput and memory bandwidth" -> latency;
// - else the numbers: both Memory and Compute (SM) Throughput below 60 % of peak -> latency,
//   otherwise the higher of the two (memory on a tie);
// - neither number measured -> "".
void classifyLimiter(KernelProfile& k);

// One row per kernel name, in order of first launch: numeric values are means over the launches
// (launches = how many), rules and launch configuration are the first launch's; the limiter is
// classified again from the means.
std::vector<KernelProfile> summarizeByKernel(const std::vector<KernelProfile>& launches);

nlohmann::json toJson(const KernelProfile& k);
KernelProfile kernelProfileFromJson(const nlohmann::json& j); // lenient: missing keys stay empty

} // namespace kw::profile
