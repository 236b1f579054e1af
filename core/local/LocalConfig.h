#pragma once

#include <string>
#include <vector>

namespace kw {

// How the local backend runs: which interpreter, devices, concurrency and cache.
struct LocalConfig
{
    std::string python;       // interpreter; empty = discover (see PythonFinder)
    std::string evaluatorDir; // folder holding kernelwatch_eval/; empty = paths::evaluatorDir()
    std::string cacheDir;     // compile cache; empty = paths::cacheDir() + "/compile"
    // Device slots: "cpu", "cuda:0", ... Empty = every visible GPU, or "cpu" when none.
    // A device may be listed more than once to run several kernels on it at a time.
    std::vector<std::string> devices;
    int cpuConcurrency = 1; // parallel CPU evaluations when "cpu" is a device
    int compileJobs = 0;    // parallel ahead-of-time CUDA builds on the CPU; 0 = cores / 2
    bool prebuild = true;   // build CUDA extensions on the CPU before the GPU stage
    // Memory cap per evaluation in MiB (zygote --mem-limit-mb; 0 = none). Negative: from
    // KERNELWATCH_MEM_LIMIT_MB, else half of RAM (resolveMemoryCap).
    long long memLimitMb = -1;
    std::string memLimitSource; // where memLimitMb was set, for messages; empty: "--mem-limit-mb"
};

} // namespace kw
