#pragma once

#include "core/profile/KernelProfile.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace kw::profile {

// Why a profile could not be taken; each has its own words and fix (ProfileRunner, the parser).
enum class ProfileError
{
    None,
    BadInput,             // no code, a CPU result, an unusable option
    NcuMissing,           // Nsight Compute's ncu was not found
    CountersNotPermitted, // ERR_NVGPUCTRPERM
    NoGpu,                // no CUDA device visible
    ProgramFailed,        // the profiled program (the candidate, its build) failed
    NoKernels,            // ran, but launched no CUDA kernel in the profiled range
    Timeout,              // killed after the hard timeout
    Unreadable,           // ncu's output or report could not be read
};

std::string_view errorName(ProfileError e); // "ncu_missing", ...
ProfileError errorFromName(std::string_view name);

// One on-demand profile of a candidate under Nsight Compute.
struct ProfileReport
{
    std::string resultId; // the evaluation it belongs to (or a fresh id for a CLI run)
    std::string problem;
    std::string device;  // "cuda:0"
    std::string backend; // cuda | triton
    std::string ncuPath, ncuVersion;
    std::string reportPath;           // the raw .ncu-rep (open it in Nsight Compute)
    std::vector<std::string> command; // the ncu command line that profiled
    double createdAt = 0;             // unix seconds
    double wallS = 0;
    std::vector<KernelProfile> launches; // every profiled launch, in ncu's order
    ProfileError error = ProfileError::None;
    std::string errorMessage; // one paragraph: what happened and what to do
    std::string log;          // the tail of what ncu and the program printed

    bool ok() const { return error == ProfileError::None; }
    std::vector<KernelProfile> kernels() const { return summarizeByKernel(launches); }
};

nlohmann::json toJson(const ProfileReport& r);
ProfileReport profileReportFromJson(const nlohmann::json& j); // lenient

} // namespace kw::profile
