// libFuzzer target: parseModalAppHistory (modal app history --json).
#include "core/modal/ModalAppHistory.h"
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    (void)kw::parseModalAppHistory(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
