#pragma once

#include "core/base/ChildEnv.h"
#include "core/model/EvalRequest.h"
#include "core/model/EvalResult.h"
#include "core/profile/ProfileReport.h"

#include <string>
#include <vector>

namespace kw::profile {

// How one profile runs. Blocking; call it off the UI thread.
struct ProfileOptions
{
    std::string ncu;          // ncu override (--ncu, the setting); empty = findNcu
    std::string python;       // interpreter; empty = discover (and check that it sees a GPU)
    std::string evaluatorDir; // folder holding kernelwatch_eval/; empty = paths::evaluatorDir()
    std::string cacheDir;     // the evaluator's compile cache; empty = paths::cacheDir() + "/compile"
    std::string outDir;       // where report.ncu-rep goes (ProfileStore::dirFor(id)); required
    std::string device = "cuda:0";
    double timeoutS = 600; // hard limit for the profiled run (ncu replays each kernel many times)
    int warmupCalls = 2;   // candidate calls before the profiled range (builds, autotuning)
    int profiledCalls = 2; // candidate calls inside the NVTX range ncu profiles
    bool sandbox = true;   // the evaluator's Landlock sandbox around the candidate
    childenv::Env env;     // base environment; empty = this process's
};

// The NVTX push/pop range profile_one.py wraps the profiled calls in; ncu profiles only kernels
// launched inside it (--nvtx --nvtx-include kernelwatch_candidate/).
constexpr const char* kNvtxRange = "kernelwatch_candidate";

// Why a stored result cannot be profiled ("" when it can): it ran on the CPU, or has no code.
std::string profileRefusal(const EvalResult& result);

// The ncu command line that profiles `requestPath` with kernelwatch_eval.profile_one (pure).
std::vector<std::string> profileCommand(const std::string& ncu, const std::string& python,
                                        const std::string& requestPath, const std::string& statusPath,
                                        const std::string& cacheDir, const ProfileOptions& o);

// Runs the candidate of `request` under ncu on o.device (the evaluator's child environment,
// a hard timeout), then reads the report back with `ncu --import … --csv --page details`.
// Never throws; a failure is a report with error and errorMessage set.
ProfileReport runProfile(const EvalRequest& request, const ProfileOptions& o);

} // namespace kw::profile
