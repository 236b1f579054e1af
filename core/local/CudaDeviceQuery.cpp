#include "core/local/CudaDeviceQuery.h"

#include <array>
#include <cstring>
#include <dlfcn.h>
#include <filesystem>

namespace kw {

namespace {

// CUDA runtime attributes (driver_types.h), stable across versions.
constexpr int kAttrCcMajor = 75;
constexpr int kAttrCcMinor = 76;

using GetCountFn = int (*)(int*);
using GetPropsFn = int (*)(void*, int);
using GetAttrFn = int (*)(int*, int, int);
using VersionFn = int (*)(int*);

struct Lib
{
    void* handle = nullptr;
    std::string path;
    ~Lib()
    {
        if (handle)
            dlclose(handle);
    }
};

bool openFirst(Lib& lib, const std::vector<std::string>& names)
{
    for (const auto& n : names) {
        if (void* h = dlopen(n.c_str(), RTLD_NOW | RTLD_LOCAL)) {
            lib.handle = h;
            lib.path = n;
            return true;
        }
    }
    return false;
}

template <typename F> F sym(void* h, const char* name)
{
    return reinterpret_cast<F>(dlsym(h, name));
}

bool queryDriver(CudaInventory& inv)
{
    Lib lib;
    if (!openFirst(lib, {"libcuda.so.1", "libcuda.so"}))
        return false;
    auto init = sym<int (*)(unsigned)>(lib.handle, "cuInit");
    auto count = sym<int (*)(int*)>(lib.handle, "cuDeviceGetCount");
    auto get = sym<int (*)(int*, int)>(lib.handle, "cuDeviceGet");
    auto name = sym<int (*)(char*, int, int)>(lib.handle, "cuDeviceGetName");
    auto mem = sym<int (*)(std::size_t*, int)>(lib.handle, "cuDeviceTotalMem_v2");
    auto attr = sym<int (*)(int*, int, int)>(lib.handle, "cuDeviceGetAttribute");
    auto version = sym<int (*)(int*)>(lib.handle, "cuDriverGetVersion");
    if (!init || !count || !get || !name || !attr)
        return false;
    if (version)
        version(&inv.driverVersion);
    if (int rc = init(0); rc != 0) {
        inv.message = "The NVIDIA driver library is installed but reports no usable GPU (cuInit error " +
                      std::to_string(rc) + "): evaluations run on the CPU.";
        return true;
    }
    int n = 0;
    count(&n);
    inv.library = lib.path;
    for (int i = 0; i < n; ++i) {
        int dev = 0;
        if (get(&dev, i) != 0)
            continue;
        CudaDevice d;
        d.index = i;
        std::array<char, 256> buf{};
        name(buf.data(), static_cast<int>(buf.size()), dev);
        d.name = buf.data();
        std::size_t bytes = 0;
        if (mem && mem(&bytes, dev) == 0)
            d.memoryBytes = static_cast<double>(bytes);
        attr(&d.ccMajor, kAttrCcMajor, dev);
        attr(&d.ccMinor, kAttrCcMinor, dev);
        inv.devices.push_back(d);
    }
    return true;
}

} // namespace

std::vector<std::string> CudaDeviceQuery::runtimeCandidates()
{
    std::vector<std::string> names = {"libcudart.so",      "libcudart.so.13",   "libcudart.so.12",
                                      "libcudart.so.11.0", "libcudart.so.10.2", "libcudart.so.10.1"};
    namespace fs = std::filesystem;
    for (const char* dir : {"/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib"}) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            const std::string f = e.path().filename().string();
            if (f.rfind("libcudart.so", 0) == 0)
                names.push_back(e.path().string());
        }
    }
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/usr/local", ec)) {
        const std::string f = e.path().filename().string();
        if (f.rfind("cuda-", 0) == 0) {
            std::error_code ec2;
            for (const auto& l : fs::directory_iterator(e.path() / "lib64", ec2))
                if (l.path().filename().string().rfind("libcudart.so", 0) == 0)
                    names.push_back(l.path().string());
        }
    }
    return names;
}

CudaInventory CudaDeviceQuery::query()
{
    CudaInventory inv;
    Lib lib;
    if (openFirst(lib, runtimeCandidates())) {
        auto getCount = sym<GetCountFn>(lib.handle, "cudaGetDeviceCount");
        auto getProps = sym<GetPropsFn>(lib.handle, "cudaGetDeviceProperties");
        auto getAttr = sym<GetAttrFn>(lib.handle, "cudaDeviceGetAttribute");
        auto rtVersion = sym<VersionFn>(lib.handle, "cudaRuntimeGetVersion");
        auto drvVersion = sym<VersionFn>(lib.handle, "cudaDriverGetVersion");
        if (getCount && getProps && getAttr) {
            inv.library = lib.path;
            if (rtVersion)
                rtVersion(&inv.runtimeVersion);
            if (drvVersion)
                drvVersion(&inv.driverVersion);
            int n = 0;
            const int rc = getCount(&n);
            if (rc != 0) {
                inv.message =
                    inv.driverVersion == 0
                        ? "The CUDA runtime is installed, but no NVIDIA driver is loaded: evaluations "
                          "run on the CPU. Install the NVIDIA driver to use GPUs."
                        : "The CUDA runtime reports no usable GPU (error " + std::to_string(rc) +
                              "): evaluations run on the CPU. Check nvidia-smi and "
                              "CUDA_VISIBLE_DEVICES.";
                return inv;
            }
            // cudaDeviceProp: `char name[256]` comes first in every version; since CUDA 10 it is
            // followed by uuid (16 bytes), luid (8) and luidDeviceNodeMask (4), then
            // totalGlobalMem (size_t, 8-aligned). The struct is < 1.1 KB; leave ample room.
            std::vector<unsigned char> props(8192);
            const std::size_t memOffset = inv.runtimeVersion >= 10000 ? 288 : 256;
            for (int i = 0; i < n; ++i) {
                CudaDevice d;
                d.index = i;
                std::fill(props.begin(), props.end(), 0);
                if (getProps(props.data(), i) == 0) {
                    props[255] = 0;
                    d.name = reinterpret_cast<const char*>(props.data());
                    std::size_t bytes = 0;
                    std::memcpy(&bytes, props.data() + memOffset, sizeof bytes);
                    d.memoryBytes = static_cast<double>(bytes);
                }
                getAttr(&d.ccMajor, kAttrCcMajor, i);
                getAttr(&d.ccMinor, kAttrCcMinor, i);
                inv.devices.push_back(d);
            }
            if (n == 0)
                inv.message = "The CUDA runtime sees no GPU: evaluations run on the CPU.";
            return inv;
        }
    }
    if (queryDriver(inv)) {
        if (inv.devices.empty() && inv.message.empty())
            inv.message = "The NVIDIA driver sees no GPU: evaluations run on the CPU.";
        return inv;
    }
    inv.message = "No CUDA runtime (libcudart.so) or NVIDIA driver found: evaluations run on the CPU. "
                  "Install the NVIDIA driver and CUDA toolkit to evaluate CUDA kernels on a GPU.";
    return inv;
}

} // namespace kw
