#pragma once

#include "core/profile/KernelProfile.h"

#include <optional>
#include <string>

// Words and numbers of a profile as the CLI and the GUI show them (pure functions).
namespace kw::profile {

std::string formatDuration(std::optional<double> ns); // "171.3 us", "1.20 ms", "—" when absent
std::string formatBytes(std::optional<double> bytes); // "0 B", "8.2 kB", "1.5 MB"
std::string formatPercent(std::optional<double> pct); // "44.1 %"
std::string formatCount(std::optional<double> n);     // "28"
// "compute", "memory (DRAM)", "latency", "—"
std::string formatLimiter(const KernelProfile& k);
// What the limiter means, one sentence (tooltips, --help).
std::string limiterExplanation(const std::string& limiter);

} // namespace kw::profile
