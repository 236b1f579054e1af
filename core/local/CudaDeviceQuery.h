#pragma once

#include <string>
#include <vector>

namespace kw {

struct CudaDevice
{
    int index = 0;
    std::string name;
    double memoryBytes = 0;
    int ccMajor = 0, ccMinor = 0;
};

struct CudaInventory
{
    std::vector<CudaDevice> devices;
    std::string library;    // the library that answered, e.g. /usr/local/cuda/lib64/libcudart.so.12
    int runtimeVersion = 0; // 12040 for CUDA 12.4; 0 when unknown
    int driverVersion = 0;
    std::string message; // when no device is listed: why, and what it means for the user
};

// Lists NVIDIA GPUs through the CUDA runtime, loaded with dlopen at run time (any version of
// libcudart.so, /usr/local/cuda/lib64 included; the driver's libcuda.so.1 as a fallback), so
// the application starts and runs where CUDA is absent. Blocking: call it off the UI thread.
class CudaDeviceQuery
{
public:
    static CudaInventory query();
    static std::vector<std::string> runtimeCandidates();
};

} // namespace kw
