#pragma once

#include "core/base/ChildEnv.h"

#include <string>
#include <vector>

namespace kw::profile {

// Finds Nsight Compute's command-line profiler `ncu` the way the CUDA compiler is found:
// the override (--ncu or the ncu path setting; then only it), $KERNELWATCH_NCU, PATH,
// $CUDA_HOME/bin, $CUDA_PATH/bin, /usr/local/cuda/bin. `env` is the environment to search
// ("NAME=value" entries, normally childenv::current()).
struct NcuLocation
{
    std::string path;               // empty when not found
    std::vector<std::string> tried; // where it looked, for the message
    std::string message() const;    // why not found and what to do (empty when found)
};

NcuLocation findNcu(const std::string& overridePath, const childenv::Env& env);

// Nsight Compute's GUI (`ncu-ui`) beside `ncuPath`, else on PATH; empty when absent.
std::string findNcuUi(const std::string& ncuPath, const childenv::Env& env);

} // namespace kw::profile
