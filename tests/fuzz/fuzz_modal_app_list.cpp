// libFuzzer target: parseModalAppList (modal app list --json, both key styles).
#include "core/modal/ModalAppList.h"
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto p = kw::parseModalAppList(text);
    for (const auto& a : p.value)
        if (a.appId.empty())
            __builtin_trap(); // rows without an id are never returned
    (void)kw::findModalApp(p.value, "kernel-rl-evaluator");
    return 0;
}
