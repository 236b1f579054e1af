#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kw {

// One row of Modal's GPU table (design.md, "Modal facts").
struct ModalGpuInfo
{
    std::string name; // canonical spelling, as Modal accepts it: "H100", "A100-80GB"
    std::string arch; // "Hopper"
    int sm = 0;       // 90
    double usdPerSecond = 0;
    int maxCount = 8; // most GPUs of this type in one container (TYPE:N)
};

// A GPU request string split up: "h100!" → {H100, pinned}, "A100-80GB:4" → {A100-80GB, 4}.
struct ModalGpuSpec
{
    const ModalGpuInfo* gpu = nullptr;
    int count = 1;
    bool pinned = false; // "H100!": never upgraded to H200
    std::string error;   // why the string is not a valid GPU type

    bool ok() const { return gpu != nullptr && error.empty(); }
    std::string canonical() const; // "H100!", "A100-80GB:4"
};

const std::vector<ModalGpuInfo>& modalGpuCatalogue();

// Case-insensitive; accepts aliases ("A100" and "A100-40GB" are the 40 GB card, "A10G" is A10).
// `TYPE:N` with N from 1 to the type's maxCount (8; A10: 4); a trailing '!' only on H100.
// "B200+" (modal 1.5) lets Modal run the function on a B200 or a B300.
ModalGpuSpec parseModalGpu(std::string_view text);

// The names a user may type, for messages and completion ("T4, L4, A10, ...").
std::string modalGpuNamesList();

} // namespace kw
