// libFuzzer target: parseModalContainerList (modal container list --json).
#include "core/modal/ModalContainerList.h"
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto p = kw::parseModalContainerList(std::string_view(reinterpret_cast<const char*>(data), size));
    for (const auto& c : p.value)
        if (c.containerId.empty() || (c.pending && !c.startTime.empty()))
            __builtin_trap();
    return 0;
}
