#include "core/local/MemoryCap.h"

#include "core/model/InputSizes.h"

#include <fstream>
#include <sstream>

namespace kw {

std::string MemoryCap::describe() const
{
    if (mb <= 0)
        return "no memory cap (" + source + ")";
    std::string s = "the evaluator's memory cap of " + formatBytes(mb * 1024 * 1024) + " (";
    if (source == kMemLimitEnv || source == "--mem-limit-mb")
        s += source + "=" + std::to_string(mb);
    else
        s += source;
    return s + ")";
}

MemoryCap resolveMemoryCap(long long configuredMb, const std::optional<std::string>& envValue,
                           long long memTotalKb, const std::string& configuredWhere)
{
    MemoryCap c;
    if (configuredMb >= 0) {
        c.mb = configuredMb;
        c.source = configuredWhere.empty() ? "--mem-limit-mb" : configuredWhere;
        return c;
    }
    if (envValue && !envValue->empty()) {
        const std::string& v = *envValue;
        if (v.find_first_not_of("0123456789") == std::string::npos && v.size() < 12) {
            c.mb = std::stoll(v);
            c.source = kMemLimitEnv;
            return c;
        }
        c.error = std::string(kMemLimitEnv) + "='" + v +
                  "' is not a number of MiB: using the default (half of "
                  "RAM); set it to a whole number such as 8192, or 0 for no cap";
    }
    c.mb = memTotalKb / 2 / 1024;
    c.source = "default: half of RAM; change it in Settings (Memory cap), with " + std::string(kMemLimitEnv) +
               " or --mem-limit-mb";
    return c;
}

long long memTotalKb()
{
    std::ifstream f("/proc/meminfo");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("MemTotal:", 0) == 0) {
            std::istringstream in(line.substr(9));
            long long kb = 0;
            if (in >> kb && kb > 0)
                return kb;
        }
    return 8LL * 1024 * 1024;
}

} // namespace kw
