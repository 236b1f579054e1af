#pragma once

#include <optional>
#include <string>

namespace kw {

// The per-evaluation memory cap the local evaluator enforces (resources/evaluator/PROTOCOL.md,
// --mem-limit-mb): the core resolves it once and passes it to every zygote, so the pre-run
// check and the evaluator use the same number.
struct MemoryCap
{
    long long mb = 0;   // 0: no cap
    std::string source; // "--mem-limit-mb", "KERNELWATCH_MEM_LIMIT_MB", "Settings → Memory cap",
                        // "default: half of RAM; ..."
    std::string error;  // the environment variable was not a number (then the default is used)

    // "the evaluator's memory cap of 8.0 GiB (KERNELWATCH_MEM_LIMIT_MB=8192)"
    std::string describe() const;
};

constexpr const char* kMemLimitEnv = "KERNELWATCH_MEM_LIMIT_MB";

// Pure: configuredMb (the --mem-limit-mb option or the setting; negative = not set) wins, then
// the environment variable, then half of the machine's memory (as the evaluator's own default).
// configuredWhere names where configuredMb was set ("Settings → Memory cap"); empty: "--mem-limit-mb".
MemoryCap resolveMemoryCap(long long configuredMb, const std::optional<std::string>& envValue,
                           long long memTotalKb, const std::string& configuredWhere = {});

// MemTotal from /proc/meminfo in KiB (8 GiB when it cannot be read, as the evaluator assumes).
long long memTotalKb();

} // namespace kw
