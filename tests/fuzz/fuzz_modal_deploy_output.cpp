// libFuzzer target: parseModalDeployOutput and modalDeployStageOf (modal deploy output).
#include "core/modal/ModalDeployOutput.h"
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (int code : {-1, 0, 1}) {
        auto r = kw::parseModalDeployOutput(text, code);
        if (!r.success && r.error.empty())
            __builtin_trap(); // a failure always says why
        for (const auto& f : r.webFunctions)
            if (f.name.empty() || f.url.rfind("http", 0) != 0)
                __builtin_trap();
        (void)kw::modalEndpointUrl(r);
    }
    (void)kw::modalDeployStageOf(text);
    return 0;
}
