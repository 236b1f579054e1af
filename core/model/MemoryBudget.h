#pragma once

#include <string>

namespace kw {

// The memory one evaluation may use where it will run, and the words that name it: the
// evaluator's memory cap on the CPU (KERNELWATCH_MEM_LIMIT_MB / --mem-limit-mb), the GPU's memory.
struct MemoryBudget
{
    long long bytes = 0; // 0: unknown or unlimited (nothing to compare)
    std::string what;    // "the evaluator's memory cap of 8.0 GiB (KERNELWATCH_MEM_LIMIT_MB=8192)"
    std::string name;    // short, for the first sentence: "the memory cap", "the memory of cuda:0"
    std::string raise;   // how to get more: "raise KERNELWATCH_MEM_LIMIT_MB or --mem-limit-mb (0 = no cap)"
    bool gpu = false;    // the budget is a GPU's memory
    long long hostCapBytes = 0; // on a GPU: the host-side cap the inputs are made under (0: none)
    std::string hostWhat;       // its words
};

} // namespace kw
