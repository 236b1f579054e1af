// libFuzzer target: parseModalTokenInfo (modal token info).
#include "core/modal/ModalTokenInfo.h"
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto p = kw::parseModalTokenInfo(std::string_view(reinterpret_cast<const char*>(data), size));
    if (p.ok() && p.value.tokenId.empty())
        __builtin_trap();
    return 0;
}
